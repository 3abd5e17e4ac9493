"""Bytes to text, with a clear error for what is not text: empty, binary, undecodable, huge."""

from __future__ import annotations

MAX_BYTES = 20_000_000  # one document; larger inputs are corpora, not articles


class BadInput(ValueError):
    """A document that cannot be read; the message says why, for that item alone."""


def decode(data: bytes, name: str = "input") -> str:
    if len(data) > MAX_BYTES:
        raise BadInput(f"{name}: {len(data):,} bytes is over the {MAX_BYTES:,}-byte limit "
                       "for one document")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise BadInput(f"{name}: invalid UTF-16 text ({exc.reason})") from None
    else:
        if b"\x00" in data[:65536]:
            raise BadInput(f"{name}: binary data (NUL bytes), not text")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise BadInput(f"{name}: not valid UTF-8 text (byte {exc.start}: {exc.reason})"
                           ) from None
    check_text(text, name)
    return text


def check_text(text: str, name: str = "input") -> None:
    if not text.strip():
        raise BadInput(f"{name}: empty document")
    sample = text[:65536]
    controls = sum(1 for c in sample if ord(c) < 32 and c not in "\n\r\t\f")
    if controls > max(8, len(sample) // 100):
        raise BadInput(f"{name}: looks binary ({controls} control characters), not text")
