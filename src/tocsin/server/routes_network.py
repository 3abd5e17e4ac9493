"""The whole store's actor network: as JSON for the /network page, and as a PNG."""

from __future__ import annotations

import io
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response

from tocsin.analysis.store_graph import GraphQuery, graph_json, overview, store_graph
from tocsin.model import ACTOR_TYPES, PLOVER_TYPES
from tocsin.server.auth import require_read
from tocsin.server.common import ok, reader

router = APIRouter(prefix="/api", dependencies=[Depends(require_read)])


def _split(values: list[str] | None, upper: bool) -> list[str]:
    out = [x.strip() for v in values or [] for x in v.split(",") if x.strip()]
    return [x.upper() if upper else x.lower() for x in out]


def graph_query(
    since: Annotated[date | None, Query(description="events on or after this day")] = None,
    until: Annotated[date | None, Query(description="events on or before this day")] = None,
    type: Annotated[list[str] | None, Query(description="PLOVER type(s)")] = None,
    kind: Annotated[list[str] | None, Query(
        description="actor kind(s): " + ", ".join(ACTOR_TYPES))] = None,
    generic: Annotated[bool, Query(
        description="also unnamed groups (\"Iraqi protesters\")")] = False,
    min_weight: Annotated[int, Query(ge=1, le=100_000,
                                     description="shared events a tie needs")] = 1,
    top: Annotated[int, Query(ge=1, le=500,
                              description="actors kept, by weighted degree")] = 80,
) -> GraphQuery:
    types, kinds = _split(type, True), _split(kind, False)
    if set(types) - set(PLOVER_TYPES):
        raise HTTPException(400, "unknown PLOVER type(s): "
                                 + ", ".join(sorted(set(types) - set(PLOVER_TYPES))))
    if set(kinds) - set(ACTOR_TYPES):
        raise HTTPException(400, "unknown actor kind(s): "
                                 + ", ".join(sorted(set(kinds) - set(ACTOR_TYPES))))
    if since and until and since > until:
        raise HTTPException(400, "since is after until")
    return GraphQuery(since=since, until=until, types=tuple(types), kinds=tuple(kinds),
                      generic=generic, min_weight=min_weight, top=top)


Graph = Annotated[GraphQuery, Depends(graph_query)]


@router.get("/network", summary="The whole store's actor network (filtered, top actors)")
def network(request: Request, q: Graph) -> Response:
    """Nodes: actors (name, kind, country, event counts, weighted degree); edges: actors of
    the same events, with how often they stood on one side (co_acting) or one acted on
    the other (interactions, a_on_b/b_on_a, mean hostility 0..10). Actors that are places
    (a town the extractor took for an actor) are never nodes; `places_left_out` names
    them. `available` gives the store's date range, event types and actor kinds."""
    con = reader(request).con
    out = graph_json(store_graph(con, q))
    out["available"] = overview(con)
    return ok(out)


@router.get("/network.png", summary="The whole store's actor network as a picture",
            response_class=Response,
            responses={200: {"content": {"image/png": {}}}})
def network_png(request: Request, q: Graph,
                labels: Annotated[int, Query(ge=0, le=100,
                                             description="actors labelled")] = 25) -> Response:
    """The top actors by weighted degree (`top`, 60 unless given), coloured by kind;
    labels never overlap (a label with no free spot is left out)."""
    from dataclasses import replace

    from tocsin.analysis.netplot import network_png as draw

    if "top" not in request.query_params:
        q = replace(q, top=60)
    g = store_graph(reader(request).con, q)
    buf = io.BytesIO()
    bits = [f"{q.since or '…'} – {q.until or '…'}"] + (
        [", ".join(q.types)] if q.types else []) + ([", ".join(q.kinds)] if q.kinds else [])
    draw(g, buf, title="Actor network: " + "; ".join(bits), max_nodes=q.top,
         max_labels=labels, colour_by="type")
    return Response(buf.getvalue(), media_type="image/png", headers={
        "Content-Disposition": 'inline; filename="tocsin-network.png"'})
