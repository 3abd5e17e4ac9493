"""Build a large store for load tests: the demo corpus's extractions, replicated with new
ids (documents, events, mentions, participants) until N events exist.

    python scripts/make_big_db.py --events 100000 -o /tmp/big.duckdb

The demo corpus is ingested once (tocsin.store.runner.ingest) into the output file; then
its rows are copied in bulk with suffixed ids and dates shifted by whole weeks, so that
filters, sorting and pagination see realistic, varied data.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

DEMO = Path(__file__).resolve().parents[1] / "src" / "tocsin" / "data" / "demo" / "articles.jsonl"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-o", "--out", required=True)
    ap.add_argument("--events", type=int, default=100_000)
    args = ap.parse_args(argv)
    from tocsin.store import Store
    from tocsin.store.runner import ingest

    out = Path(args.out)
    if out.exists():
        out.unlink()
    t0 = time.monotonic()
    with Store(out) as store:
        rep = ingest(store, [str(DEMO)])
        if rep.errors:  # a short base would give a store unlike the demo's
            sys.stderr.write(f"{len(rep.errors)} demo documents failed: {rep.errors[:3]}\n")
        con = store.con
        base = con.execute("SELECT count(*) FROM events").fetchone()[0]  # type: ignore[index]
        copies = max(0, -(-args.events // base) - 1)
        # Copy n: ids get a "-r<n>" suffix, dates move by n weeks (kept within ~4 years).
        con.execute("CREATE TEMP TABLE rep AS SELECT range AS n, '-r' || range AS sfx, "
                    "(range % 200) * 7 AS shift FROM range(1, ? + 1)", [copies])
        con.execute("BEGIN TRANSACTION")
        con.execute("""INSERT INTO documents SELECT d.id || r.sfx, d.content_hash || r.sfx,
            d.title, d.published + r.shift::INTEGER, d.source, d.url, d.author, d.language,
            d.origin, d.text, d.n_chars, NULL, NULL, d.pipeline, d.extracted_at,
            d.ingested_at FROM documents d, rep r WHERE d.duplicate_of IS NULL""")
        con.execute("""INSERT INTO events SELECT e.id || r.sfx, e.type, e.mode, e.cameo_root,
            e.date_start + r.shift::INTEGER, e.date_end + r.shift::INTEGER, e.precision,
            e.place_id, e.lat, e.lon, e.fatalities, e.injuries, e.negated, e.future,
            e.n_mentions, e.n_documents, e.first_doc || r.sfx, e.confidence
            FROM events e, rep r""")
        con.execute("""INSERT INTO event_participants SELECT p.event_id || r.sfx, p.actor_id,
            p.role FROM event_participants p, rep r""")
        cols = [c[0] for c in con.execute("DESCRIBE event_mentions").fetchall()]
        sel = ", ".join({"id": "m.id || r.sfx", "event_id": "m.event_id || r.sfx",
                         "doc_id": "m.doc_id || r.sfx",
                         "date_start": "m.date_start + r.shift::INTEGER",
                         "date_end": "m.date_end + r.shift::INTEGER"}.get(c, f'm."{c}"')
                        for c in cols)
        con.execute(f"INSERT INTO event_mentions SELECT {sel} FROM event_mentions m, rep r")
        mcols = [c[0] for c in con.execute("DESCRIBE mentions").fetchall()]
        msel = ", ".join({"id": "m.id || r.sfx", "doc_id": "m.doc_id || r.sfx"}.get(
            c, f'm."{c}"') for c in mcols)
        con.execute(f"INSERT INTO mentions SELECT {msel} FROM mentions m, rep r")
        # A copy's summary equals its original's: same actors, outlets and sentences.
        con.execute("""INSERT INTO event_summary SELECT s.event_id || r.sfx, s.sources,
            s.targets, s.doc_sources, s.evidence FROM event_summary s, rep r""")
        con.execute("COMMIT")
        con.execute("CHECKPOINT")
        n = con.execute("SELECT count(*) FROM events").fetchone()[0]  # type: ignore[index]
    sys.stdout.write(f"{out}: {n} events ({copies} copies of {base}) in "
                     f"{time.monotonic() - t0:.1f} s\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
