"""The ingest loop: read inputs, skip what is stored, extract the rest, store each.

A document is skipped before extraction when its id is stored (resume, re-run) or when it
repeats a stored document (exact or near-duplicate: stored as a link, not re-extracted).
Errors are collected per document and never stop the batch.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from tocsin.model import Document, Extraction, InputError, error_json

if TYPE_CHECKING:
    from tocsin.ingest.fetch import FetchOptions
    from tocsin.pipeline import Pipeline
    from tocsin.store.store import AddResult, Store


@dataclass(slots=True)
class IngestReport:
    added: int = 0
    existing: int = 0
    duplicates: int = 0
    events: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0

    def tally(self, res: AddResult) -> None:
        """Count one stored document by what the store did with it."""
        if res.status == "added":
            self.added += 1
            self.events += res.events
        elif res.status == "duplicate":
            self.duplicates += 1
        else:
            self.existing += 1

    def summary(self) -> dict[str, Any]:
        return {"added": self.added, "existing": self.existing,
                "duplicates": self.duplicates, "events": self.events,
                "errors": len(self.errors), "seconds": round(self.seconds, 2)}


class _Reporter:
    def __init__(self, report_path: str | Path | None, log: IO[str] | None) -> None:
        self.file = open(report_path, "w", encoding="utf-8") if report_path else None  # noqa: SIM115
        self.log = log

    def error(self, rep: IngestReport, err: InputError, origin: str | None) -> None:
        line = {**error_json(err), "input": origin}
        rep.errors.append(line)
        if self.file:
            self.file.write(json.dumps(line, ensure_ascii=False) + "\n")
            self.file.flush()
        self.say(f"error {err.message}")

    def say(self, line: str) -> None:
        if self.log:
            self.log.write(line + "\n")
            self.log.flush()

    def close(self) -> None:
        if self.file:
            self.file.close()


def ingest(store: Store, paths: Iterable[str], published: date | None = None,
           opts: FetchOptions | None = None, pipeline: Pipeline | None = None,
           report_path: str | Path | None = None, progress: bool = False,
           log: IO[str] | None = None, reprocess: bool = False) -> IngestReport:
    """Ingest every document of every path into `store`; returns the counts and errors.

    `reprocess` re-extracts stored documents whose pipeline version differs.
    """
    from tocsin.api import get_pipeline

    pipe = pipeline or get_pipeline()
    rep, out = IngestReport(), _Reporter(report_path, log)
    origins: dict[str, str] = {}
    start = time.monotonic()

    def fresh() -> Iterator[Document | InputError]:
        for path in paths:
            for item in _read(path, published, opts, store, reprocess):
                if isinstance(item, InputError):
                    out.error(rep, item, path)
                    continue
                stored = store.stored_pipeline(item.id)
                if stored is not None and (not reprocess or stored == pipe.version):
                    rep.existing += 1
                    continue
                origins[item.id] = path
                if store.find_duplicate(item) is not None:
                    # Stored as a link to what it repeats; no need to extract it.
                    _store(Extraction(doc=item, pipeline=pipe.version))
                    continue
                yield item

    def _store(ext: Extraction) -> None:
        try:
            res = store.add(ext, origin=origins.get(ext.doc.id), reprocess=reprocess)
        except Exception as exc:  # a storage error loses this document only
            out.error(rep, InputError(f"store failed: {type(exc).__name__}: {exc}",
                                      id=ext.doc.id, title=ext.doc.title,
                                      source=ext.doc.source, url=ext.doc.url),
                      origins.get(ext.doc.id))
            return
        rep.tally(res)
        out.say(f"{res.status} {res.doc_id}")
        if bar is not None:
            bar.update(task, advance=1, description=f"{rep.added} added, "
                       f"{rep.duplicates} dup, {len(rep.errors)} errors")

    bar, task = _progress(progress)
    try:
        for result in pipe.pipe(fresh()):
            if isinstance(result, InputError):
                out.error(rep, result, origins.get(result.id or ""))
            else:
                _store(result)
    finally:
        if bar is not None:
            bar.stop()
        out.close()
        rep.seconds = time.monotonic() - start
    return rep


def _read(path: str, published: date | None, opts: FetchOptions | None, store: Store,
          reprocess: bool) -> Iterator[Document | InputError]:
    from tocsin.ingest import read_path

    yield from read_path(path, published, opts=opts,
                         skip=None if reprocess else store.has_document)


def _progress(enabled: bool) -> tuple[Any, Any]:
    if not enabled:
        return None, None
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    bar = Progress(SpinnerColumn(), TextColumn("{task.completed} documents"),
                   TextColumn("{task.description}"), TimeElapsedColumn(),
                   console=Console(file=sys.stderr), transient=False)
    bar.start()
    return bar, bar.add_task("", total=None)
