"""Read endpoints: documents, events, actors, places, relations, alerts, stats."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response

from tocsin.server import extras
from tocsin.server import queries as q
from tocsin.server.auth import require_read
from tocsin.server.common import bad_query, ok, reader
from tocsin.store.names import event_actor_ids, name_events, name_relations
from tocsin.store.queries import QueryError
from tocsin.store.rows import AlertRef, ApiActorProfile, DocumentHit, DocumentPageRow, fetch

router = APIRouter(prefix="/api", dependencies=[Depends(require_read)])

Limit = Annotated[int, Query(ge=1, le=1000, description="page size")]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]
Text = Annotated[str | None, Query(max_length=200)]
PLOVER = ("AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
          "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE",
          "ASSAULT")


def event_filter(
    actor: Annotated[str | None, Query(max_length=200, description="id, name or alias")] = None,
    type: Annotated[list[str] | None, Query(description="PLOVER type(s)")] = None,
    mode: Text = None,
    since: date | None = None,
    until: date | None = None,
    place: Annotated[str | None, Query(max_length=200, description="name or LAT,LON")] = None,
    radius_km: Annotated[float, Query(gt=0, le=20000)] = 50.0,
    country: Annotated[str | None, Query(max_length=3, description="ISO3 of the place")] = None,
    place_id: Annotated[str | None, Query(max_length=200,
                                          description="exactly this stored place (its id)")
                        ] = None,
    min_confidence: Annotated[float | None, Query(ge=0, le=1)] = None,
    designated_by: Annotated[str | None, Query(max_length=100,
                                               description="e.g. 'US State Department'")
                             ] = None,
    role: Annotated[str | None, Query(pattern="^(source|target)$")] = None,
    min_documents: Annotated[int | None, Query(ge=1, le=100000)] = None,
    include_negated: bool = False,
    located: bool = False,
) -> q.EventFilter:
    types: list[str] = []
    for t in type or []:
        types += [x.strip().upper() for x in t.split(",") if x.strip()]
    unknown = [t for t in types if t not in PLOVER]
    if unknown:
        raise HTTPException(400, f"unknown PLOVER type(s): {', '.join(unknown)}")
    return q.EventFilter(actor=actor, types=types, mode=mode, since=since, until=until,
                         place=place, radius_km=radius_km, country=country,
                         place_id=place_id,
                         min_confidence=min_confidence, designated_by=designated_by,
                         role=role, min_documents=min_documents,
                         include_negated=include_negated, located=located)


Filter = Annotated[q.EventFilter, Depends(event_filter)]


@router.get("/events", summary="Merged events (filtered, sorted, paginated)")
def events(request: Request, f: Filter, limit: Limit = 50, offset: Offset = 0,
           sort: Annotated[str, Query(pattern="^-?(date|confidence|fatalities|documents|id)$",
                                      description="key, '-' prefix for descending")
                           ] = "-date") -> Response:
    try:
        total, rows = q.list_events(reader(request), f, sort, limit, offset)
    except QueryError as exc:
        raise bad_query(exc) from None
    names = reader(request).actor_names(event_actor_ids(rows))
    name_events(rows, names)  # source_names/target_names beside the ids
    return ok({"total": total, "limit": limit, "offset": offset, "items": rows,
               "actor_names": names})


@router.get("/events/{event_id}", summary="One event: every report, evidence, merge reasons")
def event(request: Request, event_id: str) -> Response:
    r = reader(request)
    ev = r.event(event_id)
    if ev is None:
        raise HTTPException(404, "no such event")
    # Context around each evidence sentence, for highlighting it in its document.
    for m in ev["mentions"]:
        row = r.con.execute(
            "SELECT substr(text, greatest(1, ? - 299), least(?, 300)), "
            "substr(text, ? + 1, 300) FROM documents WHERE id = ?",
            [m["start"], m["start"], m["end"], m["doc_id"]]).fetchone()
        m["context_before"], m["context_after"] = row if row else ("", "")
    ev["actor_names"] = r.actor_names(
        (ev["sources"] or []) + (ev["targets"] or [])
        + [a for m in ev["mentions"] for a in (m.get("source_ids") or [])
           + (m.get("target_ids") or [])])
    name_events([ev], ev["actor_names"])
    ev["alerts"] = fetch(r.con.execute(  # the alerts this event is evidence for
        "SELECT id, kind, label, level, raised FROM alerts WHERE "
        "list_contains(event_ids, ?) ORDER BY raised DESC, severity DESC", [event_id]),
        AlertRef)
    return ok(ev)


@router.get("/map/events", summary="Located events as compact rows for the map")
def map_events(request: Request, f: Filter,
               limit: Annotated[int, Query(ge=1, le=50000)] = 20000) -> Response:
    try:
        pts = q.map_points(reader(request), f, limit)
    except QueryError as exc:
        raise bad_query(exc) from None
    return ok({"columns": ["id", "type", "lat", "lon", "date", "fatalities", "place",
                           "place_id", "admin1", "country"], "points": pts})


@router.get("/documents", summary="Stored documents, newest first; q: words of the text")
def documents(request: Request, q_: Annotated[str | None, Query(
        alias="q", max_length=200, description="every word in the title or text")] = None,
              source: Text = None, limit: Limit = 50, offset: Offset = 0) -> Response:
    rows: list[DocumentHit] | list[DocumentPageRow]
    if q_ and q_.strip():
        from tocsin.server.documents import search

        total, rows = search(reader(request), q_, source, limit, offset)
    else:
        total, rows = q.documents(reader(request), None, source, limit, offset)
    return ok({"total": total, "limit": limit, "offset": offset, "items": rows})


@router.get("/documents/{doc_id}", summary="One document with its text, and its events' "
            "evidence sentences and triggers as segments of it")
def document(request: Request, doc_id: str) -> Response:
    from tocsin.server.documents import events_by_id, view

    r = reader(request)
    doc = q.document(r, doc_id)
    if doc is None:
        raise HTTPException(404, "no such document")
    doc["segments"] = view(r, doc)
    rows = events_by_id(r, doc["events"])
    names = r.actor_names(event_actor_ids(rows))
    name_events(rows, names)
    doc["event_rows"] = rows
    return ok(doc)


@router.get("/actors", summary="Actors seen in the store, or a search by name/alias")
def actors(request: Request, q_: Annotated[str | None, Query(alias="q", max_length=200)]
           = None, type: Text = None, country: Annotated[str | None, Query(max_length=3)]
           = None, limit: Limit = 50,
           generic: Annotated[bool | None, Query(
               description="true: only generic actors (\"Iraqi protesters\"); false: only "
                           "named ones")] = None) -> Response:
    r = reader(request)
    if q_ and q_.strip():
        return ok({"query": q_, "items": extras.search_actors(r, q_.strip(), limit)})
    return ok({"items": r.actors(type=type, country=country, limit=limit, generic=generic)})


@router.get("/actors/{actor}", summary="Profile: aliases, affiliations, designations, events")
def actor(request: Request, actor: str,
          max_events: Annotated[int, Query(ge=1, le=500)] = 50) -> Response:
    r = reader(request)
    prof = r.actor(actor, max_events=max_events)
    if prof is None:
        raise HTTPException(404, "no actor matches")
    out: ApiActorProfile = {**prof, "events": list(reversed(prof["events"])),  # newest first
                            "timeline": q.timeline(r, prof["id"])}
    return ok(out)


@router.get("/actors/{actor}/network", summary="Network around an actor on a date")
def actor_network(request: Request, actor: str, at: date | None = None,
                  depth: Annotated[int, Query(ge=1, le=2)] = 1) -> Response:
    r = reader(request)
    ids = r.resolve_actor(actor)
    if not ids:
        raise HTTPException(404, "no actor matches")
    return ok(extras.network(r, ids[0], at, depth))


@router.get("/places", summary="Resolved places with event counts")
def places(request: Request, q_: Annotated[str | None, Query(alias="q", max_length=200)]
           = None, country: Annotated[str | None, Query(max_length=3)] = None,
           limit: Limit = 100, offset: Offset = 0) -> Response:
    return ok({"items": q.places(reader(request), q_, country, limit, offset)})


@router.get("/relations", summary="Relations stated in documents, with evidence")
def relations(request: Request, actor: Text = None, type: Text = None, limit: Limit = 100,
              offset: Offset = 0) -> Response:
    r = reader(request)
    items = q.relations(r, actor, type, limit, offset)
    name_relations(items, r.actor_names([x for i in items for x in (i["subject"], i["object"])]))
    return ok({"items": items})


@router.get("/alerts", summary="Stored alerts, filtered, with names beside the ids")
def alerts(request: Request, limit: Limit = 50, offset: Offset = 0,
           unacknowledged: bool = False,
           level: Annotated[list[str] | None, Query(description="high, medium, low")] = None,
           region: Annotated[str | None, Query(max_length=200,
                                               description="ISO3 or ISO3/Admin1")] = None,
           type: Annotated[list[str] | None, Query(description="PLOVER type(s)")] = None,
           actor: Annotated[str | None, Query(max_length=200,
                                              description="id, name or alias")] = None,
           since: date | None = None, until: date | None = None,
           open: Annotated[bool, Query(description="only episodes still open")] = False,
           sort: Annotated[str, Query(pattern="^(-raised|top)$",
                                      description="-raised (newest) or top (most severe)")
                           ] = "-raised") -> Response:
    from tocsin.server.alerts import LEVELS, AlertFilter, list_alerts

    levels = [x.strip().lower() for v in level or [] for x in v.split(",") if x.strip()]
    types = [x.strip().upper() for v in type or [] for x in v.split(",") if x.strip()]
    if set(levels) - set(LEVELS):
        raise HTTPException(400, f"level is one of {', '.join(LEVELS)}")
    if set(types) - set(PLOVER):
        raise HTTPException(400, f"unknown PLOVER type(s): {', '.join(set(types) - set(PLOVER))}")
    f = AlertFilter(levels, region or None, types, actor or None, since, until,
                    unacknowledged, open)
    return ok(list_alerts(reader(request), f, limit, offset, sort))


@router.get("/alerts/{alert_id}", summary="One stored alert, with names beside the ids")
def alert(request: Request, alert_id: str) -> Response:
    from tocsin.server.alerts import one_alert

    a = one_alert(reader(request), alert_id)
    if a is None:
        raise HTTPException(404, "no such alert")
    return ok(a)


@router.get("/stats", summary="Counts, types, sources and date range")
def stats(request: Request) -> Response:
    from tocsin.server.common import state

    out = reader(request).stats()
    job = state(request).startup_job  # alerts computed at start for an older store
    out["alerts_job"] = job.to_json() if job else None
    return ok(out)


@router.get("/search", summary="Resolve a name or alias to actors (for the search box)")
def search(request: Request, q_: Annotated[str, Query(alias="q", min_length=1,
                                                      max_length=200)]) -> Response:
    text = q_.strip()
    items = extras.search_actors(reader(request), text, 10) if text else []
    return ok({"query": q_, "actors": items})


@router.get("/basemap", summary="The offline basemap's layers and the packages they come from")
def basemap() -> Response:
    from tocsin.server.basemap import sources

    return ok(sources())


@router.get("/basemap/{layer}", summary="One basemap layer (GeoJSON, Natural Earth): admin0 "
            "country polygons, admin1 boundary lines or populated places")
def basemap_layer(layer: Literal["admin0", "admin1", "places"]) -> Response:
    from tocsin.server.basemap import layer as read_layer

    return Response(read_layer(layer), media_type="application/geo+json",
                    headers={"Cache-Control": "public, max-age=86400"})
