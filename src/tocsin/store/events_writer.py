"""Merging one document's events: each joins a stored event or founds a new one.

The batch writer (store/batch.py) fetches the candidates of a whole batch once and keeps
them as the database would hold them after each document; per document they form a pool
with the events that document founds, so that a second report in the same article can
join the first. This module decides; the batch writer writes the rows in bulk.

Linear in the events of a document: the pool is indexed by (type, flags, actor), so a
report is compared only with events it could merge into (sharing a named actor, or where
one side names none), never with the whole pool; past MAX_COMPARED such events (only in
pathological documents) the most recent are compared.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from tocsin.model import Event, Extraction, Place, stable_id
from tocsin.store.dates import Clamp, clamp_dates
from tocsin.store.merge import (
    COARSE_FEATURES,
    PRECISION_RANK,
    EventView,
    MergeRules,
    best_match,
    finer,
)
from tocsin.store.queries import event_details
from tocsin.store.spots import document_spots

if TYPE_CHECKING:
    import duckdb

MAX_COMPARED = 500  # mergeable events one report is compared with (the most recent)


@dataclass(slots=True)
class _Pooled:
    view: EventView
    row: dict[str, Any]  # the events table's columns
    new: bool  # founded by this document (inserted) or stored before (updated)
    dirty: bool = False


def _view(mid: str, ev: Event, place: Place | None, doc_id: str, spots: set[str]
          ) -> EventView:
    return EventView(
        id=mid, type=ev.type, negated=ev.modality.negated, future=ev.modality.future,
        date_start=ev.date.start, date_end=ev.date.end or ev.date.start,
        precision=ev.date.precision, place_id=ev.place,
        lat=place.lat if place else None, lon=place.lon if place else None,
        feature=place.feature if place else None, country=place.country if place else None,
        sources=set(ev.source), targets=set(ev.target), mode=ev.mode, doc=doc_id,
        spots=spots, fatalities=ev.fatalities)


EVENT_COLS = ("id", "type", "mode", "cameo_root", "date_start", "date_end", "precision",
              "place_id", "lat", "lon", "fatalities", "injuries", "negated", "future",
              "n_mentions", "n_documents", "first_doc", "confidence")


def _windows(views: list[EventView], slack: int) -> list[tuple[str, bool, bool, Any, Any]]:
    """(type, negated, future, from, to) covering every dated view's window widened by
    `slack` days; overlapping or adjacent windows of one kind are merged (days are
    discrete, so an event overlaps the union exactly when it overlaps one of them)."""
    from datetime import timedelta

    slack_d = timedelta(days=slack)
    spans: dict[tuple[str, bool, bool], list[tuple[Any, Any]]] = defaultdict(list)
    for v in views:
        if v.date_start is not None and v.precision != "unknown":
            spans[(v.type, v.negated, v.future)].append(
                (v.date_start - slack_d, (v.date_end or v.date_start) + slack_d))
    out = []
    for key, items in sorted(spans.items()):
        items.sort()
        lo, hi = items[0]
        for a, b in items[1:]:
            if a <= hi + timedelta(days=1):
                hi = max(hi, b)
            else:
                out.append((*key, lo, hi))
                lo, hi = a, b
        out.append((*key, lo, hi))
    return out


def fetch_candidates(con: duckdb.DuckDBPyConnection, views: list[EventView], slack: int
                     ) -> list[Stored]:
    """The stored events any of `views` could join (type, flags, date window), by id."""
    windows = _windows(views, slack)
    if not windows:
        return []
    cond = " OR ".join("(e.type = ? AND e.negated = ? AND e.future = ? AND "
                       "e.date_start <= ? AND e.date_end >= ?)" for _ in windows)
    args = [x for t, neg, fut, lo, hi in windows for x in (t, neg, fut, hi, lo)]
    rows = con.execute(
        f"""WITH cand AS (SELECT {', '.join('e.' + c for c in EVENT_COLS)}, p.feature,
                   p.country FROM events e LEFT JOIN places p ON p.id = e.place_id
                   WHERE {cond})
            , sp AS (SELECT em.event_id, flatten(list(em.spots)) AS spots
                     FROM event_mentions em WHERE em.event_id IN (SELECT id FROM cand)
                     GROUP BY em.event_id)
            SELECT cand.*, list(ep.actor_id) FILTER (WHERE ep.role = 'source'),
                   list(ep.actor_id) FILTER (WHERE ep.role = 'target'), any_value(sp.spots)
            FROM cand LEFT JOIN event_participants ep ON ep.event_id = cand.id
            LEFT JOIN sp ON sp.event_id = cand.id
            GROUP BY ALL ORDER BY cand.id""", args).fetchall()
    out = []
    for r in rows:
        row = dict(zip(EVENT_COLS, r[:len(EVENT_COLS)], strict=True))
        feature, country, sources, targets, spots = r[len(EVENT_COLS):]
        out.append(Stored(row, feature, country, set(sources or []), set(targets or []),
                          {x for x in spots or [] if x is not None}))
    return out


@dataclass(slots=True)
class Stored:
    """A stored event as a candidate query returns it: its row, its place's feature and
    country (the places table), its participants and the spots of its reports."""

    row: dict[str, Any]
    feature: str | None
    country: str | None
    sources: set[str]
    targets: set[str]
    spots: set[str]

    def pooled(self) -> _Pooled:
        """A fresh view for one document's pool (the row is shared: folds update it)."""
        row = self.row
        view = EventView(
            id=row["id"], type=row["type"], negated=row["negated"], future=row["future"],
            date_start=row["date_start"], date_end=row["date_end"],
            precision=row["precision"], place_id=row["place_id"], lat=row["lat"],
            lon=row["lon"], feature=self.feature, country=self.country,
            sources=set(self.sources), targets=set(self.targets), mode=row["mode"],
            spots=set(self.spots), fatalities=row["fatalities"])
        return _Pooled(view, row, new=False)


def _fold(target: _Pooled, new: EventView, ev: Event) -> None:
    """One more report of an event: finer date, more precise place, largest toll."""
    row, view = target.row, target.view
    row["n_mentions"] += 1
    for key, value in (("fatalities", ev.fatalities), ("injuries", ev.injuries)):
        if value is not None:
            row[key] = max(row[key] or 0, value)
    row["mode"] = row["mode"] or ev.mode
    row["confidence"] = max(row["confidence"] or 0.0, ev.confidence)
    if finer(new.precision, view.precision):
        view.date_start, view.date_end, view.precision = (new.date_start, new.date_end,
                                                          new.precision)
        row.update(date_start=new.date_start, date_end=new.date_end, precision=new.precision)
    if new.lat is not None and (view.lat is None or (view.feature in COARSE_FEATURES
                                                     and new.feature not in COARSE_FEATURES)):
        view.place_id, view.lat, view.lon = new.place_id, new.lat, new.lon
        view.feature, view.country = new.feature, new.country
        row.update(place_id=new.place_id, lat=new.lat, lon=new.lon)
    view.sources |= new.sources
    view.targets |= new.targets
    view.mode = view.mode or new.mode
    view.spots |= new.spots
    if new.fatalities is not None:
        view.fatalities = max(view.fatalities or 0, new.fatalities)
    if new.doc is not None:
        view.docs.add(new.doc)
    target.dirty = True


class _Pool:
    """The events a report may join: stored candidates and those this document founded,
    in pool order, indexed by (type, negated, future, named actor or "")."""

    def __init__(self, items: list[_Pooled]) -> None:
        self.items: list[_Pooled] = []
        self.by_id: dict[str, _Pooled] = {}
        self.by_type: dict[str, list[_Pooled]] = defaultdict(list)
        self.by_kind: dict[tuple[str, bool, bool], list[_Pooled]] = defaultdict(list)
        self.order: dict[str, int] = {}
        self.index: dict[tuple[str, bool, bool, str], list[_Pooled]] = defaultdict(list)
        for p in items:
            self.add(p)

    def add(self, p: _Pooled) -> None:
        v = p.view
        self.order[v.id] = len(self.items)
        self.items.append(p)
        self.by_id[v.id] = p
        self.by_type[v.type].append(p)
        self.by_kind[(v.type, v.negated, v.future)].append(p)
        self.note_actors(p, v.named_actors or {""})

    def note_actors(self, p: _Pooled, actors: set[str]) -> None:
        v = p.view
        for a in sorted(actors):
            self.index[(v.type, v.negated, v.future, a)].append(p)

    def mergeable(self, new: EventView) -> list[EventView]:
        """A superset of the events `new` can merge into (see merge.check: a shared named
        actor, or one side naming none), the most recent MAX_COMPARED, in pool order."""
        kind = (new.type, new.negated, new.future)
        if not new.named_actors:
            # Without a shared actor a merge needs a day-precise date and a place on both
            # sides (merge.check), or the same document (the same act told twice).
            found = self.by_kind[kind][-MAX_COMPARED:]
            if new.precision != "day" or (new.place_id is None and new.lat is None):
                found = [p for p in found if new.doc is not None and new.doc in p.view.docs]
        else:
            seen: dict[str, _Pooled] = {}
            for a in [*sorted(new.named_actors), ""]:
                for p in self.index.get((*kind, a), [])[-MAX_COMPARED:]:
                    seen[p.view.id] = p
            found = sorted(seen.values(), key=lambda p: self.order[p.view.id])
        return [p.view for p in found[-MAX_COMPARED:]]


def _match(new: EventView, pool: _Pool, rules: MergeRules,
           apart: frozenset[str] = frozenset()) -> tuple[EventView | None, dict[str, Any]]:
    """merge.best_match over the whole pool, with the same outcome and explanation, but
    checking only the events the report could merge into; never events in `apart`
    (holding reports of a document split from this one by hand)."""
    same_type = pool.by_type[new.type]
    chosen, reason = best_match(new, [v for v in pool.mergeable(new) if v.id not in apart],
                                rules)
    # A founded event lists why the events it could have joined (sharing an actor, or
    # one naming none) were refused, the most recent first.
    return chosen, {**reason, "considered": len(same_type)}


def kept_apart(con: duckdb.DuckDBPyConnection, doc_id: str) -> frozenset[str]:
    """The stored events holding a report of a document split by hand from `doc_id`
    (store/unmerge.py): its reports never join them."""
    rows = con.execute(
        """SELECT DISTINCT em.event_id FROM merge_splits s
           JOIN event_mentions em ON em.doc_id = s.apart_from WHERE s.doc_id = ?""",
        [doc_id]).fetchall()
    return frozenset(r[0] for r in rows)


def _act_tolls(views: list[EventView]) -> None:
    """A report without a toll takes the largest its document states for an act of the
    same type, day and place (one act told in two sentences: "Gunmen attacked X. Four
    people were killed."), so that merging compares the act's toll."""
    tolls: dict[tuple[Any, ...], int] = {}
    for v in views:
        key = (v.type, v.place_id, v.date_start, v.date_end)
        if v.fatalities is not None:
            tolls[key] = max(tolls.get(key, 0), v.fatalities)
    for v in views:
        if v.fatalities is None:
            v.fatalities = tolls.get((v.type, v.place_id, v.date_start, v.date_end))


@dataclass(slots=True)
class Prepared:
    """One document's events as the merge reads them: dates clamped to publication, ids,
    and the views compared (spots read, tolls shared within the document)."""

    events: list[Event]
    clamps: list[Clamp | None]
    mids: list[str]
    views: list[EventView]


def mention_ids(ext: Extraction, doc_id: str) -> list[str]:
    """The ids of a document's event mentions (an event founded by one takes its id)."""
    return [stable_id(doc_id, "event", i, ev.id, ev.type, ev.evidence.start)
            for i, ev in enumerate(ext.events)]


def prepare(ext: Extraction) -> Prepared:
    doc_id = ext.doc.id
    places = {p.id: p for p in ext.places}
    # No event dated after its report's publication day (clamped, the original kept).
    events, clamps = clamp_dates(ext)
    mids = mention_ids(ext, doc_id)
    named = document_spots(events, places, ext.actors, ext.doc.text)
    views = [_view(mid, ev, places.get(ev.place or ""), doc_id, named_)
             for mid, ev, named_ in zip(mids, events, named, strict=True)]
    _act_tolls(views)
    return Prepared(events, clamps, mids, views)


def merge_document(ext: Extraction, prep: Prepared, pool: _Pool, rules: MergeRules,
                   apart: frozenset[str], now: datetime
                   ) -> tuple[list[list[Any]], list[list[Any]]]:
    """Merge each of the document's reports into `pool` (stored candidates, in id order),
    in order; returns its event_mentions and event_participants rows. Events it founds
    join the pool (new); stored events it joins are folded (dirty)."""
    doc_id, pv = ext.doc.id, ext.pipeline
    mention_rows: list[list[Any]] = []
    participants: list[list[Any]] = []
    for mid, ev, new, clamp in zip(prep.mids, prep.events, prep.views, prep.clamps,
                                   strict=True):
        chosen, reason = _match(new, pool, rules, apart)
        if chosen is None:
            row = dict(id=mid, type=ev.type, mode=ev.mode, cameo_root=ev.cameo_root,
                       date_start=new.date_start, date_end=new.date_end,
                       precision=new.precision, place_id=ev.place, lat=new.lat, lon=new.lon,
                       fatalities=ev.fatalities, injuries=ev.injuries, negated=new.negated,
                       future=new.future, n_mentions=1, n_documents=1, first_doc=doc_id,
                       confidence=ev.confidence)
            target = _Pooled(replace(new, sources=set(new.sources), targets=set(new.targets),
                                     spots=set(new.spots), docs={doc_id}), row, new=True)
            pool.add(target)
        else:
            target = pool.by_id[chosen.id]
            before = target.view.named_actors
            _fold(target, new, ev)
            pool.note_actors(target, target.view.named_actors - before)
        event_id = target.view.id
        participants += [[event_id, a, "source"] for a in ev.source]
        participants += [[event_id, a, "target"] for a in ev.target]
        m, d = ev.modality, ev.date
        mention_rows.append([
            mid, event_id, doc_id, ev.type, ev.mode, ev.cameo_root, ev.source, ev.target,
            d.start, d.end or d.start, d.precision, d.text, ev.place, ev.fatalities,
            ev.injuries, m.negated, m.hypothetical, m.future, m.claimed, m.denied, m.claimant,
            ev.evidence.sentence, ev.evidence.start, ev.evidence.end,
            ev.trigger.text if ev.trigger else None, ev.confidence,
            json.dumps(reason, default=str, sort_keys=True), pv, now, ev.salience,
            json.dumps(ev.why, default=str, sort_keys=True) if ev.why is not None else None,
            clamp.start if clamp else None, clamp.end if clamp else None,
            sorted(new.spots)])
    return mention_rows, participants


def update_events(con: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]],
                  recount: list[str]) -> None:
    """Write the folded values of stored events, then recount their reports."""
    if rows:
        _update_events(con, rows)
    if recount:
        con.execute(
            """UPDATE events SET n_mentions = c.n, n_documents = c.d FROM (
                  SELECT event_id, count(*) AS n, count(DISTINCT doc_id) AS d
                  FROM event_mentions WHERE event_id IN (SELECT unnest(?::VARCHAR[]))
                  GROUP BY event_id) c WHERE events.id = c.event_id""", [recount])


UPDATED = ("mode", "date_start", "date_end", "precision", "place_id", "lat", "lon",
           "fatalities", "injuries", "confidence", "id")


def _update_events(con: duckdb.DuckDBPyConnection, updated: list[dict[str, Any]]) -> None:
    """The folded values of stored events, in one statement (one per event was
    quadratic in practice: thousands of statements for a long document)."""
    import pyarrow as pa

    schema = pa.schema([("mode", pa.string()), ("date_start", pa.date32()),
                        ("date_end", pa.date32()), ("precision", pa.string()),
                        ("place_id", pa.string()), ("lat", pa.float64()),
                        ("lon", pa.float64()), ("fatalities", pa.int64()),
                        ("injuries", pa.int64()), ("confidence", pa.float64()),
                        ("id", pa.string())])
    table = pa.Table.from_pylist([{c: row[c] for c in UPDATED} for row in updated],
                                 schema=schema)
    con.register("_tocsin_updates", table)
    try:
        con.execute(f"""UPDATE events SET {', '.join(f'{c} = u.{c}' for c in UPDATED[:-1])}
                        FROM _tocsin_updates u WHERE events.id = u.id""")
    finally:
        con.unregister("_tocsin_updates")


def refresh_summaries(con: duckdb.DuckDBPyConnection, event_ids: list[str]) -> None:
    """Recompute the event_summary rows (migration 5) of events whose reports or
    participants changed; an event that no longer exists loses its row."""
    ids = sorted(set(event_ids))
    if not ids:
        return
    con.execute("DELETE FROM event_summary WHERE event_id IN (SELECT unnest(?::VARCHAR[]))",
                [ids])
    alive = [r[0] for r in con.execute(
        "SELECT id FROM events WHERE id IN (SELECT unnest(?::VARCHAR[])) ORDER BY id",
        [ids]).fetchall()]
    details = event_details(con, alive)
    if alive:
        values = ",".join(["(?, ?, ?, ?, ?)"] * len(alive))
        con.execute(f"INSERT INTO event_summary VALUES {values}",
                    [v for i in alive for v in (i, *details[i])])


def rebuild_events(con: duckdb.DuckDBPyConnection, event_ids: list[str]) -> None:
    """Recompute events from the reports they still have (after a document is removed)."""
    for event_id in sorted(set(event_ids)):
        rows = con.execute(
            """SELECT em.mode, em.date_start, em.date_end, em.precision, em.place_id, p.lat,
                      p.lon, p.feature, em.fatalities, em.injuries, em.confidence,
                      em.doc_id, em.source_ids, em.target_ids
               FROM event_mentions em LEFT JOIN places p ON p.id = em.place_id
               WHERE em.event_id = ? ORDER BY em.extracted_at, em.id""",
            [event_id]).fetchall()
        con.execute("DELETE FROM event_participants WHERE event_id = ?", [event_id])
        if not rows:
            con.execute("DELETE FROM events WHERE id = ?", [event_id])
            continue
        dated = min(rows, key=lambda r: PRECISION_RANK.get(r[3], 4))
        located = [r for r in rows if r[5] is not None]
        fine = [r for r in located if r[7] not in COARSE_FEATURES]
        place = (fine or located or [rows[0]])[0]
        tolls = [r[8] for r in rows if r[8] is not None]
        hurt = [r[9] for r in rows if r[9] is not None]
        con.execute(
            """UPDATE events SET mode = ?, date_start = ?, date_end = ?, precision = ?,
                 place_id = ?, lat = ?, lon = ?, fatalities = ?, injuries = ?,
                 confidence = ?, n_mentions = ?, n_documents = ?, first_doc = ?
               WHERE id = ?""",
            [next((r[0] for r in rows if r[0]), None), dated[1], dated[2], dated[3],
             place[4], place[5], place[6], max(tolls) if tolls else None,
             max(hurt) if hurt else None, max(r[10] or 0.0 for r in rows), len(rows),
             len({r[11] for r in rows}), rows[0][11], event_id])
        people = {(a, "source") for r in rows for a in r[12] or []}
        people |= {(a, "target") for r in rows for a in r[13] or []}
        for actor_id, role in sorted(people):
            con.execute("INSERT INTO event_participants VALUES (?, ?, ?)",
                        [event_id, actor_id, role])
    refresh_summaries(con, event_ids)
