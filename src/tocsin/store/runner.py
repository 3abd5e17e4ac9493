"""The ingest loop: read inputs, skip what is stored, extract the rest, store them.

Documents go in chunks of STORE_BATCH. A chunk is looked up in the store with one query
(`Store.screen`): a document whose id is stored (resume, re-run) is skipped, one that
repeats a stored document (exact or near-duplicate) is stored as a link without being
extracted, one that repeats an earlier document of its chunk is not extracted either (it
exists, or is a link, once that one is stored), the rest are extracted. The chunk is then
stored in one batch, in input order (`add_many`: the same outcome as one by one, at a
fraction of the cost on short reports). Errors are collected per document and never stop
the batch.
"""

from __future__ import annotations

import json
import os
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
    conflicts: list[dict[str, Any]] = field(default_factory=list)  # same id, other text
    seconds: float = 0.0
    added_ids: list[str] = field(default_factory=list)  # what the alert refresh reads

    def store(self, store: Store, exts: list[Extraction], origins: list[str | None],
              out: _Reporter, reprocess: bool = False, say: bool = True) -> list[bool]:
        """Apply a batch of extractions and report each one's outcome or error (`say`:
        a line per document to the log); whether each was stored."""
        results = store.add_many(exts, origins, reprocess)
        for ext, origin, res in zip(exts, origins, results, strict=True):
            if isinstance(res, Exception):  # a storage error loses this document only
                d = ext.doc
                out.error(self, InputError(f"{origin or d.origin}: store failed: "
                                           f"{type(res).__name__}: {res}", id=d.id,
                                           title=d.title, source=d.source, url=d.url,
                                           origin=d.origin), origin or d.origin)
                continue
            self.tally(res)
            if res.conflict:
                out.conflict(self, res, origin or ext.doc.origin)
            if say:
                out.say(f"{res.status} {res.doc_id}")
        return [not isinstance(res, Exception) for res in results]

    def tally(self, res: AddResult) -> None:
        """Count one stored document by what the store did with it."""
        if res.status == "added":
            self.added += 1
            self.events += res.events
            self.added_ids.append(res.doc_id)
        elif res.status == "duplicate":
            self.duplicates += 1
        else:
            self.existing += 1

    def summary(self) -> dict[str, Any]:
        return {"added": self.added, "existing": self.existing,
                "duplicates": self.duplicates, "events": self.events,
                "errors": len(self.errors), "id_conflicts": len(self.conflicts),
                "seconds": round(self.seconds, 2)}


class _Reporter:
    def __init__(self, report_path: str | Path | None, log: IO[str] | None) -> None:
        self.file = open(report_path, "w", encoding="utf-8") if report_path else None  # noqa: SIM115
        self.log = log

    def error(self, rep: IngestReport, err: InputError, origin: str | None) -> None:
        line = {**error_json(err), "input": err.origin or origin}
        rep.errors.append(line)
        self._write(line)
        self.say(f"error {err.message}")

    def conflict(self, rep: IngestReport, res: AddResult, origin: str | None) -> None:
        """A record whose id another text holds: stored under another id, and said so."""
        line = {"doc": {"id": res.doc_id}, "notice": res.conflict, "input": origin}
        rep.conflicts.append(line)
        self._write(line)
        self.say(f"notice {origin}: {res.conflict}")

    def _write(self, line: dict[str, Any]) -> None:
        if self.file:
            self.file.write(json.dumps(line, ensure_ascii=False) + "\n")
            self.file.flush()

    def say(self, line: str) -> None:
        if self.log:
            self.log.write(line + "\n")
            self.log.flush()

    def close(self) -> None:
        if self.file:
            self.file.close()


DOC_TIMEOUT = 120.0  # seconds per document, in every engine
STORE_BATCH = 64  # extractions per store transaction (TOCSIN_STORE_BATCH overrides)


def store_batch() -> int:
    """Extractions per store transaction (a kill loses at most one batch's work)."""
    return max(1, int(os.environ.get("TOCSIN_STORE_BATCH") or STORE_BATCH))


def ingest(store: Store, paths: Iterable[str], published: date | None = None,
           opts: FetchOptions | None = None, pipeline: Pipeline | None = None,
           report_path: str | Path | None = None, progress: bool = False,
           log: IO[str] | None = None, reprocess: bool = False,
           doc_timeout: float | None = DOC_TIMEOUT, progress_every: float = 30.0
           ) -> IngestReport:
    """Ingest every document of every path into `store`; returns the counts and errors.

    `reprocess` re-extracts stored documents whose pipeline version differs; a document
    over `doc_timeout` seconds is an error. `progress` draws a bar (on a terminal);
    otherwise a progress line goes to stderr every `progress_every` seconds (0: never).
    """
    from tocsin.api import get_pipeline
    from tocsin.progress import Progress, inputs

    pipe = pipeline or get_pipeline()
    rep, out = IngestReport(), _Reporter(report_path, log)
    start = time.monotonic()
    files = inputs(paths)
    bar = Progress(len(files), "inputs", tty=progress, every=progress_every)

    def already(doc_id: str) -> bool:
        # Feed items and pages already stored are skipped before being fetched.
        if reprocess or not store.has_document(doc_id):
            return False
        rep.existing += 1
        return True

    def chunks() -> Iterator[list[Document]]:
        # Input errors are reported as read; documents go on in chunks of a store batch.
        from tocsin.ingest import read_path

        chunk: list[Document] = []
        for path in files:
            for item in read_path(path, published, opts=opts, skip=already):
                if isinstance(item, InputError):
                    out.error(rep, item, path)
                    bar.count(errors=1)
                    continue
                item.origin = item.origin or path
                chunk.append(item)
                if len(chunk) >= size:
                    yield chunk
                    chunk = []
            bar.advance()
        if chunk:
            yield chunk

    def run(docs: list[Document]) -> list[Document]:
        """Look a chunk up in the store (one query), extract what must be, store it in
        one batch; returns the documents left for the next chunk (see below)."""
        todo: list[int] = []
        slots: list[Extraction | None] = [None] * len(docs)
        verdicts = store.screen(docs, pipe.version, reprocess)
        for k, (verdict, _) in enumerate(verdicts):
            if verdict == "exists":
                rep.existing += 1
                bar.count(docs=1)
            elif verdict == "duplicate":  # stored as a link to what it repeats
                slots[k] = Extraction(doc=docs[k], pipeline=pipe.version)
            elif verdict == "extract":
                todo.append(k)
        results = pipe.pipe([docs[k] for k in todo], timeout=doc_timeout)
        for k, result in zip(todo, results, strict=True):
            if isinstance(result, InputError):
                out.error(rep, result, result.origin)
                bar.count(errors=1)
            else:
                slots[k] = result
        kept = [(k, e) for k, e in enumerate(slots) if e is not None]  # in input order
        bar.count(docs=len(kept))
        stored = dict(zip([k for k, _ in kept], rep.store(
            store, [e for _, e in kept], [None] * len(kept), out, reprocess), strict=True))
        # Repeats within the chunk, once what they repeat is stored: the same document
        # exists; the same text under another id is a link to it, stored after it. When
        # that one failed, a repeat is decided again with the next chunk (rare: errors).
        copies: list[Extraction] = []
        later: list[Document] = []
        for k, (verdict, first) in enumerate(verdicts):
            if verdict in ("same", "copy") and not stored.get(first):
                later.append(docs[k])
            elif verdict == "same":
                rep.existing += 1
                bar.count(docs=1)
            elif verdict == "copy":
                copies.append(Extraction(doc=docs[k], pipeline=pipe.version))
        if copies:
            bar.count(docs=len(copies))
            rep.store(store, copies, [None] * len(copies), out, reprocess)
        return later

    size = store_batch()
    try:
        with store.one_thread():  # its look-ups before extraction are small statements
            later: list[Document] = []
            for chunk in chunks():
                later = run(later + chunk)
            while later:  # the first of a chunk is never a repeat: this ends
                later = run(later)
    finally:
        bar.close()
        out.close()
        rep.seconds = time.monotonic() - start
    return rep
