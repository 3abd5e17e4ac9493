"""Helpers shared by the route modules: fast JSON responses, state access, errors."""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import Response

from tocsin.server.state import Reader, ServerState
from tocsin.store.queries import QueryError


def _default(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes):
        return None  # signatures and blobs are not for clients
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    return str(value)


def _clean(value: Any) -> Any:
    # JSON has no NaN/Infinity: such floats become null.
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def dumps(obj: Any) -> str:
    try:
        return json.dumps(obj, ensure_ascii=False, default=_default, allow_nan=False)
    except ValueError:
        return json.dumps(_clean(obj), ensure_ascii=False, default=_default)


def ok(obj: Any, status: int = 200) -> Response:
    return Response(dumps(obj), status_code=status, media_type="application/json")


def state(request: Request) -> ServerState:
    st: ServerState = request.app.state.tocsin
    return st


def reader(request: Request) -> Reader:
    return state(request).reader()


def bad_query(exc: QueryError) -> HTTPException:
    return HTTPException(400, str(exc))
