"""Worst-case inputs (issue 21): time and peak RSS per input, against one ordinary article.

    TOCSIN_CACHE=~/.cache/tocsin-test .venv/bin/python benchmarks/worst_cases.py [--only NAME]

Each case is one input file ingested alone by the real path (`store.runner.ingest`: the
readers, the pipeline with its limits, the DuckDB store), in a child forked from a parent
that loaded the pipeline once, so each peak RSS is that input's own process. The baseline
is an ordinary ~250-word article through the same path in the same invocation; each case
is printed with its seconds, its ratio to the baseline, its peak RSS and its outcome.
The cases pass the readers' checks (they hold words) so that they reach the tokenizer, the
pipeline and the store: symbol and emoji walls, hyphen chains, combining-mark runs, a
sentence of 40,000 words, the longest text under the limits, a text over them, and a
document reporting thousands of events. The last rows store synthetic extractions of 1k
to 8k events each (the per-document event writer alone), against a 10-event one.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

from bad_inputs import PLACES, article  # noqa: E402


def _prose(words: int) -> str:
    parts, n, i = [], 0, 0
    while n < words:
        text = article(i)[1]
        parts.append(text)
        n += len(text.split())
        i += 1
    return "\n\n".join(parts)


def _events_text(n: int) -> str:
    rng = random.Random(7)
    return " ".join(
        f"On {rng.choice(['Monday', 'Tuesday', 'Friday'])} gunmen attacked a checkpoint in "
        f"{rng.choice(PLACES)}, killing {rng.randint(2, 60)} soldiers." for _ in range(n))


LEAD = "Rockets hit the base near Kirkuk on Monday, officials said. "
CASES: dict[str, Any] = {
    "baseline: one article": lambda: article(0)[1],
    "emoji wall 100k in prose": lambda: LEAD + "🔥💥" * 50_000 + " The attack ended.",
    "symbol wall 100k in prose": lambda: LEAD + "!@#$%^&*()_+=~" * 7_000 + " It ended.",
    "hyphen chain 50 KB in prose": lambda: LEAD + "-".join(["ab"] * 16_500) + " It ended.",
    "hyphen chain 400 KB in prose": lambda: LEAD + "-".join(["ab"] * 135_000) + " End.",
    "combining run 100k in prose": lambda: LEAD + "a" + "\u0301" * 100_000 + " It ended.",
    "one sentence of 36k words": lambda: " ".join(["militants attacked the town"] * 9_000),
    "longest text under the limits (~30k words)": lambda: _prose(30_000),
    "text over the character limit (600k chars)": lambda: _prose(100_000)[:600_000],
    "2,000 attack sentences": lambda: _events_text(2_000),
}


def run_child(fn: Any, limit: float) -> dict[str, Any]:
    """fn() in a forked child; its result, seconds and peak RSS (MB)."""
    r, w = os.pipe()
    t0 = time.monotonic()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        try:
            out = fn()
        except Exception as exc:  # reported, not raised: the parent goes on
            out = {"failed": f"{type(exc).__name__}: {exc}"[:200]}
        out["rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        os.write(w, json.dumps(out).encode())
        os._exit(0)
    os.close(w)
    status = None
    while status is None:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            status = "ok"
        elif time.monotonic() - t0 > limit:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            status = "killed"
        else:
            time.sleep(0.01)
    seconds = time.monotonic() - t0
    data = b"".join(iter(lambda: os.read(r, 65536), b""))
    os.close(r)
    res = json.loads(data) if data else {"failed": f"child {status} after {seconds:.0f} s"}
    return {"seconds": round(seconds, 2), **res}


def ingest_one(text: str, work: Path, pipeline: Any) -> dict[str, Any]:
    from tocsin.store import Store
    from tocsin.store.runner import ingest

    f = work / "input.txt"
    f.write_text(text, encoding="utf-8")
    with Store(work / "one.duckdb") as store:
        rep = ingest(store, [str(f)], pipeline=pipeline)
    return {"added": rep.added, "events": rep.events,
            "error": rep.errors[0]["error"][-110:] if rep.errors else None}


def synthetic(n: int) -> Any:
    from tocsin.model import (
        Actor,
        Document,
        Event,
        Evidence,
        Extraction,
        Modality,
        Place,
        TimeValue,
    )

    rng = random.Random(n)
    actors = [Actor(f"a{i}", f"Actor {i}", "militia", "IRQ", False) for i in range(50)]
    places = [Place(f"p{i}", f"Place {i}", 30 + i / 2, 40 + i / 2, "IRQ", None, "city")
              for i in range(40)]
    events = []
    for i in range(n):
        d = date(2020, 1, 1) + timedelta(days=rng.randint(0, 3))
        events.append(Event(
            id=f"e{i}", type=rng.choice(["ASSAULT", "ACCUSE", "THREATEN"]), mode=None,
            cameo_root="19", source=[f"a{rng.randrange(50)}"],
            target=[f"a{rng.randrange(50)}"], date=TimeValue(d, d, "day"),
            place=f"p{rng.randrange(40)}", fatalities=None, modality=Modality(),
            evidence=Evidence(f"sentence {i}", i * 10, i * 10 + 9), confidence=0.5))
    return Extraction(doc=Document(text=f"synthetic report {n} " * 20, id=f"syn-{n}"),
                      pipeline="bench", actors=actors, places=places, events=events)


def store_events(n: int, work: Path) -> dict[str, Any]:
    from tocsin.store import Store

    with Store(work / "events.duckdb", near_duplicates=False) as store:
        store.add(synthetic(50))  # stored events for the new ones to be compared with
        ext = synthetic(n)
        t0 = time.perf_counter()
        res = store.add(ext)
        return {"store_seconds": round(time.perf_counter() - t0, 3), "status": res.status}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", default=None, help="cases whose name contains this")
    ap.add_argument("--limit", type=float, default=600.0, help="seconds before a kill")
    args = ap.parse_args()
    from tocsin.api import get_pipeline
    from tocsin.model import Document

    pipeline = get_pipeline()
    pipeline.process(Document(text="Warm-up: rockets hit Baghdad on Monday."), timeout=120)
    rows = []
    base: dict[str, Any] = {}
    for name, make in CASES.items():
        if args.only and args.only not in name and not name.startswith("baseline"):
            continue
        text = make()
        with tempfile.TemporaryDirectory() as tmp:
            res = run_child(lambda t=text, w=Path(tmp): ingest_one(t, w, pipeline), args.limit)
        res = {"case": name, "chars": len(text), **res}
        base = base or res
        res["x_baseline"] = round(res["seconds"] / base["seconds"], 1)
        rows.append(res)
        print(json.dumps(res, ensure_ascii=False), flush=True)
    if args.only is None or "events" in args.only:
        ref = None
        for n in (10, 1000, 2000, 4000, 8000):
            with tempfile.TemporaryDirectory() as tmp:
                res = run_child(lambda k=n, w=Path(tmp): store_events(k, w), args.limit)
            ref = ref or res
            res = {"case": f"store one document of {n} events", **res,
                   "x_10_events": round(res.get("store_seconds", 0) / max(
                       1e-3, ref.get("store_seconds", 1e-3)), 1)}
            rows.append(res)
            print(json.dumps(res), flush=True)


if __name__ == "__main__":
    main()
