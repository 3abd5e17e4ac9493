"""Scale-out throughput: documents/s for 1 and 2 Dask workers and for --engine local.

    TOCSIN_CACHE=~/.cache/tocsin-test /work/venv/bin/python benchmarks/scale.py \
        [--csv ../shared/eval/news/Guardian_SDF_sample.csv] [--limit N] [--skip-e2e]
        [--store-apply-only] [--notes-csv ../shared/eval/acled/acled_nigeria.csv]
        [--ingest-ratios [--rounds N] [--notes N] [--ingest-configs extract,serial,...]]

The CSV becomes a JSON Lines corpus, cut into partitions. For each configuration the
workers are started and their pipelines loaded first; then the clock runs from the first
partition submitted to the last Parquet file written (extraction, the part that scales).
CPU seconds of the pipeline processes give documents per CPU-second, which contention
from other work on the machine does not distort the way wall time is. Merging the files
into DuckDB (single writer) is timed on its own, and one end-to-end `run_dask` with 2
workers includes cluster start-up, model loading and the in-order merge. A control (the
same pure-Python work in 1 and then 2 processes) shows how much parallelism the machine
offers at that moment, since on a shared machine other work takes its share.

Ingest ratios (issue 23, `--ingest-ratios`): on short notes and on long articles
separately, whole commands as a user runs them (start-up and model load included), in
the same run and taking turns: `tocsin extract` alone, `tocsin ingest` serial, with
`--engine local` and `--engine dask` with 1 and 2 workers; each one's time as a ratio of
extract's, 2 workers against 1, and the alert refresh each ingest ends with; then store
apply. `--limit` (articles) and `--notes` keep a quick run quick.

Store apply (issue 23): the extractions of short reports (ACLED notes, ~31 words) and of
the long articles are made once, then applied to fresh stores one document per
transaction (`Store.add`) and in batches (`Store.add_many`, as ingest and the partition
merge do), in the same run: documents per second of wall time and per CPU-second of the
process (DuckDB may use a second thread), the ratio, and whether both stores hold the
same rows.
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
NOTES_CSV = Path(__file__).resolve().parents[2] / "shared" / "eval" / "acled" / \
    "acled_nigeria.csv"
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


def short_notes(path: Path, n: int) -> list[Any]:
    """The first `n` notes of an ACLED export in date order, published the next day."""
    import csv
    from datetime import date, timedelta

    from tocsin.model import Document

    with path.open(encoding="utf-8") as f:
        rows = sorted(csv.DictReader(f), key=lambda r: (r["event_date"], r["data_id"]))[:n]
    return [Document(text=r["notes"], id=r["data_id"], source="ACLED note",
                     published=date.fromisoformat(r["event_date"]) + timedelta(days=1))
            for r in rows]


def _rows(store: Any) -> dict[str, int]:
    tables = ("documents", "events", "event_mentions", "event_participants", "mentions")
    return {t: store.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


def _fingerprint(store: Any) -> str:
    """The rows that merging decides, timestamps aside, as one digest."""
    import hashlib

    h = hashlib.sha1()
    for sql in ("SELECT id, duplicate_of FROM documents ORDER BY id",
                "SELECT * EXCLUDE (extracted_at) FROM event_mentions ORDER BY id",
                "SELECT * FROM events ORDER BY id",
                "SELECT * FROM event_participants ORDER BY ALL"):
        h.update(repr(store.con.execute(sql).fetchall()).encode())
    return h.hexdigest()


def bench_store_apply(label: str, exts: list[Any], tmp: Path, batch: int = 64
                      ) -> dict[str, Any]:
    """Apply the same extractions one per transaction, then in batches, to fresh stores."""
    from tocsin.store import Store, dedup, merge

    # Lazy imports and data files load before the clock runs (both paths use them).
    dedup.signature(" ".join(["warm"] * 40))
    merge._country_ids()
    with Store(tmp / f"warm-{label}.duckdb") as store:
        store.add_many(exts[:8])
    out: dict[str, Any] = {"config": f"store apply, {label}", "documents": len(exts),
                           "mean_chars": round(sum(len(e.doc.text) for e in exts)
                                               / len(exts))}
    prints = []
    for mode in ("per_doc", "batch"):
        with Store(tmp / f"{mode}-{label}.duckdb") as store:
            t0, c0 = time.perf_counter(), time.process_time()
            if mode == "per_doc":
                for e in exts:
                    store.add(e)
            else:
                for i in range(0, len(exts), batch):
                    store.add_many(exts[i:i + batch])
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
            out[mode] = {"seconds": round(wall, 2), "docs_per_s": round(len(exts) / wall, 1),
                         "docs_per_cpu_s": round(len(exts) / cpu, 1), "rows": _rows(store)}
            prints.append(_fingerprint(store))
    out["batch_size"] = batch
    out["batch_vs_per_doc"] = round(out["batch"]["docs_per_s"] / out["per_doc"]["docs_per_s"],
                                    2)
    out["same_rows"] = prints[0] == prints[1]
    out["load_avg_1min"] = round(os.getloadavg()[0], 2)
    return out


def store_apply(docs: list[Any], notes_csv: Path, n_notes: int, tmp: Path
                ) -> list[dict[str, Any]]:
    """The store-apply section: short notes and long articles."""
    from tocsin.api import get_pipeline
    from tocsin.model import Extraction

    pipe = get_pipeline()
    results = []
    for label, items in (("short notes", short_notes(notes_csv, n_notes)),
                         ("long articles", docs)):
        exts = [e for e in pipe.pipe(items) if isinstance(e, Extraction)]
        results.append(bench_store_apply(label, exts, tmp))
        print(json.dumps(results[-1]), flush=True)
    return results


INGEST_CONFIGS = ("extract", "serial", "local1", "local2", "dask1", "dask2")


def _tocsin(args: list[str]) -> tuple[float, dict[str, Any]]:
    """One `tocsin` command as a user runs it (a new process: start-up and model load
    included); its wall time and the summary line it prints (ingest)."""
    import subprocess
    import sys

    import tocsin

    src = str(Path(tocsin.__file__).resolve().parents[1])
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        p for p in (src, os.environ.get("PYTHONPATH")) if p))
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "tocsin", *args], env=env, check=True,
                          capture_output=True, text=True)
    wall = time.perf_counter() - t0
    last = done.stdout.strip().splitlines()[-1:] if args[0] == "ingest" else []
    return wall, json.loads(last[0]) if last else {}


def ingest_ratios(label: str, docs: list[Any], tmp: Path, rounds: int = 1,
                  configs: tuple[str, ...] = INGEST_CONFIGS) -> dict[str, Any]:
    """`tocsin extract` alone, then `tocsin ingest` serial, --engine local and dask with 1
    and 2 workers, each into a fresh store, on the same corpus; the configurations take
    turns in each round (so that a change in the machine's load hits them alike), and
    each one's median is compared with extract's."""
    import statistics

    corpus = tmp / f"{label.replace(' ', '-')}.jsonl"
    with corpus.open("w", encoding="utf-8") as f:
        for d in docs:
            f.write(json.dumps({"id": d.id, "text": d.text, "title": d.title,
                                "published": d.published.isoformat() if d.published
                                else None, "source": d.source, "url": d.url}) + "\n")
    # Enough partitions for two workers to share evenly.
    size = str(max(8, min(200, -(-len(docs) // 12))))
    walls: dict[str, list[float]] = {c: [] for c in configs}
    summaries: dict[str, dict[str, Any]] = {}
    loads = [round(os.getloadavg()[0], 2)]
    for r in range(rounds):
        for cfg in configs:
            db = tmp / f"{cfg}-{r}.duckdb"
            if cfg == "extract":
                args = ["extract", str(corpus), "--format", "jsonl"]
            else:
                args = ["ingest", str(corpus), "--db", str(db), "--no-progress"]
                if cfg != "serial":
                    args += ["--engine", cfg[:-1], "--workers", cfg[-1],
                             "--partition-size", size, "--work-dir", str(tmp / f"w-{cfg}-{r}")]
            wall, summaries[cfg] = _tocsin(args)
            walls[cfg].append(wall)
        loads.append(round(os.getloadavg()[0], 2))
    med = {c: statistics.median(w) for c, w in walls.items()}
    out: dict[str, Any] = {
        "config": f"ingest vs extract, {label}", "documents": len(docs),
        "mean_chars": round(sum(len(d.text) for d in docs) / len(docs)), "rounds": rounds,
        "partition_size": int(size),
        "seconds": {c: round(v, 1) for c, v in med.items()},
        "docs_per_s": {c: round(len(docs) / v, 1) for c, v in med.items()},
        "time_vs_extract": {c: round(v / med["extract"], 2) for c, v in med.items()}
        if "extract" in med else {},
        "alert_refresh_s": {c: (s.get("alerts") or {}).get("seconds")
                            for c, s in summaries.items() if c != "extract"},
        "load_avg_1min": loads}
    for engine in ("local", "dask"):
        if f"{engine}1" in med and f"{engine}2" in med:
            out[f"{engine}_2_vs_1_workers"] = round(med[f"{engine}1"] / med[f"{engine}2"], 2)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--csv", default=str(DEFAULT_CSV))
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--partition-size", type=int, default=16)
    ap.add_argument("--configs", default="dask1,dask2,local1,local2")
    ap.add_argument("--skip-e2e", action="store_true")
    ap.add_argument("--notes-csv", default=str(NOTES_CSV))
    ap.add_argument("--notes", type=int, default=1200, help="short notes for store apply")
    ap.add_argument("--store-apply-only", action="store_true")
    ap.add_argument("--ingest-ratios", action="store_true",
                    help="only the whole-command ratios (extract, ingest serial, local and "
                    "dask with 1 and 2 workers) and store apply, short notes and articles")
    ap.add_argument("--ingest-configs", default=",".join(INGEST_CONFIGS))
    ap.add_argument("--rounds", type=int, default=1)
    args = ap.parse_args()

    from tocsin.ingest import read_path
    from tocsin.model import Document
    from tocsin.scale.dask_runner import run_dask
    from tocsin.scale.merge import load_parquet
    from tocsin.scale.partition import plan
    from tocsin.store import Store

    docs = [d for d in read_path(args.csv) if isinstance(d, Document)][: args.limit]
    results: list[dict[str, Any]] = []
    if args.ingest_ratios:
        configs = tuple(args.ingest_configs.split(","))
        with tempfile.TemporaryDirectory() as tmp:
            summary = {"control": control(), "ingest_ratios": []}
            print(json.dumps(summary["control"]), flush=True)
            for label, items in (("short notes", short_notes(Path(args.notes_csv),
                                                            args.notes)),
                                 ("long articles", docs)):
                summary["ingest_ratios"].append(ingest_ratios(label, items, Path(tmp),
                                                              args.rounds, configs))
                print(json.dumps(summary["ingest_ratios"][-1]), flush=True)
            summary["store_apply"] = store_apply(docs, Path(args.notes_csv), args.notes,
                                                 Path(tmp))
        print(json.dumps(summary, indent=2))
        return
    if args.store_apply_only:
        with tempfile.TemporaryDirectory() as tmp:
            summary = {"store_apply": store_apply(docs, Path(args.notes_csv), args.notes,
                                                  Path(tmp))}
        print(json.dumps(summary, indent=2))
        return
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
        results.append({"config": "merge into DuckDB (one writer, add_many)",
                        "documents": rep.added,
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
    with tempfile.TemporaryDirectory() as tmp:
        summary["store_apply"] = store_apply(docs, Path(args.notes_csv), args.notes, Path(tmp))
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
