"""Streaming exports: events as CSV, JSON Lines or GeoJSON; the actor graph as GraphML."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Request
from fastapi.responses import StreamingResponse

from tocsin.export.tabular import COLUMNS
from tocsin.server import queries as q
from tocsin.server.auth import require_read
from tocsin.server.common import dumps, reader
from tocsin.server.routes_read import Filter
from tocsin.store.names import event_actor_ids, name_events
from tocsin.store.queries import QueryError
from tocsin.store.rows import EventListRow

router = APIRouter(prefix="/api/export", dependencies=[Depends(require_read)])
PAGE = 1000
NAMED = (*COLUMNS, "source_names", "target_names")
MEDIA = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson",
         "geojson": "application/geo+json"}


def _pages(request: Request, f: q.EventFilter) -> Iterator[list[EventListRow]]:
    offset = 0
    while True:
        # The reader is looked up per page: a streamed body may be produced on several
        # worker threads, and each thread has its own cursor.
        r = reader(request)
        _, rows = q.list_events(r, f, "id", PAGE, offset, count=False)
        if not rows:
            return
        name_events(rows, r.actor_names(event_actor_ids(rows)))  # names beside the ids
        yield rows
        offset += PAGE


def _cell(v: Any) -> Any:
    if isinstance(v, list):
        return ";".join(str(x) for x in v)
    return v.isoformat() if hasattr(v, "isoformat") else v


def _csv(pages: Iterator[list[EventListRow]]) -> Iterator[str]:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(NAMED)
    for rows in pages:
        for r in rows:
            w.writerow([_cell(r.get(c)) for c in NAMED])
        yield buf.getvalue()
        buf.seek(0)
        buf.truncate()
    yield buf.getvalue()


def _jsonl(pages: Iterator[list[EventListRow]]) -> Iterator[str]:
    for rows in pages:
        yield "".join(dumps({c: r.get(c) for c in NAMED}) + "\n" for r in rows)


def _geojson(pages: Iterator[list[EventListRow]]) -> Iterator[str]:
    yield '{"type": "FeatureCollection", "features": ['
    first = True
    for rows in pages:
        parts = []
        for r in rows:
            lat, lon = r["lat"], r["lon"]
            if lat is None or lon is None:
                continue
            props = {c: r.get(c) for c in COLUMNS if c not in ("lat", "lon")}
            # RFC 7946: [longitude, latitude].
            feat = {"type": "Feature", "id": r["id"], "properties": props,
                    "geometry": {"type": "Point", "coordinates":
                                 [round(float(lon), 6), round(float(lat), 6)]}}
            parts.append(("" if first else ",") + dumps(feat))
            first = False
        yield "".join(parts)
    yield "]}\n"


@router.get("/events.{fmt}", summary="All matching events, streamed (csv, jsonl, geojson)")
def export_events(request: Request, f: Filter,
                  fmt: Annotated[str, Path(pattern="^(csv|jsonl|geojson)$")]
                  ) -> StreamingResponse:
    try:
        q.event_where(reader(request), f)  # fail early (400) on a bad filter
    except QueryError as exc:
        raise HTTPException(400, str(exc)) from None
    gen = {"csv": _csv, "jsonl": _jsonl, "geojson": _geojson}[fmt](_pages(request, f))
    return StreamingResponse(gen, media_type=MEDIA[fmt], headers={
        "Content-Disposition": f'attachment; filename="tocsin-events.{fmt}"'})


@router.get("/graph.graphml", summary="The actor graph (actors, interactions, relations)")
def export_graph(request: Request) -> StreamingResponse:
    import networkx as nx

    from tocsin.export.graph import build_graph

    g = build_graph(reader(request))  # type: ignore[arg-type]
    return StreamingResponse((line + "\n" for line in nx.generate_graphml(g)),
                             media_type="application/graphml+xml", headers={
                                 "Content-Disposition":
                                 'attachment; filename="tocsin-graph.graphml"'})
