"""A demo store with towns taken for actors, for the network tests (not a test module).

On rural notes the extractor codes a village or town as a person or organisation
("Kano" as a person in the ACLED Nigeria notes). The demo corpus has such actors too
(Ras al-Ain, Tal Abyad, the dateline ISTANBUL/QAMISHLI) but in no event, so two towns and
one person are added here as targets of the United States' first events: the towns must
never be nodes, the person must.
"""

from __future__ import annotations

from pathlib import Path

# Kirkuk is a place the store itself resolved; Tal Afar is a gazetteer town in Iraq.
TOWNS = {"x:kirkuk": ("Kirkuk", "person"), "x:tal-afar": ("Tal Afar", "organization")}
PERSON = ("x:zaid-karim", "Zaid Karim", "person")


def add_place_actors(db: Path, n_events: int = 4) -> list[str]:
    """Adds the towns and the person as targets of ``n_events`` events; returns them."""
    import duckdb

    from tocsin.store.events_writer import refresh_summaries

    con = duckdb.connect(str(db))
    try:
        events = [r[0] for r in con.execute(
            "SELECT DISTINCT event_id FROM event_participants WHERE actor_id = 'usa' AND "
            "role = 'source' ORDER BY event_id LIMIT ?", [n_events]).fetchall()]
        for aid, (name, typ) in {**TOWNS, PERSON[0]: PERSON[1:]}.items():
            con.execute("INSERT INTO actors (id, name, type, country, in_kb, first_doc) "
                        "VALUES (?, ?, ?, NULL, FALSE, NULL)", [aid, name, typ])
            for ev in events:
                con.execute("INSERT INTO event_participants VALUES (?, ?, 'target')",
                            [ev, aid])
        refresh_summaries(con, events)
    finally:
        con.close()
    return events
