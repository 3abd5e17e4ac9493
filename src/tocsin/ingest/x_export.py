"""X/Twitter API v2 responses: ``{"data": [tweets], "includes": {"users": [...]}}``.

Accepts one response object, a list of them, or JSON Lines of them (paginated pulls).
Long posts keep their full text in ``note_tweet.text``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from tocsin.ingest.decode import BadInput, check_text
from tocsin.model import Document, InputError

Item = Document | InputError


def is_x_response(obj: Any) -> bool:
    if not isinstance(obj, dict):
        return False
    data = obj.get("data")
    if isinstance(data, dict):
        data = [data]
    return isinstance(data, list) and bool(data) and all(
        isinstance(t, dict) and "id" in t and "text" in t for t in data[:5])


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _response(obj: dict[str, Any], name: str, published: date | None) -> Iterator[Item]:
    from tocsin.ingest import record_id

    includes = obj.get("includes")
    listed = includes.get("users") if isinstance(includes, dict) else None
    users = {str(u.get("id")): u for u in listed if isinstance(u, dict)} \
        if isinstance(listed, list) else {}
    data = obj.get("data")
    for n, tweet in enumerate([data] if isinstance(data, dict) else data or [], 1):
        where = f"{name}[{n}]"
        if not isinstance(tweet, dict):
            yield InputError(f"{where}: post is not an object ({type(tweet).__name__})",
                             origin=where)
            continue
        note = tweet.get("note_tweet")
        note_text = note.get("text") if isinstance(note, dict) else None
        raw = note_text or tweet.get("text") or ""
        text = (raw if isinstance(raw, str) else "").strip()
        try:
            tid = record_id(tweet.get("id"), where) or f"n{n}"
            if not isinstance(raw, str):
                raise BadInput(f"{where}: the text is a {type(raw).__name__}, not a string")
            check_text(text, f"{where}: post {tid}")
        except BadInput as exc:
            yield InputError(str(exc), origin=where)
            continue
        doc_id = f"x-{tid}"
        user = users.get(str(tweet.get("author_id")), {})
        handle = _str(user.get("username"))
        yield Document(
            text=text, id=doc_id, published=_date(tweet.get("created_at")) or published,
            source=f"X: @{handle}" if handle else "X",
            url=f"https://x.com/{handle}/status/{tid}" if handle
            else f"https://x.com/i/web/status/{tid}",
            author=_str(user.get("name")) or handle, language=_str(tweet.get("lang")),
            origin=where)


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def read_x(objs: Iterable[Any], name: str, published: date | None = None) -> Iterator[Item]:
    for n, obj in enumerate(objs, 1):
        if is_x_response(obj):
            yield from _response(obj, name if n == 1 else f"{name}#{n}", published)
        elif not (isinstance(obj, dict) and isinstance(obj.get("meta"), dict)
                  and obj["meta"].get("result_count") == 0):
            yield InputError(f"{name}: not an X API v2 response (no data with id and text)")
