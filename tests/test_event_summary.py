"""Event summaries (participants, outlets, first evidence per event) and the indexed,
two-step event pages of the API: they must equal what the per-report tables say."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from store_corpus import QANDIL, SINJAR_A, SINJAR_B, SULAYMANIYAH

from tocsin.model import Document
from tocsin.server import queries as q
from tocsin.server.state import Reader
from tocsin.store import Store
from tocsin.store.schema import MIGRATIONS, migrate

DETAILS = ("sources", "targets", "doc_sources", "evidence")


def _add(store: Store, pipeline: Any, text: str, doc_id: str, source: str) -> None:
    doc = Document(text=text, id=doc_id, published=date(2020, 3, 3), source=source)
    assert store.add(pipeline.process(doc)).status == "added"


def _summaries(store: Store) -> dict[str, tuple[Any, ...]]:
    rows = store.con.execute("SELECT event_id, sources, targets, doc_sources, evidence "
                             "FROM event_summary").fetchall()
    return {r[0]: tuple(r[1:]) for r in rows}


def _live(store: Store) -> dict[str, tuple[Any, ...]]:
    """What the tables say, computed row by row in Python (the API's fallback)."""
    rows: list[dict[str, Any]] = [{"id": r[0]} for r in
                                  store.con.execute("SELECT id FROM events").fetchall()]
    q.attach_details(Reader(store.con), rows)
    return {r["id"]: tuple(r[k] for k in DETAILS) for r in rows}


def _four_outlets(store: Store, pipeline: Any) -> None:
    for n, (text, source) in enumerate([(SINJAR_A, "Kurdistan Daily"),
                                        (SINJAR_B, "Nineveh Herald"),
                                        (SULAYMANIYAH, "Sulaymaniyah Times"),
                                        (QANDIL, "Ankara Bulletin")]):
        _add(store, pipeline, text, f"doc-{n}", source)


def test_summaries_follow_ingest_merge_and_removal(pipeline: Any, tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as s:
        _four_outlets(s, pipeline)
        summaries = _summaries(s)
        assert summaries and summaries == _live(s)
        merged = [e for e in s.events() if e["n_documents"] == 2]
        assert len(merged) == 1
        eid = merged[0]["id"]
        assert summaries[eid][2] == ["Kurdistan Daily", "Nineveh Herald"]
        assert "turkish-air-force" in summaries[eid][0]
        # Removing one report rebuilds the event and its summary from the other.
        assert s.remove("doc-0")
        assert _summaries(s) == _live(s)
        assert _summaries(s)[eid][2] == ["Nineveh Herald"]
        for doc in ("doc-1", "doc-2", "doc-3"):
            s.remove(doc)
        assert _summaries(s) == {}


def test_migration_backfills_summaries_of_an_older_store(pipeline: Any,
                                                         tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    with Store(path) as s:
        _four_outlets(s, pipeline)
        expected = _summaries(s)
        # As a store written before migration 5 would be.
        s.con.execute("DROP TABLE event_summary")
        s.con.execute("DROP INDEX event_mentions_event")  # (DuckDB alters no indexed table)
        s.con.execute("ALTER TABLE event_mentions DROP COLUMN salience")
        s.con.execute("ALTER TABLE event_mentions DROP COLUMN why")
        s.con.execute("CREATE INDEX event_mentions_event ON event_mentions(event_id)")
        s.con.execute("DELETE FROM schema_migrations WHERE version >= 5")
        assert migrate(s.con) == MIGRATIONS[-1][0]
        assert _summaries(s) == expected == _live(s)


def test_event_pages_match_a_plain_sort(pipeline: Any, tmp_path: Path) -> None:
    with Store(tmp_path / "p.duckdb") as s:
        _four_outlets(s, pipeline)
        r = Reader(s.con)
        # A missing summary is computed from the tables instead.
        some = s.con.execute("SELECT min(event_id) FROM event_summary").fetchone()
        assert some is not None
        s.con.execute("DELETE FROM event_summary WHERE event_id = ?", [some[0]])
        live = _live(s)
        for f in (q.EventFilter(), q.EventFilter(include_negated=True),
                  q.EventFilter(types=["ASSAULT"]), q.EventFilter(actor="PKK")):
            where, args = q.event_where(r, f)
            for sort in ("date", "-date", "fatalities", "-documents", "confidence", "id"):
                key, desc = sort.lstrip("-"), sort.startswith("-")
                order = q.SORTS[key].format(d="DESC" if desc else "ASC")
                ref = [x[0] for x in s.con.execute(
                    f"SELECT e.id FROM events e WHERE {where} ORDER BY {order}",
                    args).fetchall()]
                for offset in (0, 1, 3, len(ref)):
                    total, rows = q.list_events(r, f, sort, 2, offset)
                    assert total == len(ref)
                    assert [x["id"] for x in rows] == ref[offset:offset + 2]
                    for x in rows:
                        assert tuple(x[k] for k in DETAILS) == live[x["id"]]
