"""The actor graph: actors as nodes; event interactions and relations as edges.

Edges from events are aggregated per (source actor, target actor, PLOVER type) with a
count and first/last dates; relations (leader_of, member_of, ...) become edges of their
own kind ("interaction" holds the PLOVER type or relation type; GEXF reserves "type").
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import networkx as nx

    from tocsin.store import Store

EDGE_SQL = """
SELECT s.actor_id, t.actor_id, e.type, count(*), min(e.date_start), max(e.date_end),
       sum(coalesce(e.fatalities, 0)), list(e.id ORDER BY e.id)
FROM events e
JOIN event_participants s ON s.event_id = e.id AND s.role = 'source'
JOIN event_participants t ON t.event_id = e.id AND t.role = 'target'
WHERE s.actor_id <> t.actor_id AND NOT coalesce(e.negated, FALSE)
GROUP BY ALL ORDER BY 1, 2, 3"""


def _attrs(d: dict[str, Any]) -> dict[str, Any]:
    # GraphML and GEXF have no null: leave missing values out.
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in d.items()
            if v is not None}


def build_graph(store: Store) -> nx.MultiDiGraph:
    import networkx as nx

    g = nx.MultiDiGraph(name="tocsin actor graph")
    for a in store.actors():
        g.add_node(a["id"], **_attrs({"label": a["name"], "type": a["type"],
                                      "country": a["country"], "in_kb": bool(a["in_kb"]),
                                      "n_mentions": int(a["n_mentions"]),
                                      "n_documents": int(a["n_documents"]),
                                      "n_events": int(a["n_events"])}))
    for src, tgt, etype, n, first, last, deaths, ids in store.con.execute(EDGE_SQL).fetchall():
        for node in (src, tgt):
            if node not in g:
                g.add_node(node, label=node, type="unknown")
        g.add_edge(src, tgt, key=f"event:{etype}", **_attrs({
            "kind": "event", "interaction": etype, "label": etype, "weight": int(n),
            "first": first, "last": last, "fatalities": int(deaths), "events": ";".join(ids[:50])}))
    for r in store.relations():
        for node in (r["subject"], r["object"]):
            if node not in g:
                g.add_node(node, label=node, type="unknown")
        g.add_edge(r["subject"], r["object"], key=f"relation:{r['type']}", **_attrs({
            "kind": "relation", "interaction": r["type"], "label": r["type"],
            "weight": int(r["n_reports"]),
            "evidence": r["evidence"], "documents": ";".join(r["documents"][:50])}))
    return g


def write_graph(store: Store, fmt: str, out: str | Path) -> tuple[int, int]:
    import networkx as nx

    g = build_graph(store)
    if fmt == "graphml":
        nx.write_graphml(g, str(out))
    elif fmt == "gexf":
        nx.write_gexf(g, str(out))
    else:
        raise ValueError(f"unknown graph format {fmt!r}")
    return g.number_of_nodes(), g.number_of_edges()
