"""Bytes to text, with a clear error for what is not text: empty, binary, undecodable, huge,
control characters, no words, or a serialized list or object where prose belongs."""

from __future__ import annotations

import ast
import json
import re

MAX_BYTES = 20_000_000  # one document; larger inputs are corpora, not articles


class BadInput(ValueError):
    """A document that cannot be read; the message says why, for that item alone."""


def decode(data: bytes, name: str = "input") -> str:
    """A file's bytes as text (UTF-8, or UTF-16 with a byte-order mark); what the text
    holds is checked by the reader of its format (`check_text` for a document's text)."""
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
    if not text.strip():
        raise BadInput(f"{name}: empty document")
    _check_controls(text, name)
    return text


def _check_controls(text: str, name: str) -> None:
    sample = text[:65536]
    controls = len(CONTROL.findall(sample))
    if controls > max(8, len(sample) // 100) or not CONTROL.sub("", sample).strip():
        raise BadInput(f"{name}: looks binary ({controls} control characters), not text")


NO_PROSE_RUN = 1000  # characters without whitespace: no word of prose is this long
SHORT_RUNS = re.compile(rf"(?<!\S)\S{{1,{NO_PROSE_RUN}}}(?!\S)")
LETTER = re.compile(r"[^\W\d_]")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def check_text(text: str, name: str = "input") -> None:
    """Raise `BadInput` unless `text` holds something to analyse: words, not only
    whitespace, control characters, symbols or emoji, nor a serialized list or object."""
    if not text.strip():
        raise BadInput(f"{name}: empty document")
    if "\x00" in text:
        raise BadInput(f"{name}: NUL characters in the text (binary data), not text")
    _check_controls(text, name)
    if not LETTER.search(text):
        raise BadInput(f"{name}: no letters (only digits, symbols, emoji or invisible "
                       "characters): nothing to analyse")
    if not any(LETTER.search(m.group()) for m in SHORT_RUNS.finditer(text)):
        raise BadInput(f"{name}: no words: the letters are only in runs of over "
                       f"{NO_PROSE_RUN:,} characters without a space, not prose")
    if serialized(text):
        raise BadInput(f"{name}: the text is a serialized list or object "
                       f"({text.strip()[:40]!r}), not prose")


def serialized(value: str) -> bool:
    """Whether `value` is a JSON or Python list/dict literal (a program's junk, such as
    str(['a']), where text or an id belongs)."""
    v = value.strip()
    if len(v) < 2 or len(v) > 20_000 or (v[0], v[-1]) not in (("[", "]"), ("{", "}")):
        return False
    for parse in (json.loads, ast.literal_eval):
        try:
            return isinstance(parse(v), list | dict | set | tuple)
        except (ValueError, SyntaxError, TypeError, RecursionError, MemoryError):
            continue
    return False
