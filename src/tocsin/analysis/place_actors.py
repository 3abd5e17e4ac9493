"""Actors that are places: a town or village the extractor took for an actor.

The knowledge base has no place-like actor type, and its states ("Iraq", "United States")
are actors in their own right: they act and are acted on. What goes wrong is outside the
KB, where a report's own place names become person or organisation actors ("Kano",
"Ras al-Ain", the dateline "ISTANBUL/QAMISHLI"): the small NER model's reading of a
rural note. In the ACLED Nigeria dev store 51 of the 667 actors outside the KB that
take part in events are such places. An actor is told to be a place by its name when

- it is neither in the KB nor generic ("Iraqi protesters");
- it is not an acronym ("APC", "PDP": parties whose letters the geoparser may also have
  resolved to a village) and not a group noun of the actor lexicon ("Farmers");
- its name (each part of "A/B") is that of a settlement or area this store resolved
  (its places table; sites such as "Governor's Office" do not count), or a gazetteer
  settlement or area in one of the store's own countries (those holding at least 1% of
  its located events), so that a name shared with a village abroad does not count.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb

    from tocsin.geo.gazetteer import Gazetteer

AREAS = frozenset({"city", "village", "admin1", "admin2", "country", "region"})
COUNTRY_SHARE = 0.01  # a country counts when it holds this share of located events
ACRONYM_MAX = 6


def store_countries(con: duckdb.DuckDBPyConnection) -> frozenset[str]:
    """ISO3 codes of the countries where the store's located events mostly are."""
    rows = con.execute(
        "SELECT p.country, count(*) FROM events e JOIN places p ON p.id = e.place_id "
        "WHERE p.country IS NOT NULL GROUP BY 1").fetchall()
    total = sum(int(n) for _, n in rows)
    return frozenset(str(c) for c, n in rows if total and int(n) >= COUNTRY_SHARE * total)


def _group_noun(name: str, generic: Collection[str]) -> bool:
    low = name.casefold()
    return low in generic or low.removesuffix("s") in generic


def is_place_name(name: str, stored: Collection[str], countries: Collection[str],
                  gazetteer: Gazetteer, generic: Collection[str] = ()) -> bool:
    """Whether an actor's name outside the KB names a place (see the module's rules);
    ``stored``: normalised names of the store's settlements and areas."""
    from tocsin.geo.gazetteer import normalize_place

    parts = [p.strip() for p in name.split("/") if p.strip()]
    if not parts:
        return False
    for part in parts:
        if (part.isupper() and " " not in part and len(part) <= ACRONYM_MAX) or \
                _group_noun(part, generic):
            return False
        key = normalize_place(part)
        if key in stored:
            continue
        if not any(e.feature in AREAS and e.country in countries
                   for e in gazetteer.lookup_key(key)):
            return False
    return True


def place_actor_ids(con: duckdb.DuckDBPyConnection,
                    ids: Iterable[str] | None = None) -> set[str]:
    """The stored actors (of ``ids``, else all) that are places."""
    from tocsin.actors.nouns import actor_nouns
    from tocsin.geo.gazetteer import get_gazetteer, normalize_place

    sql = "SELECT id, name FROM actors WHERE NOT in_kb AND id NOT LIKE 'generic:%'"
    args: list[object] = []
    if ids is not None:
        sql += " AND id IN (SELECT unnest(?::VARCHAR[]))"
        args.append(sorted(set(ids)))
    rows = con.execute(sql, args).fetchall()
    if not rows:
        return set()
    stored = {normalize_place(str(n)) for n, f in con.execute(
        "SELECT DISTINCT name, feature FROM places").fetchall() if f in AREAS}
    countries = store_countries(con)
    gaz, generic = get_gazetteer(), actor_nouns().generic
    return {str(aid) for aid, name in rows
            if name and is_place_name(str(name), stored, countries, gaz, generic)}
