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
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(p if isinstance(p, str) else str(p.get("text", ""))
                       for p in value if isinstance(p, str | dict))
    return ""


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _chat(chat: dict[str, Any], name: str, published: date | None) -> Iterator[Item]:
    title = _str(chat.get("name")) or "Telegram chat"
    chat_id = chat.get("id", title)
    username = _str(chat.get("username"))  # in some exports; lets us build t.me links
    messages = chat.get("messages")
    for msg in messages if isinstance(messages, list) else []:
        if not isinstance(msg, dict) or msg.get("type", "message") != "message":
            continue
        text = message_text(msg.get("text")).strip()
        if not text:
            continue
        msg_id = msg.get("id")
        doc_id = f"tg-{chat_id}-{msg_id}"
        try:
            check_text(text, f"{name}: message {msg_id}")
        except BadInput as exc:
            yield InputError(str(exc), id=doc_id)
            continue
        yield Document(
            text=text, id=doc_id, title=None, published=_date(msg.get("date")) or published,
            source=f"Telegram: {title}",
            url=f"https://t.me/{username}/{msg_id}" if username else None,
            author=_str(msg.get("from")) or _str(msg.get("author")) or title, language=None)


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
