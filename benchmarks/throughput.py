"""Throughput: the full tocsin pipeline against spaCy's model alone, on the same texts.

    /work/venv/bin/python benchmarks/throughput.py [--limit N] [--csv PATH]

Texts: the Guardian articles of the shared evaluation data (news/Guardian_SDF_sample.csv,
found as in `tocsin evaluate`: $TOCSIN_EVAL_DIR or ../shared/eval). Four runs in one
invocation, each in a child process of its own so that its peak RSS is its own:
spaCy `nlp.pipe` with n_process 1 and 2, and tocsin with n_process 1 (`Pipeline.pipe`) and
2 (a pool of two processes over documents, each with its own pipeline). Words are the
regex \\w+ tokens of the texts, sentences spaCy's sentence count; both are the same
denominators for every run. The printed ratio is tocsin's speed over spaCy's. Max RSS is
the peak of the largest single process of a run (a worker's, with n_process 2).
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing as mp
import re
import resource
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


def load_texts(path: Path, limit: int | None) -> list[str]:
    csv.field_size_limit(1 << 30)
    with path.open(encoding="utf-8", newline="") as fh:
        texts = [r["text"] for r in csv.DictReader(fh) if (r.get("text") or "").strip()]
    return texts[:limit] if limit else texts


def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024  # Linux reports KiB


_PIPE: Any = None


def _init_worker() -> None:
    global _PIPE
    from tocsin.api import get_pipeline

    _PIPE = get_pipeline()


def _tocsin_chunk(texts: list[str]) -> int:
    from tocsin.model import Document

    return sum(len(x.events) for x in _PIPE.pipe(Document(text=t) for t in texts)
               if hasattr(x, "events"))


def _run(kind: str, n_process: int, texts: list[str], q: Any) -> None:
    """One measured run (in its own process); puts (seconds, sentences, peak MB)."""
    sentences = 0
    if kind == "spacy":
        from tocsin.nlp import load_model

        nlp = load_model()
        nlp("warm up")
        t0 = time.perf_counter()
        for doc in nlp.pipe(texts, batch_size=16, n_process=n_process):
            sentences += sum(1 for _ in doc.sents)
        secs = time.perf_counter() - t0
    elif n_process == 1:
        _init_worker()
        _PIPE.process(__import__("tocsin.model").model.Document(text="warm up"))
        t0 = time.perf_counter()
        _tocsin_chunk(texts)
        secs = time.perf_counter() - t0
    else:
        chunks = [texts[i:i + 8] for i in range(0, len(texts), 8)]
        with mp.get_context("fork").Pool(n_process, initializer=_init_worker) as pool:
            pool.apply(_noop)  # both workers' start-up is not timed
            pool.apply(_noop)
            t0 = time.perf_counter()
            sum(pool.imap(_tocsin_chunk, chunks))
            secs = time.perf_counter() - t0
    q.put((secs, sentences, _peak_mb()))


def _noop() -> None:
    return None


def measure(kind: str, n_process: int, texts: list[str]) -> tuple[float, int, float]:
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    p = ctx.Process(target=_run, args=(kind, n_process, texts, q))
    p.start()
    result: tuple[float, int, float] = q.get()
    p.join()
    return result


def main() -> None:
    from tocsin.evaluate.common import eval_dir

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--csv", type=Path, default=None)
    ap.add_argument("--limit", type=int, default=None, help="only the first N articles")
    args = ap.parse_args()
    path = args.csv or eval_dir() / "news" / "Guardian_SDF_sample.csv"
    if not path.exists():
        print(f"SKIPPED: {path} not found (set TOCSIN_EVAL_DIR)")
        return
    texts = load_texts(path, args.limit)
    words = sum(len(re.findall(r"\w+", t)) for t in texts)
    print(f"{len(texts)} articles, {words:,} words, {sum(map(len, texts)):,} characters")
    rows = {}
    for n in (1, 2):
        for kind in ("spacy", "tocsin"):
            rows[(kind, n)] = measure(kind, n, texts)
    sentences = rows[("spacy", 1)][1]
    print(f"{'run':<18}{'seconds':>9}{'words/s':>10}{'sents/s':>9}{'max RSS MB':>13}")
    for (kind, n), (secs, _, peak) in rows.items():
        print(f"{kind + f' n_process={n}':<18}{secs:>9.1f}{words / secs:>10,.0f}"
              f"{sentences / secs:>9.1f}{peak:>13.0f}")
    for n in (1, 2):
        ratio = rows[("spacy", n)][0] / rows[("tocsin", n)][0]
        print(f"n_process={n}: tocsin runs at {ratio:.2f}x spaCy's speed "
              f"({1 / ratio:.1f}x the time); peak RSS {rows[('tocsin', n)][2]:.0f} MB vs "
              f"{rows[('spacy', n)][2]:.0f} MB")


if __name__ == "__main__":
    main()
