"""`--engine dask`: partitions as tasks on a dask.distributed cluster.

With `scheduler` the client joins an existing cluster (dask-kubernetes, dask-jobqueue, or
`dask scheduler` + `dask worker`); the workers must see the inputs and the work folder
at the same paths (a shared file system). Without it a LocalCluster of worker processes
on the loopback interface runs here. A worker plugin passes TOCSIN_CACHE and starts the
pipeline sandbox once per worker; a task whose worker dies is re-run by the scheduler
on another worker, and its partition file is written whole or not at all.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from distributed import Client, LocalCluster, wait
from distributed.diagnostics.plugin import WorkerPlugin

from tocsin.scale.merge import ScaleReport, drive
from tocsin.scale.partition import Partition, plan
from tocsin.scale.worker import close_sandbox, process_partition, process_sandbox

if TYPE_CHECKING:
    from tocsin.store.store import Store

ENV_KEYS = ("TOCSIN_CACHE",)


class SandboxPlugin(WorkerPlugin):
    """Sets the environment and starts the sandbox when a worker (re)joins."""

    name = "tocsin-sandbox"

    def __init__(self, env: dict[str, str], timeout: float) -> None:
        self.env, self.timeout = env, timeout

    def setup(self, worker: Any) -> None:
        import threading

        os.environ.update(self.env)
        # In the background: setup runs on the worker's event loop, which must not block
        # for the seconds the model takes to load.
        threading.Thread(target=process_sandbox, args=(self.timeout,), daemon=True).start()

    def teardown(self, worker: Any) -> None:
        close_sandbox()


def local_cluster(workers: int, env: dict[str, str]) -> LocalCluster:
    return LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                        host="127.0.0.1", dashboard_address=None, env=env)


def run_dask(store: Store, paths: Iterable[str], workers: int | None = None,
             scheduler: str | None = None, client: Client | None = None,
             partition_size: int = 200, timeout: float = 120.0,
             published: date | None = None, fetch_options: Any = None,
             work_dir: str | Path | None = None, report_path: str | Path | None = None,
             log: IO[str] | None = None, reprocess: bool = False,
             progress: bool = False) -> ScaleReport:
    env = {k: os.environ[k] for k in ENV_KEYS if k in os.environ}
    cluster = None
    own = client is None
    if client is None:
        if scheduler:
            client = Client(scheduler)
        else:
            cluster = local_cluster(max(1, workers or os.cpu_count() or 1), env)
            client = Client(cluster)
    work = (Path(work_dir) if work_dir else Path(f"{store.path}.parts")).resolve()
    out_dir = str(work / "parts")
    pub = published.isoformat() if published else None
    try:
        client.register_plugin(SandboxPlugin(env, timeout), name="tocsin-sandbox")
        n = max(1, len(client.scheduler_info().get("workers", {})) or workers or 1)

        def submit(part: Partition) -> Any:
            return client.submit(process_partition, part.to_dict(), out_dir, timeout, pub,
                                 None, fetch_options, key=f"tocsin-{part.index}-{part.id}",
                                 retries=2)

        return drive(store, plan(paths, partition_size), work, submit,
                     lambda fs: wait(fs, return_when="FIRST_COMPLETED").done,
                     window=2 * n + 2, report_path=report_path, log=log,
                     reprocess=reprocess, progress=progress)
    finally:
        if own:
            client.close()
        if cluster is not None:
            cluster.close()
