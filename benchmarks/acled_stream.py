"""ACLED notes ingested as a stream: does one store keep distinct events apart?

Every ACLED note is one distinct event, so a stored event joining notes of two ACLED
events is a conflation, and a note stored as a duplicate of another note loses an event.
Notes of a country's dev split are ingested in date order (ties: ACLED id), each as a
document published the day after its event, into a fresh temporary DuckDB store.

    python benchmarks/ingest.py --acled kenya [--sample 600] [--seed 17] [--explain 20]

The sample is ``--sample`` notes consecutive by date from a seeded offset (0: the whole
dev split). Extractions are cached per pipeline version (``--cache``), so that the store
can be measured before and after a change of the store alone on identical extractions.
``--explain N`` prints (to stderr) the first N conflations: each note's ACLED location,
and each report's place, spots, actors and why it joined (to classify wrong merges).
"""

from __future__ import annotations

import hashlib
import pickle
import random
import tempfile
import time
from collections import Counter, defaultdict
from datetime import timedelta
from pathlib import Path
from typing import Any

from tocsin.store.dedup import WORD, shingles

TWIN = 0.5  # 3-word-shingle Jaccard of two notes that tell one act (ACLED codes each part)

ACLED_DIR = Path(__file__).resolve().parents[2] / "shared" / "eval" / "acled"
CACHE = Path.home() / ".cache" / "tocsin-bench"


def sample_notes(country: str, n: int, seed: int) -> list[Any]:
    """The dev split's notes in date order: `n` consecutive ones from a seeded offset."""
    from tocsin.evaluate.acled import load
    from tocsin.evaluate.splits import in_split

    golds = in_split(load(ACLED_DIR / f"acled_{country}.csv"), lambda g: g.id, "dev")
    golds = sorted((g for g in golds if g.event_date is not None),
                   key=lambda g: (g.event_date, g.id))
    if n <= 0 or n >= len(golds):
        return golds
    start = random.Random(f"{seed}:{country}").randrange(len(golds) - n + 1)
    return golds[start:start + n]


def extract(golds: list[Any], cache: Path | None) -> tuple[list[Any], float]:
    """The notes' extractions (from the cache when present) and the extraction seconds."""
    from tocsin.api import get_pipeline
    from tocsin.model import Document, Extraction

    pipeline = get_pipeline()
    key = hashlib.sha1("\x1f".join([pipeline.version, *(g.id for g in golds)]).encode()
                       ).hexdigest()[:16]
    path = None if cache is None else cache / f"acled-{key}.pkl"
    if path is not None and path.exists():
        with path.open("rb") as fh:
            exts, seconds = pickle.load(fh)
        return exts, seconds
    docs = [Document(text=g.text, id=g.id, published=g.event_date + timedelta(days=1),
                     source="ACLED note") for g in golds]
    pipeline.process(Document(text="Warm-up: rockets hit Baghdad on Monday."))
    t0 = time.perf_counter()
    exts = [e for e in pipeline.pipe(docs) if isinstance(e, Extraction)]
    seconds = time.perf_counter() - t0
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as fh:
            pickle.dump((exts, seconds), fh)
    return exts, seconds


def stream_figures(store: Any) -> dict[str, Any]:
    """Multi-report events, those joining notes of different ACLED events (document ids
    are ACLED ids), and notes stored as duplicates of a distinct note."""
    con = store.con
    events = con.execute("SELECT count(*) FROM events").fetchone()[0]
    docs_of: dict[str, set[str]] = defaultdict(set)
    reports: Counter[str] = Counter()
    for event_id, doc_id in con.execute(
            "SELECT event_id, doc_id FROM event_mentions").fetchall():
        docs_of[event_id].add(doc_id)
        reports[event_id] += 1
    multi = [e for e, n in reports.items() if n >= 2]
    conflated = [e for e in multi if len(docs_of[e]) >= 2]
    # ACLED codes one report's acts as several events, each with a near-copy of the note:
    # an event joining such notes joins one telling of one act, counted apart.
    texts = dict(con.execute("SELECT id, text FROM documents").fetchall())
    twins = [e for e in conflated if _twins([texts[d] for d in sorted(docs_of[e])])]
    # Notes whose words are the same (up to case, spacing, punctuation) are one text.
    dups = [(d, WORD.findall(a.lower()) == WORD.findall(b.lower())) for d, a, b in con.execute(
        "SELECT d.id, d.text, o.text FROM documents d "
        "JOIN documents o ON o.id = d.duplicate_of WHERE d.duplicate_of IS NOT NULL"
    ).fetchall()]
    return {
        "events": events, "multi_report_events": len(multi),
        "multi_note_events": len(conflated),
        "conflated_rate": round(len(conflated) / len(multi), 4) if multi else 0.0,
        "notes_in_conflations": sum(len(docs_of[e]) for e in conflated),
        "conflations_of_near_copies": len(twins),
        "conflated_rate_other_notes": round((len(conflated) - len(twins)) / len(multi), 4)
        if multi else 0.0,
        "conflated_share_of_events": round(len(conflated) / events, 4) if events else 0.0,
        "distinct_notes_marked_duplicate": sum(1 for _, same in dups if not same),
        "same_words_duplicates": sum(1 for _, same in dups if same),
    }


def _twins(texts: list[str]) -> bool:
    sets = [shingles(t) for t in texts]
    return all(len(a & b) / max(1, len(a | b)) >= TWIN
               for i, a in enumerate(sets) for b in sets[i + 1:])


def explain(store: Any, golds: list[Any], limit: int) -> None:
    """The first `limit` stored events joining notes of different ACLED events."""
    import json
    import sys

    gold = {g.id: g for g in golds}
    rows = store.con.execute(
        """SELECT event_id, doc_id, type, place_id, spots, source_ids, target_ids, fatalities,
                  merge_reason FROM event_mentions ORDER BY event_id, extracted_at, id"""
    ).fetchall()
    by_event: dict[str, list[Any]] = defaultdict(list)
    for r in rows:
        by_event[r[0]].append(r)
    shown = 0
    for event_id, mentions in by_event.items():
        if len({m[1] for m in mentions}) < 2 or shown >= limit:
            continue
        shown += 1
        print(f"== {event_id} {mentions[0][2]}", file=sys.stderr)
        for d in sorted({m[1] for m in mentions}):
            g = gold.get(d)
            if g is not None:
                print(f"   note {d}: {g.event_date} {g.location} ({g.admin2}) "
                      f"{g.sub_event} toll {g.fatalities}", file=sys.stderr)
        for m in mentions:
            reason = json.loads(m[8])
            why = "founded" if reason.get("founded") else reason.get("why")
            print(f"   {m[1]} place={m[3]} spots={m[4]} src={m[5]} tgt={m[6]} toll={m[7]}"
                  f"\n      {why}", file=sys.stderr)


def run(country: str, n: int, seed: int, cache: Path | None, explain_n: int = 0
        ) -> dict[str, Any]:
    from tocsin.store import Store

    golds = sample_notes(country, n, seed)
    exts, t_extract = extract(golds, cache)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "stream.duckdb")
        t0 = time.perf_counter()
        statuses = Counter(store.add(e).status for e in exts)
        t_store = time.perf_counter() - t0
        figures = stream_figures(store)
        if explain_n:
            explain(store, golds, explain_n)
        store.close()
    k = len(exts)
    return {"country": country, "notes": k, "sample": n or "all", "seed": seed,
            "first_date": str(golds[0].event_date), "last_date": str(golds[-1].event_date),
            "statuses": dict(statuses), **figures,
            "extract_docs_per_s": round(k / t_extract, 2),
            "store_docs_per_s": round(k / t_store, 1),
            "docs_per_s": round(k / (t_extract + t_store), 2)}
