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
    users = {str(u.get("id")): u for u in (obj.get("includes") or {}).get("users") or []
             if isinstance(u, dict)}
    data = obj.get("data")
    for tweet in [data] if isinstance(data, dict) else data or []:
        tid = str(tweet.get("id"))
        note = tweet.get("note_tweet") or {}
        text = str(note.get("text") or tweet.get("text") or "").strip()
        doc_id = f"x-{tid}"
        try:
            check_text(text, f"{name}: post {tid}")
        except BadInput as exc:
            yield InputError(str(exc), id=doc_id)
            continue
        user = users.get(str(tweet.get("author_id")), {})
        handle = user.get("username")
        yield Document(
            text=text, id=doc_id, published=_date(tweet.get("created_at")) or published,
            source=f"X: @{handle}" if handle else "X",
            url=f"https://x.com/{handle}/status/{tid}" if handle
            else f"https://x.com/i/web/status/{tid}",
            author=user.get("name") or handle, language=tweet.get("lang"))


def read_x(objs: Iterable[Any], name: str, published: date | None = None) -> Iterator[Item]:
    for obj in objs:
        if is_x_response(obj):
            yield from _response(obj, name, published)
        elif not (isinstance(obj, dict) and obj.get("meta", {}).get("result_count") == 0):
            yield InputError(f"{name}: not an X API v2 response (no data with id and text)")
