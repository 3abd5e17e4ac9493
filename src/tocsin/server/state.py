"""The process's hold on the store: per-thread read cursors and one writer thread.

DuckDB lets one process write a file. The server opens it once; request threads read
through their own cursor (a connection to the same database instance, so they see every
committed document), and ingest jobs run one at a time in a writer thread.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import queue
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tocsin.store import queries

if TYPE_CHECKING:
    import duckdb

    from tocsin.server.settings import Settings
    from tocsin.store import Store


class Reader(queries.QueryMixin):
    """The store's read queries over one cursor (one per request thread)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con


@dataclass(slots=True)
class Job:
    id: str
    paths: list[str]
    published: str | None = None
    tmpdir: str | None = None
    status: str = "queued"  # queued | running | done | failed
    created: float = field(default_factory=time.time)
    finished: float | None = None
    summary: dict[str, Any] | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)
    done: threading.Event = field(default_factory=threading.Event)
    refresh: list[str] | None = None  # no inputs: refresh the alerts these documents touch
    refresh_all: bool = False  # ... or of every week

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "status": self.status, "inputs": len(self.paths),
                "created": self.created, "finished": self.finished,
                "summary": self.summary, "errors": self.errors[:20]}


class ServerState:
    MAX_JOBS = 200  # finished jobs kept for status queries

    def __init__(self, settings: Settings) -> None:
        from tocsin.store import Store

        self.settings = settings
        self.store: Store = Store(settings.db)
        self._local = threading.local()
        self._cursors: list[duckdb.DuckDBPyConnection] = []
        self._lock = threading.Lock()
        self.jobs: dict[str, Job] = {}
        self._queue: queue.Queue[Job | None] = queue.Queue()
        self._ids = itertools.count(1)
        self._worker = threading.Thread(target=self._work, name="tocsin-writer", daemon=True)
        self._worker.start()
        # A store filled before ingests refreshed the alerts has documents and no alerts:
        # compute them all once, in the writer thread (reads go on meanwhile).
        self.startup_job: Job | None = None
        if self._needs_alerts():
            self.startup_job = self.submit([], refresh=[], refresh_all=True)

    # --- reads ------------------------------------------------------------------------
    def reader(self) -> Reader:
        r = getattr(self._local, "reader", None)
        if r is None:
            with self._lock:
                cur = self.store.con.cursor()
                self._cursors.append(cur)
            r = self._local.reader = Reader(cur)
        return r

    def has_table(self, name: str) -> bool:
        row = self.reader().con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
            [name]).fetchone()
        return bool(row and row[0])

    # --- writes -----------------------------------------------------------------------
    def submit(self, paths: list[str], published: str | None = None,
               tmpdir: str | None = None, refresh: list[str] | None = None,
               refresh_all: bool = False) -> Job:
        job = Job(f"job-{next(self._ids)}-{int(time.time())}", paths, published, tmpdir,
                  refresh=refresh, refresh_all=refresh_all)
        with self._lock:
            self.jobs[job.id] = job
            done = [j for j in self.jobs.values() if j.finished is not None]
            for old in sorted(done, key=lambda j: j.created)[:-self.MAX_JOBS]:
                self.jobs.pop(old.id, None)
        self._queue.put(job)
        return job

    def submit_refresh(self, doc_ids: list[str]) -> Job:
        """Refresh the alerts after a change to these documents' events (an unmerge), in
        the writer thread like every write of the alerts."""
        return self.submit([], refresh=doc_ids)

    def submit_records(self, records: list[dict[str, Any]],
                       published: str | None = None) -> Job:
        """Documents given as records ({text, title, published, ...}) -> one job."""
        tmp = tempfile.mkdtemp(prefix="tocsin-api-")
        path = Path(tmp) / "posted.jsonl"
        with path.open("w", encoding="utf-8") as f:
            for rec in records:
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")
        return self.submit([str(path)], published, tmp)

    def _work(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            job.status = "running"
            try:
                self._run(job)
                job.status = "done"
            except Exception as exc:  # one bad job must not stop the writer
                job.status = "failed"
                job.errors.append({"error": f"{type(exc).__name__}: {exc}"})
            finally:
                job.finished = time.time()
                if job.tmpdir:
                    shutil.rmtree(job.tmpdir, ignore_errors=True)
                job.done.set()

    def _run(self, job: Job) -> None:
        from datetime import date

        if job.refresh is not None:
            job.summary = {"new_alerts": self._refresh_alerts(
                None if job.refresh_all else job.refresh)}
            return

        from tocsin.ingest.fetch import FetchOptions
        from tocsin.store.runner import ingest

        pub = date.fromisoformat(job.published) if job.published else None
        # The writer thread cannot use a timer signal: the time limit is checked between
        # the pipeline's stages; jobs report through their status, not progress lines.
        rep = ingest(self.store, job.paths, pub,
                     FetchOptions(allow_private=self.settings.allow_private),
                     progress_every=0.0)
        job.summary = rep.summary()
        job.errors = rep.errors
        if rep.added:
            job.summary["new_alerts"] = self._refresh_alerts(rep.added_ids)

    def _needs_alerts(self) -> bool:
        """Documents stored and no weekly alert recorded: a store from before ingests
        refreshed the alerts (or one that never had any, which costs one recompute)."""
        row = self.store.con.execute(
            "SELECT (SELECT count(*) FROM documents) > 0 AND "
            "(SELECT count(*) FROM alerts WHERE bin = 'week') = 0").fetchone()
        return bool(row and row[0])

    def _refresh_alerts(self, doc_ids: list[str] | None) -> int | None:
        """Refresh the stored alerts for the weeks the new documents touch (analysis/
        refresh.py), when the analysis module is there (it is optional for the server);
        None when it could not run."""
        try:
            from tocsin.analysis.refresh import refresh_alerts
        except ImportError:
            return None
        try:
            return len(refresh_alerts(self.store, doc_ids).new)
        except Exception:  # alerts are a by-product: never fail the ingest for them
            import logging

            logging.getLogger("tocsin.server").exception("alert refresh failed")
            return None

    def close(self) -> None:
        self._queue.put(None)
        self._worker.join(timeout=30)
        with self._lock:
            for cur in self._cursors:
                # A cursor of a dead thread may fail to close: nothing left to release.
                with contextlib.suppress(Exception):
                    cur.close()
            self._cursors.clear()
        self.store.close()
