"""A time-aware graph of the knowledge base (networkx), and PMU brigade numbers.

Nodes are actors (with name, type, country and designations). Edges point from the
member to the body: ``part_of`` (parents), ``allied_with`` (allies) and every person
role (``leader_of``, ``commander_of``...), the latter with ``start``/``end`` dates.
``graph_at(kb, day)`` keeps only the edges valid on that day; undated edges always are.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import networkx as nx

from tocsin.actors.kb import KBActor, KnowledgeBase, Role


def date_bounds(start: str | None, end: str | None) -> tuple[str, str]:
    """ISO strings for the first and last day a partial start/end can mean ("2020" ends
    on 2020-12-31), with open bounds as extreme values."""
    lo = start or "0000"
    if len(lo) == 4:
        lo += "-01-01"
    elif len(lo) == 7:
        lo += "-01"
    hi = end or "9999-12-31"
    if len(hi) == 4:
        hi += "-12-31"
    elif len(hi) == 7:
        hi += "-31"
    return lo, hi


def valid_on(role: Role, day: date | None) -> bool:
    """Whether a role held on a day (partial dates are taken at their widest)."""
    if day is None:
        return True
    lo, hi = date_bounds(role.start, role.end)
    return lo <= day.isoformat() <= hi


def _designations(actor: KBActor) -> list[str]:
    return [f"{d.authority}: {d.programme or '?'} ({d.date or 'undated'})"
            for d in actor.designations]


def build_graph(kb: KnowledgeBase) -> nx.MultiDiGraph:
    """Every actor and every edge of the KB, regardless of date."""
    g = nx.MultiDiGraph()
    for actor in kb.actors.values():
        g.add_node(actor.id, name=actor.name, type=actor.type, country=actor.country,
                   designations=_designations(actor))
    for actor in kb.actors.values():
        for parent in actor.parents:
            g.add_edge(actor.id, parent, key="part_of", type="part_of", start=None, end=None)
        for ally in actor.allies:
            g.add_edge(actor.id, ally, key="allied_with", type="allied_with",
                       start=None, end=None)
        for n, role in enumerate(actor.roles):
            g.add_edge(actor.id, role.object, key=f"{role.type}#{n}", type=role.type,
                       start=role.start, end=role.end)
    return g


_FULL: dict[int, tuple[KnowledgeBase, nx.MultiDiGraph]] = {}


def _full(kb: KnowledgeBase) -> nx.MultiDiGraph:
    cached = _FULL.get(id(kb))
    if cached is None or cached[0] is not kb:
        _FULL.clear()
        cached = _FULL[id(kb)] = (kb, build_graph(kb))
    return cached[1]


def graph_at(kb: KnowledgeBase, day: date | None) -> nx.MultiDiGraph:
    """The actor graph with only the edges valid on ``day`` (all edges when None)."""
    full = _full(kb)
    g = nx.MultiDiGraph()
    g.add_nodes_from(full.nodes(data=True))
    for u, v, k, data in full.edges(keys=True, data=True):
        if day is None or valid_on(Role(data["type"], v, data["start"], data["end"]), day):
            g.add_edge(u, v, key=k, **data)
    return g


def neighbourhood(g: nx.MultiDiGraph, actor_id: str, depth: int = 1,
                  expand_states: bool = False) -> nx.MultiDiGraph:
    """The sub-graph within ``depth`` hops of an actor, ignoring edge direction.

    Countries are hubs (most state bodies are ``part_of`` them), so they are included
    but not expanded further unless ``expand_states`` or they are the centre.
    """
    if actor_id not in g:
        raise KeyError(actor_id)
    seen = {actor_id}
    frontier = [actor_id]
    for _ in range(depth):
        nxt = []
        for node in frontier:
            if node != actor_id and not expand_states and g.nodes[node].get("type") == "state":
                continue
            for other in (*g.successors(node), *g.predecessors(node)):
                if other not in seen:
                    seen.add(other)
                    nxt.append(other)
        frontier = nxt
    return g.subgraph(seen).copy()


def holder(kb: KnowledgeBase, role: str, org: str, day: date | None) -> list[str]:
    """Ids of the actors holding ``role`` (e.g. commander_of) of ``org`` on ``day``."""
    return sorted(a.id for a in kb.actors.values()
                  if any(r.type == role and r.object == org and valid_on(r, day)
                         for r in a.roles))


def roles_of(kb: KnowledgeBase, org: str) -> list[tuple[str, Role]]:
    """(person id, role) pairs pointing at an organisation, in start order."""
    pairs = [(a.id, r) for a in kb.actors.values() for r in a.roles if r.object == org]
    return sorted(pairs, key=lambda p: (p[1].start or "", p[0]))


# --- PMU brigade numbers ---------------------------------------------------------
_BRIGADE = re.compile(
    r"\b(?:(?:brigades?|liwa'?|liwaa)\s*(?:no\.?|number|#)?\s*(?P<a>\d{1,3})"
    r"|(?P<b>\d{1,3})(?:st|nd|rd|th)?\s+brigades?)\b", re.IGNORECASE)


def brigade_number(text: str) -> int | None:
    """The first brigade number in a text ("Brigade 12", "12th Brigade", "Liwa 12")."""
    m = _BRIGADE.search(text)
    if not m:
        return None
    return int(m.group("a") or m.group("b"))


def _under_pmu(kb: KnowledgeBase, actor: KBActor) -> bool:
    todo, seen = list(actor.parents), set()
    while todo:
        p = todo.pop()
        if p == "pmu":
            return True
        if p not in seen and p in kb.actors:
            seen.add(p)
            todo.extend(kb.actors[p].parents)
    return False


def brigades(kb: KnowledgeBase) -> dict[int, list[str]]:
    """PMU brigade number -> ids of the groups that carry it (from their aliases)."""
    out: dict[int, list[str]] = {}
    for actor in kb.actors.values():
        if not _under_pmu(kb, actor):
            continue
        for alias in (*actor.aliases, *actor.ambiguous_aliases):
            m = _BRIGADE.fullmatch(alias.strip())
            if m:
                ids = out.setdefault(int(m.group("a") or m.group("b")), [])
                if actor.id not in ids:
                    ids.append(actor.id)
    return dict(sorted(out.items()))


def resolve_brigade(text: str, kb: KnowledgeBase | None = None) -> str | None:
    """The PMU group behind a brigade number in a text, or None if unknown/shared."""
    number = brigade_number(text)
    if number is None:
        return None
    if kb is None:
        from tocsin.actors.kb import get_kb

        kb = get_kb()
    table = brigades(kb)  # cheap (one pass over aliases), and never stale
    ids = table.get(number, [])
    return ids[0] if len(ids) == 1 else None


def to_graphml(g: nx.MultiDiGraph, path: Path) -> None:
    """Write a graph as GraphML (lists joined with '; ', missing values as '')."""
    out = nx.MultiDiGraph()
    for n, d in g.nodes(data=True):
        out.add_node(n, **{k: "; ".join(v) if isinstance(v, list) else (v or "")
                           for k, v in d.items()})
    for u, v, k, d in g.edges(keys=True, data=True):
        out.add_edge(u, v, key=k, **{a: b or "" for a, b in d.items()})
    nx.write_graphml(out, str(path))
