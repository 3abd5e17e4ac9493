"""Gazetteer timing: index build time and peak RSS, lookups per second, loaded RSS.

    /work/venv/bin/python benchmarks/gazetteer.py [--cache DIR] [--rebuild]

The build runs in a child process so its peak RSS is measured on its own.
"""

from __future__ import annotations

import argparse
import atexit
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

NAMES = [
    "Baghdad", "Kirkuk", "Mosul", "Erbil", "Tripoli", "Ain al-Asad air base", "K-1 base",
    "Abha airport", "Nineveh", "Anbar", "Damascus", "Aleppo", "Idlib", "Deir ez-Zor",
    "Beirut", "Sidon", "Tyre", "Gaza", "Rafah", "Khan Younis", "Jenin", "Sanaa", "Hodeidah",
    "Marib", "Riyadh", "Jizan", "Tehran", "Isfahan", "Natanz", "Iraq", "Syria", "Yemen",
    "United States", "Springfield", "Jurf al-Sakhar", "Nowhere Town", "Al Udeid",
]


def _rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _build_child(cache: str) -> None:
    from tocsin.geo.build import ensure_index

    t0 = time.perf_counter()
    path = ensure_index(Path(cache))
    dt = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"build: {dt:.1f} s, peak RSS {peak:.0f} MB, index {path.stat().st_size / 1e6:.1f} MB"
          f" ({path.name})")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", default=None, help="cache dir (default: a fresh temp dir)")
    ap.add_argument("--n", type=int, default=20000, help="number of lookups")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        _build_child(args.cache)
        return
    cache = args.cache or tempfile.mkdtemp(prefix="tocsin-bench-")
    if args.cache is None:
        atexit.register(shutil.rmtree, cache, ignore_errors=True)
    subprocess.run([sys.executable, __file__, "--child", "--cache", cache], check=True)

    os.environ["TOCSIN_CACHE"] = cache
    from tocsin.geo.gazetteer import Gazetteer, get_gazetteer, normalize_place

    base = _rss_mb()
    t0 = time.perf_counter()
    gaz = get_gazetteer()
    print(f"open: {(time.perf_counter() - t0) * 1000:.1f} ms, "
          f"RSS +{_rss_mb() - base:.1f} MB (process {_rss_mb():.0f} MB)")

    rng = random.Random(7)
    queries = [rng.choice(NAMES) for _ in range(args.n)]
    t0 = time.perf_counter()
    for q in queries:
        gaz.lookup(q)
    dt = time.perf_counter() - t0
    print(f"cached lookups: {args.n / dt:,.0f}/s ({dt / args.n * 1e6:.1f} us each)")

    # Uncached: a fresh Gazetteer with the LRU disabled, and keys normalised afresh.
    cold = Gazetteer(gaz.path, cache_size=0)
    normalize_place.cache_clear()
    t0 = time.perf_counter()
    for q in queries[:5000]:
        cold.lookup(q)
    dt = time.perf_counter() - t0
    print(f"uncached lookups: {5000 / dt:,.0f}/s ({dt / 5000 * 1e6:.1f} us each)")
    print(f"RSS after lookups: {_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
