"""The `places` component: find and resolve toponyms not already claimed by actors."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from tocsin.geo.finder import find_place_mentions
from tocsin.geo.metonyms import actor_place_mentions, demonym_mentions
from tocsin.geo.resolve import resolve_mentions
from tocsin.model import Span
from tocsin.pipeline import Component, State, register


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
        links = resolve_mentions(mentions, state.doc, country_hint=hint)
        # Places named by an actor ("Russia said") are output; event_place takes them only
        # through a locative phrase ("demonstrated in the capital Baku").
        state.place_links = links
        for mention, place in links:
            if place is None:
                continue
            if place.id not in state.places:
                state.places[place.id] = replace(place, mentions=[])
            state.places[place.id].mentions.append(Span(mention.text, mention.start, mention.end))
