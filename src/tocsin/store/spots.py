"""The place of a report as its text names it, finer than the gazetteer's point.

A village the gazetteer lacks is often written in front of the district or town that
contains it, "Litamanda (Macomia, Cabo Delgado)", "Pundanhar, Palma district": the
geoparser can only place the report at the container's point, so that two attacks in two
villages of one district on one day look like one place. The spot is the name written in
front of the report's place ("litamanda"); the merge (store/merge.py) treats two reports
placed at one point under two different spots as two places, and a report naming only the
container as vaguer than one naming a spot in it (a doubt).

A spot is read only where the text puts a capitalised name directly before a mention of
the event's place in the event's own sentence, joined by a bracket, a comma (the place an
area), "in", "near" or "outside" (the name not opening the sentence), walking back over
containers ("X village in Y Township (Y, Z)"), or joins a city's district to it by a
hyphen ("Mogadishu-Hodan"); a name that is itself a recognised place, a date word, an
area's name or the place's own name is no spot. A report without a spot takes those of
its place elsewhere in its document (document_spots), and a report placed at a name with
no point of its own, those its sentence writes in front of another place.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from tocsin.model import Actor, Event, Place

# A capitalised name (words, or a number opening "24 de Marco"), with lowercase particles
# inside ("Mocimboa da Praia") and a kind of place after it ("Danow village"), optionally
# followed by a bracketed variant ("Changa (Chianga)"), then "(" or "," and spaces up to
# the place's mention, or up to another name in the bracket ("Mauche (Njoro, Nakuru)":
# Mauche in Njoro, in Nakuru), or " in ", " near ", " outside " ("attacked Kurya in
# Shinkafi LGA"; not a sentence's first word: "Residents in Garissa"). After the
# mention, a district of a city joined by a hyphen ("Mogadishu-Hodan").
_NAME = r"[A-Z0-9][\w'’.-]*"
_PARTICLE = r"(?:de|da|do|dos|das|del|di|du|el|al|la|le|les|van|von|bin|ibn)"
AFTER = re.compile(r"-(?P<name>[A-Z][\w'’]+(?: [A-Z][\w'’]+)*)")


@lru_cache(maxsize=1)
def _spot_re() -> re.Pattern[str]:
    kinds = "|".join(sorted(map(re.escape, _merge_data()["spot_kinds"]), key=len,
                            reverse=True))
    return re.compile(
        rf"(?P<name>{_NAME}(?:[ -](?:{_PARTICLE}[ -])*{_NAME})*)(?:\s+(?:{kinds}))?"
        r"\s*(?:\([^()]{1,40}\)\s*)?"
        rf"(?P<sep>\(\s*(?:{_NAME}(?: {_NAME})*\s*,\s*)?|,?\s(?:in|near|outside) |,\s*)$")


FINE = frozenset({"site", "village", "town"})  # precisions of a point that is the place's own
LOOKBACK = 80  # characters before a mention in which a spot is looked for
HOPS = 3  # containers walked back over ("X village in Y Township (Z, Region)")


@lru_cache(maxsize=1)
def _merge_data() -> dict[str, Any]:
    from importlib import resources

    import yaml

    path = resources.files("tocsin") / "data" / "store" / "merge.yaml"
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


@lru_cache(maxsize=1)
def _not_spots() -> frozenset[str]:
    """Capitalised words that name no place: date words and sentence openers."""
    from tocsin.time.expressions import MONTHS, WEEKDAYS

    return frozenset(MONTHS) | frozenset(WEEKDAYS) | frozenset(_merge_data()["not_spots"])


def norm(name: str) -> str:
    """A spot's key: the gazetteer's lookup key (case, accents, doubled letters folded:
    "Ceel-Jaale" is "cel jale"), as a local place's id holds it."""
    from tocsin.geo.gazetteer import normalize_place

    return normalize_place(name)


def document_spots(events: list[Event], places: dict[str, Place], actors: list[Actor],
                   text: str) -> list[set[str]]:
    """Each event's spots: those of its own sentence, else those written in front of its
    place anywhere in the document ("Pundanhar (Palma ...). The group also burnt a car."
    tells of Pundanhar in both sentences), or the villages the document places at its
    place's point ("Danow village (Marka ...)" is a local place at Marka's point: a later
    sentence placed at Marka tells of Danow; a country is no such container)."""
    own = [spots(ev, places, actors, text) for ev in events]
    by_place: dict[str, set[str]] = {}
    for ev, found in zip(events, own, strict=True):
        if ev.place is not None:
            by_place.setdefault(ev.place, set()).update(found)
    for pid in places:
        if pid.startswith("local:"):
            anchor, _, key = pid[len("local:"):].rpartition(":")
            container = places.get(anchor)
            if (container is not None and container.feature != "country" and not _area(key)
                    and not set(key.split()) & _not_spots()):
                by_place.setdefault(anchor, set()).add(key)
    return [found or set(by_place.get(ev.place or "", set()))
            for ev, found in zip(events, own, strict=True)]


def _area(key: str) -> bool:
    """An area's name ("Kani Township"): a container, not a spot in one."""
    return key.rsplit(" ", 1)[-1] in _merge_data()["area_words"]


def _opens(text: str, start: int, at: int) -> bool:
    """Whether the word at `at` opens its sentence (or a clause after a colon)."""
    head = text[start:at].rstrip()
    return not head or head[-1] in ".!?:;"


def _name_before(text: str, start: int, at: int, comma: bool) -> tuple[str, int] | None:
    """(key, start) of the name written in front of position `at` (see SPOT), or None."""
    before = text[max(start, at - LOOKBACK):at]
    found = _spot_re().search(before)
    if found is None or (found.group("sep").lstrip().startswith(",") and not comma
                         and not found.group("sep").rstrip().endswith(("in", "near",
                                                                         "outside"))):
        return None
    pos = at - len(before) + found.start("name")
    if found.group("sep")[-1] == " " and _opens(text, start, pos):
        return None  # "Residents in Garissa": a capital that only opens the sentence
    words = found.group("name").split()
    # Leading openers and numbers are no part of a name ("On 3 May, Garissa").
    while words and (norm(words[0]) in _not_spots() or words[0].isdigit()):
        pos += len(words[0]) + 1
        words = words[1:]
    key = norm(" ".join(words))
    if not key or any(w in _not_spots() for w in key.split()):
        return None
    if text[max(start, pos - 4):pos].lower().endswith((" a ", " an ")):
        return None  # "attacked a Rohingya village near X": who lives there, not a name
    return key, pos


def spots(ev: Event, places: dict[str, Place], actors: list[Actor], text: str
          ) -> set[str]:
    """The names written in front of the event's place in its sentence (see above)."""
    place = places.get(ev.place or "")
    if place is None:
        return set()
    start, end = ev.evidence.start, ev.evidence.end
    taken = [(m.start, m.end) for p in places.values() for m in p.mentions]
    taken += [(m.start, m.end) for a in actors for m in a.mentions]
    out = _spots_at(place, text, start, end, taken)
    if out or not (place.id.startswith("local:") or place.precision not in FINE):
        return out
    # A place without a point of its own, and no name in front of it: the sentence's
    # village written in front of another place tells where ("in Kyet Pyin village
    # (Maungdaw, Rakhine), soldiers attacked a Rohingya village", placed at "Rohingya").
    for other in places.values():
        if other.id != place.id and not other.id.startswith("local:"):
            out |= _spots_at(other, text, start, end, taken)
    return out


def _spots_at(place: Place, text: str, start: int, end: int,
              taken: list[tuple[int, int]]) -> set[str]:
    """The names written in front of (or joined after) `place`'s mentions in a sentence."""
    own = norm(place.name)
    # "X, Y" names X in Y only when Y is an area or a point taken from one; "X (Y" always.
    comma = place.precision not in FINE
    out: set[str] = set()
    for m in place.mentions:
        if not start <= m.start < end:
            continue
        after = AFTER.match(text, m.end, min(end, m.end + LOOKBACK))
        if after is not None and not any(s <= after.start("name") < e for s, e in taken):
            out.add(norm(after.group("name")))
        # Walk back over containers: "Myin Hlut village in Maungdaw Township (Maungdaw".
        at, wide = m.start, comma
        for _ in range(HOPS):
            found = _name_before(text, start, at, wide)
            if found is None:
                break
            key, at = found
            if _area(key) or key == own:
                wide = True  # after an area, "X village, Y Township" names X in it
                continue
            if not any(s <= at < e for s, e in taken):
                out.add(key)  # a recognised place: the geoparser chose between the two
            break
    return out
