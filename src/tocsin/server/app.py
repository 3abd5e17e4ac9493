"""The FastAPI application: API routers, the web UI, limits and security headers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from tocsin.server.settings import Settings
from tocsin.server.state import ServerState

WEB = Path(__file__).resolve().parents[1] / "web" / "static"
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
# Everything the UI needs comes from this server; no inline script, no other origin.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


class _TooLarge(Exception):
    pass


class Guard:
    """ASGI middleware: refuses bodies over the limit (413), adds security headers."""

    def __init__(self, app: Any, max_body: int) -> None:
        self.app, self.max_body = app, max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_headers(msg: Message) -> None:
            nonlocal started
            if msg["type"] == "http.response.start":
                started = True
                msg["headers"] = list(msg.get("headers", [])) + SECURITY_HEADERS
            await send(msg)

        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            await self._refuse(send_headers)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > self.max_body:  # chunked bodies have no length to check first
                    raise _TooLarge
            return msg

        try:
            await self.app(scope, counted, send_headers)
        except _TooLarge:
            if not started:
                await self._refuse(send_headers)

    async def _refuse(self, send: Send) -> None:
        body = b'{"detail":"request body too large"}'
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


def create_app(settings: Settings) -> FastAPI:
    from tocsin.server import routes_export, routes_network, routes_read, routes_write
    from tocsin.server.apidocs import add_docs
    from tocsin.version import __version__

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.tocsin = ServerState(settings)
        try:
            yield
        finally:
            app.state.tocsin.close()

    # docs_url/redoc_url off: FastAPI's pages load Swagger UI from a CDN; apidocs serves it.
    app = FastAPI(title="tocsin", version=__version__, lifespan=lifespan,
                  docs_url=None, redoc_url=None,
                  description="Conflict reporting in, evidence-linked event data out: the "
                              "store's documents, events, actors, places, relations and "
                              "alerts. Writes need the server's token (Bearer).")
    app.state.settings = settings
    app.include_router(routes_read.router)
    app.include_router(routes_write.router)
    app.include_router(routes_export.router)
    app.include_router(routes_network.router)

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception) -> JSONResponse:
        # No stack traces or SQL to clients; the server log has them.
        import logging

        logging.getLogger("tocsin.server").exception("error on %s", request.url.path)
        return JSONResponse({"detail": "internal error"}, status_code=500)

    index = WEB / "index.html"

    @app.get("/", include_in_schema=False)
    @app.get("/map", include_in_schema=False)
    @app.get("/events", include_in_schema=False)
    @app.get("/search", include_in_schema=False)
    @app.get("/alerts", include_in_schema=False)
    @app.get("/network", include_in_schema=False)
    @app.get("/documents", include_in_schema=False)
    @app.get("/documents/{doc_id}", include_in_schema=False)
    @app.get("/alert/{alert_id}", include_in_schema=False)
    @app.get("/actor/{actor_id:path}", include_in_schema=False)
    @app.get("/event/{event_id}", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(index, media_type="text/html; charset=utf-8",
                            headers={"Cache-Control": "no-cache"})

    add_docs(app)
    from tocsin.server.vendor import add_vendor

    add_vendor(app)
    app.mount("/static", StaticFiles(directory=WEB), name="static")
    if settings.cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins,
                           allow_methods=["GET", "POST"],
                           allow_headers=["Authorization", "Content-Type"])
    from fastapi.middleware.gzip import GZipMiddleware

    app.add_middleware(GZipMiddleware, minimum_size=2048)
    app.add_middleware(Guard, max_body=settings.max_body)
    return app


def app_from_env() -> FastAPI:
    """For `uvicorn --factory tocsin.server.app:app_from_env` (settings from TOCSIN_*)."""
    import os

    return create_app(Settings.from_env(
        db=os.environ.get("TOCSIN_DB", "tocsin.duckdb"),
        host=os.environ.get("TOCSIN_HOST", "127.0.0.1")))
