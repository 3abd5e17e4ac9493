"""JSON Lines, streamed: one line at a time, each decoded and parsed on its own.

A file is never read whole, a line longer than the one-document limit is reported and
skipped without being held in memory, and a bad line (invalid UTF-8, NUL bytes, malformed
or pathological JSON) is an error for that line alone.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import IO, Any

from tocsin.ingest.decode import MAX_BYTES, BadInput
from tocsin.model import Document, InputError

Item = Document | InputError
CHUNK = 1 << 20


def lines(f: IO[bytes], start: int = 0, end: int | None = None, first_line: int = 1,
          limit: int = MAX_BYTES) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) of the lines starting in [start, end); None for a line over
    `limit` bytes (its rest is skipped in chunks, never held)."""
    f.seek(start)
    pos, n = start, first_line
    while end is None or pos < end:
        line = f.readline(limit + 1)
        if not line:
            return
        pos += len(line)
        if len(line) > limit and not line.endswith(b"\n"):
            while True:  # skip the rest of the overlong line
                rest = f.readline(CHUNK)
                pos += len(rest)
                if not rest or rest.endswith(b"\n"):
                    break
            yield n, None
        else:
            yield n, line
        n += 1


def parse_line(raw: bytes | None, where: str, published: date | None) -> Item | None:
    """One JSONL line -> a Document, an InputError, or None for a blank line."""
    from tocsin.ingest import _id_of, from_record

    if raw is None:
        return InputError(f"{where}: line is over the {MAX_BYTES:,}-byte limit for one "
                          "document", origin=where)
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if not raw.strip():
        return None
    if b"\x00" in raw:
        return InputError(f"{where}: binary data (NUL bytes), not text", origin=where)
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return InputError(f"{where}: not valid UTF-8 text (byte {exc.start}: {exc.reason})",
                          origin=where)
    rec: Any = None
    try:
        rec = json.loads(line)
        return from_record(rec, where, published)
    except json.JSONDecodeError as exc:
        return InputError(f"{where}: malformed JSON ({exc.msg} at column {exc.colno})",
                          origin=where)
    except RecursionError:
        return InputError(f"{where}: JSON nested too deeply", origin=where)
    except BadInput as exc:
        return InputError(str(exc), id=_id_of(rec), origin=where)
    except ValueError as exc:  # e.g. an integer of more digits than Python converts
        return InputError(f"{where}: unreadable JSON value ({str(exc)[:120]})", origin=where)


def read_jsonl_file(f: IO[bytes], name: str, published: date | None = None, start: int = 0,
                    end: int | None = None, first_line: int = 1) -> Iterator[Item]:
    for n, raw in lines(f, start, end, first_line):
        item = parse_line(raw, f"{name}:{n}", published)
        if item is not None:
            yield item
