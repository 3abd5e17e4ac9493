"""Read queries over the store: events, documents, actors, profiles and statistics."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import TYPE_CHECKING, Any

from tocsin.store.rows import (
    ActorHead,
    ActorKbFacts,
    ActorOutlet,
    ActorProfile,
    ActorRow,
    DocumentRow,
    EventDetail,
    EventListRow,
    RelationRow,
    ReportRow,
    StoreStats,
    fetch,
)

if TYPE_CHECKING:
    import duckdb

# Great-circle distance in SQL (km), for --near filters.
HAVERSINE = ("2 * 6371.0088 * asin(least(1, sqrt(pow(sin(radians({lat} - ?) / 2), 2) + "
             "cos(radians(?)) * cos(radians({lat})) * pow(sin(radians({lon} - ?) / 2), 2))))")
NEAR_RE = re.compile(r"^\s*(?P<where>.+?)\s*:\s*(?P<km>\d+(?:\.\d+)?)\s*(?:km)?\s*$", re.I)
COORD_RE = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$")


class QueryError(ValueError):
    """A query the store cannot answer as asked (unknown actor, place, bad filter)."""


def parse_near(spec: str) -> tuple[float, float, float]:
    """"Baghdad:50km" or "33.31,44.36:50" -> (lat, lon, km); names via the gazetteer."""
    m = NEAR_RE.match(spec)
    if not m:
        raise QueryError(f"--near wants PLACE:KM or LAT,LON:KM, got {spec!r}")
    where, km = m.group("where"), float(m.group("km"))
    coords = COORD_RE.match(where)
    if coords:
        return float(coords.group(1)), float(coords.group(2)), km
    from tocsin.geo.gazetteer import get_gazetteer

    entries = get_gazetteer().lookup(where)
    if not entries:
        raise QueryError(f"unknown place {where!r}")
    best = max(entries, key=lambda e: (e.feature != "country", e.population, e.id))
    return best.lat, best.lon, km


Details = tuple[list[str], list[str], list[str], str | None]


def event_details(con: duckdb.DuckDBPyConnection, ids: list[str]) -> dict[str, Details]:
    """(sources, targets, outlets, first evidence sentence) per event, what the
    event_summary table holds: three look-ups through the event_id and primary-key
    indexes. The first sentence is the earliest by (doc_id, start, mention id)."""
    if not ids:
        return {}
    people: dict[str, dict[str, list[str]]] = {i: {"source": [], "target": []} for i in ids}
    for eid, role, actor in con.execute(
            "SELECT event_id, role, actor_id FROM event_participants WHERE event_id IN "
            "(SELECT unnest(?::VARCHAR[])) ORDER BY actor_id", [ids]).fetchall():
        if role in ("source", "target"):
            people[eid][role].append(actor)
    first: dict[str, tuple[str, int, str, str | None]] = {}
    docs: dict[str, set[str]] = {i: set() for i in ids}
    for mid, eid, doc_id, sentence, start in con.execute(
            "SELECT id, event_id, doc_id, sentence, start FROM event_mentions WHERE event_id "
            "IN (SELECT unnest(?::VARCHAR[]))", [ids]).fetchall():
        docs[eid].add(doc_id)
        key = (doc_id, start or 0, mid, sentence)
        if eid not in first or key[:3] < first[eid][:3]:
            first[eid] = key
    outlet = dict(con.execute("SELECT id, source FROM documents WHERE id IN "
                              "(SELECT unnest(?::VARCHAR[]))",
                              [sorted(set().union(*docs.values()))]).fetchall())
    return {i: (people[i]["source"], people[i]["target"],
                sorted({outlet[d] for d in docs[i] if outlet.get(d)}),
                first[i][3] if i in first else None) for i in ids}


EVENT_COLS = """e.id, e.type, e.mode, e.cameo_root, e.date_start, e.date_end, e.precision,
  e.place_id, p.name AS place, p.admin1, p.country, e.lat, e.lon, e.fatalities, e.injuries,
  e.negated, e.future, e.n_mentions, e.n_documents, e.confidence,
  (SELECT list(actor_id ORDER BY actor_id) FROM event_participants
     WHERE event_id = e.id AND role = 'source') AS sources,
  (SELECT list(actor_id ORDER BY actor_id) FROM event_participants
     WHERE event_id = e.id AND role = 'target') AS targets,
  (SELECT list(DISTINCT d.source ORDER BY d.source) FROM event_mentions em
     JOIN documents d ON d.id = em.doc_id WHERE em.event_id = e.id) AS doc_sources,
  (SELECT first(em.sentence ORDER BY em.doc_id, em.start) FROM event_mentions em
     WHERE em.event_id = e.id) AS evidence"""


class QueryMixin:
    con: duckdb.DuckDBPyConnection

    def resolve_actor(self, query: str) -> list[str]:
        """Actor ids for an id, a name or an alias (store first, then the KB)."""
        q = query.strip()
        hits = self.con.execute(
            """SELECT id FROM actors WHERE id = ? OR lower(name) = lower(?)
               UNION SELECT actor_id FROM actor_aliases WHERE lower(alias) = lower(?)""",
            [q, q, q]).fetchall()
        ids = {str(h[0]) for h in hits}
        if not ids:
            from tocsin.actors.kb import get_kb

            kb = get_kb()
            ids = {h.actor_id for h in kb.lookup(q)} | ({q} if kb.get(q) else set())
        return sorted(ids)

    def events(self, actor: str | None = None, type: str | None = None,
               since: date | str | None = None, until: date | str | None = None,
               near: tuple[float, float, float] | str | None = None,
               country: str | None = None, role: str | None = None,
               min_documents: int | None = None, include_negated: bool = False,
               limit: int | None = None, designated_by: str | None = None
               ) -> list[EventListRow]:
        """Merged events matching every filter given, oldest first. `designated_by` keeps
        events whose source is designated or sanctioned by that authority ("US", "UN",
        "OFAC"), per the knowledge base and the store's designated_by/sanctioned_by
        relations."""
        where: list[str] = ["TRUE"]
        args: list[Any] = []
        if not include_negated:
            where.append("NOT coalesce(e.negated, FALSE)")
        if actor:
            ids = self.resolve_actor(actor)
            if not ids:
                raise QueryError(f"unknown actor {actor!r}")
            role_sql = "" if role is None else " AND role = ?"
            where.append("e.id IN (SELECT event_id FROM event_participants WHERE actor_id IN "
                         f"({','.join('?' * len(ids))}){role_sql})")
            args += ids + ([role] if role else [])
        if designated_by:
            ids = self.designated_actors(designated_by)
            if not ids:
                where.append("FALSE")
            else:
                where.append("e.id IN (SELECT event_id FROM event_participants WHERE role = "
                             f"'source' AND actor_id IN ({','.join('?' * len(ids))}))")
                args += ids
        if type:
            where.append("e.type = ?")
            args.append(type.upper())
        if since:
            where.append("e.date_end >= ?::DATE")
            args.append(str(since))
        if until:
            where.append("e.date_start <= ?::DATE")
            args.append(str(until))
        if country:
            where.append("p.country = ?")
            args.append(country.upper())
        if min_documents:
            where.append("e.n_documents >= ?")
            args.append(min_documents)
        if near is not None:
            lat, lon, km = parse_near(near) if isinstance(near, str) else near
            where.append(f"e.lat IS NOT NULL AND {HAVERSINE.format(lat='e.lat', lon='e.lon')}"
                         " <= ?")
            args += [lat, lat, lon, km]
        sql = (f"SELECT {EVENT_COLS} FROM events e LEFT JOIN places p ON p.id = e.place_id "
               f"WHERE {' AND '.join(where)} ORDER BY e.date_start NULLS LAST, e.id")
        if limit:
            sql += f" LIMIT {int(limit)}"
        return fetch(self.con.execute(sql, args), EventListRow)

    def designated_actors(self, authority: str) -> list[str]:
        """Actors designated or sanctioned by an authority: knowledge-base designations whose
        authority names it ("US" matches "US Treasury OFAC"), and relations found in text
        whose object resolves to it."""
        from tocsin.actors.kb import get_kb

        q = authority.casefold().strip()
        words = set(q.replace(".", "").split())
        found: set[str] = set()
        for actor in get_kb().actors.values():
            for d in actor.designations:
                auth = d.authority.casefold().replace(".", "")
                if q in auth or words <= set(auth.split()) or (
                        d.programme and q == d.programme.casefold()):
                    found.add(actor.id)
        objects = self.resolve_actor(authority) if len(q) > 1 else []
        if objects:
            rows = self.con.execute(
                "SELECT DISTINCT subject FROM relations WHERE type IN ('designated_by', "
                f"'sanctioned_by') AND object IN ({','.join('?' * len(objects))})",
                objects).fetchall()
            found.update(r[0] for r in rows)
        return sorted(found)

    def event(self, event_id: str) -> EventDetail | None:
        """One event with every report of it and why each was merged (or founded it)."""
        found = fetch(self.con.execute(
            f"SELECT {EVENT_COLS} FROM events e LEFT JOIN places p ON p.id = e.place_id "
            "WHERE e.id = ?", [event_id]), EventDetail)  # its reports are added below
        if not found:
            return None
        ev = found[0]
        # merge_reason and why are stored as JSON text and returned decoded.
        mentions = fetch(self.con.execute(
            """SELECT em.id, em.doc_id, d.title, d.source, d.url, d.published, em.type,
                      em.mode, em.source_ids, em.target_ids, em.date_start, em.date_end,
                      em.precision, em.date_text, em.place_id, em.fatalities, em.sentence,
                      em.start, em."end", em.confidence, em.merge_reason, em.pipeline,
                      em.extracted_at, em.trigger, em.salience, em.why
               FROM event_mentions em JOIN documents d ON d.id = em.doc_id
               WHERE em.event_id = ? ORDER BY em.extracted_at, em.id""", [event_id]),
            ReportRow)
        for m in mentions:
            reason: Any = m["merge_reason"]
            why: Any = m["why"]
            m["merge_reason"] = json.loads(reason or "{}")
            m["why"] = json.loads(why) if why else None
        ev["mentions"] = mentions
        ev["republished_in"] = [r[0] for r in self.con.execute(
            """SELECT DISTINCT d.id FROM documents d JOIN event_mentions em
               ON d.duplicate_of = em.doc_id WHERE em.event_id = ? ORDER BY 1""",
            [event_id]).fetchall()]
        return ev

    def documents(self, source: str | None = None, duplicates: bool | None = None,
                  limit: int | None = None) -> list[DocumentRow]:
        where, args = ["TRUE"], []
        if source:
            where.append("source = ?")
            args.append(source)
        if duplicates is not None:
            where.append("duplicate_of IS NOT NULL" if duplicates else "duplicate_of IS NULL")
        sql = ("SELECT id, title, published, source, url, author, language, origin, n_chars, "
               "duplicate_of, similarity, pipeline, extracted_at FROM documents "
               f"WHERE {' AND '.join(where)} ORDER BY published NULLS LAST, id")
        if limit:
            sql += f" LIMIT {int(limit)}"
        return fetch(self.con.execute(sql, args), DocumentRow)

    def actors(self, type: str | None = None, country: str | None = None,
               limit: int | None = None, generic: bool | None = None) -> list[ActorRow]:
        """Actors seen in the store, most reported first; `generic` True/False keeps only
        generic ("Iraqi protesters") or only named actors. `name` is the display name."""
        from tocsin.store.names import GENERIC_PREFIX, display_name

        where, args = ["TRUE"], []
        if generic is not None:
            where.append(("" if generic else "NOT ") + "starts_with(a.id, ?)")
            args.append(GENERIC_PREFIX)
        if type:
            where.append("a.type = ?")
            args.append(type)
        if country:
            where.append("a.country = ?")
            args.append(country.upper())
        sql = f"""SELECT a.id, a.name, a.type, a.country, a.in_kb,
              (SELECT count(*) FROM mentions m WHERE m.entity_id = a.id
                 AND m.kind = 'actor') AS n_mentions,
              (SELECT count(DISTINCT m.doc_id) FROM mentions m WHERE m.entity_id = a.id
                 AND m.kind = 'actor') AS n_documents,
              (SELECT count(DISTINCT ep.event_id) FROM event_participants ep
                 WHERE ep.actor_id = a.id) AS n_events
            FROM actors a WHERE {' AND '.join(where)}
            ORDER BY n_documents DESC, n_mentions DESC, a.id"""
        if limit:
            sql += f" LIMIT {int(limit)}"
        rows = fetch(self.con.execute(sql, args), ActorRow)  # `generic` is set here
        for r in rows:
            r["generic"] = r["id"].startswith(GENERIC_PREFIX)
            r["name"] = display_name(r["id"], r["name"], r["country"])
        return rows

    def relations(self, actor_id: str | None = None) -> list[RelationRow]:
        where, args = "TRUE", []
        if actor_id:
            where, args = "r.subject = ? OR r.object = ?", [actor_id, actor_id]
        return fetch(self.con.execute(
            f"""SELECT r.type, r.subject, r.object, count(*) AS n_reports,
                   list(DISTINCT r.doc_id ORDER BY r.doc_id) AS documents,
                   first(r.sentence ORDER BY r.doc_id, r.start) AS evidence
                FROM relations r WHERE {where} GROUP BY ALL
                ORDER BY n_reports DESC, r.type, r.subject, r.object""", args),
            RelationRow)

    def actor_names(self, ids: list[str]) -> dict[str, str]:
        """Display names of actors by id ("generic:ken-police" -> "Kenyan police",
        "generic:fighters" -> "fighters (unidentified)"), so that tables and pages never
        show an id where a name is known (see store/names.py)."""
        from tocsin.store.names import names_for

        return names_for(self.con, ids)

    def actor(self, query: str, max_events: int = 20) -> ActorProfile | None:
        """A profile: KB facts, aliases seen, affiliations, events, relations, sources."""
        ids = self.resolve_actor(query)
        if not ids:
            return None
        from tocsin.actors.kb import get_kb

        actor_id = ids[0]
        kb_actor = get_kb().get(actor_id)
        row = fetch(self.con.execute("SELECT * FROM actors WHERE id = ?", [actor_id]),
                    ActorHead)
        if not row and kb_actor is None:
            return None
        head: ActorHead = row[0] if row else {
            "id": actor_id, "name": kb_actor.name if kb_actor else "",
            "type": kb_actor.type if kb_actor else None,
            "country": kb_actor.country if kb_actor else None, "in_kb": True}
        from tocsin.store.names import (
            display_name,
            event_actor_ids,
            is_generic,
            name_events,
            name_relations,
        )

        stored_name = head["name"]
        head["name"] = display_name(actor_id, str(stored_name or ""),
                                    str(head.get("country") or "") or None)
        seen = self.con.execute("SELECT alias FROM actor_aliases WHERE actor_id = ? "
                                "ORDER BY alias", [actor_id]).fetchall()
        aliases = set(kb_actor.aliases) if kb_actor else set()
        kb: ActorKbFacts = {} if kb_actor is None else {
            "description": kb_actor.description, "parents": list(kb_actor.parents),
            "allies": list(kb_actor.allies),
            "roles": [{"type": r.type, "object": r.object, "start": r.start, "end": r.end}
                      for r in kb_actor.roles],
            "designations": [{"authority": d.authority, "programme": d.programme,
                              "date": d.date} for d in kb_actor.designations],
            "kb_sources": list(kb_actor.sources)}
        events = self.events(actor=actor_id, limit=None)[-max_events:]
        n_events = self.con.execute(
            "SELECT count(DISTINCT event_id) FROM event_participants WHERE actor_id = ?",
            [actor_id]).fetchone()[0]  # type: ignore[index]
        relations = self.relations(actor_id)
        # Every id the profile holds, named: event actors, KB links, relations.
        names = self.actor_names(
            event_actor_ids(events) + kb.get("parents", []) + kb.get("allies", [])
            + [r["object"] for r in kb.get("roles", [])]
            + [x for r in relations for x in (r["subject"], r["object"])])
        name_events(events, names)
        name_relations(relations, names)
        documents = fetch(self.con.execute(
            """SELECT d.source, count(DISTINCT d.id) AS n_documents,
                      min(d.published) AS first, max(d.published) AS last
               FROM mentions m JOIN documents d ON d.id = m.doc_id
               WHERE m.entity_id = ? AND m.kind = 'actor'
               GROUP BY d.source ORDER BY n_documents DESC, d.source""", [actor_id]),
            ActorOutlet)
        # The keys in the order the profile has always had (the JSON's order).
        return {**head, "other_matches": ids[1:], "generic": is_generic(actor_id),
                "aliases": sorted(aliases | {r[0] for r in seen} - {stored_name}), **kb,
                "events": events, "n_events": n_events, "relations": relations,
                "actor_names": names, "documents": documents}

    def date_checks(self) -> dict[str, int]:
        """The date invariant (store/dates.py): reports whose extracted date was clamped
        to the publication day at store time, and any still dated after it (stored before
        the clamp existed)."""
        row = self.con.execute(
            """SELECT count(*) FILTER (WHERE em.unclamped_start IS NOT NULL),
                      count(*) FILTER (WHERE em.unclamped_start IS NULL
                                       AND em.unclamped_end IS NOT NULL),
                      count(*) FILTER (WHERE em.date_start > d.published
                                       OR em.date_end > d.published)
               FROM event_mentions em JOIN documents d ON d.id = em.doc_id""").fetchone()
        clamped, trimmed, after = row if row else (0, 0, 0)
        return {"dates_clamped_to_publication": int(clamped or 0),
                "date_ranges_trimmed_at_publication": int(trimmed or 0),
                "dates_after_publication": int(after or 0)}

    def stats(self) -> StoreStats:
        one = self.con.execute
        counts = {t: one(f"SELECT count(*) FROM {t}").fetchone()[0]  # type: ignore[index]
                  for t in ("documents", "actors", "actor_aliases", "places", "mentions",
                            "events", "event_mentions", "event_participants", "relations")}
        counts["duplicates"] = one("SELECT count(*) FROM documents "
                                   "WHERE duplicate_of IS NOT NULL").fetchone()[0]  # type: ignore[index]
        counts["merged_events"] = one("SELECT count(*) FROM events "
                                      "WHERE n_mentions > 1").fetchone()[0]  # type: ignore[index]
        counts.update(self.date_checks())
        return {
            "counts": counts,
            "schema_version": one("SELECT max(version) FROM schema_migrations"
                                  ).fetchone()[0],  # type: ignore[index]
            "events_by_type": dict(one("SELECT type, count(*) FROM events GROUP BY type "
                                       "ORDER BY 2 DESC, 1").fetchall()),
            "documents_by_source": dict(one(
                "SELECT coalesce(source, '(none)'), count(*) FROM documents GROUP BY 1 "
                "ORDER BY 2 DESC, 1 LIMIT 20").fetchall()),
            "date_range": [str(x) if x else None for x in one(
                "SELECT min(date_start), max(date_end) FROM events").fetchone() or ()],
            "pipelines": [r[0] for r in one("SELECT DISTINCT pipeline FROM documents "
                                            "WHERE pipeline IS NOT NULL ORDER BY 1").fetchall()],
        }
