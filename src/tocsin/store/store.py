"""The DuckDB store: idempotent writes of extractions, one transaction per document.

Ids are deterministic (derived from the document id and spans), every insert ignores rows
it already has, and a document either lands with all its rows or not at all, so that
re-running an ingest, or resuming one killed half-way, ends with exactly the same rows.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tocsin.model import Document, Event, Extraction, Place, stable_id
from tocsin.store import dedup, queries
from tocsin.store.merge import COARSE_FEATURES, EventView, MergeRules, best_match, finer
from tocsin.store.schema import migrate

if TYPE_CHECKING:
    import duckdb
    from datasketch import MinHash

DEFAULT_DB = "tocsin.duckdb"


@dataclass(slots=True)
class AddResult:
    doc_id: str
    status: str  # "added" | "exists" | "duplicate"
    duplicate_of: str | None = None
    similarity: float | None = None
    events: int = 0


def content_hash(text: str) -> str:
    return hashlib.sha1(" ".join(text.split()).encode("utf-8")).hexdigest()


def _alias_like(text: str) -> bool:
    # Coreferent phrases ("the group", "Coalition spokesman") are mentions, not names.
    words = text.split()
    return bool(words) and all(w[:1].isupper() or not w[:1].isalpha() for w in words) \
        and words[0].lower() not in {"the", "a", "an", "this", "that"}


class Store(queries.QueryMixin):
    """A tocsin database file. ``Store(path)`` opens (creating and migrating) it."""

    def __init__(self, path: str | Path = DEFAULT_DB, read_only: bool = False,
                 rules: MergeRules | None = None) -> None:
        import duckdb

        self.path = Path(path)
        self.con: duckdb.DuckDBPyConnection = duckdb.connect(str(self.path),
                                                             read_only=read_only)
        if not read_only:
            migrate(self.con)
        self.rules = rules or MergeRules()
        self._dedup: dedup.DedupIndex | None = None

    @classmethod
    def open(cls, path: str | Path = DEFAULT_DB, **kwargs: Any) -> Store:
        return cls(path, **kwargs)

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- duplicates -------------------------------------------------------------------
    def _index(self) -> dedup.DedupIndex:
        if self._dedup is None:
            index = dedup.DedupIndex()
            for doc_id, blob in self.con.execute(
                    "SELECT doc_id, signature FROM minhashes ORDER BY doc_id").fetchall():
                index.add(doc_id, dedup.from_bytes(blob))
            self._dedup = index
        return self._dedup

    def has_document(self, doc_id: str) -> bool:
        return self.con.execute("SELECT 1 FROM documents WHERE id = ?",
                                [doc_id]).fetchone() is not None

    def find_duplicate(self, doc: Document, sig: MinHash | None = None
                       ) -> tuple[str, float] | None:
        """The stored document this one repeats (same text, or a near-duplicate)."""
        row = self.con.execute(
            "SELECT coalesce(duplicate_of, id) FROM documents WHERE content_hash = ? "
            "AND id <> ? ORDER BY id LIMIT 1", [content_hash(doc.text), doc.id]).fetchone()
        if row:
            return str(row[0]), 1.0
        sig = sig or dedup.signature(doc.text)
        return None if sig is None else self._index().match(sig, exclude=doc.id)

    # --- writes -----------------------------------------------------------------------
    def add(self, ext: Extraction, origin: str | None = None) -> AddResult:
        """Store one extraction (idempotent): all its rows in one transaction."""
        doc = ext.doc
        if self.has_document(doc.id):
            return AddResult(doc.id, "exists")
        sig = dedup.signature(doc.text)
        dup = self.find_duplicate(doc, sig)
        sig = None if dup else sig
        now = datetime.now(UTC).replace(tzinfo=None)
        con = self.con
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(
                "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [doc.id, content_hash(doc.text), doc.title, doc.published, doc.source,
                 doc.url, doc.author, doc.language, origin, doc.text, len(doc.text),
                 dup[0] if dup else None, round(dup[1], 4) if dup else None,
                 ext.pipeline, now, now])
            n_events = 0
            if dup is None:
                if sig is not None:
                    con.execute("INSERT INTO minhashes VALUES (?, ?)",
                                [doc.id, dedup.to_bytes(sig)])
                self._write_rows(ext, now)
                n_events = len(ext.events)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        if sig is not None:
            self._index().add(doc.id, sig)
        if dup:
            return AddResult(doc.id, "duplicate", dup[0], dup[1])
        return AddResult(doc.id, "added", events=n_events)

    def _insert(self, table: str, rows: list[list[Any]], key: int = 1) -> None:
        """Many rows in one statement (DuckDB runs executemany row by row)."""
        if not rows:
            return
        one = "(" + ",".join("?" * len(rows[0])) + ")"
        unique = list({json.dumps(r[:key], default=str): r for r in rows}.values())
        self.con.execute(f"INSERT INTO {table} VALUES {','.join([one] * len(unique))} "
                         "ON CONFLICT DO NOTHING", [v for r in unique for v in r])

    def _write_rows(self, ext: Extraction, now: datetime) -> None:
        doc_id, pv = ext.doc.id, ext.pipeline
        actors, aliases, mentions, places = [], [], [], []
        for a in ext.actors:
            actors.append([a.id, a.name, a.type, a.country, a.in_kb, doc_id])
            names = {a.name: "name"} | {m.text: "text" for m in a.mentions
                                        if _alias_like(m.text)}
            aliases += [[a.id, alias, how] for alias, how in names.items()]
            mentions += [[stable_id(doc_id, "actor", a.id, m.start, m.end), doc_id, "actor",
                          a.id, m.text, m.start, m.end, pv, now] for m in a.mentions]
        for p in ext.places:
            places.append([p.id, p.name, p.lat, p.lon, p.country, p.admin1, p.feature])
            mentions += [[stable_id(doc_id, "place", p.id, m.start, m.end), doc_id, "place",
                          p.id, m.text, m.start, m.end, pv, now] for m in p.mentions]
        self._insert("actors", actors)
        self._insert("actor_aliases", aliases, key=2)
        self._insert("places", places)
        self._insert("mentions", mentions)
        by_id = {p.id: p for p in ext.places}
        event_rows = [self._add_event(doc_id, i, ev, by_id.get(ev.place or ""), pv, now)
                      for i, ev in enumerate(ext.events)]
        self._insert("event_mentions", event_rows)
        self._insert("relations", [
            [stable_id(doc_id, r.type, r.subject, r.object, r.evidence.start), doc_id, r.type,
             r.subject, r.object, r.start, r.evidence.sentence, r.evidence.start,
             r.evidence.end, pv, now] for r in ext.relations])

    def _view(self, mention_id: str, ev: Event, place: Place | None) -> EventView:
        return EventView(
            id=mention_id, type=ev.type, negated=ev.modality.negated,
            future=ev.modality.future, date_start=ev.date.start, date_end=ev.date.end,
            precision=ev.date.precision, place_id=ev.place,
            lat=place.lat if place else None, lon=place.lon if place else None,
            feature=place.feature if place else None, country=place.country if place else None,
            sources=set(ev.source), targets=set(ev.target))

    def _candidates(self, new: EventView) -> list[EventView]:
        if new.date_start is None or new.precision == "unknown":
            return []
        slack = self.rules.day_slack
        rows = self.con.execute(
            f"""SELECT e.id, e.date_start, e.date_end, e.precision, e.place_id, e.lat, e.lon,
                       p.feature, p.country,
                       list(ep.actor_id) FILTER (WHERE ep.role = 'source'),
                       list(ep.actor_id) FILTER (WHERE ep.role = 'target')
                FROM events e LEFT JOIN places p ON p.id = e.place_id
                LEFT JOIN event_participants ep ON ep.event_id = e.id
                WHERE e.type = ? AND e.negated = ? AND e.future = ?
                  AND e.date_start <= ?::DATE + INTERVAL {slack} DAY
                  AND e.date_end >= ?::DATE - INTERVAL {slack} DAY
                GROUP BY ALL ORDER BY e.id""",
            [new.type, new.negated, new.future, new.date_end or new.date_start,
             new.date_start]).fetchall()
        return [EventView(id=r[0], type=new.type, negated=new.negated, future=new.future,
                          date_start=r[1], date_end=r[2], precision=r[3], place_id=r[4],
                          lat=r[5], lon=r[6], feature=r[7], country=r[8],
                          sources=set(r[9] or []), targets=set(r[10] or []))
                for r in rows]

    def _add_event(self, doc_id: str, i: int, ev: Event, place: Place | None, pv: str,
                   now: datetime) -> list[Any]:
        """Merge or found the event; returns the event mention's row (inserted in bulk)."""
        mid = stable_id(doc_id, "event", i, ev.id, ev.type, ev.evidence.start)
        new = self._view(mid, ev, place)
        chosen, reason = best_match(new, self._candidates(new), self.rules)
        event_id = chosen.id if chosen else mid
        m, d = ev.modality, ev.date
        lat, lon = (place.lat, place.lon) if place else (None, None)
        if chosen is None:
            self.con.execute(
                "INSERT INTO events VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,1,1,?,?)",
                [event_id, ev.type, ev.mode, ev.cameo_root, d.start, d.end or d.start,
                 d.precision, ev.place, lat, lon, ev.fatalities, ev.injuries, m.negated,
                 m.future, doc_id, ev.confidence])
        self._insert("event_participants",
                     [[event_id, a, "source"] for a in ev.source]
                     + [[event_id, a, "target"] for a in ev.target], key=3)
        row = [mid, event_id, doc_id, ev.type, ev.mode, ev.cameo_root, ev.source, ev.target,
               d.start, d.end or d.start, d.precision, d.text, ev.place, ev.fatalities,
               ev.injuries, m.negated, m.hypothetical, m.future, m.claimed, m.denied,
               m.claimant, ev.evidence.sentence, ev.evidence.start, ev.evidence.end,
               ev.trigger.text if ev.trigger else None, ev.confidence,
               json.dumps(reason, default=str, sort_keys=True), pv, now]
        if chosen is not None:
            self._update_event(chosen, new, ev, doc_id, lat, lon)
        return row

    def _update_event(self, old: EventView, new: EventView, ev: Event, doc_id: str,
                      lat: float | None, lon: float | None) -> None:
        """Fold one more report into an event: finer date, more precise place, max toll."""
        con = self.con
        con.execute(
            """UPDATE events SET n_mentions = n_mentions + 1,
                 n_documents = (SELECT count(DISTINCT doc_id) FROM (
                     SELECT doc_id FROM event_mentions WHERE event_id = ?
                     UNION ALL SELECT ?)),
                 fatalities = CASE WHEN ?::INTEGER IS NULL THEN fatalities
                                   ELSE greatest(coalesce(fatalities, 0), ?::INTEGER) END,
                 injuries = CASE WHEN ?::INTEGER IS NULL THEN injuries
                                 ELSE greatest(coalesce(injuries, 0), ?::INTEGER) END,
                 mode = coalesce(mode, ?), confidence = greatest(confidence, ?)
               WHERE id = ?""",
            [old.id, doc_id, ev.fatalities, ev.fatalities, ev.injuries, ev.injuries, ev.mode,
             ev.confidence, old.id])
        if finer(new.precision, old.precision):
            con.execute("UPDATE events SET date_start = ?, date_end = ?, precision = ? "
                        "WHERE id = ?", [new.date_start, new.date_end or new.date_start,
                                         new.precision, old.id])
        better_place = new.lat is not None and (
            old.lat is None or (old.feature in COARSE_FEATURES
                                and new.feature not in COARSE_FEATURES))
        if better_place:
            con.execute("UPDATE events SET place_id = ?, lat = ?, lon = ? WHERE id = ?",
                        [new.place_id, lat, lon, old.id])
