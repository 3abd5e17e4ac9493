"""Partitions of a corpus: planned by streaming over the inputs, read back by workers.

A partition is a list of sources: byte ranges of JSON Lines files (cut every N lines,
found by one streamed pass, so a corpus file is never loaded whole) or whole files of any
other format (N per partition; a large file alone). Its id hashes its sources and the
pipeline version, so a re-run over the same inputs plans the same partitions and can
resume from those already done.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from tocsin.model import Document, InputError, stable_id

JSONL_EXTS = (".jsonl", ".ndjson")
MAX_PARTITION_BYTES = 64_000_000  # also cuts a range of few but long lines
Item = Document | InputError


@dataclass(slots=True)
class Source:
    kind: str  # "range" (JSON Lines bytes [start, end)) | "file" (any input, read whole)
    path: str
    origin: str  # the file as the user's argument names it (the store's `origin` column)
    start: int = 0
    end: int = 0
    line: int = 1  # number of the range's first line, for error messages

    def key(self) -> str:
        return f"{self.kind}|{self.path}|{self.start}|{self.end}"


@dataclass(slots=True)
class Partition:
    index: int
    sources: list[Source] = field(default_factory=list)
    size: int = 0  # documents (lines, or files) it is expected to hold

    @property
    def id(self) -> str:
        # The pipeline version is part of it: a new version extracts partitions anew.
        from tocsin.version import PIPELINE_VERSION

        return stable_id(PIPELINE_VERSION, *(s.key() for s in self.sources))

    def to_dict(self) -> dict[str, Any]:
        return {"index": self.index, "size": self.size,
                "sources": [{"kind": s.kind, "path": s.path, "origin": s.origin,
                             "start": s.start, "end": s.end, "line": s.line}
                            for s in self.sources]}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Partition:
        return cls(d["index"], [Source(**s) for s in d["sources"]], d.get("size", 0))


def _files(path: str) -> Iterator[tuple[str, str]]:
    """(path to read, resolved for workers elsewhere; the name a serial run gives it)."""
    from tocsin.ingest.walk import is_url, walk

    if is_url(path) or path == "-":
        yield path, path
        return
    p = Path(path)
    if p.is_dir():
        for f in walk(p):
            yield str(f.resolve()), str(f)
    else:
        yield (str(p.resolve()) if p.exists() else path), path


def _ranges(path: str, origin: str, size: int) -> Iterator[Source]:
    from tocsin.ingest.jsonl import lines

    with open(path, "rb") as f:
        start = pos = 0
        first, count, n = 1, 0, 0
        for n, raw in lines(f):
            pos = f.tell()
            count += 1
            if count >= size or pos - start >= MAX_PARTITION_BYTES or raw is None:
                yield Source("range", path, origin, start, pos, first)
                start, first, count = pos, n + 1, 0
        if count:
            yield Source("range", path, origin, start, pos, first)


def plan(paths: Iterable[str], size: int = 200, max_bytes: int = MAX_PARTITION_BYTES
         ) -> Iterator[Partition]:
    """Partitions of about `size` documents each, in input order (lazily)."""
    index = 0
    group, group_bytes = Partition(0), 0
    for arg in paths:
        for f, origin in _files(arg):
            p = Path(f)
            if p.suffix.lower() in JSONL_EXTS and p.is_file():
                if group.sources:
                    yield group
                    index += 1
                for src in _ranges(f, origin, size):
                    yield Partition(index, [src], size)
                    index += 1
                group, group_bytes = Partition(index), 0
                continue
            nbytes = p.stat().st_size if p.is_file() else 0
            if group.sources and (group.size >= size or group_bytes + nbytes > max_bytes):
                yield group
                index += 1
                group, group_bytes = Partition(index), 0
            group.sources.append(Source("file", f, origin))
            group.size += 1
            group_bytes += nbytes
    if group.sources:
        yield group


def _named(item: Item, src: Source) -> tuple[str, Item]:
    # Records are named as a serial run names them: the user's path, then the record.
    where = item.origin or src.path
    if where.startswith(src.path):
        where = src.origin + where[len(src.path):]
    item.origin = where
    return where, item


def read_partition(part: Partition, published: date | None = None,
                   fetch_options: Any = None) -> Iterator[tuple[str, Item]]:
    """(origin, document or error) for every item of the partition, in order; the
    origin names the file and the record."""
    from tocsin.ingest import read_path
    from tocsin.ingest.jsonl import read_jsonl_file

    for src in part.sources:
        if src.kind == "range":
            try:
                with open(src.path, "rb") as f:
                    for item in read_jsonl_file(f, src.path, published, src.start, src.end,
                                                src.line):
                        yield _named(item, src)
            except OSError as exc:
                yield _named(InputError(f"{src.path}: cannot read ({exc.strerror or exc})"),
                             src)
        else:
            for item in read_path(src.path, published, opts=fetch_options):
                yield _named(item, src)


def describe(part: Partition) -> str:
    return json.dumps(part.to_dict(), ensure_ascii=False)
