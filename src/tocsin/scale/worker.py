"""One partition -> one Parquet file of extractions (the unit of work of every engine).

The file holds one row per input item in input order: the lossless extraction JSON (see
`codec`), or the item's error. It is written under a temporary name and renamed, so a
file that exists is complete; a task re-run on a file that exists returns at once. Each
worker process keeps one `Sandbox` (the pipeline loads once per worker).
"""

from __future__ import annotations

import os
import resource
import threading
import time
import uuid
from datetime import date
from pathlib import Path
from typing import Any

from tocsin.model import Document, Extraction, InputError, error_json
from tocsin.scale import codec
from tocsin.scale.partition import Partition, read_partition
from tocsin.scale.sandbox import Sandbox

BATCH = 16
_SANDBOX: Sandbox | None = None
_LOCK = threading.Lock()
COLUMNS = ("seq", "doc_id", "origin", "status", "extraction", "error", "n_events")


def part_path(out_dir: str | Path, part_id: str) -> Path:
    return Path(out_dir) / f"{part_id}.parquet"


def process_sandbox(timeout: float = 120.0, model: str | None = None) -> Sandbox:
    """This process's sandbox, started on first use."""
    global _SANDBOX
    with _LOCK:
        if _SANDBOX is None or _SANDBOX.timeout != timeout or _SANDBOX.model != model:
            if _SANDBOX is not None:
                _SANDBOX.close()
            _SANDBOX = Sandbox(timeout, model)
            _SANDBOX.start()
        return _SANDBOX


def close_sandbox() -> None:
    global _SANDBOX
    with _LOCK:
        if _SANDBOX is not None:
            _SANDBOX.close()
            _SANDBOX = None


def _row(seq: int, origin: str, item: Extraction | InputError) -> dict[str, Any]:
    import json

    if isinstance(item, InputError):
        return {"seq": seq, "doc_id": item.id, "origin": origin, "status": "error",
                "extraction": None, "n_events": 0,
                "error": json.dumps(error_json(item), ensure_ascii=False)}
    return {"seq": seq, "doc_id": item.doc.id, "origin": origin, "status": "ok",
            "extraction": codec.dumps(item), "error": None, "n_events": len(item.events)}


def _write(rows: list[dict[str, Any]], path: Path, part: Partition) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([("seq", pa.int32()), ("doc_id", pa.string()), ("origin", pa.string()),
                        ("status", pa.string()), ("extraction", pa.string()),
                        ("error", pa.string()), ("n_events", pa.int32())],
                       metadata={"tocsin_partition": str(part.index),
                                 "tocsin_partition_id": part.id})
    table = pa.Table.from_pylist(rows, schema=schema)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    pq.write_table(table, tmp, compression="zstd")
    os.replace(tmp, path)  # atomic: a file that exists is complete


def process_partition(part_dict: dict[str, Any], out_dir: str, timeout: float = 120.0,
                      published: str | None = None, model: str | None = None,
                      fetch_options: Any = None, sandbox: Sandbox | None = None
                      ) -> dict[str, Any]:
    """Extract one partition into `out_dir`; returns a small summary for the driver."""
    part = Partition.from_dict(part_dict)
    path = part_path(out_dir, part.id)
    base = {"index": part.index, "id": part.id, "path": str(path), "pid": os.getpid(),
            "worker": f"{os.getpid()}/{threading.current_thread().name}"}
    if path.exists():  # done by an earlier attempt
        return {**base, "docs": 0, "errors": 0, "seconds": 0.0, "cached": True,
                "sandbox_rss_mb": 0.0, "worker_rss_mb": _rss_mb()}
    box = sandbox or process_sandbox(timeout, model)
    t0 = time.perf_counter()
    pub = date.fromisoformat(published) if published else None
    rows: list[dict[str, Any]] = []
    pending: list[tuple[int, str, Document]] = []

    def flush() -> None:
        results = box.run([d for _, _, d in pending])
        rows.extend(_row(seq, origin, res) for (seq, origin, _), res in zip(pending, results,
                                                                            strict=True))
        pending.clear()

    for seq, (origin, item) in enumerate(read_partition(part, pub, fetch_options)):
        if isinstance(item, InputError):
            rows.append(_row(seq, origin, item))
        else:
            pending.append((seq, origin, item))
            if len(pending) >= BATCH:
                flush()
    flush()
    rows.sort(key=lambda r: r["seq"])
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    _write(rows, path, part)
    return {**base, "docs": sum(r["status"] == "ok" for r in rows),
            "errors": sum(r["status"] == "error" for r in rows),
            "seconds": time.perf_counter() - t0, "cached": False,
            "sandbox_pid": box.pid, "sandbox_rss_mb": box.peak_rss_mb,
            "sandbox_cpu_s": box.cpu_s, "recycles": box.recycles,
            "worker_rss_mb": _rss_mb(), "restarts": box.restarts}


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
