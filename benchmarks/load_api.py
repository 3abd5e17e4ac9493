"""Load test of the events endpoint on loopback: requests/s and latency percentiles.

    python scripts/make_big_db.py --events 100000 -o /tmp/big.duckdb
    python benchmarks/load_api.py --db /tmp/big.duckdb --requests 2000 --concurrency 4

Starts `tocsin serve` on a free loopback port (or uses --url), sends a bounded number of
GET /api/events requests (a mix of filters, sorts and pages) from a few threads with
httpx, and stops by itself (also after --max-seconds). Target: p95 < 100 ms.

A baseline runs first in the same server process, with the same clients: a trivial
endpoint (--baseline, default /openapi.json: no database work) for a quarter of the
requests. The report gives both and the ratios of the events endpoint's latency to it,
so that figures from a busy machine can be compared with ones from a quiet one.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
from typing import Any

QUERIES: list[dict[str, Any]] = [
    {"limit": 50},
    {"limit": 50, "sort": "-date", "offset": 5000},
    {"limit": 50, "type": "ASSAULT"},
    {"limit": 50, "actor": "Kataib Hezbollah"},
    {"limit": 50, "actor": "Hashd", "sort": "-confidence"},
    {"limit": 20, "since": "2020-06-01", "until": "2020-12-31"},
    {"limit": 50, "place": "33.31,44.36", "radius_km": 50},
    {"limit": 50, "min_confidence": 0.8, "sort": "-fatalities"},
    {"limit": 100, "type": "THREATEN", "offset": 200},
    {"limit": 50, "country": "YEM"},
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _percentile(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def run(url: str, n: int, concurrency: int, max_seconds: float,
        path: str = "/api/events") -> dict[str, Any]:
    """`n` GET requests of `path` from `concurrency` threads (event queries drawn from
    QUERIES when `path` is the events endpoint)."""
    import httpx

    lat: list[float] = []
    errors = 0
    lock = threading.Lock()
    counter = iter(range(n))
    deadline = time.monotonic() + max_seconds
    events = path == "/api/events"

    def worker(seed: int) -> None:
        nonlocal errors
        rng = random.Random(seed)
        with httpx.Client(base_url=url, timeout=30) as c:
            for _ in counter:
                if time.monotonic() > deadline:
                    return
                t0 = time.perf_counter()
                r = c.get(path, params=rng.choice(QUERIES) if events else None)
                dt = time.perf_counter() - t0
                with lock:
                    lat.append(dt)
                    errors += r.status_code != 200

    with httpx.Client(base_url=url, timeout=60) as c:  # warm caches (KB, gazetteer)
        for q in QUERIES if events else [{}]:
            c.get(path, params=q)
    start = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    return {"path": path, "requests": len(lat), "errors": errors,
            "concurrency": concurrency, "seconds": round(wall, 2),
            "requests_per_s": round(len(lat) / wall, 1),
            "p50_ms": round(1000 * _percentile(lat, 50), 1),
            "p95_ms": round(1000 * _percentile(lat, 95), 1),
            "p99_ms": round(1000 * _percentile(lat, 99), 1),
            "max_ms": round(1000 * max(lat), 1)}


def compare(url: str, args: argparse.Namespace) -> dict[str, Any]:
    """The baseline, then the events endpoint, with their latency ratios."""
    base = run(url, max(1, args.requests // 4), args.concurrency, args.max_seconds,
               args.baseline) if args.baseline else None
    res = run(url, args.requests, args.concurrency, args.max_seconds)
    if base:
        res["baseline"] = base
        for k in ("p50_ms", "p95_ms"):
            res[k.replace("_ms", "_ratio")] = round(res[k] / max(base[k], 0.1), 1)
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="load test of GET /api/events")
    ap.add_argument("--db", help="store to serve (a server is started on loopback)")
    ap.add_argument("--url", help="an already running server (loopback only)")
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--concurrency", type=int, default=4)
    ap.add_argument("--max-seconds", type=float, default=300)
    ap.add_argument("--baseline", default="/openapi.json",
                    help="trivial endpoint measured first for ratios ('' to skip)")
    args = ap.parse_args(argv)
    if args.url:
        host = args.url.split("//", 1)[-1].split(":")[0].split("/")[0]
        if host not in ("127.0.0.1", "localhost", "[::1]"):
            ap.error("load tests only target loopback")
        return _report(compare(args.url, args))
    if not args.db:
        ap.error("give --db or --url")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "TOCSIN_API_TOKEN"}
    proc = subprocess.Popen([sys.executable, "-m", "tocsin", "serve", "--db", args.db,
                             "--port", str(port)], env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        import httpx

        for _ in range(300):
            try:
                if httpx.get(url + "/api/stats", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        stats = httpx.get(url + "/api/stats", timeout=30).json()["counts"]
        res = compare(url, args)
        res["events_in_store"] = stats["events"]
        return _report(res)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _report(res: dict[str, Any]) -> int:
    sys.stdout.write(json.dumps(res) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
