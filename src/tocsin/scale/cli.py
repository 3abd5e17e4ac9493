"""What `tocsin ingest --engine local|dask` runs (kept out of the store's CLI module)."""

from __future__ import annotations

import json
import sys
from datetime import date

ENGINES = ("serial", "local", "dask")


class UsageError(ValueError):
    """A bad combination of options, reported before anything is opened."""


def run_scaled(paths: list[str], db: str, engine: str, workers: int | None,
               scheduler: str | None, published: date | None, allow_private: bool,
               report: str | None, verbose: bool, reprocess: bool = False,
               partition_size: int = 200, doc_timeout: float = 120.0,
               work_dir: str | None = None, progress: bool = False) -> int:
    """Ingest with a scaled-out engine; prints the summary, returns the error count."""
    from tocsin.ingest.fetch import FetchOptions
    from tocsin.store import Store

    if engine not in ENGINES:
        raise UsageError(f"unknown engine {engine!r}; one of {', '.join(ENGINES)}")
    if "-" in paths:
        raise UsageError("standard input cannot be partitioned; use --engine serial")
    kwargs = dict(partition_size=partition_size, timeout=doc_timeout, published=published,
                  fetch_options=FetchOptions(allow_private=allow_private),
                  report_path=report, log=sys.stderr if verbose else None,
                  reprocess=reprocess, work_dir=work_dir, progress=progress)
    with Store(db) as store:
        if engine == "local":
            from tocsin.scale.local_runner import run_local

            sr = run_local(store, paths, workers, **kwargs)  # type: ignore[arg-type]
        elif engine == "dask":
            from tocsin.scale.dask_runner import run_dask

            sr = run_dask(store, paths, workers, scheduler, **kwargs)  # type: ignore[arg-type]
        else:
            raise UsageError(f"engine {engine!r} is not a scaled-out engine")
        from tocsin.analysis.cli import refresh_after_ingest

        refresh = refresh_after_ingest(store, sr.report.added_ids)
    sys.stdout.write(json.dumps({**sr.summary(),
                                 "alerts": refresh.summary() if refresh else None}) + "\n")
    return len(sr.report.errors)
