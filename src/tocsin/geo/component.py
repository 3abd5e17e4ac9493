"""The `places` component: find and resolve toponyms not already claimed by actors."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import TYPE_CHECKING

from tocsin.component import Component, State, register
from tocsin.doc_cache import doc_text
from tocsin.geo import precision
from tocsin.geo.finder import (
    PlaceMention,
    container_follows,
    find_place_mentions,
    in_locative,
    place_slot,
)
from tocsin.geo.gazetteer import get_gazetteer, normalize_place
from tocsin.geo.metonyms import actor_place_mentions, demonym_mentions
from tocsin.geo.resolve import resolve_mentions
from tocsin.lexicon_data import words
from tocsin.model import Place, Span

if TYPE_CHECKING:
    from spacy.tokens import Doc


@register
class PlacesComponent(Component):
    name = "places"
    requires = ("doc", "actor_mentions", "actors")
    assigns = ("place_links", "places")

    def __call__(self, state: State) -> None:
        assert state.doc is not None
        # Country actors give the resolver its context; their spans are not toponyms here.
        # A country named as an actor ("Syria's civil war") is also a territory: its name
        # stays open to the place finder; other actor spans do not.
        taken = [(m.start, m.end) for m in state.actor_mentions
                 if not (m.kind == "country" and any(h.kind == "name" for h in m.candidates))]
        countries: Counter[str] = Counter(
            a.country for a in state.actors.values() if a.country and a.in_kb
        )
        hint = countries.most_common(1)[0][0] if countries else None
        mentions = find_place_mentions(state.doc, taken)
        found = [(m.start, m.end) for m in mentions]
        mentions += [m for m in actor_place_mentions(state.doc, state.actor_mentions,
                                                     state.actors)
                     if not any(m.start < e and s < m.end for s, e in found)]
        found = [(m.start, m.end) for m in mentions] + taken
        mentions += demonym_mentions(state.doc, found)
        mentions.sort(key=lambda m: m.start)
        # a state's own forces and officials, not an armed group known by its base
        # ("al-Shabaab" in a Kenyan town), say which country an unplaced village is in
        home: Counter[str] = Counter(
            a.country for a in state.actors.values()
            if a.country and a.in_kb and a.type in _STATE_TYPES)
        links = local_places(resolve_mentions(mentions, state.doc, country_hint=hint),
                             state.doc, home.most_common(1)[0][0] if home else None)
        # Places named by an actor ("Russia said") are output; event_place takes them only
        # through a locative phrase ("demonstrated in the capital Baku").
        state.place_links = links
        for mention, place in links:
            if place is None:
                continue
            if place.id not in state.places:
                state.places[place.id] = replace(place, mentions=[])
            state.places[place.id].mentions.append(Span(mention.text, mention.start, mention.end))


_OWNER_CHARS = 40  # how far before a name its owning place may stand
_STATE_TYPES = frozenset({"state", "government", "military", "police"})
# Features a local place takes from its cue word or the tagger's label.
_LOCAL_FEATURE = {"base": "base", "airport": "airport", "site": "site", "region": "region",
                  "province": "other", "LOC": "region", "FAC": "site"}
_BELOW_TOWN = words("places", "below_town_cues")
_ANCHORS = frozenset({"city", "village", "admin2", "admin1", "site", "base", "airport"})


def _anchor(m: PlaceMention, links: list[tuple[PlaceMention, Place | None]], doc: Doc
            ) -> tuple[Place | None, str]:
    """The placed sub-national name nearest ``m`` in its sentence, a following one first
    (containers follow: "X, central Colombo", "X in western Raqqa"); else the last one of
    the two sentences before (where the report last put the action). The flag says the
    second value says how it relates: "container" (it follows in the sentence, or owns the
    name just before it), "sentence" (elsewhere in the sentence), "before", or ""."""
    sent = doc[m.tok_start].sent
    lo = sent.start
    for _ in range(2):
        if lo > 0:
            lo = doc[lo - 1].sent.start
    best: tuple[int, int, Place] | None = None
    text = doc_text(doc)
    for q, pq in links:
        if pq is None or pq.feature not in _ANCHORS or pq.lat is None:
            continue
        if q.from_actor and not (q.start > m.end and text[m.end:q.start].strip() in (",", "(")):
            continue  # a capital named as its state, unless in a container's slot:
            # "in Westlands, Nairobi"
        if sent.start <= q.tok_start < sent.end:
            key = (0 if q.start > m.start else 1, abs(q.start - m.start))
        elif lo <= q.tok_start < sent.start:
            key = (2, m.start - q.start)
        else:
            continue
        if best is None or key < best[:2]:
            best = (*key, pq)
    if best is None:
        return None, ""
    # a container follows in the sentence ("X, central Colombo"), or owns the name just
    # before it ("Baghdad's southern district of X", "the Colombo suburb of X")
    if best[0] == 0 or (best[0] == 1 and best[1] <= _OWNER_CHARS):
        return best[2], "container"
    return best[2], "sentence" if best[0] == 1 else "before"


def _home_country(links: list[tuple[PlaceMention, Place | None]], hint: str | None
                  ) -> Place | None:
    """The country most of the document's placed names lie in, when one leads (more
    than half of them); with no placed name, ``hint`` (the actors' country)."""
    votes = Counter(p.country for m, p in links
                    if p is not None and p.country and p.lat is not None and not m.from_actor)
    iso3: str | None = hint
    if votes:
        iso3, n = votes.most_common(1)[0]
        if n * 2 <= sum(votes.values()):
            return None
    entry = get_gazetteer().country_entry(iso3) if iso3 else None
    if entry is None:
        return None
    return Place(entry.id, entry.name, entry.lat, entry.lon, entry.country, None, "country",
                 precision="country")


def _country_of(p: Place) -> Place | None:
    e = get_gazetteer().country_entry(p.country) if p.country else None
    if e is None:
        return None
    return Place(e.id, e.name, e.lat, e.lon, e.country, None, "country", precision="country")


def _province_of(p: Place) -> Place | None:
    """The admin1 entry of ``p``'s province (``p`` itself if it is one)."""
    if p.feature in ("admin1", "country"):
        return p
    if not p.admin1:
        return None
    e = next((e for e in get_gazetteer().lookup(p.admin1)
              if e.feature == "admin1" and e.country == p.country), None)
    if e is None:
        return None
    return Place(e.id, e.name, e.lat, e.lon, e.country, e.admin1, "admin1",
                 precision="admin1")


def local_places(links: list[tuple[PlaceMention, Place | None]], doc: Doc,
                 country_hint: str | None = None) -> list[tuple[PlaceMention, Place | None]]:
    """Names found in a place's slot that the gazetteer cannot place (a village, a
    neighbourhood, a town it only knows abroad: "the village of Ashmi", "al-Tijara
    neighbourhood in central Damascus") are still places. Each becomes a `local:` place
    with confidence 0.2, at the point of its likely container (`_anchor`: "Kollupitiya,
    central Colombo", "Kirawa (Gwoza district, Borno)"), else of the document's country
    (its placed names', else ``country_hint``, its actors'), and a `precision` saying
    whose point it is; unplaced only when no container is known. Streets stay with
    resolve.py, which places them by their town or drops them."""
    out: list[tuple[PlaceMention, Place | None]] = []
    made: dict[str, Place] = {}
    home = _home_country(links, country_hint)
    for m, p in links:
        label = doc[m.tok_start:m.tok_end].root.ent_type_
        if p is not None or m.from_actor or m.hint == "street" or not (
                m.hint or place_slot(doc, m.tok_start, m.tok_end) == 0
                or (label in ("GPE", "LOC", "FAC") and in_locative(doc, m.tok_start, m.tok_end))
                or container_follows(doc, m.tok_end)):  # "X (Y district, Z)", "X, Z"
            # only a cue word, a place's slot ("the settlements of X") or the tagger's
            # place after "in"/"at"/"near" says that a name no gazetteer supports is a place
            out.append((m, p))
            continue
        if m.hint in ("village", "city") and m.tok_start > 0 and doc[
                m.tok_start - 1].lower_ in ("a", "an"):
            out.append((m, None))  # "a Berom village": who lives there, not its name
            continue
        name = m.name or m.text
        key = normalize_place(name)
        if not key:
            out.append((m, p))
            continue
        anchor, how = _anchor(m, links, doc)
        near = anchor
        if anchor is not None and how == "sentence":
            # a place merely named in its sentence: only that place's province contains it
            anchor = _province_of(anchor)
        elif anchor is not None and how == "before":
            anchor = _country_of(anchor)  # named before: its country (its province guessed)
        anchor = anchor or home
        feature = _LOCAL_FEATURE.get(m.hint or "", _LOCAL_FEATURE.get(label, "village"))
        if m.hint == "district":  # "Sewry District" is a district; "Jibu Ward" lies in a town
            feature = "village" if doc[m.tok_end - 1].lower_ in _BELOW_TOWN else "admin2"
        pid = f"local:{anchor.id if anchor else '-'}:{key}"
        place = made.get(key)
        if place is None:
            admin1 = admin2 = None
            if near is not None and near.country == (anchor.country if anchor else None):
                admin1 = near.name if near.feature == "admin1" else near.admin1
                admin2 = near.admin2 if how == "container" else None
            # the container's point, never none when a container is known (issue 18): a
            # following one ("X, central Colombo", "X (Y district, Z)"), else the place
            # the report last named, else the document's country; `precision` says which
            place = Place(pid, name, anchor.lat if anchor else None,
                          anchor.lon if anchor else None, anchor.country if anchor else None,
                          admin1, feature, [], 0.2,
                          precision.as_container(anchor.feature) if anchor else None, admin2)
            made[key] = place
        out.append((m, place))
    return out
