"""Directories, and the choice of reader for one file by extension and by sniffing.

`read_any` is what `read_path` defers to for everything beyond plain text, HTML and
JSONL: URLs, directories (recursively, in sorted order), CSV/TSV, JSON (Telegram
exports, X API responses, records), RSS/Atom files and lists of feed URLs.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from tocsin.ingest.decode import BadInput, decode
from tocsin.ingest.feeds import (
    Skip,
    is_url,
    is_url_list,
    looks_like_feed,
    read_feed,
    read_url,
    read_url_list,
)
from tocsin.ingest.fetch import FetchOptions
from tocsin.model import Document, InputError

Item = Document | InputError
TEXT_EXTS = frozenset({".txt", ".text", ".md", ".html", ".htm", ".xhtml", ".jsonl",
                       ".ndjson", ".json", ".csv", ".tsv", ".xml", ".rss", ".atom", ""})


def walk(root: Path) -> Iterator[Path]:
    """Readable files under `root`, sorted; hidden entries and media files are left out."""
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).parts
        if any(p.startswith(".") for p in rel) or not path.is_file():
            continue
        if path.suffix.lower() in TEXT_EXTS:
            yield path


def special_kind(path: str, data: bytes) -> str | None:
    """csv|json|feed|urls for the formats this module reads, else None."""
    ext = Path(path).suffix.lower()
    if ext in (".csv", ".tsv"):
        return "csv"
    if ext == ".json":
        return "json"
    if ext in (".xml", ".rss", ".atom") or looks_like_feed(data):
        return "feed"
    if ext in (".txt", "") and len(data) < 1_000_000:
        try:
            if is_url_list(data.decode("utf-8-sig")):
                return "urls"
        except UnicodeDecodeError:
            return None
    return None


def read_json(obj: Any, name: str, published: date | None) -> Iterator[Item]:
    from tocsin.ingest import _id_of, from_record
    from tocsin.ingest.telegram import is_telegram_export, read_telegram
    from tocsin.ingest.x_export import is_x_response, read_x

    if is_telegram_export(obj):
        yield from read_telegram(obj, name, published)
    elif is_x_response(obj) or (isinstance(obj, list) and obj and is_x_response(obj[0])):
        yield from read_x(obj if isinstance(obj, list) else [obj], name, published)
    else:
        for n, rec in enumerate(obj if isinstance(obj, list) else [obj], 1):
            try:
                yield from_record(rec, f"{name}[{n}]", published)
            except BadInput as exc:
                yield InputError(str(exc), id=_id_of(rec), origin=f"{name}[{n}]")


def read_special(path: str, data: bytes, kind: str, published: date | None,
                 opts: FetchOptions | None, skip: Skip | None) -> Iterator[Item]:
    from tocsin.ingest.csv_reader import read_csv

    opts = opts or FetchOptions()
    try:
        if kind == "feed":
            yield from read_feed(data, path, published, opts, skip)
            return
        text = decode(data, path)
        if kind == "csv":
            yield from read_csv(text, path, published)
        elif kind == "urls":
            yield from read_url_list(text, path, published, opts, skip)
        else:
            try:
                obj = json.loads(text)
            except json.JSONDecodeError:
                from tocsin.ingest import read_jsonl  # JSON Lines saved as .json

                lines = [json.loads(x) for x in text.splitlines() if x.strip()]
                if lines and all(isinstance(x, dict) and "data" in x for x in lines):
                    yield from read_json(lines, path, published)
                else:
                    yield from read_jsonl(text, path, published)
                return
            yield from read_json(obj, path, published)
    except json.JSONDecodeError as exc:
        yield InputError(f"{path}: malformed JSON ({exc.msg} at line {exc.lineno})")
    except BadInput as exc:
        yield InputError(str(exc))
    except RecursionError:
        yield InputError(f"{path}: JSON nested too deeply")
    except ValueError as exc:  # e.g. an integer of more digits than Python converts
        yield InputError(f"{path}: unreadable JSON value ({str(exc)[:120]})")


def read_any(path: str, published: date | None = None, opts: FetchOptions | None = None,
             skip: Skip | None = None) -> Iterator[Item]:
    """Any input: URL, directory or file; `opts` None uses default fetch options."""
    from tocsin.ingest import read_path

    if is_url(path):
        yield from read_url(path, published, opts, skip)
        return
    p = Path(path)
    if p.is_dir():
        for f in walk(p):
            yield from read_path(str(f), published, opts=opts, skip=skip)
        return
    yield from read_path(path, published, opts=opts, skip=skip)
