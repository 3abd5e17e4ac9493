"""The `places` component: find and resolve toponyms not already claimed by actors."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import TYPE_CHECKING

from tocsin.geo.finder import (
    PlaceMention,
    find_place_mentions,
    in_locative,
    place_slot,
)
from tocsin.geo.gazetteer import normalize_place
from tocsin.geo.metonyms import actor_place_mentions, demonym_mentions
from tocsin.geo.resolve import resolve_mentions
from tocsin.model import Place, Span
from tocsin.pipeline import Component, State, register

if TYPE_CHECKING:
    from spacy.tokens import Doc


@register
class PlacesComponent(Component):
    name = "places"
    requires = ("doc", "actor_mentions")
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
        links = local_places(resolve_mentions(mentions, state.doc, country_hint=hint),
                             state.doc)
        # Places named by an actor ("Russia said") are output; event_place takes them only
        # through a locative phrase ("demonstrated in the capital Baku").
        state.place_links = links
        for mention, place in links:
            if place is None:
                continue
            if place.id not in state.places:
                state.places[place.id] = replace(place, mentions=[])
            state.places[place.id].mentions.append(Span(mention.text, mention.start, mention.end))


# Features a local place takes from its cue word or the tagger's label.
_LOCAL_FEATURE = {"base": "base", "airport": "airport", "site": "site", "region": "region",
                  "province": "other", "LOC": "region", "FAC": "site"}
_ANCHORS = frozenset({"city", "village", "admin2", "admin1", "site", "base", "airport"})


def _anchor(m: PlaceMention, links: list[tuple[PlaceMention, Place | None]], doc: Doc
            ) -> tuple[Place | None, bool]:
    """The placed sub-national name nearest ``m`` in its sentence, a following one first
    (containers follow: "X, central Colombo", "X in western Raqqa"); else the last one of
    the two sentences before (where the report last put the action). The flag says the
    anchor follows in the same sentence, as a container does."""
    sent = doc[m.tok_start].sent
    lo = sent.start
    for _ in range(2):
        if lo > 0:
            lo = doc[lo - 1].sent.start
    best: tuple[int, int, Place] | None = None
    for q, pq in links:
        if pq is None or q.from_actor or pq.feature not in _ANCHORS or pq.lat is None:
            continue
        if sent.start <= q.tok_start < sent.end:
            key = (0 if q.start > m.start else 1, abs(q.start - m.start))
        elif lo <= q.tok_start < sent.start:
            key = (2, m.start - q.start)
        else:
            continue
        if best is None or key < best[:2]:
            best = (*key, pq)
    return (best[2], best[0] == 0) if best else (None, False)


def local_places(links: list[tuple[PlaceMention, Place | None]], doc: Doc
                 ) -> list[tuple[PlaceMention, Place | None]]:
    """Names found in a place's slot that the gazetteer cannot place (a village, a
    neighbourhood, a town it only knows abroad: "the village of Ashmi", "al-Tijara
    neighbourhood in central Damascus") are still places. Each becomes a `local:` place
    with confidence 0.2, at the point of its likely container (`_anchor`: "Kollupitiya,
    central Colombo"), else unplaced (no point, no country): a wrong point would be worse
    than none. Streets stay with
    resolve.py, which places them by their town or drops them."""
    out: list[tuple[PlaceMention, Place | None]] = []
    made: dict[str, Place] = {}
    for m, p in links:
        label = doc[m.tok_start:m.tok_end].root.ent_type_
        if p is not None or m.from_actor or m.hint == "street" or not (
                m.hint or place_slot(doc, m.tok_start, m.tok_end) == 0
                or (label in ("GPE", "LOC", "FAC") and in_locative(doc, m.tok_start, m.tok_end))):
            # only a cue word, a place's slot ("the settlements of X") or the tagger's
            # place after "in"/"at"/"near" says that a name no gazetteer supports is a place
            out.append((m, p))
            continue
        name = m.name or m.text
        key = normalize_place(name)
        if not key:
            out.append((m, p))
            continue
        anchor, contained = _anchor(m, links, doc)
        feature = _LOCAL_FEATURE.get(m.hint or "", _LOCAL_FEATURE.get(label, "village"))
        pid = f"local:{anchor.id if anchor else '-'}:{key}"
        place = made.get(key)
        if place is None:
            admin1 = None
            if anchor is not None:
                admin1 = anchor.name if anchor.feature == "admin1" else anchor.admin1
            # the container's point only when it follows in the same sentence ("X,
            # central Colombo", "X in western Raqqa"); a name merely near another place
            # gets that place's country and province but no point
            point = anchor if anchor is not None and contained else None
            place = Place(pid, name, point.lat if point else None,
                          point.lon if point else None, anchor.country if anchor else None,
                          admin1, feature, [], 0.2)
            made[key] = place
        out.append((m, place))
    return out
