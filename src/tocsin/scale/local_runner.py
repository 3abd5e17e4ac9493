"""`--engine local`: N sandbox processes on this machine, fed by driver threads.

Each thread owns one `Sandbox` (a child process holding the pipeline), extracts whole
partitions into Parquet files, and the main thread merges them into the store in order.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from tocsin.scale.merge import ScaleReport, drive
from tocsin.scale.partition import Partition, plan
from tocsin.scale.sandbox import Sandbox
from tocsin.scale.worker import process_partition

if TYPE_CHECKING:
    from tocsin.store.store import Store


def default_work_dir(store: Store) -> Path:
    return Path(f"{store.path}.parts")


def run_local(store: Store, paths: Iterable[str], workers: int | None = None,
              partition_size: int = 200, timeout: float = 120.0,
              published: date | None = None, fetch_options: Any = None,
              work_dir: str | Path | None = None, report_path: str | Path | None = None,
              log: IO[str] | None = None, reprocess: bool = False,
             progress: bool = False) -> ScaleReport:
    n = max(1, workers or os.cpu_count() or 1)
    work = Path(work_dir) if work_dir else default_work_dir(store)
    out_dir = str(work / "parts")
    local = threading.local()
    boxes: list[Sandbox] = []
    lock = threading.Lock()

    def task(part: Partition) -> dict[str, Any]:
        box = getattr(local, "box", None)
        if box is None:
            box = local.box = Sandbox(timeout)
            with lock:
                boxes.append(box)
            box.start()
        return process_partition(part.to_dict(), out_dir, timeout,
                                 published.isoformat() if published else None,
                                 fetch_options=fetch_options, sandbox=box)

    def wait_any(futures: list[Future[dict[str, Any]]]) -> Iterable[Any]:
        return wait(futures, return_when=FIRST_COMPLETED).done

    with ThreadPoolExecutor(n, thread_name_prefix="tocsin-local") as pool:
        try:
            return drive(store, plan(paths, partition_size), work,
                         lambda part: pool.submit(task, part), wait_any,
                         window=2 * n + 2, report_path=report_path, log=log,
                         reprocess=reprocess, progress=progress)
        finally:
            for box in boxes:
                box.close()
