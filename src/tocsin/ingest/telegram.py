"""Telegram Desktop exports (result.json): one document per channel message with text.

A single-chat export is an object with ``name``, ``id`` and ``messages``; a full-account
export nests chats under ``chats.list``. Message text is a string or a list of strings
and entity objects ({"type": "link", "text": ...}); service messages and media without a
caption carry no text and are skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from tocsin.ingest.decode import BadInput, check_text
from tocsin.model import Document, InputError

Item = Document | InputError


def is_telegram_export(obj: Any) -> bool:
    if not isinstance(obj, dict):
        return False
    if isinstance(obj.get("messages"), list) and ("name" in obj or "type" in obj):
        return True
    chats = obj.get("chats")
    return isinstance(chats, dict) and isinstance(chats.get("list"), list)


def message_text(value: Any) -> str:
    """A message's text: a string, or a list of strings and entity objects whose "text"
    is a string. Anything else (a number, a boolean, an object, a nested list) is not
    text: `BadInput`, never its str() stored as if it were."""
    if value is None or isinstance(value, str):
        return value or ""
    if isinstance(value, list):
        parts = []
        for p in value:
            if isinstance(p, str):
                parts.append(p)
            elif isinstance(p, dict) and isinstance(p.get("text", ""), str):
                parts.append(p.get("text", ""))
            else:
                raise BadInput(f"a text part is a {type(p).__name__}"
                               + (" with a non-string text" if isinstance(p, dict) else ""))
        return "".join(parts)
    raise BadInput(f"the text is a {type(value).__name__}, not a string or a list of parts")


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _chat(chat: dict[str, Any], name: str, published: date | None) -> Iterator[Item]:
    title = _str(chat.get("name")) or "Telegram chat"
    chat_id = _key(chat.get("id")) or title
    username = _str(chat.get("username"))  # in some exports; lets us build t.me links
    messages = chat.get("messages")
    for n, msg in enumerate(messages if isinstance(messages, list) else [], 1):
        where = f"{name}[{n}]"
        if not isinstance(msg, dict):
            yield InputError(f"{where}: message is a {type(msg).__name__}, not an object",
                             origin=where)
            continue
        if msg.get("type", "message") != "message":
            continue  # service messages (joins, pins) carry no text
        msg_id = _key(msg.get("id")) or f"n{n}"
        doc_id = f"tg-{chat_id}-{msg_id}"
        try:
            text = message_text(msg.get("text")).strip()
            if not text and "text" in msg and msg.get("text") not in ("", []):
                check_text(text, "")
            if not text:
                continue  # media without a caption
            check_text(text, "")
        except BadInput as exc:
            yield InputError(f"{where}: message {msg_id}: {str(exc).lstrip(': ')}",
                             id=doc_id, origin=where)
            continue
        yield Document(
            text=text, id=doc_id, title=None, published=_date(msg.get("date")) or published,
            source=f"Telegram: {title}",
            url=f"https://t.me/{username}/{msg_id}" if username else None,
            author=_str(msg.get("from")) or _str(msg.get("author")) or title, language=None,
            origin=where)


def _key(value: Any) -> str | None:
    # Ids are numbers in real exports; anything else is not one.
    return str(value) if isinstance(value, str | int) and not isinstance(value, bool) \
        and str(value).strip() else None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def read_telegram(obj: Any, name: str, published: date | None = None) -> Iterator[Item]:
    if not is_telegram_export(obj):
        yield InputError(f"{name}: not a Telegram Desktop export (no messages)")
        return
    chats = obj["chats"]["list"] if isinstance(obj.get("chats"), dict) \
        and isinstance(obj["chats"].get("list"), list) else [obj]
    for chat in chats:
        if isinstance(chat, dict):
            yield from _chat(chat, name, published)
