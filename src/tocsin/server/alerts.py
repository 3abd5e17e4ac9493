"""The stored alerts for the API and the alerts page: filters, facets and names.

An alert belongs to a region, a type and an actor by its series (a country or admin1
series, a type or mode series, an actor or dyad series) or by the events behind it (a
Nujaba alert whose threats were placed in Kirkuk is an alert for IRQ/Kirkuk). The table
is small (alerts, not events): rows are read once and filtered here.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, cast

from tocsin.server import extras
from tocsin.store.rows import AlertRow

if TYPE_CHECKING:
    from tocsin.server.state import Reader

LEVELS = ("high", "medium", "low")
SORTS = ("-raised", "top")  # newest first; most severe first (level, then severity)
COLUMNS = ("id", "kind", "series", "label", "raised", "window_start", "window_end",
           "current_count", "baseline_count", "rate_ratio", "p_value", "intensity",
           "severity", "level", "actor_ids", "event_ids", "detail", "first_seen",
           "episode_end", "acknowledged_at", "acknowledged_by")


@dataclass(slots=True)
class AlertFilter:
    levels: list[str] = field(default_factory=list)
    region: str | None = None  # ISO3 or ISO3/Admin1
    types: list[str] = field(default_factory=list)
    actor: str | None = None  # id, name or alias
    since: date | None = None
    until: date | None = None
    unacknowledged: bool = False
    open_only: bool = False  # episodes not closed


# The events of an alert's detail: JSON analysis/alerts.py wrote (Alert.to_json), read as
# it is.
def regions(kind: str, key: str, events: list[dict[str, Any]]) -> set[str]:
    out: set[str] = set()
    if kind in ("country", "admin1"):
        out |= {key, key.split("/")[0]}
    for e in events:
        if e.get("country"):
            out.add(e["country"])
            if e.get("admin1"):
                out.add(f"{e['country']}/{e['admin1']}")
    return out


def types(kind: str, key: str, events: list[dict[str, Any]]) -> set[str]:
    out = {key.split("/")[0]} if kind in ("type", "mode") else set()
    return out | {e["type"] for e in events if e.get("type")}


def _rows(reader: Reader, f: AlertFilter) -> list[AlertRow]:
    where: list[str] = ["bin = 'week'"]
    args: list[Any] = []
    if f.levels:
        where.append("level IN (SELECT unnest(?::VARCHAR[]))")
        args.append(f.levels)
    if f.since:
        where.append("raised >= ?")
        args.append(f.since)
    if f.until:
        where.append("raised <= ?")
        args.append(f.until)
    if f.unacknowledged:
        where.append("acknowledged_at IS NULL")
    if f.open_only:
        where.append("episode_end IS NULL")
    cur = reader.con.execute(f"SELECT {', '.join(COLUMNS)} FROM alerts "
                             f"WHERE {' AND '.join(where)}", args)
    return [_item(r) for r in cur.fetchall()]


def _item(row: tuple[Any, ...]) -> AlertRow:
    """A stored alert row with its detail decoded and its regions and types read."""
    item: dict[str, Any] = dict(zip(COLUMNS, row, strict=True))
    try:
        item["detail"] = json.loads(item["detail"] or "{}")
    except ValueError:
        item["detail"] = {}
    events = item["detail"].get("events") or []
    item["regions"] = sorted(regions(item["kind"], item["series"], events))
    item["types"] = sorted(types(item["kind"], item["series"], events))
    return cast("AlertRow", item)  # COLUMNS and the keys above: the rows test checks it


def _sort_key(sort: str) -> Any:
    if sort == "top":
        return lambda a: (LEVELS.index(a["level"]) if a["level"] in LEVELS else 9,
                          -(a["severity"] or 0), -a["raised"].toordinal(), a["id"])
    return lambda a: (-a["raised"].toordinal(), -(a["severity"] or 0), a["id"])


def list_alerts(reader: Reader, f: AlertFilter, limit: int, offset: int,
                sort: str = "-raised") -> dict[str, Any]:
    """One page of alerts with names beside every actor id, and the facets (counts per
    level, region, type and actor) of the alerts the other filters keep."""
    cols = extras._columns(reader, "alerts")
    if not set(COLUMNS) <= set(cols):  # a table another tool made: list it as it is
        return extras.list_alerts(reader, limit, offset, f.unacknowledged)
    rows = _rows(reader, f)
    wanted: set[str] | None = None
    if f.actor:
        wanted = set(reader.resolve_actor(f.actor)) or {f.actor}
    if f.region:
        region = f.region.strip()
        region = region[:3].upper() + region[3:]
        rows = [a for a in rows if region in a["regions"]]
    if f.types:
        rows = [a for a in rows if set(f.types) & set(a["types"])]
    if wanted is not None:
        rows = [a for a in rows if wanted & set(a["actor_ids"] or [])]
    rows.sort(key=_sort_key(sort))
    page = rows[offset:offset + limit]
    names = reader.actor_names([x for a in rows for x in a["actor_ids"] or []]
                               + [x for a in page for e in a["detail"].get("events") or []
                                  for x in (e.get("sources") or []) + (e.get("targets") or [])])
    for a in page:
        name_alert(a, names)
    return {"available": True, "total": len(rows), "limit": limit, "offset": offset,
            "items": page, "actor_names": names, "facets": facets(rows, names)}


def name_alert(a: AlertRow, names: dict[str, str]) -> None:
    """Names beside ids (in place): the alert's actors and its events' participants."""
    d = a["detail"]
    a["actor_names"] = [names.get(x, x) for x in a["actor_ids"] or []]
    for x in d.get("actors") or []:
        x["name"] = names.get(x["id"], x.get("name") or x["id"])
    for e in d.get("events") or []:
        e["source_names"] = [names.get(x, x) for x in e.get("sources") or []]
        e["target_names"] = [names.get(x, x) for x in e.get("targets") or []]
    if a["kind"] in ("country", "admin1"):  # "KEN/Mandera" -> "Mandera, Kenya"
        from tocsin.store.names import country_name

        cc, _, admin1 = a["series"].partition("/")
        a["label"] = f"{admin1}, {country_name(cc)}" if admin1 else country_name(cc)
    elif a["kind"] == "actor":
        a["label"] = names.get(a["series"], a["label"])
    elif a["kind"] == "dyad":
        src, _, tgt = a["series"].partition("->")
        a["label"] = f"{names.get(src, src)} → {names.get(tgt, tgt)}"


def facets(rows: list[AlertRow], names: dict[str, str]) -> dict[str, Any]:
    """What the filters can choose from, with how many alerts each keeps."""
    levels = Counter(a["level"] for a in rows)
    regs = Counter(r for a in rows for r in a["regions"])
    typs = Counter(t for a in rows for t in a["types"])
    acts = Counter(x for a in rows for x in a["actor_ids"] or [])
    return {"level": {lv: levels.get(lv, 0) for lv in LEVELS},
            "region": dict(sorted(regs.items())), "type": dict(sorted(typs.items())),
            "actor": [{"id": x, "name": names.get(x, x), "alerts": n}
                      for x, n in sorted(acts.items(), key=lambda kv: (-kv[1], kv[0]))[:50]]}


def one_alert(reader: Reader, alert_id: str) -> AlertRow | None:
    cols = extras._columns(reader, "alerts")
    if not set(COLUMNS) <= set(cols):
        return None
    cur = reader.con.execute(f"SELECT {', '.join(COLUMNS)} FROM alerts WHERE id = ?",
                             [alert_id])
    r = cur.fetchone()
    if r is None:
        return None
    a = _item(r)
    events = a["detail"].get("events") or []
    names = reader.actor_names([*(a["actor_ids"] or []), *(
        x for e in events for x in (e.get("sources") or []) + (e.get("targets") or []))])
    name_alert(a, names)
    return a
