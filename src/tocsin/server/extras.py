"""Alerts (a table another module may create), actor search and the actor network."""

from __future__ import annotations

import contextlib
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tocsin.server.state import Reader
    from tocsin.store.rows import ActorHit

ALERT_ORDER = ("raised", "first_seen", "created_at", "triggered_at", "detected_at", "ts",
               "date", "day", "id")
ACK_COLUMNS = ("acknowledged", "acknowledged_at", "acked_at", "status")


def _columns(reader: Reader, table: str) -> dict[str, str]:
    return {str(n): str(t) for n, t in reader.con.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? "
        "ORDER BY ordinal_position", [table]).fetchall()}


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def list_alerts(reader: Reader, limit: int, offset: int,
                unacknowledged: bool = False) -> dict[str, Any]:
    """Rows of the `alerts` table, newest first; `available` is false without one. The
    table may be another tool's: its rows are listed as they are (free-form dicts)."""
    cols = _columns(reader, "alerts")
    if not cols:
        return {"available": False, "total": 0, "items": []}
    order = next((c for c in ALERT_ORDER if c in cols), next(iter(cols)))
    where = "TRUE"
    if unacknowledged and "acknowledged" in cols:
        where = "NOT coalesce(acknowledged, FALSE)"
    elif unacknowledged and "acknowledged_at" in cols:
        where = "acknowledged_at IS NULL"
    then = ", severity DESC NULLS LAST" if "severity" in cols else ""
    cur = reader.con.execute(
        f"SELECT * FROM alerts WHERE {where} ORDER BY {_quote(order)} DESC NULLS LAST{then} "
        "LIMIT ? OFFSET ?", [limit, offset])
    names = [d[0] for d in cur.description or []]
    items = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    for item in items:  # the explained alert is stored as JSON text
        if isinstance(item.get("detail"), str) and item["detail"].startswith("{"):
            import json

            with contextlib.suppress(ValueError):
                item["detail"] = json.loads(item["detail"])
    total = reader.con.execute(f"SELECT count(*) FROM alerts WHERE {where}").fetchone()
    return {"available": True, "total": int(total[0]) if total else 0, "items": items}


def acknowledge_alert(reader: Reader, alert_id: str, who: str | None) -> bool | None:
    """Mark an alert acknowledged. None: the table cannot record it; False: no such alert."""
    cols = _columns(reader, "alerts")
    if "id" not in cols or not any(c in cols for c in ACK_COLUMNS):
        return None
    sets: list[str] = []
    args: list[Any] = []
    now = datetime.now(UTC).replace(tzinfo=None)
    if "acknowledged" in cols:
        sets.append("acknowledged = TRUE")
    for c in ("acknowledged_at", "acked_at"):
        if c in cols:
            sets.append(f"{c} = ?")
            args.append(now)
    if "status" in cols:
        sets.append("status = 'acknowledged'")
    if "acknowledged_by" in cols:
        sets.append("acknowledged_by = ?")
        args.append(who)
    row = reader.con.execute(f"UPDATE alerts SET {', '.join(sets)} WHERE id::VARCHAR = ? "
                             "RETURNING id", [*args, alert_id]).fetchall()
    return bool(row)


def search_actors(reader: Reader, q: str, limit: int = 10) -> list[ActorHit]:
    """Actors for a name or alias: exact aliases first, then fuzzy KB matches, then names
    seen in the store."""
    from tocsin.actors.kb import get_kb
    from tocsin.actors.search import match_name

    kb = get_kb()
    out: dict[str, ActorHit] = {}
    names = {r[0]: r[1:] for r in reader.con.execute(
        "SELECT id, name, type, country FROM actors WHERE id IN "
        "(SELECT unnest(?::VARCHAR[]))", [reader.resolve_actor(q)]).fetchall()}
    for aid in reader.resolve_actor(q):
        k = kb.get(aid)
        name, typ, country = names.get(aid) or ((k.name, k.type, k.country) if k else
                                                (aid, None, None))
        out[aid] = {"id": aid, "name": name, "type": typ, "country": country,
                    "score": 100.0, "matched": q, "reasons": ["name or alias"]}
    for c in match_name(q, kb, limit=limit):
        if c.actor_id not in out:
            out[c.actor_id] = {"id": c.actor_id, "name": c.name, "type": c.type,
                               "country": c.country, "score": c.score,
                               "matched": c.matched, "reasons": c.reasons}
    for aid, name, typ, country in reader.con.execute(
            "SELECT id, name, type, country FROM actors WHERE name ILIKE ? ORDER BY id "
            "LIMIT ?", [f"%{q}%", limit]).fetchall():
        out.setdefault(aid, {"id": aid, "name": name, "type": typ, "country": country,
                             "score": 50.0, "matched": name, "reasons": ["name contains"]})
    ranked = sorted(out.values(), key=lambda x: (-x["score"], x["id"]))[:limit]
    from tocsin.store.names import display_name

    for item in ranked:
        item["name"] = display_name(item["id"], item["name"], item["country"])
    seen = {r[0] for r in reader.con.execute(
        "SELECT id FROM actors WHERE id IN (SELECT unnest(?::VARCHAR[]))",
        [[x["id"] for x in ranked]]).fetchall()}
    for item in ranked:
        item["in_store"] = item["id"] in seen
    return ranked


def network(reader: Reader, actor_id: str, day: date | None, depth: int = 1,
            max_nodes: int = 60) -> dict[str, Any]:
    """Nodes and edges around an actor: KB affiliations valid on `day`, relations
    reported in the store, and the actors it most often interacts with in events."""
    from tocsin.actors.graph import graph_at, neighbourhood
    from tocsin.actors.kb import get_kb
    from tocsin.analysis.place_actors import place_actor_ids

    kb = get_kb()
    nodes: dict[str, dict[str, Any]] = {}
    edges: list[dict[str, Any]] = []

    def node(nid: str, **attrs: Any) -> None:
        if nid not in nodes and len(nodes) < max_nodes:
            k = kb.get(nid)
            nodes[nid] = {"id": nid, "name": k.name if k else nid,
                          "type": k.type if k else None, **attrs}

    node(actor_id, centre=True)
    g = graph_at(kb, day)
    if actor_id in g:
        sub = neighbourhood(g, actor_id, depth)
        for n in sub.nodes:
            node(n)
        for u, v, data in sub.edges(data=True):
            if u in nodes and v in nodes:
                edges.append({"source": u, "target": v, "type": data.get("type"),
                              "start": data.get("start"), "end": data.get("end"),
                              "origin": "kb"})
    rels = reader.con.execute(
        "SELECT type, subject, object, count(*) FROM relations WHERE subject = ? OR "
        "object = ? GROUP BY ALL ORDER BY 4 DESC LIMIT 30", [actor_id, actor_id]).fetchall()
    day_sql, args = ("AND e.date_start <= ?", [day]) if day else ("", [])
    partners = reader.con.execute(
        f"""SELECT o.actor_id, a.role, count(DISTINCT e.id) AS n
            FROM event_participants a JOIN event_participants o
              ON o.event_id = a.event_id AND o.role <> a.role AND o.actor_id <> a.actor_id
            JOIN events e ON e.id = a.event_id
            WHERE a.actor_id = ? AND NOT coalesce(e.negated, FALSE) {day_sql}
            GROUP BY ALL ORDER BY n DESC, o.actor_id LIMIT 12""",
        [actor_id, *args]).fetchall()
    # Towns the extractor took for actors are not partners (analysis/place_actors.py).
    places = place_actor_ids(reader.con, [x for r in rels for x in r[1:3]]
                             + [r[0] for r in partners]) - {actor_id}
    for typ, subj, obj, n in rels:
        if subj in places or obj in places:
            continue
        node(subj)
        node(obj)
        if subj in nodes and obj in nodes:
            edges.append({"source": subj, "target": obj, "type": typ, "weight": n,
                          "origin": "reported"})
    for other, role, n in partners:
        if other in places:
            continue
        node(other)
        if other in nodes:
            src, tgt = (actor_id, other) if role == "source" else (other, actor_id)
            edges.append({"source": src, "target": tgt, "type": "events", "weight": n,
                          "origin": "events"})
    names = reader.actor_names(list(nodes))
    for nid, name, typ in reader.con.execute(
            "SELECT id, name, type FROM actors WHERE id IN (SELECT unnest(?::VARCHAR[]))",
            [list(nodes)]).fetchall():
        if kb.get(nid) is None:
            nodes[nid].update(name=name, type=typ)
    for nid, item in nodes.items():
        item["name"] = names.get(nid, item["name"])
    return {"actor": actor_id, "date": day.isoformat() if day else None,
            "nodes": list(nodes.values()), "edges": edges}
