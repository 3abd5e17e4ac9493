"""Token checks: writes always need the configured token; reads need it only when the
server listens beyond loopback (unless reads were opened explicitly)."""

from __future__ import annotations

import hmac

from fastapi import HTTPException, Request

from tocsin.server.settings import TOKEN_ENV, Settings


def _given(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    return request.headers.get("x-tocsin-token")


def _check(settings: Settings, request: Request) -> None:
    if not settings.token:
        raise HTTPException(403, f"writes are disabled: start the server with --token or "
                                 f"{TOKEN_ENV}")
    given = _given(request)
    if given is None:
        raise HTTPException(401, "missing token (Authorization: Bearer TOKEN)",
                            headers={"WWW-Authenticate": "Bearer"})
    # Constant-time comparison: the token must not leak through response timing.
    if not hmac.compare_digest(given.encode(), settings.token.encode()):
        raise HTTPException(401, "wrong token", headers={"WWW-Authenticate": "Bearer"})


def require_write(request: Request) -> str:
    """Dependency of write endpoints; returns a label of the caller for audit fields."""
    _check(request.app.state.settings, request)
    return "api-token"


def require_read(request: Request) -> None:
    settings: Settings = request.app.state.settings
    if settings.reads_need_token:
        _check(settings, request)
