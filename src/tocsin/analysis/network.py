"""The actor network at a date: who acts with and against whom, clusters and brokers.

Nodes are actors; an undirected edge joins two actors that took part in the same merged
event in the ``days`` before the date: ``co_acting`` counts events where they stood on the
same side (both sources or both targets), ``interactions`` those where one acted on the
other, with the mean hostility (0..10) of those interactions. Knowledge-base ties valid on
that date (``part_of``, ``allied_with``, leadership roles; ``graph_at``) between actors of
the network, and of the centre actor, are added as ``kb`` edges. Generic actors
("civilians", "gunmen") are left out, and so are actors that are places
(``place_actors``: a town the extractor took for an actor).

Analysis: weighted degree, betweenness and eigenvector centrality, Louvain communities
(seeded, so reproducible), and brokers: actors with high betweenness whose ties reach
more than one community.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from tocsin.analysis.place_actors import place_actor_ids
from tocsin.analysis.series import hostility

if TYPE_CHECKING:
    from tocsin.store import Store


def _named(ids: list[str] | None) -> list[str]:
    return [a for a in dict.fromkeys(ids or []) if not a.startswith("generic:")]


def actor_network(store: Store, at: date, days: int = 365, types: set[str] | None = None,
                  kb_edges: bool = True) -> nx.Graph:
    """The network of actors co-occurring in events within ``days`` before ``at``."""
    g = nx.Graph()
    stats: dict[tuple[str, str], dict[str, Any]] = defaultdict(
        lambda: {"co_acting": 0, "interactions": 0, "hostility_sum": 0.0, "types": set(),
                 "events": []})
    n_events: dict[str, int] = defaultdict(int)
    for ev in store.events(since=at - timedelta(days=days), until=at):
        if types and ev["type"] not in types:
            continue
        src, tgt = _named(ev["sources"]), _named(ev["targets"])
        for a in dict.fromkeys(src + tgt):
            n_events[a] += 1
        pairs = [(a, b, "co_acting") for side in (src, tgt) for i, a in enumerate(side)
                 for b in side[i + 1:]]
        pairs += [(a, b, "interactions") for a in src for b in tgt if a != b]
        for a, b, how in pairs:
            s = stats[(min(a, b), max(a, b))]
            s[how] += 1
            s["types"].add(ev["type"])
            if how == "interactions":
                s["hostility_sum"] += hostility(ev["type"], ev["mode"], ev["fatalities"])
            if len(s["events"]) < 20:
                s["events"].append(ev["id"])
    info = {r[0]: r[1:] for r in store.con.execute(
        "SELECT id, name, type, country FROM actors").fetchall()}
    # Towns the extractor took for actors ("Kano") are places, not nodes.
    places = place_actor_ids(store.con, n_events)
    for a, n in n_events.items():
        if a in places:
            continue
        name, typ, country = info.get(a, (a, None, None))
        g.add_node(a, name=name, type=typ or "", country=country or "", events=n)
    for (a, b), s in stats.items():
        if a in places or b in places:
            continue
        inter = s["interactions"]
        g.add_edge(a, b, weight=s["co_acting"] + inter, co_acting=s["co_acting"],
                   interactions=inter,
                   hostility=round(s["hostility_sum"] / inter, 2) if inter else 0.0,
                   types=";".join(sorted(s["types"])), events=";".join(s["events"]),
                   kb="")
    if kb_edges:
        add_kb_ties(g, at)
    return g


def add_kb_ties(g: nx.Graph, at: date, centre: str | None = None) -> None:
    """Knowledge-base ties valid on ``at`` among the network's actors (and the centre's
    own ties, bringing in its parents, allies and leaders)."""
    from tocsin.actors.graph import graph_at
    from tocsin.actors.kb import get_kb

    kb = get_kb()
    kg = graph_at(kb, at)
    for u, v, data in kg.edges(data=True):
        if not ((u in g and v in g) or centre in (u, v)):
            continue
        for node in (u, v):
            if node not in g:
                actor = kb.get(node)
                g.add_node(node, name=actor.name if actor else node,
                           type=(actor.type if actor else "") or "",
                           country=(actor.country if actor else "") or "", events=0)
        if g.has_edge(u, v):
            old = g.edges[u, v]["kb"]
            g.edges[u, v]["kb"] = ";".join(sorted({*old.split(";"), data["type"]} - {""}))
        else:
            g.add_edge(u, v, weight=1, co_acting=0, interactions=0, hostility=0.0,
                       types="", events="", kb=data["type"])


def around(g: nx.Graph, actor: str, depth: int = 2, at: date | None = None) -> nx.Graph:
    """The part of the network within ``depth`` hops of ``actor`` (with its KB ties)."""
    if at is not None:
        add_kb_ties(g, at, centre=actor)
    if actor not in g:
        raise KeyError(actor)
    # States are hubs (everyone acts on them): reached, but not expanded through.
    seen, frontier = {actor}, [actor]
    for _ in range(depth):
        nxt = []
        for node in frontier:
            if node != actor and g.nodes[node].get("type") == "state":
                continue
            for other in g.neighbors(node):
                if other not in seen:
                    seen.add(other)
                    nxt.append(other)
        frontier = nxt
    return g.subgraph(seen).copy()


def analyse(g: nx.Graph, centre: str | None = None, top: int = 10) -> dict[str, Any]:
    """Centralities, communities, brokers and (for a centre) its partners."""
    if g.number_of_nodes() == 0:
        return {"nodes": 0, "edges": 0, "communities": [], "brokers": [], "central": []}
    dist = nx.Graph()
    dist.add_nodes_from(g)
    # Shortest paths should prefer strong ties: distance is the inverse of the weight.
    dist.add_weighted_edges_from((u, v, 1.0 / max(d["weight"], 1))
                                 for u, v, d in g.edges(data=True))
    between = nx.betweenness_centrality(dist, weight="weight")
    degree = dict(g.degree(weight="weight"))
    try:
        eigen = nx.eigenvector_centrality_numpy(g, weight="weight")
    except Exception:  # disconnected or tiny graphs
        eigen = {n: 0.0 for n in g}
    comms = sorted(nx.community.louvain_communities(g, weight="weight", seed=0),
                   key=lambda c: (-len(c), sorted(c)))
    member = {n: i for i, c in enumerate(comms) for n in c}
    for n in g:
        g.nodes[n].update(community=member[n], betweenness=round(between[n], 4),
                          degree=degree[n], eigenvector=round(float(eigen[n]), 4))

    def name(n: str) -> str:
        return str(g.nodes[n].get("name") or n)

    brokers = []
    for n in sorted(g, key=lambda n: (-between[n], n)):
        reach = {member[m] for m in g.neighbors(n)} | {member[n]}
        if between[n] > 0 and len(reach) > 1:
            brokers.append({"id": n, "name": name(n), "betweenness": round(between[n], 4),
                            "communities": sorted(reach)})
    out: dict[str, Any] = {
        "nodes": g.number_of_nodes(), "edges": g.number_of_edges(),
        "central": [{"id": n, "name": name(n), "degree": degree[n],
                     "betweenness": round(between[n], 4),
                     "eigenvector": round(float(eigen[n]), 4)}
                    for n in sorted(g, key=lambda n: (-degree[n], -between[n], n))[:top]],
        "communities": [sorted(name(n) for n in c) for c in comms],
        "brokers": brokers[:top],
    }
    if centre and centre in g:
        out["partners"] = [
            {"id": m, "name": name(m), **{k: g.edges[centre, m][k] for k in
                                          ("co_acting", "interactions", "hostility", "kb")}}
            for m in sorted(g.neighbors(centre),
                            key=lambda m: (-g.edges[centre, m]["weight"], m))]
    return out


def export(g: nx.Graph, path: str | Path, fmt: str | None = None) -> None:
    """GraphML or GEXF (from ``fmt`` or the file's extension)."""
    fmt = fmt or Path(path).suffix.lstrip(".").lower()
    clean = nx.Graph()
    for n, d in g.nodes(data=True):
        clean.add_node(n, **{k: ("" if v is None else v) for k, v in d.items()})
    for u, v, d in g.edges(data=True):
        clean.add_edge(u, v, **{k: ("" if x is None else x) for k, x in d.items()})
    if fmt == "graphml":
        nx.write_graphml(clean, str(path))
    elif fmt == "gexf":
        nx.write_gexf(clean, str(path))
    else:
        raise ValueError(f"unknown graph format {fmt!r} (graphml or gexf)")
