"""An ACLED-layout export ingested as a news stream into a tocsin store.

Each note is one document, published the day after its event date (a report the next
morning), with ACLED's ``source`` column as its source. Rows are chosen by split, date
window and limit, then fed in publication order, as a feed would deliver them. A store
path that already holds the notes is reused: documents already stored are skipped, so a
second evaluation of the same file does not run the NLP pipeline again.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from pathlib import Path

from tocsin.evaluate.acled import Gold, load
from tocsin.evaluate.splits import in_split
from tocsin.model import Document

PUBLISH_LAG = 1  # days from an event to the note about it


def select(path: Path, split: str = "all", since: date | None = None,
           until: date | None = None, limit: int | None = None) -> list[Gold]:
    """The dated notes of ``split`` within [since, until], oldest first; ``limit`` keeps
    the first N (a stream cut short, never a scattered sample: series need every week)."""
    golds = [g for g in in_split(load(path), lambda g: g.id, split)
             if g.event_date is not None
             and (since is None or g.event_date >= since)
             and (until is None or g.event_date <= until)]
    golds.sort(key=lambda g: (g.event_date or date.min, g.id))
    return golds[:limit] if limit else golds


def as_document(g: Gold, lag: int = PUBLISH_LAG) -> Document:
    assert g.event_date is not None
    return Document(text=g.text, id=g.id, published=g.event_date + timedelta(days=lag),
                    source=g.source.split(";")[0].strip() or None, origin="acled")


def ingest(golds: Sequence[Gold], db: Path, lag: int = PUBLISH_LAG,
           log: bool = True) -> dict[str, float]:
    """Store the notes in ``db`` (a DuckDB file); returns counts and notes per second."""
    from tocsin.api import get_pipeline
    from tocsin.model import Extraction
    from tocsin.store import Store

    t0 = time.perf_counter()
    added = failed = 0
    # Each ACLED row is its own event, however alike two notes read: no near-duplicate
    # folding (identical texts are still one document).
    with Store.open(db, near_duplicates=False) as store:
        todo = [as_document(g, lag) for g in golds if not store.has_document(g.id)]
        pipe = get_pipeline()

        def feed() -> Iterator[Document]:
            yield from todo

        for i, item in enumerate(pipe.pipe(feed()), 1):
            if isinstance(item, Extraction):
                store.add(item, origin="acled")
                added += 1
            else:
                failed += 1
            if log and i % 500 == 0:
                rate = i / (time.perf_counter() - t0)
                print(f"  {i}/{len(todo)} notes, {rate:.1f}/s", file=sys.stderr)
    secs = time.perf_counter() - t0
    return {"notes": len(golds), "ingested": added, "failed": failed,
            "reused": len(golds) - len(todo), "seconds": round(secs, 1),
            "notes_per_second": round(added / secs, 1) if added and secs else 0.0}
