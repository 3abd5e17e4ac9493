"""The full-size ingest torture run of issue 21 (outside the test suite; minutes, not seconds).

    TOCSIN_CACHE=~/.cache/tocsin-test .venv/bin/python scripts/ingest_torture.py \
        [--copies 26] [--big-copies N] [--engines serial,local] [--per-input] [--out DIR]

Writes the 50 good articles and `copies` files of each bad kind (tests/bad_inputs.py),
then for each engine runs `tocsin ingest DIR` twice in a fresh process and reports: good
documents stored, bad files with an error naming them, files with no outcome at all,
junk stored, rows added by the re-run, wall time and peak RSS (the largest process of the
run's tree). `--per-input` also ingests every file alone in a child forked from one
loaded pipeline (so a hang is killed at `--limit` seconds) and reports the slowest inputs
and the largest peak RSS of one input.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from bad_inputs import write_corpus  # noqa: E402

WRAP = ("import resource, subprocess, sys, time, json; t = time.monotonic(); "
        "r = subprocess.run(sys.argv[1:], capture_output=True, text=True, timeout=7200); "
        "print(json.dumps({'rc': r.returncode, 'out': r.stdout[-4000:], "
        "'err': r.stderr[-4000:], 'seconds': time.monotonic() - t, "
        "'peak_rss_mb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))")


def run_cli(args: list[str]) -> dict[str, Any]:
    """`tocsin ARGS` in a fresh process tree; its exit code, output, time and peak RSS."""
    cmd = [sys.executable, "-c", WRAP, sys.executable, "-m", "tocsin", *args]
    res = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(res.stdout)


def outcomes(db: Path, report: Path, good: list[Path], bad: list[Path]) -> dict[str, Any]:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    docs = con.execute("SELECT origin, id, duplicate_of FROM documents").fetchall()
    n_rows = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # type: ignore[index]
              for t in ("documents", "events", "event_mentions", "mentions")}
    con.close()
    lines = [json.loads(x) for x in report.read_text(encoding="utf-8").splitlines()
             if x.strip()]
    errors = [x for x in lines if "error" in x]  # the rest are notices (id conflicts)

    def file_of(where: str | None) -> str | None:
        # "path:12" or "path[3]" or "path" -> the file the outcome names.
        if not where:
            return None
        for f in all_files:
            if where == f or where.startswith((f + ":", f + "[", f + "#")):
                return f
        return None

    all_files = sorted((str(p) for p in good + bad), key=len, reverse=True)
    stored: dict[str, int] = {}
    for origin, _, dup in docs:
        f = file_of(origin)
        if f is not None:
            stored[f] = stored.get(f, 0) + (dup is None)
    named: dict[str, int] = {}
    for e in errors:
        f = file_of(e.get("input")) or next((g for g in all_files if g in e["error"]), None)
        if f is not None:
            named[f] = named.get(f, 0) + 1
    good_set, bad_set = {str(p) for p in good}, {str(p) for p in bad}
    # Good documents by content too (an older store's origin named only the directory).
    from tocsin.ingest import read_path
    from tocsin.model import Document
    from tocsin.store.store import content_hash

    expected = {content_hash(d.text) for f in good for d in read_path(str(f))
                if isinstance(d, Document)}
    con = duckdb.connect(str(db), read_only=True)
    hashes = {h for (h,) in con.execute(
        "SELECT content_hash FROM documents WHERE duplicate_of IS NULL").fetchall()}
    con.close()
    return {
        "good_files": len(good_set), "bad_files": len(bad_set),
        "good_documents_stored": sum(v for f, v in stored.items() if f in good_set),
        "good_texts_expected": len(expected), "good_texts_stored": len(expected & hashes),
        "good_files_with_error": sorted(f for f in good_set if f in named)[:10],
        "bad_files_with_error_naming_them": sum(1 for f in bad_set if f in named),
        "bad_files_that_stored_documents": sorted(f for f in bad_set if f in stored)[:10],
        "n_bad_files_that_stored_documents": sum(1 for f in bad_set if f in stored),
        "files_without_outcome": sorted(f for f in good_set | bad_set
                                        if f not in stored and f not in named)[:10],
        "n_files_without_outcome": sum(1 for f in good_set | bad_set
                                       if f not in stored and f not in named),
        "errors_not_naming_a_file": [e["error"][:160] for e in errors
                                     if not (file_of(e.get("input"))
                                             or any(g in e["error"] for g in all_files))][:10],
        "id_conflict_notices": len(lines) - len(errors),
        "rows": n_rows,
    }


def engine_run(engine: str, corpus: Path, good: list[Path], bad: list[Path], work: Path
               ) -> dict[str, Any]:
    db, report = work / f"{engine}.duckdb", work / f"{engine}-errors.jsonl"
    extra = [] if engine == "serial" else ["--engine", engine, "--workers", "2",
                                           "--partition-size", "50"]
    first = run_cli(["ingest", str(corpus), "--db", str(db), "--report", str(report),
                     "--no-progress", *extra])
    out = {"engine": engine, "seconds": round(first["seconds"], 1),
           "peak_rss_mb": round(first["peak_rss_mb"]), "exit": first["rc"],
           "summary": first["out"].strip().splitlines()[-1:] if first["out"] else None,
           **outcomes(db, report, good, bad)}
    again = run_cli(["ingest", str(corpus), "--db", str(db), "--report",
                     str(work / f"{engine}-errors-2.jsonl"), "--no-progress", *extra])
    summary = json.loads(again["out"].strip().splitlines()[-1])
    out["rerun_added"] = summary.get("added")
    out["rerun_rows"] = outcomes(db, work / f"{engine}-errors-2.jsonl", good, bad)["rows"]
    out["rerun_rows_unchanged"] = out["rerun_rows"] == out["rows"]
    return out


def per_input(files: list[Path], limit: float) -> dict[str, Any]:
    """Each file ingested alone in a child forked from one loaded pipeline."""
    from tocsin.api import get_pipeline
    from tocsin.model import Document

    pipe = get_pipeline()
    pipe.process(Document(text="Rockets hit Baghdad on Monday."), timeout=120)
    times: list[tuple[float, float, str, str]] = []
    tmp = Path(tempfile.mkdtemp(prefix="torture-one-"))
    for n, f in enumerate(files):
        r, w = os.pipe()
        t0 = time.monotonic()
        pid = os.fork()
        if pid == 0:  # the child: one ingest into its own store
            os.close(r)
            from tocsin.store import Store
            from tocsin.store.runner import ingest

            with Store(tmp / f"{n}.duckdb") as store:
                rep = ingest(store, [str(f)], pipeline=pipe)
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            os.write(w, json.dumps({"added": rep.added, "errors": len(rep.errors),
                                    "rss": rss}).encode())
            os._exit(0)
        os.close(w)
        status = "ok"
        while True:
            done, _ = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            if time.monotonic() - t0 > limit:
                os.kill(pid, 9)
                os.waitpid(pid, 0)
                status = "killed at limit"
                break
            time.sleep(0.005)
        dt = time.monotonic() - t0
        msg = os.read(r, 4096)
        os.close(r)
        rss = json.loads(msg)["rss"] if msg else float("nan")
        times.append((dt, rss, status, str(f)))
        (tmp / f"{n}.duckdb").unlink(missing_ok=True)
    times.sort(reverse=True)
    return {"inputs": len(times), "max_seconds": round(times[0][0], 2),
            "slowest": [(round(t, 2), round(m), s, p) for t, m, s, p in times[:8]],
            "max_peak_rss_mb": round(max(m for _, m, _, _ in times if m == m)),
            "killed": sum(1 for *_, s, _ in times if s != "ok")}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--copies", type=int, default=26)
    ap.add_argument("--big-copies", type=int, default=None)
    ap.add_argument("--engines", default="serial,local")
    ap.add_argument("--per-input", action="store_true")
    ap.add_argument("--limit", type=float, default=120.0)
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    work = Path(args.out or tempfile.mkdtemp(prefix="torture-"))
    corpus = work / "corpus"
    good, bad = write_corpus(corpus, args.copies, args.big_copies)
    result: dict[str, Any] = {"work": str(work), "good_files": len(good),
                              "bad_files": len(bad)}
    print(json.dumps(result), flush=True)
    if args.per_input:
        result["per_input"] = per_input(sorted(good + bad), args.limit)
        print(json.dumps(result["per_input"]), flush=True)
    for engine in [e for e in args.engines.split(",") if e]:
        result[engine] = engine_run(engine, corpus, good, bad, work)
        print(json.dumps(result[engine]), flush=True)
    (work / "result.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
