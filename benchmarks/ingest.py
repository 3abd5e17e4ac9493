"""Ingest throughput and database size, on a news CSV (one article per row).

    TOCSIN_CACHE=~/.cache/tocsin-test /work/venv/bin/python benchmarks/ingest.py \
        [--csv ../shared/eval/news/Guardian_SDF_sample.csv] [--limit N]

Reports documents/s and sentences/s for extraction alone, for storing alone and end to
end, and the DuckDB file size per 1,000 documents (after a checkpoint; the marginal
figure, from the second half of the corpus, leaves out the fixed per-table blocks).

With ``--acled [COUNTRY ...]`` it ingests ACLED notes as a stream instead and reports how
many stored events join notes of different ACLED events and how many distinct notes were
marked duplicates (benchmarks/acled_stream.py).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from dataclasses import replace
from pathlib import Path

DEFAULT_CSV = Path(__file__).resolve().parents[2] / "shared" / "eval" / "news" / \
    "Guardian_SDF_sample.csv"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--csv", default=str(DEFAULT_CSV))
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--acled", nargs="*", default=None, metavar="COUNTRY",
                    help="ACLED-stream mode (benchmarks/acled_stream.py): the dev split's "
                         "notes of each country (none given: all five) in date order")
    ap.add_argument("--sample", type=int, default=600,
                    help="ACLED stream: consecutive notes from a seeded offset (0: all)")
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--cache", default=None,
                    help="ACLED stream: cache extractions in this folder")
    ap.add_argument("--explain", type=int, default=0,
                    help="ACLED stream: print the first N conflations to stderr")
    ap.add_argument("--replicate", type=int, default=1,
                    help="store the extractions K times under new ids (for the size of a "
                         "larger database; near-duplicate detection is off for copies)")
    args = ap.parse_args()
    if args.acled is not None:
        import sys

        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from acled_stream import run

        countries = args.acled or ["kenya", "mozambique", "myanmar", "nigeria", "somalia"]
        for country in countries:
            print(json.dumps(run(country, args.sample, args.seed,
                                 Path(args.cache) if args.cache else None, args.explain)),
                  flush=True)
        return

    from tocsin.api import get_pipeline
    from tocsin.ingest import read_path
    from tocsin.model import Document, Extraction
    from tocsin.store import Store

    docs = [d for d in read_path(args.csv) if isinstance(d, Document)][: args.limit]
    pipeline = get_pipeline()
    pipeline.process(Document(text="Warm-up: rockets hit Baghdad on Monday."))

    t0 = time.perf_counter()
    exts = [e for e in pipeline.pipe(docs) if isinstance(e, Extraction)]
    t_extract = time.perf_counter() - t0
    copies = [Extraction(doc=replace(e.doc, id=f"{e.doc.id}-copy{k}"), pipeline=e.pipeline,
                         actors=e.actors, places=e.places, events=e.events,
                         relations=e.relations)
              for k in range(1, args.replicate) for e in exts]

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        store = Store(db)
        half = len(exts) // 2
        t0 = time.perf_counter()
        statuses = [store.add(e).status for e in exts[:half]]
        t_store = time.perf_counter() - t0
        store.con.execute("CHECKPOINT")  # the file grows in 256 KiB blocks: measure the slope
        size_half = db.stat().st_size
        t0 = time.perf_counter()
        statuses += [store.add(e).status for e in exts[half:]]
        t_store += time.perf_counter() - t0
        store.con.execute("CHECKPOINT")
        size = db.stat().st_size
        big = {}
        if copies:
            store.near_duplicates = False
            t0 = time.perf_counter()
            for e in copies:
                store.add(e)
            t_copies = time.perf_counter() - t0
            store.con.execute("CHECKPOINT")
            n_big = len(exts) + len(copies)
            big = {"replicated_documents": n_big,
                   "replicated_store_docs_per_s": round(len(copies) / t_copies, 1),
                   "replicated_db_mb_per_1000_docs": round(
                       db.stat().st_size / n_big * 1000 / 1e6, 2)}
        blocks = store.con.execute("SELECT used_blocks, free_blocks FROM "
                                   "pragma_database_size()").fetchone()
        counts = store.stats()["counts"]
        store.close()

    sentences = sum(len(list(d.sents)) for d in pipeline.nlp.pipe(x.text for x in docs))
    chars = sum(len(d.text) for d in docs)
    n, total = len(docs), t_extract + t_store
    print(json.dumps({
        "documents": n, "sentences": sentences, "chars": chars,
        "stored": statuses.count("added"), "duplicates": statuses.count("duplicate"),
        "extract_s": round(t_extract, 2), "store_s": round(t_store, 2),
        "docs_per_s": round(n / total, 2), "sentences_per_s": round(sentences / total, 1),
        "extract_docs_per_s": round(n / t_extract, 2),
        "store_docs_per_s": round(n / t_store, 1),
        "db_bytes": size, "db_mb_per_1000_docs": round(size / n * 1000 / 1e6, 2),
        "db_mb_per_1000_docs_marginal": round(
            (size - size_half) / max(1, len(exts) - half) * 1000 / 1e6, 2),
        **big, "used_free_blocks": blocks, "rows": counts,
    }, indent=2))


if __name__ == "__main__":
    main()
