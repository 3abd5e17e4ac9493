"""The event's place as one decision, with its reason in the event's trace.

The order (issue 18): the act's own locative ("attacked the village of X", "killed in
X"), then the place of the act's sentence, then the report's narrative (the two
sentences before; the place of the report's previous act; a place the report names
anywhere below country level), then the dateline's city, which says where the report
was filed. Each step's candidates are ranked by `tocsin.geo.event_place` (specificity,
the document's country and the named containers having chosen each reading already in
`tocsin.geo.resolve`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from spacy.tokens import Token

from tocsin.geo.event_place import attributed_or_origin, event_place_step
from tocsin.geo.finder import PlaceMention, in_locative
from tocsin.geo.resolve import SPECIFICITY
from tocsin.model import Place

Links = Sequence[tuple[PlaceMention, Place | None]]

REASONS = {
    "act": "a place tied to the act by syntax (its locative, object or modifier)",
    "sentence": "the most specific place of the act's sentence",
    "previous-sentences": "the most specific place of the two sentences before",
    "narrative": "the place of the report's previous act",
    "document": "the most specific place the report names",
    "dateline": "the dateline's city (where the report was filed)",
    "sentence-any": "the most specific place the act's sentence names, though not as the "
                    "act's (a body's seat, a place named by an actor): no other is told",
    "document-any": "the most specific place the report names anywhere: no other is told",
    "none": "the report names no place for it",
}


@dataclass(slots=True)
class PlaceChoice:
    place: Place | None
    rule: str  # a key of REASONS
    mention: str | None = None  # the words that named it

    def trace(self) -> dict[str, Any]:
        p = self.place
        out: dict[str, Any] = {"rule": self.rule, "reason": REASONS[self.rule]}
        if p is not None:
            out |= {"id": p.id, "name": p.name, "precision": p.precision,
                    "mention": self.mention}
        return out


def _document_place(links: Links, trigger: Token, anywhere: bool = False) -> Place | None:
    """The most specific sub-national place the report names as a location ("in X",
    "attacked X") outside the act's sentence (whose places were weighed already) and
    outside actors' names, the first-named of equals; ``anywhere``: any mention (the
    dateline's)."""
    doc, sent = trigger.doc, trigger.sent
    return _most_specific(
        (m, p) for m, p in links
        if p is not None and not m.from_actor and p.lat is not None
        and p.feature not in ("country", "region")
        and (anywhere or not (sent.start <= m.tok_start < sent.end
                              or not in_locative(doc, m.tok_start, m.tok_end))))


def _most_specific(candidates: Iterable[tuple[PlaceMention, Place]]) -> Place | None:
    """The most specific of the places, the first-named of equals."""
    best: tuple[int, int, Place] | None = None
    for m, p in candidates:
        key = (SPECIFICITY.get(p.feature, 0), -m.start)
        if best is None or key > best[:2]:
            best = (*key, p)
    return best[2] if best else None


def choose_event_place(trigger: Token, links: Links, dateline: Links,
                       previous: Place | None, known: Collection[str]
                       ) -> PlaceChoice:
    """``links``: the place mentions an event may take (not the dateline's);
    ``dateline``: the dateline's; ``previous``: the place of the report's last event;
    ``known``: the ids of the document's places (a place dropped since is no answer)."""
    choice = _choose(trigger, links, dateline, previous, known)
    if choice.place is not None:
        choice.mention = next((m.text for m, p in [*links, *dateline]
                               if p is not None and p.id == choice.place.id), None)
    return choice


def _choose(trigger: Token, links: Links, dateline: Links, previous: Place | None,
            known: Collection[str]) -> PlaceChoice:
    place, rule = event_place_step(trigger, list(links))
    if place is not None and place.id in known:
        return PlaceChoice(place, rule)
    sent = trigger.sent
    names_own = any(p is not None and p.feature != "country" and not m.from_actor
                    and sent.start_char <= m.start < sent.end_char for m, p in links)
    if previous is not None and previous.feature != "country" and not names_own:
        return PlaceChoice(previous, "narrative")
    found = _document_place(links, trigger)
    if found is not None and found.id in known:
        return PlaceChoice(found, "document")
    names_any = any(p is not None and sent.start_char <= m.start < sent.end_char
                    for m, p in links)
    found = None if names_any else _document_place(dateline, trigger, anywhere=True)
    if found is not None and found.id in known:
        # (not when the sentence names a country or a region of its own: "a bombing in
        # Turkey's southeast" is no event in the capital the report was filed from)
        return PlaceChoice(found, "dateline")
    found = _sentence_place(links, trigger)
    if found is not None and found.id in known:
        return PlaceChoice(found, "sentence-any")
    found = _sentence_place(links, trigger, whole=True)
    if found is not None and found.id in known:
        return PlaceChoice(found, "document-any")
    return PlaceChoice(None, "none")


# Places a last resort may take although an actor names them ("police in Dandora
# (Embakasi North, Nairobi)", where the capital also stood for the government).
_BELOW_COUNTRY = frozenset({"city", "village", "admin2", "admin1", "site", "base", "airport"})


def _located(doc: Any, m: PlaceMention) -> bool:
    """Is the mention a location by its position: after a locative preposition, or in a
    parenthesised list of containers ("(Embakasi North, Nairobi)")?"""
    if in_locative(doc, m.tok_start, m.tok_end):
        return True
    sent = doc[m.tok_start].sent
    before = [t.text for t in doc[sent.start:m.tok_start]]
    return "(" in before and before[::-1].index("(") < (
        before[::-1].index(")") if ")" in before else len(before))


def _sentence_place(links: Links, trigger: Token, whole: bool = False) -> Place | None:
    """The most specific place below country level the act's sentence names anywhere,
    the first-named of equals: a report that names a place only in a body's name or as
    an actor still tells where its act was (ACLED notes name one place, the event's).
    ``whole``: anywhere in the report."""
    sent, doc = trigger.sent, trigger.doc
    # (a capital that acts, "prompted Paris to raise", is no location)
    return _most_specific(
        (m, p) for m, p in links
        if p is not None and p.lat is not None and p.feature in _BELOW_COUNTRY
        and (whole or sent.start <= m.tok_start < sent.end)
        and not attributed_or_origin(doc[m.tok_end - 1], trigger)
        and not (m.from_actor and not _located(doc, m)))
