"""Readers: every input format yields `Document`s, or `InputError`s for bad items.

Readers know nothing of the pipeline. A bad item never stops the others.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tocsin.ingest.decode import CONTROL, MAX_BYTES, BadInput, check_text, decode, serialized
from tocsin.ingest.html import looks_like_html, read_html
from tocsin.ingest.jsonl import read_jsonl_file
from tocsin.model import Document, InputError

if TYPE_CHECKING:
    from tocsin.ingest.fetch import FetchOptions

Item = Document | InputError


def parse_date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def from_record(rec: dict[str, Any], name: str, published: date | None) -> Document:
    """A JSONL/JSON record {id, text|html, title, published, source, url} -> Document."""
    if not isinstance(rec, dict):
        raise BadInput(f"{name}: expected a JSON object, got {type(rec).__name__}")
    pub = parse_date(rec.get("published") or rec.get("date")) or published
    rid = record_id(rec.get("id"), name)
    if isinstance(rec.get("html"), str) and rec["html"].strip():
        doc = read_html(rec["html"], name, pub, _meta(rec.get("url")))
    elif isinstance(rec.get("text"), str):
        check_text(rec["text"], name)
        doc = Document(text=rec["text"], published=pub)
    else:
        raise BadInput(f"{name}: record has neither a 'text' nor an 'html' string")
    doc.id = rid or doc.id
    doc.origin = name
    doc.title = _meta(rec.get("title")) or doc.title
    doc.source = _meta(rec.get("source")) or doc.source
    doc.url = _meta(rec.get("url")) or doc.url
    doc.author = _meta(rec.get("author")) or doc.author
    doc.language = _meta(rec.get("language")) or doc.language
    return doc


MAX_ID = 512


def record_id(value: Any, name: str) -> str | None:
    """A record's id as text (None when it has none); a list, an object, a boolean or a
    serialized one ("{'a': 1}") is not an id but a program's junk, and an error."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise BadInput(f"{name}: the id is a {type(value).__name__} "
                       f"({json.dumps(value, default=str)[:40]}), not a string or number")
    rid = str(value).strip()
    if not rid or len(rid) > MAX_ID or serialized(rid) or CONTROL.search(rid):
        raise BadInput(f"{name}: unusable id {rid[:40]!r} (empty, over {MAX_ID} characters, "
                       "control characters or a serialized list or object)")
    return rid


def _meta(value: Any) -> str | None:
    # Metadata is text; a number is kept as text, a list or object is not metadata.
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def read_jsonl(text: str, name: str, published: date | None) -> Iterator[Item]:
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{name}:{n}"
        rec: Any = None
        try:
            rec = json.loads(line)
            yield from_record(rec, where, published)
        except json.JSONDecodeError as exc:
            yield InputError(f"{where}: malformed JSON ({exc.msg} at column {exc.colno})",
                             origin=where)
        except BadInput as exc:
            yield InputError(str(exc), id=_id_of(rec), origin=where)
        except RecursionError:
            yield InputError(f"{where}: JSON nested too deeply", origin=where)
        except ValueError as exc:  # e.g. an integer of more digits than Python converts
            yield InputError(f"{where}: unreadable JSON value ({str(exc)[:120]})",
                             origin=where)


def _id_of(rec: Any) -> str | None:
    """A record's id for its error line, when it is a usable one."""
    rid = rec.get("id") if isinstance(rec, dict) else None
    return str(rid) if isinstance(rid, str | int) and not isinstance(rid, bool) else None


def read_bytes(data: bytes, name: str, published: date | None = None,
               kind: str | None = None) -> Iterator[Item]:
    """One input's bytes -> documents. `kind` is text|html|jsonl, guessed when None."""
    try:
        if kind is None:
            lower = name.lower()
            if lower.endswith((".jsonl", ".ndjson")):
                kind = "jsonl"
            elif lower.endswith((".html", ".htm")) or looks_like_html(data):
                kind = "html"
            else:
                kind = "text"
        if kind == "jsonl" and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            # Line by line, so that one bad line is an error for that line alone.
            if not data.strip():
                raise BadInput(f"{name}: empty document")
            yield from read_jsonl_file(io.BytesIO(data), name, published)
            return
        text = decode(data, name)
        if kind == "jsonl":
            yield from read_jsonl(text, name, published)
        elif kind == "html":
            yield read_html(text, name, published)
        else:
            check_text(text, name)
            yield Document(text=text, published=published, origin=name)
    except BadInput as exc:
        yield InputError(str(exc), origin=name)


def read_path(path: str, published: date | None = None, *, opts: FetchOptions | None = None,
              skip: Callable[[str], bool] | None = None) -> Iterator[Item]:
    """A file path, a directory, an http(s) URL, or '-' for standard input.

    CSV/TSV, JSON (Telegram, X, records), feeds and URL lists go to their readers in
    `tocsin.ingest.walk`; `opts` governs network fetches, `skip(doc_id)` lets a caller
    avoid fetching pages of items it already has.
    """
    if path == "-":
        yield from _guarded(read_bytes(sys.stdin.buffer.read(), "<stdin>", published),
                            "<stdin>")
        return
    from tocsin.ingest import walk

    p = Path(path)
    if walk.is_url(path) or p.is_dir():
        yield from walk.read_any(path, published, opts, skip)
        return
    try:
        if p.suffix.lower() in (".jsonl", ".ndjson") and p.stat().st_size > MAX_BYTES:
            # A corpus file: streamed, never read whole.
            with p.open("rb") as f:
                yield from _guarded(read_jsonl_file(f, path, published), path)
            return
        data = p.read_bytes()
    except OSError as exc:
        yield InputError(f"{path}: cannot read ({exc.strerror or exc})", origin=path)
        return
    kind = walk.special_kind(path, data)
    if kind is not None:
        skipped: list[str] = []  # items already stored are an outcome too

        def counted(doc_id: str) -> bool:
            if skip is not None and skip(doc_id):
                skipped.append(doc_id)
                return True
            return False

        yield from _guarded(walk.read_special(path, data, kind, published, opts, counted),
                            path, lambda: bool(skipped))
        return
    yield from _guarded(read_bytes(data, path, published), path)


def _guarded(items: Iterator[Item], name: str,
             skipped: Callable[[], bool] = lambda: False) -> Iterator[Item]:
    """The last line of defence: a reader bug ends that input with an error, not the run;
    every item names where it came from, and an input that yields nothing is an error."""
    n = 0
    try:
        for item in items:
            item.origin = item.origin or name
            n += 1
            yield item
    except RecursionError:
        n += 1
        yield InputError(f"{name}: input nested too deeply to read", origin=name)
    except Exception as exc:
        n += 1
        yield InputError(f"{name}: reader failed ({type(exc).__name__}: {str(exc)[:200]})",
                         origin=name)
    if n == 0 and not skipped():
        yield InputError(f"{name}: no documents in this input (no record, item or message "
                         "with text)", origin=name)
