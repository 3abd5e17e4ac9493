"""An ACLED-style CSV: PLOVER events mapped onto ACLED event and sub-event types.

Only event types ACLED codes (violence, demonstrations, strategic developments) are
written; verbal events (ACCUSE, CONSULT, THREATEN, ...) have no ACLED counterpart.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tocsin.store import Store
    from tocsin.store.rows import EventListRow

COLUMNS = ("event_id_cnty", "event_date", "year", "time_precision", "event_type",
           "sub_event_type", "actor1", "assoc_actor_1", "actor2", "assoc_actor_2", "country",
           "iso3", "admin1", "location", "latitude", "longitude", "notes", "fatalities",
           "source", "plover_type", "plover_mode", "admin2", "geo_precision")
REMOTE = "Explosions/Remote violence"
VAC = "Violence against civilians"
STRATEGIC = "Strategic developments"
ASSAULT_MODES = {
    "aerial": (REMOTE, "Air/drone strike"), "drone": (REMOTE, "Air/drone strike"),
    "heavy-weapons": (REMOTE, "Shelling/artillery/missile attack"),
    "explosives": (REMOTE, "Remote explosive/landmine/IED"),
    "suicide-attack": (REMOTE, "Suicide bomb"),
    "unconventional": (REMOTE, "Chemical weapon"),
    "abduct": (VAC, "Abduction/forced disappearance"),
    "sexual": (VAC, "Sexual violence"),
}
ONE_SIDED = frozenset({"massacre", "execute", "torture", "beat", "assassinate",
                       "cleansing"})
OTHER_TYPES = {
    "COERCE": {"arrest": "Arrests", "seize": "Looting/property destruction",
               "destroy": "Looting/property destruction"},
    "RETREAT": {"withdraw": "Non-violent transfer of territory",
                "territory": "Non-violent transfer of territory"},
    "AGREE": {}, "MOBILIZE": {},
}
PRECISION = {"day": 1, "week": 2, "month": 3, "year": 3}


def classify(ev: EventListRow, target_types: set[str]) -> tuple[str, str] | None:
    """(event_type, sub_event_type) for one event, or None when ACLED has no such type."""
    etype, mode = ev["type"], ev.get("mode")
    if etype == "ASSAULT":
        if mode in ASSAULT_MODES:
            return ASSAULT_MODES[mode]
        if "civilians" in target_types or mode in ONE_SIDED:
            return VAC, "Attack"
        return "Battles", "Armed clash"
    if etype == "PROTEST":
        if mode in ("riot", "violence"):
            return "Riots", "Violent demonstration"
        return "Protests", "Peaceful protest"
    if etype in OTHER_TYPES:
        if etype == "AGREE":
            return STRATEGIC, "Agreement"
        if etype == "MOBILIZE":
            return STRATEGIC, "Change to group/activity"
        return STRATEGIC, OTHER_TYPES[etype].get(mode or "", "Other")
    return None


def acled_rows(store: Store, **filters: Any) -> list[dict[str, Any]]:
    from tocsin.actors.naming import acled_name

    actors = {a["id"]: a for a in store.actors()}

    def name(aid: str, ev: EventListRow, role: str) -> str:
        """ACLED's form ("Police Forces of Kenya", "Protesters (Kenya)", "Unidentified
        Armed Group (Kenya)") or the group's own name."""
        a = actors.get(aid)
        if a is None:
            return aid
        return acled_name(aid, str(a["name"]), str(a["type"]), a["country"],
                          bool(a["in_kb"]), ev["type"], ev["mode"], role=role,
                          event_country=ev["country"])

    features = dict(store.con.execute("SELECT id, feature FROM places").fetchall())
    rows = []
    for ev in store.events(**filters):
        sources, targets = ev["sources"] or [], ev["targets"] or []
        types = {str(actors[t]["type"]) for t in targets if t in actors}
        kind = classify(ev, types)
        if kind is None or ev["date_start"] is None:
            continue
        rows.append({
            "event_id_cnty": ev["id"], "event_date": ev["date_start"].isoformat(),
            "year": ev["date_start"].year,
            "time_precision": PRECISION.get(ev["precision"] or "", 3),
            "event_type": kind[0], "sub_event_type": kind[1],
            "actor1": name(sources[0], ev, "source") if sources else "",
            "assoc_actor_1": "; ".join(name(a, ev, "source") for a in sources[1:]),
            "actor2": name(targets[0], ev, "target") if targets else "",
            "assoc_actor_2": "; ".join(name(a, ev, "target") for a in targets[1:]),
            "country": _country_name(ev["country"]), "iso3": ev["country"] or "",
            "admin1": ev["admin1"] or "", "location": ev["place"] or "",
            "latitude": "" if ev["lat"] is None else round(ev["lat"], 4),
            "longitude": "" if ev["lon"] is None else round(ev["lon"], 4),
            "notes": " ".join((ev["evidence"] or "").split()),
            "fatalities": ev["fatalities"] or 0,
            "source": "; ".join(s for s in ev["doc_sources"] or [] if s),
            "plover_type": ev["type"], "plover_mode": ev["mode"] or "",
            **_geo(ev["place_id"], features.get(ev["place_id"]), ev["lat"] is not None),
        })
    return rows


def _geo(place_id: str | None, feature: str | None, has_point: bool) -> dict[str, Any]:
    """ACLED's admin2 and geo_precision (1 the place itself, 2 a district or a nearby
    town's point, 3 a province or more) of an event's place."""
    from tocsin.geo.precision import acled_geo_precision, stored_precision

    if not place_id or not has_point:
        return {"admin2": "", "geo_precision": ""}
    prec, admin2 = stored_precision(place_id, feature or "")
    code = acled_geo_precision(prec)
    # a village placed at a nearby town's point is "part of a region" (2), as ACLED codes it
    if place_id.startswith("local:") and code == 1:
        code = 2
    return {"admin2": admin2 or "", "geo_precision": "" if code is None else code}


def _country_name(iso3: str | None) -> str:
    from tocsin.actors.naming import country_name

    return country_name(iso3) if iso3 else ""


def write_acled(store: Store, out: str | Path, **filters: Any) -> int:
    rows = acled_rows(store, **filters)
    with open(out, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(COLUMNS))
        w.writeheader()
        w.writerows(rows)
    return len(rows)
