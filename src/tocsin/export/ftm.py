"""FollowTheMoney entities (JSON Lines): actors, events, sanctions and affiliations.

Each line is ``{"id", "schema", "properties": {name: [str, ...]}}`` as FtM tools (aleph,
ftm, yente) read them; countries are ISO 3166-1 alpha-2, lower case.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tocsin.store import Store

PUBLIC_BODIES = frozenset({"state", "government", "military", "police"})
LINKS = {"member_of": ("Membership", "member", "organization"),
         "leader_of": ("Directorship", "director", "organization"),
         "commander_of": ("Directorship", "director", "organization"),
         "deputy_of": ("Directorship", "director", "organization"),
         "spokesperson_of": ("Employment", "employee", "employer")}


def _country(iso3: str | None) -> str | None:
    if not iso3:
        return None
    import pycountry

    c = pycountry.countries.get(alpha_3=iso3.upper())
    return c.alpha_2.lower() if c else None


def _entity(eid: str, schema: str, **props: Any) -> dict[str, Any]:
    clean: dict[str, list[str]] = {}
    for k, v in props.items():
        values = v if isinstance(v, list | tuple | set) else [v]
        vals = sorted({str(x) for x in values if x not in (None, "")})
        if vals:
            clean[k] = vals
    return {"id": eid, "schema": schema, "properties": clean}


def actor_ref(actor_id: str) -> str:
    return f"tocsin-actor-{actor_id}"


def entities(store: Store) -> list[dict[str, Any]]:
    from tocsin.actors.kb import get_kb

    kb, out = get_kb(), []
    known: set[str] = set()
    for a in store.actors():
        k = kb.get(a["id"])
        aliases = [r[0] for r in store.con.execute(
            "SELECT alias FROM actor_aliases WHERE actor_id = ?", [a["id"]]).fetchall()]
        country = _country(a["country"])
        if a["type"] == "person":
            schema, extra = "Person", {"nationality": country}
        else:
            schema = "PublicBody" if a["type"] in PUBLIC_BODIES else "Organization"
            extra = {"jurisdiction": country}
        out.append(_entity(actor_ref(a["id"]), schema, name=a["name"],
                           alias=[x for x in aliases if x != a["name"]] + list(
                               k.aliases if k else ()), country=country,
                           description=k.description if k else None,
                           sourceUrl=list(k.sources) if k else None, **extra))
        known.add(a["id"])
        for i, d in enumerate(k.designations if k else ()):
            out.append(_entity(f"tocsin-sanction-{a['id']}-{i}", "Sanction",
                               entity=actor_ref(a["id"]), authority=d.authority,
                               program=d.programme, startDate=d.date))
    for ev in store.events():
        involved = [actor_ref(x) for x in (ev["sources"] or []) + (ev["targets"] or [])
                    if x in known]
        out.append(_entity(
            f"tocsin-event-{ev['id']}", "Event",
            name=f"{ev['type']}{' (' + ev['mode'] + ')' if ev['mode'] else ''}"
                 f"{' in ' + ev['place'] if ev['place'] else ''}",
            summary=ev["evidence"], startDate=ev["date_start"], endDate=ev["date_end"],
            location=ev["place"], country=_country(ev["country"]), involved=involved,
            organizer=[actor_ref(x) for x in ev["sources"] or [] if x in known]))
    for r in store.relations():
        if r["subject"] not in known or r["object"] not in known:
            continue
        schema, subj, obj = LINKS.get(r["type"], ("UnknownLink", "subject", "object"))
        out.append(_entity(f"tocsin-rel-{r['type']}-{r['subject']}-{r['object']}", schema,
                           role=r["type"], summary=r["evidence"],
                           **{subj: actor_ref(r["subject"]), obj: actor_ref(r["object"])}))
    return out


def write_ftm(store: Store, out: str | Path) -> int:
    ents = entities(store)
    with Path(out).open("w", encoding="utf-8") as f:
        for e in ents:
            f.write(json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n")
    return len(ents)
