"""Names for people to read: actors by name, never by id, and generic actors qualified.

Ids ("generic:irq-people", "x:allawi", "gbr") are keys, kept in their own fields; tables,
API responses and pages show what these functions give. A generic actor ("fighters") is
not an organisation: its name is qualified by its country, or marked unidentified, and
top-actor lists keep such actors apart from named ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb

    from tocsin.store.rows import EventListRow, RelationRow

GENERIC_PREFIX = "generic:"


def is_generic(actor_id: str) -> bool:
    return actor_id.startswith(GENERIC_PREFIX)


@cache
def country_name(code: str) -> str:
    import pycountry

    found = pycountry.countries.get(alpha_3=code.upper())
    return str(getattr(found, "common_name", None) or found.name) if found else code.upper()


def display_name(actor_id: str, name: str | None, country: str | None) -> str:
    """"Iraqi protesters" stays; "fighters" with country IRQ -> "fighters (Iraq)"; with no
    country -> "fighters (unidentified)"; a missing name falls back to the id's tail."""
    if not name:
        tail = actor_id.split(":", 1)[-1]
        name = tail.replace("-", " ").title() if ":" in actor_id else actor_id
    if not is_generic(actor_id):
        return name
    # Capitalised ("Iraqi ...", "US ...") or bracketed: the extractor already qualified it.
    if name[:1].isupper() or "(" in name:
        return name
    return f"{name} ({country_name(country)})" if country else f"{name} (unidentified)"


def names_for(con: duckdb.DuckDBPyConnection, ids: list[str]) -> dict[str, str]:
    """Display names by id for stored actors, and KB actors not in the store by their KB
    name; an unknown id is left out (callers fall back to the id)."""
    wanted = sorted({i for i in ids if i})
    if not wanted:
        return {}
    rows = con.execute("SELECT id, name, country FROM actors WHERE id IN "
                       "(SELECT unnest(?::VARCHAR[]))", [wanted]).fetchall()
    out = {i: display_name(i, n, c) for i, n, c in rows}
    missing = [i for i in wanted if i not in out]
    if missing:
        from tocsin.actors.kb import get_kb

        kb = get_kb()
        for i in missing:
            a = kb.get(i)
            if a is not None:
                out[i] = display_name(i, a.name, a.country)
    return out


def name_events(items: Iterable[EventListRow], names: dict[str, str]) -> None:
    """Adds source_names/target_names beside the id lists (in place)."""
    for ev in items:
        ev["source_names"] = [names.get(a, a) for a in ev.get("sources") or []]
        ev["target_names"] = [names.get(a, a) for a in ev.get("targets") or []]


def event_actor_ids(items: Sequence[EventListRow]) -> list[str]:
    return [a for e in items for a in (e.get("sources") or []) + (e.get("targets") or [])]


def name_relations(items: Iterable[RelationRow], names: dict[str, str]) -> None:
    for r in items:
        r["subject_name"] = names.get(r["subject"], r["subject"])
        r["object_name"] = names.get(r["object"], r["object"])
