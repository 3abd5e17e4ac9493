"""Posting inputs to a running server (`tocsin ingest --server URL`)."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import IO, Any

BATCH_BYTES = 4 * 1024 * 1024  # under the server's default 5 MB body limit


def _batches(files: list[Path]) -> list[list[Path]]:
    out: list[list[Path]] = [[]]
    size = 0
    for f in files:
        n = f.stat().st_size
        if out[-1] and size + n > BATCH_BYTES:
            out.append([])
            size = 0
        out[-1].append(f)
        size += n
    return [b for b in out if b]


def _wait(client: Any, job: dict[str, Any], timeout: float = 3600) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while job.get("finished") is None and time.monotonic() < deadline:
        time.sleep(0.5)
        r = client.get(f"/api/jobs/{job['id']}")
        r.raise_for_status()
        job = r.json()
    return job


def post_inputs(server: str, paths: list[str], token: str | None, published: Any = None,
                log: IO[str] | None = None) -> int:
    """Upload files (and pass URLs) to the server, wait for each job, print the totals.

    Returns the number of errors (documents that failed, or requests refused).
    """
    import httpx

    from tocsin.server.cli import file_inputs

    files, urls = file_inputs([p for p in paths if p != "-"])
    stdin_data = sys.stdin.buffer.read() if "-" in paths else None
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    pub = str(published) if published else None
    totals = {"added": 0, "existing": 0, "duplicates": 0, "events": 0, "errors": 0}
    with httpx.Client(base_url=server.rstrip("/"), headers=headers, timeout=120) as client:
        jobs = []
        uploads = [[(f.name, f.read_bytes()) for f in batch] for batch in _batches(files)]
        if stdin_data is not None:
            uploads.append([("stdin.txt", stdin_data)])
        for batch in uploads:
            r = client.post("/api/ingest/files", data={"published": pub} if pub else {},
                            files=[("files", (name, data)) for name, data in batch])
            if r.status_code >= 400:
                _say(log, f"refused: {r.status_code} {r.text[:200]}")
                totals["errors"] += len(batch)
                continue
            jobs.append(r.json())
        if urls:
            r = client.post("/api/ingest", json={"urls": urls, "published": pub})
            if r.status_code >= 400:
                _say(log, f"refused: {r.status_code} {r.text[:200]}")
                totals["errors"] += len(urls)
            else:
                jobs.append(r.json())
        for job in jobs:
            done = _wait(client, job)
            for k, v in (done.get("summary") or {}).items():
                if k in totals:
                    totals[k] += int(v)
            if done.get("status") == "failed":
                totals["errors"] += 1
            for err in done.get("errors") or []:
                _say(log, f"error {json.dumps(err, ensure_ascii=False)[:300]}")
    sys.stdout.write(json.dumps(totals) + "\n")
    return totals["errors"]


def _say(log: IO[str] | None, line: str) -> None:
    if log:
        log.write(line + "\n")
        log.flush()
