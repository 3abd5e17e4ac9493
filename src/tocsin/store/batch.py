"""Applying a batch of extractions in one transaction, with the outcome of applying them
one by one in order: the same documents, duplicate links, events, merges and reasons.

A batch goes in segments (usually one). Phase 1 walks the segment's documents in order
and decides, with what the database holds plus the documents before it in the batch,
each one's id (store.resolve), whether it is stored already, or a duplicate (content
hash, then the MinHash index, which takes each new document at once). Phase 2 fetches
in one query per kind the stored events any document of the segment could join, and
keeps them in memory (_Shadow) exactly as the database would hold them after each
document: each document's pool is the shadow's events in its date windows, by id, as the
per-document query returned them. Phase 3 merges (events_writer, the one implementation
of the rules); phase 4 writes every row of the segment in one statement per table, and
refreshes the event summaries once.

A segment ends before a document that must be removed first (`reprocess`) or whose event
ids a stored event holds (a document removed earlier whose events live on): such a
document is applied on its own against the database as it then is, as `add` did.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from tocsin.model import Extraction, stable_id
from tocsin.store import dedup
from tocsin.store.events_writer import (
    EVENT_COLS,
    Prepared,
    Stored,
    _Pool,
    _windows,
    fetch_candidates,
    mention_ids,
    merge_document,
    prepare,
    refresh_summaries,
    update_events,
)

if TYPE_CHECKING:
    import duckdb
    from datasketch import MinHash

    from tocsin.store.store import AddResult, Store

# Tables whose rows belong to one document: written once, with that document, so they
# need no primary-key index (the documents table guards against re-insertion).
APPEND_ONLY = frozenset({"mentions", "event_mentions", "relations"})
KEYS = {"actors": 1, "actor_aliases": 2, "places": 1, "event_participants": 3}


def _alias_like(text: str) -> bool:
    # Coreferent phrases ("the group", "Coalition spokesman") are mentions, not names.
    words = text.split()
    return bool(words) and all(w[:1].isupper() or not w[:1].isalpha() for w in words) \
        and words[0].lower() not in {"the", "a", "an", "this", "that"}


def bulk_insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[list[Any]]) -> None:
    """Rows in one statement, through Arrow (DuckDB binds statement parameters one by
    one, slow for hundreds of rows); keyed tables skip rows they hold already."""
    if not rows:
        return
    conflict = "" if table in APPEND_ONLY or table == "documents" else \
        " ON CONFLICT DO NOTHING"
    if len(rows) <= 4:  # a few rows (a batch of one): registering a table costs more
        one = "(" + ",".join("?" * len(rows[0])) + ")"
        con.execute(f"INSERT INTO {table} VALUES {','.join([one] * len(rows))}{conflict}",
                    [v for r in rows for v in r])
        return
    import pyarrow as pa

    data = pa.table({f"c{i}": [r[i] for r in rows] for i in range(len(rows[0]))})
    con.register("_tocsin_rows", data)
    try:
        con.execute(f"INSERT INTO {table} SELECT * FROM _tocsin_rows{conflict}")
    finally:
        con.unregister("_tocsin_rows")


def _in(con: duckdb.DuckDBPyConnection, sql: str, values: list[Any]) -> list[Any]:
    """`sql` with its one `?` bound to the list `values` (no query when it is empty)."""
    return con.execute(sql, [sorted(set(values))]).fetchall() if values else []


@dataclass(slots=True)
class _Item:
    index: int  # in the batch
    ext: Extraction
    origin: str | None
    now: datetime
    digest: str = ""
    conflict: str | None = None
    sig: MinHash | None = None
    dup: tuple[str, float] | None = None
    prep: Prepared | None = None


class _Shadow:
    """The stored events a segment's documents may join, kept as the database would hold
    them after each document (rows, participants, spots, their places' feature/country)."""

    def __init__(self, stored: list[Stored], places: dict[str, tuple[Any, Any]]) -> None:
        self.places = places  # place id -> (feature, country): the places table
        self.events: dict[str, Stored] = {}
        self.by_kind: dict[tuple[Any, ...], list[Stored]] = defaultdict(list)
        for s in stored:
            if s.row["place_id"] is not None and s.feature is not None:
                self.places.setdefault(s.row["place_id"], (s.feature, s.country))
            self._keep(s)

    def _keep(self, s: Stored) -> None:
        known = self.events.get(s.row["id"])
        if known is None:
            self.events[s.row["id"]] = s
            self.by_kind[(s.row["type"], s.row["negated"], s.row["future"])].append(s)
        else:  # updated in place: by_kind holds it too
            known.row, known.sources, known.targets, known.spots = (s.row, s.sources,
                                                                    s.targets, s.spots)

    def candidates(self, prep: Prepared, slack: int) -> list[Stored]:
        """What the per-document candidate query returns now (events_writer)."""
        found: dict[str, Stored] = {}
        for typ, neg, fut, lo, hi in _windows(prep.views, slack):
            for s in self.by_kind.get((typ, neg, fut), []):
                start, end = s.row["date_start"], s.row["date_end"]
                if start is not None and end is not None and start <= hi and end >= lo:
                    found[s.row["id"]] = s
        for s in found.values():  # the place as the places table now holds it
            s.feature, s.country = self.places.get(s.row["place_id"] or "", (None, None))
        return [found[i] for i in sorted(found)]

    def absorb(self, pool: _Pool) -> None:
        """The events a document founded or joined, as it left them."""
        for p in pool.items:
            if p.new or p.dirty:
                v = p.view
                self._keep(Stored(p.row, None, None, set(v.sources), set(v.targets),
                                  set(v.spots)))


class BatchWriter:
    """One batch of `Store.add_many`, inside the transaction the store opened."""

    def __init__(self, store: Store, reprocess: bool) -> None:
        self.store, self.con, self.reprocess = store, store.con, reprocess
        # Of the segment being decided: the places table's rows for its places, and the
        # documents split by hand from each of its documents (store/unmerge.py).
        self.places: dict[str, tuple[Any, Any]] = {}
        self.splits: defaultdict[str, set[str]] = defaultdict(set)

    def run(self, items: list[_Item]) -> list[AddResult]:
        results: dict[int, AddResult] = {}
        pos = 0
        while pos < len(items):
            segment, pos = self._decide(items, pos, results)
            if segment:
                self._write(segment)
        return [results[i.index] for i in items]

    # --- phase 1: ids, stored, duplicates ----------------------------------------------
    def _decide(self, items: list[_Item], pos: int, results: dict[int, AddResult]
                ) -> tuple[list[_Item], int]:
        """Decide items from `pos` on until a cut; (those to write, where to go on)."""
        from tocsin.store.store import AddResult, content_hash

        store, rest = self.store, items[pos:]
        digests = {i.index: content_hash(i.ext.doc.text) for i in rest}
        ids = [i.ext.doc.id for i in rest]
        ids += [f"{i.ext.doc.id}~{digests[i.index][:12]}" for i in rest]
        mids = {m for i in rest for doc_id in {i.ext.doc.id, f"{i.ext.doc.id}~"
                                                 f"{digests[i.index][:12]}"}
                for m in mention_ids(i.ext, doc_id)}
        # What the segment needs to know of the store, in one query (a statement costs a
        # millisecond or more: as much as the Python work of a short report).
        rows = self.con.execute(
            """SELECT 'doc', id, content_hash, coalesce(pipeline, ''),
                      coalesce(duplicate_of, id) FROM documents
               WHERE id IN (SELECT unnest($1::VARCHAR[]))
                  OR content_hash IN (SELECT unnest($2::VARCHAR[]))
               UNION ALL SELECT 'event', id, NULL, NULL, NULL FROM events
               WHERE id IN (SELECT unnest($3::VARCHAR[]))
               UNION ALL SELECT 'place', id, feature, country, NULL FROM places
               WHERE id IN (SELECT unnest($4::VARCHAR[]))
               UNION ALL SELECT 'split', doc_id, apart_from, NULL, NULL FROM merge_splits
               WHERE doc_id IN (SELECT unnest($1::VARCHAR[]))""",
            [sorted(set(ids)), sorted(set(digests.values())), sorted(mids),
             sorted({p.id for i in rest for p in i.ext.places})]).fetchall()
        wanted, hashes = set(ids), set(digests.values())
        known: dict[str, tuple[str, str]] = {}
        by_hash: dict[str, list[tuple[str, str]]] = defaultdict(list)
        taken: set[str] = set()
        self.places, self.splits = {}, defaultdict(set)
        for kind, key, a, b, c in rows:
            if kind == "doc":
                if key in wanted:
                    known[key] = (a, b)
                if a in hashes:
                    by_hash[a].append((key, c))
            elif kind == "event":
                taken.add(key)
            elif kind == "place":
                self.places[key] = (a, b)
            else:
                self.splits[key].add(a)
        segment: list[_Item] = []
        for item in rest:
            ext, digest = item.ext, digests[item.index]
            item.digest = digest
            doc_id, stored, conflict = ext.doc.id, None, None
            row = known.get(doc_id)
            if row is not None and row[0] == digest:
                stored = row[1]
            elif row is not None:
                doc_id = f"{ext.doc.id}~{digest[:12]}"
                conflict = (f"id {ext.doc.id!r} is already stored with other content "
                            f"(another file or an edited record); stored as {doc_id!r}")
                stored = known[doc_id][1] if doc_id in known else None
            if stored is not None and (not self.reprocess or stored == ext.pipeline):
                results[item.index] = AddResult(doc_id, "exists", conflict=conflict)
                continue
            own = stored is not None or bool(taken & set(mention_ids(ext, doc_id)))
            if own and segment:
                return segment, item.index  # applied on its own, after what comes before
            if stored is not None:
                store.remove_rows(doc_id)  # reprocess: then decide again from scratch
                return segment, item.index
            if doc_id != ext.doc.id:
                item.ext = replace(ext, doc=replace(ext.doc, id=doc_id))
            item.conflict = conflict
            doc = item.ext.doc
            sig = store.signature(doc.text, digest)
            dup = None
            if store.near_duplicates:
                same = [(i, first) for i, first in by_hash[digest] if i != doc.id]
                dup = (min(same)[1], 1.0) if same else None
                if dup is None and sig is not None:
                    dup = store._index().match(sig, doc.text, exclude=doc.id,
                                               source=doc.source)
            item.dup, item.sig = dup, None if dup else sig
            if item.sig is not None:
                store._index().add(doc.id, item.sig, doc.text, doc.source)
            known[doc.id] = (digest, ext.pipeline or "")
            by_hash[digest].append((doc.id, dup[0] if dup else doc.id))
            if dup:
                results[item.index] = AddResult(doc.id, "duplicate", dup[0], dup[1],
                                                conflict=conflict)
            else:
                results[item.index] = AddResult(doc.id, "added", events=len(ext.events),
                                                conflict=conflict)
            segment.append(item)
            if own:
                return segment, item.index + 1
        return segment, len(items)

    # --- phases 2-4: merge and write ---------------------------------------------------
    def _write(self, segment: list[_Item]) -> None:
        con, rules = self.con, self.store.rules
        docs: list[list[Any]] = []
        minhashes: list[list[Any]] = []
        keyed: dict[str, dict[tuple[Any, ...], list[Any]]] = {t: {} for t in KEYS}
        rows: dict[str, list[list[Any]]] = {t: [] for t in APPEND_ONLY}
        for item in segment:
            doc, dup = item.ext.doc, item.dup
            docs.append([doc.id, item.digest, doc.title, doc.published, doc.source,
                         doc.url, doc.author, doc.language, item.origin or doc.origin,
                         doc.text, len(doc.text), dup[0] if dup else None,
                         round(dup[1], 4) if dup else None, item.ext.pipeline, item.now,
                         item.now])
            if item.sig is not None:
                minhashes.append([doc.id, dedup.to_bytes(item.sig)])
        added = [i for i in segment if i.dup is None]
        for item in added:
            item.prep = prepare(item.ext)
        views = [v for i in added for v in (i.prep.views if i.prep else [])]
        shadow = _Shadow(fetch_candidates(con, views, rules.day_slack), dict(self.places))
        # Documents split by hand from one of these and their events: those stored, then
        # those of this segment.
        apart = {i.ext.doc.id: self.splits[i.ext.doc.id] for i in added
                 if self.splits.get(i.ext.doc.id)}
        mentioned: defaultdict[str, set[str]] = defaultdict(set)
        for doc_id, event_id in _in(
                con, "SELECT DISTINCT doc_id, event_id FROM event_mentions WHERE doc_id "
                "IN (SELECT unnest(?::VARCHAR[]))", [o for s in apart.values() for o in s]):
            mentioned[doc_id].add(event_id)
        inserts: dict[str, dict[str, Any]] = {}
        updates: dict[str, dict[str, Any]] = {}
        touched: set[str] = set()
        recount: set[str] = set()
        for item in added:
            ext, prep = item.ext, item.prep
            assert prep is not None
            for table, new_rows in _document_rows(ext, item.now).items():
                if table in APPEND_ONLY:
                    rows[table] += new_rows
                    continue
                for key, r in _keyed(new_rows, KEYS[table]).items():
                    keyed[table].setdefault(key, r)  # the first document's row stays
                    if table == "places":
                        shadow.places.setdefault(r[0], (r[6], r[4]))
            pool = _Pool([s.pooled() for s in shadow.candidates(prep, rules.day_slack)])
            held = frozenset(e for other in apart.get(ext.doc.id, ())
                             for e in mentioned[other])
            mention_rows, participants = merge_document(ext, prep, pool, rules, held,
                                                        item.now)
            rows["event_mentions"] += mention_rows
            for r in participants:
                keyed["event_participants"].setdefault(tuple(r), r)
            mentioned[ext.doc.id] |= {r[1] for r in mention_rows}
            for p in pool.items:
                if p.new:
                    inserts.setdefault(p.view.id, p.row)
                elif p.dirty:
                    recount.add(p.view.id)
                    if inserts.get(p.view.id) is not p.row:  # else inserted as it ends
                        updates[p.view.id] = p.row
                if p.new or p.dirty:
                    touched.add(p.view.id)
            shadow.absorb(pool)
        bulk_insert(con, "documents", docs)
        bulk_insert(con, "minhashes", minhashes)
        for table in ("actors", "actor_aliases", "places"):
            bulk_insert(con, table, list(keyed[table].values()))
        bulk_insert(con, "mentions", rows["mentions"])
        bulk_insert(con, "events", [[r[c] for c in EVENT_COLS] for r in inserts.values()])
        bulk_insert(con, "event_mentions", rows["event_mentions"])
        bulk_insert(con, "event_participants", list(keyed["event_participants"].values()))
        update_events(con, list(updates.values()), sorted(recount))
        refresh_summaries(con, sorted(touched))
        bulk_insert(con, "relations", rows["relations"])


def _keyed(rows: list[list[Any]], key: int) -> dict[tuple[Any, ...], list[Any]]:
    """One document's rows by key, the last of a key kept (as one statement did)."""
    return {tuple(r[:key]): r for r in rows}


def _document_rows(ext: Extraction, now: datetime) -> dict[str, list[list[Any]]]:
    """A document's actor, alias, place, mention and relation rows."""
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
    relations = [[stable_id(doc_id, r.type, r.subject, r.object, r.evidence.start), doc_id,
                  r.type, r.subject, r.object, r.start, r.evidence.sentence,
                  r.evidence.start, r.evidence.end, pv, now] for r in ext.relations]
    return {"actors": actors, "actor_aliases": aliases, "places": places,
            "mentions": mentions, "relations": relations}


def batch_times(n: int) -> list[datetime]:
    """One timestamp per document, increasing, so that reports keep their order of
    ingestion (rebuild_events reads them by extracted_at)."""
    now = datetime.now(UTC).replace(tzinfo=None)
    return [now + timedelta(microseconds=i) for i in range(n)]
