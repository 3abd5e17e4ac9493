"""API queries the store's own methods lack: paginated, sorted, filtered event lists.

Every value reaches SQL as a bound parameter; only whitelisted column expressions (the
sort keys) are spliced into the text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, NotRequired

from tocsin.store.queries import HAVERSINE, QueryError, event_details, parse_near
from tocsin.store.rows import (
    DocumentDetail,
    DocumentPageRow,
    EventListRow,
    PlaceRow,
    RelationRow,
    TimelineRow,
    fetch,
)

if TYPE_CHECKING:
    from tocsin.server.state import Reader

SORTS = {
    "date": "e.date_start {d} NULLS LAST, e.id {d}",
    "confidence": "e.confidence {d} NULLS LAST, e.id {d}",
    "fatalities": "coalesce(e.fatalities, 0) {d}, e.id {d}",
    "documents": "e.n_documents {d}, e.id {d}",
    "id": "e.id {d}",
}
# Sort keys with few distinct values (days, small counts): see _page_ids.
FEW_KEYS = {"date": "e.date_start", "fatalities": "coalesce(e.fatalities, 0)",
            "documents": "e.n_documents"}
SORT_COLS = "e.id, e.date_start, e.confidence, e.fatalities, e.n_documents"
BASE_COLS = """e.id, e.type, e.mode, e.cameo_root, e.date_start, e.date_end, e.precision,
  e.place_id, p.name AS place, p.admin1, p.country, e.lat, e.lon, e.fatalities, e.injuries,
  e.negated, e.future, e.n_mentions, e.n_documents, e.confidence"""
SUMMARY_COLS = """s.event_id IS NOT NULL AS _summary, s.sources, s.targets, s.doc_sources,
  s.evidence"""


class SummarisedRow(EventListRow):
    """A row of BASE_COLS and SUMMARY_COLS: `_summary` says whether the event had a
    summary row, and is taken out before the row leaves (see `with_details`)."""
    _summary: NotRequired[bool]


@dataclass(slots=True)
class EventFilter:
    actor: str | None = None
    types: list[str] = field(default_factory=list)
    mode: str | None = None
    since: date | None = None
    until: date | None = None
    place: str | None = None
    radius_km: float = 50.0
    country: str | None = None
    place_id: str | None = None
    min_confidence: float | None = None
    designated_by: str | None = None
    role: str | None = None
    min_documents: int | None = None
    include_negated: bool = False
    located: bool = False


def designated_ids(authority: str) -> list[str]:
    """KB actors designated by an authority (substring, case-insensitive)."""
    from tocsin.actors.kb import get_kb

    needle = authority.strip().lower()
    return sorted(a.id for a in get_kb().actors.values()
                  if any(needle in d.authority.lower() or needle == (d.programme or "").lower()
                         for d in a.designations))


def _in(ids: list[str]) -> str:
    return ",".join("?" * len(ids))


def event_where(reader: Reader, f: EventFilter) -> tuple[str, list[Any]]:
    where: list[str] = ["TRUE"]
    args: list[Any] = []
    if not f.include_negated:
        where.append("NOT coalesce(e.negated, FALSE)")
    if f.actor:
        ids = reader.resolve_actor(f.actor)
        if not ids:
            raise QueryError(f"unknown actor {f.actor!r}")
        role = "" if f.role is None else " AND role = ?"
        where.append(f"e.id IN (SELECT event_id FROM event_participants WHERE actor_id IN "
                     f"({_in(ids)}){role})")
        args += ids + ([f.role] if f.role else [])
    if f.designated_by:
        ids = designated_ids(f.designated_by)
        if not ids:
            where.append("FALSE")
        else:
            where.append(f"e.id IN (SELECT event_id FROM event_participants WHERE actor_id "
                         f"IN ({_in(ids)}))")
            args += ids
    if f.types:
        where.append(f"e.type IN ({_in(f.types)})")
        args += [t.upper() for t in f.types]
    if f.mode:
        where.append("e.mode = ?")
        args.append(f.mode)
    if f.since:
        where.append("e.date_end >= ?")
        args.append(f.since)
    if f.until:
        where.append("e.date_start <= ?")
        args.append(f.until)
    if f.country:
        where.append("p.country = ?")
        args.append(f.country.upper())
    if f.place_id:
        where.append("e.place_id = ?")
        args.append(f.place_id)
    if f.min_confidence is not None:
        where.append("e.confidence >= ?")
        args.append(f.min_confidence)
    if f.min_documents:
        where.append("e.n_documents >= ?")
        args.append(f.min_documents)
    if f.located:
        where.append("e.lat IS NOT NULL")
    if f.place:
        lat, lon, km = parse_near(f"{f.place}:{f.radius_km}")
        # A band of latitude holds the whole circle (a degree of latitude is 111.2 km on
        # the sphere HAVERSINE uses): a cheap pre-filter before the distance itself.
        band = km / 110.5
        where.append(f"e.lat BETWEEN ? AND ? AND {HAVERSINE.format(lat='e.lat', lon='e.lon')}"
                     " <= ?")
        args += [lat - band, lat + band, lat, lat, lon, km]
    return " AND ".join(where), args


def list_events(reader: Reader, f: EventFilter, sort: str = "date", limit: int = 50,
                offset: int = 0, count: bool = True) -> tuple[int | None, list[EventListRow]]:
    """(total matching, one page of events with participants and first evidence)."""
    key, desc = sort.lstrip("-"), sort.startswith("-")
    if key not in SORTS:
        raise QueryError(f"sort must be one of {', '.join(SORTS)} (prefix - for descending)")
    where, args = event_where(reader, f)
    con = reader.con
    # Places are joined only when a filter needs them: every other filter is on events.
    join = "LEFT JOIN places p ON p.id = e.place_id " if f.country else ""
    frm = f"FROM events e {join}WHERE {where}"
    costly = bool(f.actor or f.designated_by or f.place)
    total, ids = _page_ids(con, frm, args, key, desc, limit, offset, count, costly)
    if not ids:
        return total, []
    found = {r["id"]: r for r in fetch(con.execute(
        f"SELECT {BASE_COLS}, {SUMMARY_COLS} FROM events e "
        "LEFT JOIN places p ON p.id = e.place_id "
        "LEFT JOIN event_summary s ON s.event_id = e.id "
        "WHERE e.id IN (SELECT unnest(?::VARCHAR[]))", [ids]), SummarisedRow)}
    return total, with_details(reader, [found[i] for i in ids if i in found])


def with_details(reader: Reader, rows: list[SummarisedRow]) -> list[EventListRow]:
    """The rows without their `_summary` flag, details computed for those without a
    summary (one is written with every event: this is only a safety net)."""
    attach_details(reader, [r for r in rows if not r.pop("_summary", True)])
    return list[EventListRow](rows)


def _page_ids(con: Any, frm: str, args: list[Any], key: str, desc: bool, limit: int,
              offset: int, count: bool, costly: bool) -> tuple[int | None, list[str]]:
    """(total, ids of one page). Only ids and sort keys go through the sort; full rows
    are fetched afterwards for the page alone."""
    d = "DESC" if desc else "ASC"
    page = f"ORDER BY {SORTS[key].format(d=d)} LIMIT ? OFFSET ?"
    if count and costly:
        # Costly predicates (a semi-join, a distance) are evaluated once for both the
        # count and the page; a page past the end still needs the count alone.
        found = con.execute(
            f"WITH m AS MATERIALIZED (SELECT {SORT_COLS} {frm}) "
            f"SELECT e.id, (SELECT count(*) FROM m) FROM m e {page}",
            [*args, limit, offset]).fetchall()
        if found:
            return int(found[0][1]), [r[0] for r in found]
    elif count and key in FEW_KEYS:
        # Counts per sort key give the total and which keys the page covers; the sort
        # then sees those keys' rows only, however deep the page.
        k = FEW_KEYS[key]
        hist = con.execute(f"SELECT {k}, count(*) {frm} GROUP BY 1 ORDER BY 1 {d} NULLS LAST",
                           args).fetchall()
        total = sum(int(n) for _, n in hist)
        seen, skip, run = 0, 0, list[Any]()
        for value, n in hist:
            if not run and seen + n <= offset:
                seen += n
                continue
            if not run:
                skip = offset - seen
            run.append(value)
            seen += n
            if seen >= offset + limit:
                break
        if not run:
            return total, []
        values = [v for v in run if v is not None]
        cond = [f"{k} BETWEEN ? AND ?"] if values else []
        cond += [f"{k} IS NULL"] if None in run else []
        extra = [min(values), max(values)] if values else []
        return total, [r[0] for r in con.execute(
            f"SELECT e.id {frm} AND ({' OR '.join(cond)}) {page}",
            [*args, *extra, limit, skip]).fetchall()]
    ids = [r[0] for r in con.execute(f"SELECT e.id {frm} {page}",
                                     [*args, limit, offset]).fetchall()]
    if not count:
        return None, ids
    return int(con.execute(f"SELECT count(*) {frm}", args).fetchone()[0]), ids


def attach_details(reader: Reader, rows: list[SummarisedRow]) -> None:
    """Sources, targets, outlets and first evidence sentence for a page of events,
    computed from the tables (what event_summary holds)."""
    details = event_details(reader.con, [r["id"] for r in rows])
    for r in rows:
        r["sources"], r["targets"], r["doc_sources"], r["evidence"] = details[r["id"]]


def map_points(reader: Reader, f: EventFilter, limit: int) -> list[list[Any]]:
    """Located events as compact rows [id, type, lat, lon, date, fatalities, place,
    place_id, admin1, country]: the map groups them by place."""
    f.located = True
    where, args = event_where(reader, f)
    return [list(r) for r in reader.con.execute(
        "SELECT e.id, e.type, round(e.lat, 4), round(e.lon, 4), e.date_start::VARCHAR, "
        "e.fatalities, p.name, e.place_id, p.admin1, p.country FROM events e "
        "LEFT JOIN places p ON p.id = e.place_id "
        f"WHERE {where} ORDER BY e.date_start NULLS LAST, e.id LIMIT ?",
        [*args, limit]).fetchall()]


def places(reader: Reader, q: str | None, country: str | None, limit: int,
           offset: int) -> list[PlaceRow]:
    where, args = ["TRUE"], []
    if q:
        where.append("p.name ILIKE ?")
        args.append(f"%{q}%")
    if country:
        where.append("p.country = ?")
        args.append(country.upper())
    return fetch(reader.con.execute(
        f"""SELECT p.id, p.name, p.lat, p.lon, p.country, p.admin1, p.feature,
              (SELECT count(*) FROM events e WHERE e.place_id = p.id) AS n_events
            FROM places p WHERE {' AND '.join(where)}
            ORDER BY n_events DESC, p.name, p.id LIMIT ? OFFSET ?""", [*args, limit, offset]),
        PlaceRow)


def timeline(reader: Reader, actor_id: str) -> list[TimelineRow]:
    """Events of an actor per month and type."""
    return fetch(reader.con.execute(
        """SELECT strftime(date_trunc('month', e.date_start), '%Y-%m') AS month, e.type,
                  count(DISTINCT e.id) AS n
           FROM events e JOIN event_participants ep ON ep.event_id = e.id
           WHERE ep.actor_id = ? AND e.date_start IS NOT NULL
             AND NOT coalesce(e.negated, FALSE)
           GROUP BY ALL ORDER BY month, e.type""", [actor_id]), TimelineRow)


def documents(reader: Reader, q: str | None, source: str | None, limit: int,
              offset: int) -> tuple[int, list[DocumentPageRow]]:
    where, args = ["TRUE"], []
    if q:
        where.append("(title ILIKE ? OR text ILIKE ?)")
        args += [f"%{q}%", f"%{q}%"]
    if source:
        where.append("source = ?")
        args.append(source)
    w = " AND ".join(where)
    total = int(reader.con.execute(f"SELECT count(*) FROM documents WHERE {w}",
                                   args).fetchone()[0])  # type: ignore[index]
    return total, fetch(reader.con.execute(
        "SELECT id, title, published, source, url, author, language, n_chars, duplicate_of, "
        f"similarity, pipeline, ingested_at FROM documents WHERE {w} "
        "ORDER BY published DESC NULLS LAST, id LIMIT ? OFFSET ?", [*args, limit, offset]),
        DocumentPageRow)


def document(reader: Reader, doc_id: str) -> DocumentDetail | None:
    found = fetch(reader.con.execute(
        "SELECT id, title, published, source, url, author, language, origin, text, n_chars, "
        "duplicate_of, similarity, pipeline, extracted_at, ingested_at FROM documents "
        "WHERE id = ?", [doc_id]), DocumentDetail)  # `events` is added here
    if not found:
        return None
    doc = found[0]
    doc["events"] = [r[0] for r in reader.con.execute(
        "SELECT DISTINCT event_id FROM event_mentions WHERE doc_id = ? ORDER BY 1",
        [doc_id]).fetchall()]
    return doc


def relations(reader: Reader, actor: str | None, rtype: str | None, limit: int,
              offset: int) -> list[RelationRow]:
    where, args = ["TRUE"], []
    if actor:
        ids = reader.resolve_actor(actor) or [actor]
        where.append(f"(r.subject IN ({_in(ids)}) OR r.object IN ({_in(ids)}))")
        args += ids + ids
    if rtype:
        where.append("r.type = ?")
        args.append(rtype)
    return fetch(reader.con.execute(
        f"""SELECT r.type, r.subject, r.object, count(*) AS n_reports,
               list(DISTINCT r.doc_id ORDER BY r.doc_id) AS documents,
               first(r.sentence ORDER BY r.doc_id, r.start) AS evidence
            FROM relations r WHERE {' AND '.join(where)} GROUP BY ALL
            ORDER BY n_reports DESC, r.type, r.subject, r.object LIMIT ? OFFSET ?""",
        [*args, limit, offset]), RelationRow)
