"""Scale-out throughput: documents/s for 1 and 2 Dask workers and for --engine local.

    TOCSIN_CACHE=~/.cache/tocsin-test /work/venv/bin/python benchmarks/scale.py \
        [--csv ../shared/eval/news/Guardian_SDF_sample.csv] [--limit N] [--skip-e2e]

The CSV becomes a JSON Lines corpus, cut into partitions. For each configuration the
workers are started and their pipelines loaded first; then the clock runs from the first
partition submitted to the last Parquet file written (extraction, the part that scales).
CPU seconds of the pipeline processes give documents per CPU-second, which contention
from other work on the machine does not distort the way wall time is. Merging the files
into DuckDB (single writer) is timed on its own, and one end-to-end `run_dask` with 2
workers includes cluster start-up, model loading and the in-order merge. A control (the
same pure-Python work in 1 and then 2 processes) shows how much parallelism the machine
offers at that moment, since on a shared machine other work takes its share.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

DEFAULT_CSV = Path(__file__).resolve().parents[2] / "shared" / "eval" / "news" / \
    "Guardian_SDF_sample.csv"
TIMEOUT = 300.0


def _cpu(pids: list[int]) -> float:
    import psutil

    total = 0.0
    for pid in pids:
        t = psutil.Process(pid).cpu_times()
        total += t.user + t.system
    return total


def _measure(name: str, n_docs: int, pids: list[int], run: Callable[[], list[dict[str, Any]]]
             ) -> dict[str, Any]:
    load0, cpu0, t0 = os.getloadavg()[0], _cpu(pids), time.perf_counter()
    summaries = run()
    wall, cpu = time.perf_counter() - t0, _cpu(pids) - cpu0
    rss: dict[str, float] = {}
    for s in summaries:
        key = str(s.get("sandbox_pid"))
        rss[key] = max(rss.get(key, 0.0), float(s.get("sandbox_rss_mb") or 0.0))
    first = summaries[0].get("sandbox_rss_mb") if summaries else None
    return {"config": name, "documents": n_docs, "seconds": round(wall, 1),
            "docs_per_s": round(n_docs / wall, 2), "cpu_s": round(cpu, 1),
            "docs_per_cpu_s": round(n_docs / cpu, 2) if cpu else None,
            "peak_rss_mb_per_worker": sorted(round(v) for v in rss.values()),
            "rss_mb_after_first_partition": round(first) if first else None,
            "load_avg_1min_before": round(load0, 2), "load_avg_1min_after":
            round(os.getloadavg()[0], 2)}


def _burn(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i % 7
    return total


def control(work: int = 30_000_000) -> dict[str, Any]:
    """The same pure-Python work in 1 process, then split over 2: what parallelism the
    machine gives right now (on a shared machine, other sessions take their share)."""
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(2) as pool:
        list(pool.map(_burn, [1000, 1000]))  # start both processes first
        t0 = time.perf_counter()
        pool.submit(_burn, work).result()
        one = time.perf_counter() - t0
        t0 = time.perf_counter()
        list(pool.map(_burn, [work // 2, work // 2]))
        two = time.perf_counter() - t0
    return {"config": "control: pure-Python work, 2 processes vs 1",
            "speedup": round(one / two, 2), "load_avg_1min": round(os.getloadavg()[0], 2)}


def bench_dask(n: int, parts: list[Any], n_docs: int, out: Path) -> dict[str, Any]:
    from distributed import Client

    from tocsin.scale.dask_runner import SandboxPlugin, local_cluster
    from tocsin.scale.worker import process_partition, process_sandbox

    env = {"TOCSIN_CACHE": os.environ.get("TOCSIN_CACHE", "")}
    with local_cluster(n, env) as cluster, Client(cluster) as client:
        client.register_plugin(SandboxPlugin(env, TIMEOUT), name="tocsin-sandbox")
        pids = list(client.run(lambda: process_sandbox(TIMEOUT).pid).values())

        def run() -> list[dict[str, Any]]:
            futs = [client.submit(process_partition, p.to_dict(), str(out), TIMEOUT,
                                  key=f"bench-{n}-{p.index}") for p in parts]
            return list(client.gather(futs))

        return _measure(f"dask, {n} worker{'s' if n > 1 else ''}", n_docs, pids, run)


def bench_local(n: int, parts: list[Any], n_docs: int, out: Path) -> dict[str, Any]:
    import threading

    from tocsin.scale.sandbox import Sandbox
    from tocsin.scale.worker import process_partition

    boxes = [Sandbox(TIMEOUT) for _ in range(n)]
    with ThreadPoolExecutor(n) as pool:
        list(pool.map(lambda b: b.start(), boxes))
    free = list(boxes)
    lock = threading.Lock()

    def task(part: Any) -> dict[str, Any]:
        with lock:
            box = free.pop()
        try:
            return process_partition(part.to_dict(), str(out), TIMEOUT, sandbox=box)
        finally:
            with lock:
                free.append(box)

    try:
        with ThreadPoolExecutor(n) as pool:
            return _measure(f"local, {n} worker{'s' if n > 1 else ''}", n_docs,
                            [b.pid for b in boxes if b.pid],
                            lambda: list(pool.map(task, parts)))
    finally:
        for b in boxes:
            b.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--csv", default=str(DEFAULT_CSV))
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--partition-size", type=int, default=16)
    ap.add_argument("--configs", default="dask1,dask2,local1,local2")
    ap.add_argument("--skip-e2e", action="store_true")
    args = ap.parse_args()

    from tocsin.ingest import read_path
    from tocsin.model import Document
    from tocsin.scale.dask_runner import run_dask
    from tocsin.scale.merge import load_parquet
    from tocsin.scale.partition import plan
    from tocsin.store import Store

    docs = [d for d in read_path(args.csv) if isinstance(d, Document)][: args.limit]
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        with corpus.open("w", encoding="utf-8") as f:
            for d in docs:
                f.write(json.dumps({"id": d.id, "text": d.text, "title": d.title,
                                    "published": d.published.isoformat() if d.published
                                    else None, "source": d.source, "url": d.url}) + "\n")
        parts = list(plan([str(corpus)], size=args.partition_size))
        chars = sum(len(d.text) for d in docs)
        results.append(control())
        print(json.dumps(results[-1]), flush=True)
        for cfg in args.configs.split(","):
            out = Path(tmp) / cfg
            bench = bench_dask if cfg.startswith("dask") else bench_local
            results.append(bench(int(cfg[-1]), parts, len(docs), out))
            print(json.dumps(results[-1]), flush=True)
        first = Path(tmp) / args.configs.split(",")[0]
        with Store(Path(tmp) / "merge.duckdb") as store:
            t0 = time.perf_counter()
            rep = load_parquet(store, [first])
            merge_s = time.perf_counter() - t0
        results.append({"config": "merge into DuckDB (one writer)", "documents": rep.added,
                        "seconds": round(merge_s, 1),
                        "docs_per_s": round(rep.added / merge_s, 2)})
        print(json.dumps(results[-1]), flush=True)
        if not args.skip_e2e:
            with Store(Path(tmp) / "e2e.duckdb") as store:
                t0 = time.perf_counter()
                sr = run_dask(store, [str(corpus)], workers=2,
                              partition_size=args.partition_size, timeout=TIMEOUT)
                e2e = time.perf_counter() - t0
            results.append({"config": "end to end: run_dask, 2 workers (start-up, model "
                            "load, extraction, in-order merge)", "documents": sr.report.added,
                            "seconds": round(e2e, 1),
                            "docs_per_s": round(sr.report.added / e2e, 2),
                            "peak_rss_mb": sr.summary()["peak_rss_mb"],
                            "worker_rss_mb": sr.summary()["worker_rss_mb"]})
            print(json.dumps(results[-1]), flush=True)
    by = {r["config"]: r for r in results}
    one, two = by.get("dask, 1 worker"), by.get("dask, 2 workers")
    summary: dict[str, Any] = {"documents": len(docs), "mean_chars": round(chars / len(docs)),
                               "partitions": len(parts), "results": results}
    ctl = by.get("control: pure-Python work, 2 processes vs 1")
    if ctl:
        summary["machine_parallelism_2_vs_1"] = ctl["speedup"]
    if one and two:
        summary["dask_speedup_2_vs_1_wall"] = round(two["docs_per_s"] / one["docs_per_s"], 2)
        summary["dask_speedup_2_vs_1_cpu"] = round(
            two["docs_per_cpu_s"] / one["docs_per_cpu_s"], 2)
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
