"""The whole store's actor graph, filtered and capped so that a large store stays readable.

Nodes are actors that took part in events matching the filter (dates, PLOVER types);
an undirected edge joins two actors of the same event: ``co_acting`` counts the events
where they stood on the same side, ``interactions`` those where one acted on the other
(``a_on_b``/``b_on_a`` keep the direction; ``hostility`` is their mean on the 0..10
scale of the alerts). Negated events are left out, and so are generic actors (unless
asked for) and actors that are places (`place_actors`). The graph keeps edges of at least
``min_weight`` shared events, then the ``top`` actors by weighted degree; actors left
without an edge are dropped. The web UI's /network page and its PNG read this.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import networkx as nx

from tocsin.analysis.series import hostility

if TYPE_CHECKING:
    import duckdb


@dataclass(frozen=True, slots=True)
class GraphQuery:
    since: date | None = None
    until: date | None = None
    types: tuple[str, ...] = ()  # PLOVER types; empty: all
    kinds: tuple[str, ...] = ()  # actor types (state, militia, person ...); empty: all
    generic: bool = False  # also unnamed groups ("Iraqi protesters")
    min_weight: int = 1  # shared events an edge needs
    top: int = 80  # actors kept, by weighted degree


def _event_where(q: GraphQuery) -> tuple[str, list[Any]]:
    conds: list[str] = ["NOT coalesce(e.negated, FALSE)"]
    args: list[Any] = []
    if q.since:
        conds.append("e.date_start >= ?")
        args.append(q.since)
    if q.until:
        conds.append("e.date_start <= ?")
        args.append(q.until)
    if q.types:
        conds.append("e.type IN (SELECT unnest(?::VARCHAR[]))")
        args.append(list(q.types))
    return " AND ".join(conds), args


def _actors(con: duckdb.DuckDBPyConnection, q: GraphQuery, where: str,
            args: list[Any]) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Actors of the matching events that pass the kind filters; and the place actors
    left out (by name)."""
    from tocsin.analysis.place_actors import place_actor_ids
    from tocsin.store.names import display_name, is_generic

    rows = con.execute(
        f"""SELECT p.actor_id, any_value(a.name), any_value(a.type), any_value(a.country),
                   coalesce(bool_or(a.in_kb), FALSE), count(DISTINCT p.event_id),
                   count(DISTINCT p.event_id) FILTER (WHERE p.role = 'source')
            FROM event_participants p JOIN events e ON e.id = p.event_id
            LEFT JOIN actors a ON a.id = p.actor_id
            WHERE {where} GROUP BY p.actor_id""", args).fetchall()
    places = place_actor_ids(con, [r[0] for r in rows])
    kinds = set(q.kinds)
    out: dict[str, dict[str, Any]] = {}
    dropped: list[str] = []
    for aid, name, typ, country, in_kb, n, as_source in rows:
        if aid in places:
            dropped.append(display_name(aid, name, country))
            continue
        if (is_generic(aid) and not q.generic) or (kinds and (typ or "unknown") not in kinds):
            continue
        out[aid] = {"id": aid, "name": display_name(aid, name, country),
                    "type": typ or "unknown", "country": country, "in_kb": bool(in_kb),
                    "generic": is_generic(aid), "events": int(n),
                    "as_source": int(as_source), "as_target": int(n) - int(as_source)}
    return out, sorted(dropped)


def store_graph(con: duckdb.DuckDBPyConnection, q: GraphQuery) -> nx.Graph:
    """The filtered, capped actor graph (graph attributes: ``actors``, ``edges`` before
    the cap, ``places_left_out``)."""
    where, args = _event_where(q)
    actors, places = _actors(con, q, where, args)
    pairs = con.execute(
        f"""WITH ev AS (SELECT e.id, e.type, e.mode, coalesce(e.fatalities, 0) > 0 AS fatal
                        FROM events e WHERE {where}),
                 p AS (SELECT DISTINCT ep.event_id, ep.actor_id, ep.role
                       FROM event_participants ep JOIN ev ON ev.id = ep.event_id
                       WHERE ep.actor_id IN (SELECT unnest(?::VARCHAR[])))
            SELECT a.actor_id, b.actor_id, ev.type, ev.mode, ev.fatal,
                   count(DISTINCT ev.id),
                   count(DISTINCT ev.id) FILTER (WHERE a.role <> b.role),
                   count(DISTINCT ev.id) FILTER (WHERE a.role = 'source' AND b.role = 'target'),
                   count(DISTINCT ev.id) FILTER (WHERE a.role = 'target' AND b.role = 'source')
            FROM p a JOIN p b ON a.event_id = b.event_id AND a.actor_id < b.actor_id
            JOIN ev ON ev.id = a.event_id GROUP BY ALL""",
        [*args, list(actors)]).fetchall()
    stats: dict[tuple[str, str], dict[str, Any]] = defaultdict(
        lambda: {"weight": 0, "interactions": 0, "a_on_b": 0, "b_on_a": 0,
                 "hostile_sum": 0.0, "types": defaultdict(int)})
    for a, b, typ, mode, fatal, n, inter, a_on_b, b_on_a in pairs:
        s = stats[(a, b)]
        s["weight"] += n
        s["interactions"] += inter
        s["a_on_b"] += a_on_b
        s["b_on_a"] += b_on_a
        s["hostile_sum"] += inter * hostility(typ, mode, 1 if fatal else 0)
        s["types"][typ] += n
    g = nx.Graph(actors=len(actors), edges=len(stats), places_left_out=places)
    for (a, b), s in stats.items():
        if s["weight"] < q.min_weight:
            continue
        inter = s["interactions"]
        g.add_edge(a, b, weight=s["weight"], interactions=inter,
                   co_acting=s["weight"] - inter, a_on_b=s["a_on_b"], b_on_a=s["b_on_a"],
                   hostility=round(s["hostile_sum"] / inter, 2) if inter else 0.0,
                   types=dict(sorted(s["types"].items(), key=lambda kv: (-kv[1], kv[0]))))
    degree = dict(g.degree(weight="weight"))
    keep = sorted(g, key=lambda n: (-degree[n], -actors[n]["events"], n))[:max(q.top, 0)]
    g.remove_nodes_from(set(g) - set(keep))
    g.remove_nodes_from([n for n in list(g) if g.degree(n) == 0])
    for n in g:
        g.nodes[n].update(actors[n], degree=g.degree(n, weight="weight"),
                          partners=g.degree(n))
    return g


def graph_json(g: nx.Graph) -> dict[str, Any]:
    """Nodes (by weighted degree) and edges as the API gives them."""
    nodes = sorted((dict(d) for _, d in g.nodes(data=True)),
                   key=lambda d: (-d["degree"], d["id"]))
    edges = []
    for a, b, d in sorted(g.edges(data=True), key=lambda e: (-e[2]["weight"], e[0], e[1])):
        src, tgt = (a, b) if a < b else (b, a)  # a_on_b is counted with a < b
        edges.append({"source": src, "target": tgt, **d})
    return {"nodes": nodes, "edges": edges,
            "totals": {"actors": g.graph.get("actors", len(nodes)),
                       "edges": g.graph.get("edges", len(edges)),
                       "shown_actors": len(nodes), "shown_edges": len(edges)},
            "places_left_out": g.graph.get("places_left_out", [])}


def overview(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """What the filters can choose from: the store's date range, event types and actor
    kinds with their counts (actors that are places not counted)."""
    lo, hi = con.execute("SELECT min(date_start), max(date_start) FROM events WHERE NOT "
                         "coalesce(negated, FALSE)").fetchone() or (None, None)
    types = dict(con.execute("SELECT type, count(*) FROM events WHERE NOT coalesce(negated, "
                             "FALSE) GROUP BY 1 ORDER BY 2 DESC, 1").fetchall())
    from tocsin.analysis.place_actors import place_actor_ids

    rows = con.execute("SELECT id, coalesce(type, 'unknown') FROM actors WHERE id IN "
                       "(SELECT actor_id FROM event_participants)").fetchall()
    places = place_actor_ids(con, [r[0] for r in rows])
    kinds: dict[str, int] = defaultdict(int)
    for aid, kind in rows:
        if aid not in places:
            kinds[kind] += 1
    return {"range": [lo, hi], "types": types,
            "kinds": dict(sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])))}
