"""Names the NER model tags as a person or organisation that are places, not actors.

A rural conflict report names villages the gazetteer does not know ("Kwall", "Dakwaima")
and the small model takes many of them for people. Three readings say "place" whatever
the gazetteer knows: the name's own last word is an administrative unit ("Bassa LGA",
"Kirinyaga County"); the name has its containers in parentheses after it, or is one of
them ("Kwall (Bassa LGA, Plateau)", the ACLED and wire habit); or it is the object of a
preposition of location ("in Kwall", "near Mandaragirau", "in A, B and C"). A known town
in a place's slot, or a large one anywhere, is a place too (`town_not_actor`).
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

from tocsin.actors.nouns import ActorNouns

_PAREN_REACH = 14  # tokens a parenthetical of containers may run


def _paren_items(doc: Doc, open_i: int) -> list[Span] | None:
    """The comma-separated items of the parenthetical opening at ``open_i``, or None when
    it is not a list of short capitalised names ("(Bassa LGA, Plateau)", "(Borno)")."""
    close = next((j for j in range(open_i + 1, min(open_i + _PAREN_REACH, len(doc)))
                  if doc[j].text == ")"), None)
    if close is None or close == open_i + 1:
        return None
    items: list[Span] = []
    start = open_i + 1
    for j in range(open_i + 1, close + 1):
        if j == close or doc[j].text == ",":
            item = doc[start:j]
            if not len(item) or len(item) > 4 or not item[0].text[:1].isupper():
                return None
            items.append(item)
            start = j + 1
    return items


def _containers_follow(span: Span, nouns: ActorNouns) -> bool:
    """"Kwall (Bassa LGA, Plateau)": two names, or one administrative unit, in brackets
    right after the name."""
    doc = span.doc
    if span.end >= len(doc) or doc[span.end].text != "(":
        return False
    items = _paren_items(doc, span.end)
    return items is not None and (len(items) >= 2 or admin_unit(items[0], nouns))


def _in_containers(span: Span, nouns: ActorNouns) -> bool:
    """The name is one of the containers in brackets after a place's name."""
    doc = span.doc
    for i in range(span.start - 1, max(span.start - _PAREN_REACH, -1), -1):
        if doc[i].text == ")":
            return False
        if doc[i].text == "(":
            items = _paren_items(doc, i)
            return items is not None and i > 0 and doc[i - 1].text[:1].isupper() and (
                len(items) >= 2 or admin_unit(items[0], nouns)
                or admin_unit(doc[max(i - 3, 0):i], nouns))
    return False


def admin_unit(span: Span, nouns: ActorNouns) -> bool:
    """A capitalised name whose last word is an administrative unit ("Biu LGA")."""
    return len(span) >= 2 and span[-1].lower_ in nouns.admin_suffixes and (
        span[0].text[:1].isupper())


def place_by_form(span: Span, nouns: ActorNouns) -> bool:
    """Whether an unknown name is a place by its form or its slot, whatever the gazetteer
    knows (see the module's docstring)."""
    from tocsin.geo.finder import in_location_phrase

    return (admin_unit(span, nouns) or _containers_follow(span, nouns)
            or _in_containers(span, nouns)
            or in_location_phrase(span.doc, span.start, span.end))


def town_not_actor(span: Span, label: str) -> bool:
    """Whether an unknown name the model tagged ORG or PERSON is a place: a known place in
    a place's slot ("captured Jaffna") or a landmark after a locative preposition; else a
    town the gazetteer knows, a one-word organisation or "the X" at 20,000 inhabitants (or
    an admin area), a longer name at 100,000, where a person sharing a city's full name is
    unlikely."""
    from tocsin.geo.finder import (
        ADMIN_CUES,
        LANDMARKS,
        container_follows,
        in_locative,
        slot_place,
    )
    from tocsin.geo.gazetteer import get_gazetteer

    doc = span.doc
    if len(span) <= 3 and slot_place(doc, span.start, span.end):
        return True  # a known place in a place's slot: "captured Jaffna", "in Grozny"
    if len(span) <= 3 and (
            (len(span) >= 2 and span[-1].lower_ in ADMIN_CUES)  # "(Ngala district, ..."
            or (in_locative(doc, span.start, span.end)  # "in Isari (Ngala district, ..."
                and container_follows(doc, span.end))
            or (span.end + 1 < len(doc) and doc[span.end].lower_ in ADMIN_CUES
                and not doc[span.end + 1].is_title)  # "Shiroro district", not "X State
            # Government"
            or (span.start > 0 and span.end < len(doc)
                and doc[span.start - 1].text in (",", "(") and doc[span.end].text in (")", ",")
                and any(e.feature in ("admin1", "admin2")  # "..., Borno)"
                        for e in get_gazetteer().lookup(span.text)))):
        return True  # a place with its containers, the way reports locate villages
    if len(span) >= 2 and span[-1].lower_ in LANDMARKS and in_locative(
            doc, span.start, span.end):
        return True  # "at the popular Bardo Museum", "in the Baliem Valley"
    if len(span) == 1:
        if not (label == "ORG" or (span.start > 0 and doc[span.start - 1].lower_ == "the")):
            return False
        least = 20_000
    else:
        least = 100_000
    return any(e.population >= least or (len(span) == 1 and e.feature in {
        "admin1", "admin2", "country"}) for e in get_gazetteer().lookup(span.text))
