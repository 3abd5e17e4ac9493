"""Partition files into the store, in partition order, idempotently; and the driver loop.

Merging goes through `Store.add_many`, a batch of extractions in one transaction in input
order, so the store ends exactly as a serial ingest of the same inputs leaves it (event
merging depends on order; ids are deterministic; a stored document is skipped). A
manifest records each partition once all its rows are committed: a re-run skips those,
merges partition files that exist without recomputing them, and extracts only the rest.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from tocsin.model import Extraction, InputError
from tocsin.scale import codec
from tocsin.scale.partition import Partition
from tocsin.scale.worker import part_path
from tocsin.store.runner import IngestReport, _Reporter, store_batch

if TYPE_CHECKING:
    from tocsin.store.store import Store


class Manifest:
    """Finished partitions, one JSON line each, appended and synced after the merge."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.done: set[str] = set()
        if self.path.exists():
            for line in self.path.read_text(encoding="utf-8").splitlines():
                try:
                    self.done.add(json.loads(line)["id"])
                except (ValueError, KeyError, TypeError):
                    continue  # a line cut short by a kill: that partition merges again
        self.path.parent.mkdir(parents=True, exist_ok=True)

    def mark(self, part_id: str, **info: Any) -> None:
        with self.path.open("a", encoding="utf-8") as f:
            f.write(json.dumps({"id": part_id, **info}) + "\n")
            f.flush()
            os.fsync(f.fileno())
        self.done.add(part_id)


def read_batches(path: str | Path) -> Iterator[list[dict[str, Any]]]:
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(path)
    for batch in pf.iter_batches(batch_size=store_batch()):  # never a whole partition
        yield batch.to_pylist()


def merge_partition(store: Store, path: str | Path, rep: IngestReport, out: _Reporter,
                    reprocess: bool = False) -> None:
    """Add one partition file's extractions to the store (idempotent) and report errors;
    read and applied in batches of store_batch()."""
    for rows in read_batches(path):
        exts: list[Extraction] = []
        origins: list[str | None] = []
        for row in rows:
            if row["status"] == "error":
                rep.store(store, exts, origins, out, reprocess, say=False)  # before it
                exts, origins = [], []
                err = json.loads(row["error"])
                doc = err.get("doc") or {}
                out.error(rep, InputError(err["error"], id=doc.get("id"),
                                          title=doc.get("title"), source=doc.get("source"),
                                          url=doc.get("url")), row["origin"])
                continue
            exts.append(codec.loads(row["extraction"]))
            origins.append(row["origin"])
        rep.store(store, exts, origins, out, reprocess, say=False)


def load_parquet(store: Store, paths: Iterable[str | Path], rep: IngestReport | None = None
                 ) -> IngestReport:
    """Bulk-load partition files (or folders of them) in partition order."""
    import pyarrow.parquet as pq

    files: list[Path] = []
    for p in map(Path, paths):
        files += sorted(p.glob("*.parquet")) if p.is_dir() else [p]

    def order(f: Path) -> int:
        meta = pq.read_schema(f).metadata or {}
        return int(meta.get(b"tocsin_partition", b"0"))

    rep = rep or IngestReport()
    out = _Reporter(None, None)
    for f in sorted(files, key=order):
        merge_partition(store, f, rep, out)
    return rep


@dataclass(slots=True)
class ScaleReport:
    report: IngestReport
    partitions: int = 0
    skipped: int = 0  # already merged by an earlier run
    failed: int = 0
    rss_mb: dict[str, float] = field(default_factory=dict)  # worker -> its sandbox's peak RSS
    worker_rss_mb: dict[str, float] = field(default_factory=dict)  # worker process pid
    extract_seconds: float = 0.0  # summed over partitions (worker time)

    def summary(self) -> dict[str, Any]:
        return {**self.report.summary(), "partitions": self.partitions,
                "skipped_partitions": self.skipped, "failed_partitions": self.failed,
                "peak_rss_mb": {k: round(v, 1) for k, v in sorted(self.rss_mb.items())},
                "worker_rss_mb": {k: round(v, 1)
                                  for k, v in sorted(self.worker_rss_mb.items())}}


Submit = Callable[[Partition], Any]
WaitAny = Callable[[list[Any]], Iterable[Any]]


def drive(store: Store, parts: Iterable[Partition], work_dir: Path, submit: Submit,
          wait_any: WaitAny, window: int, report_path: str | Path | None = None,
          log: IO[str] | None = None, reprocess: bool = False,
          progress: bool = False) -> ScaleReport:
    """Submit partitions (at most `window` unmerged at once) and merge them in order.

    `progress`: a bar on a terminal, else a line every 30 s, with the partitions merged
    out of the planned total and documents per second."""
    import sys

    from tocsin.progress import Progress

    parts = list(parts)  # planned in full for the total (one pass over JSONL offsets)
    bar = Progress(len(parts), "partitions", tty=progress and sys.stderr.isatty(),
                   every=30.0 if progress else 0.0)
    manifest = Manifest(work_dir / "manifest.jsonl")
    out_dir = work_dir / "parts"
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in out_dir.glob(".*.tmp"):  # half-written by a killed run's workers
        stale.unlink(missing_ok=True)
    sr = ScaleReport(IngestReport())
    out = _Reporter(report_path, log)
    plan = iter(parts)
    inflight: dict[Any, Partition] = {}
    ready: dict[int, tuple[Partition, Path | None]] = {}
    nxt = 0
    exhausted = False
    start = time.monotonic()

    def refill() -> None:
        nonlocal exhausted
        while not exhausted and len(inflight) + len(ready) < window:
            part = next(plan, None)
            if part is None:
                exhausted = True
                return
            sr.partitions += 1
            path = part_path(out_dir, part.id)
            if part.id in manifest.done:
                sr.skipped += 1
                ready[part.index] = (part, None)
            elif path.exists():
                ready[part.index] = (part, path)
            else:
                inflight[submit(part)] = part

    def merge_ready() -> None:
        nonlocal nxt
        while nxt in ready:
            part, path = ready.pop(nxt)
            if path is not None:
                merge_partition(store, path, sr.report, out, reprocess)
                manifest.mark(part.id, index=part.index)
                out.say(f"merged partition {part.index} {part.id} "
                        f"({sr.report.added} added so far)")
            r = sr.report
            bar.docs, bar.errors = r.added + r.existing + r.duplicates, len(r.errors)
            bar.advance()
            nxt += 1

    try:
        while True:
            refill()
            merge_ready()
            if not inflight:
                if exhausted and not ready:
                    break
                continue
            for fut in list(wait_any(list(inflight))):
                part = inflight.pop(fut)
                try:
                    res = fut.result()
                except Exception as exc:  # the partition is lost for this run only
                    sr.failed += 1
                    out.error(sr.report, InputError(
                        f"partition {part.index} ({part.id}) failed: "
                        f"{type(exc).__name__}: {exc}"), None)
                    ready[part.index] = (part, None)
                    continue
                worker = str(res.get("worker") or res.get("pid"))
                rss = float(res.get("sandbox_rss_mb") or 0.0)
                sr.rss_mb[worker] = max(sr.rss_mb.get(worker, 0.0), rss)
                wpid = str(res.get("pid"))
                sr.worker_rss_mb[wpid] = max(sr.worker_rss_mb.get(wpid, 0.0),
                                             float(res.get("worker_rss_mb") or 0.0))
                sr.extract_seconds += float(res.get("seconds") or 0.0)
                ready[part.index] = (part, Path(res["path"]))
    finally:
        bar.close()
        out.close()
        sr.report.seconds = time.monotonic() - start
    return sr
