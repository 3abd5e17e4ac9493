"""Event places: which place the syntax ties to an event (`tocsin.geo.event_place`).

Runs the whole pipeline (real spaCy model, real gazetteer index in the test cache) on
sentences written for these tests and checks the place of the event with a given trigger.
"""

from __future__ import annotations

from typing import Any

import pytest

from tocsin.model import Document

# Places are checked on the event of a given trigger word: the rule coder's events (the
# event model may name the same act by another word, "ambush" for "killed").
pytestmark = pytest.mark.usefixtures("rules_only")


@pytest.fixture
def pipeline(rules_pipeline):  # type: ignore[no-untyped-def]
    return rules_pipeline


def _place_of(pipeline: Any, text: str, trigger: str) -> str | None:
    out = pipeline.process(Document(text=text))
    places = {p.id: p for p in out.places}
    ev = next((e for e in out.events if e.trigger and e.trigger.text == trigger), None)
    assert ev is not None, f"no event on {trigger!r}: {[e.trigger for e in out.events]}"
    if ev.place is None:
        return None
    mentions = [out.doc.text[m.start:m.end] for m in places[ev.place].mentions]
    return mentions[0] if mentions else places[ev.place].name


@pytest.mark.parametrize(("text", "trigger", "expected"), [
    # the object of a verb of taking or striking is the place acted on, even a capital the
    # actor tagger reads as the target, and its "from" names the former holder
    ("Rebel fighters captured Benghazi after a two-day battle with government troops.",
     "captured", "Benghazi"),
    ("Mosul was captured from the Iraqi army in June 2014.", "captured", "Mosul"),
    ("Iraqi forces invaded Kuwait in August 1990.", "invaded", "Kuwait"),
    # a name modifying a place noun after a locative preposition is a location
    ("Opposition supporters rallied in the Belarus capital on Sunday.", "rallied",
     "Belarus"),
    # "the outskirts of X", "the vicinity of X" put the event at X
    ("A policeman was killed on Sunday when gunmen opened fire on the outskirts of "
     "Peshawar.", "killed", "Peshawar"),
])
def test_linked_and_locative_places(pipeline: Any, text: str, trigger: str,
                                    expected: str) -> None:
    got = _place_of(pipeline, text, trigger)
    assert got is not None and expected in got


@pytest.mark.parametrize(("text", "trigger"), [
    # where a victim is from is no place of the event
    ("Jamal Hassan, a shopkeeper from Kirkuk, was shot dead by gunmen on Tuesday.", "shot"),
    # where a statement was made is no place of the event
    ("Two soldiers were killed in the ambush, the ministry said in a statement issued "
     "in Ankara.", "killed"),
    ("Four guards were wounded in the raid, according to a spokesman reached by phone "
     "in Nairobi.", "wounded"),
])
def test_places_that_describe_something_else(pipeline: Any, text: str, trigger: str
                                             ) -> None:
    assert _place_of(pipeline, text, trigger) is None


def test_a_place_only_named_in_a_body_s_name_is_the_last_resort(pipeline: Any) -> None:
    """A report that names its town only as the seat of the office attacked still tells
    where the act was; the choice says it was a last resort."""
    out = pipeline.process(Document(text="On 4 May 2021, youths stormed the offices of the "
                                          "Lands Registry Board in Eldoret and smashed "
                                          "windows."))
    ev = next(e for e in out.events if e.trigger and e.trigger.text == "stormed")
    place = {p.id: p for p in out.places}[ev.place or ""]
    assert place.name == "Eldoret"
    assert ev.why is not None and ev.why["place"]["rule"] == "sentence-any"


def test_place_in_a_clause_of_the_event_is_kept(pipeline: Any) -> None:
    # the sentence fallback still finds a place reached through the event's own clauses
    text = ("Five civilians were killed when mortar rounds struck a market in the town of "
            "Saraqib on Monday.")
    got = _place_of(pipeline, text, "killed")
    assert got is not None and "Saraqib" in got


def test_former_holder_is_not_the_place(pipeline: Any) -> None:
    # the former holder of a captured place is not where the capture happened; the place
    # taken (a passive subject of "seize", a known town) is
    got = _place_of(pipeline, "Goa was seized from Portugal in 1961 by Indian troops.",
                    "seized")
    assert got == "Goa"


def test_headline_keeps_its_place_and_follow_up_acts_inherit_it() -> None:
    from datetime import date

    from tocsin.api import extract

    text = ("Taliban Facilitator Captured in Kandahar\n"
            "KANDAHAR, Afghanistan (April 3) - Afghan and coalition forces captured a Taliban "
            "facilitator in Zhari district, Kandahar province, yesterday. The facilitator "
            "supplied weapons to fighters. He also moved money for the group's leaders. "
            "The security force searched the compound. Two more suspects were detained "
            "during the operation.")
    ex = extract(text, published=date(2011, 4, 3))
    places = {p.id: p for p in ex.places}
    seized = [e for e in ex.events if e.type == "COERCE"]
    assert len(seized) >= 3
    headline, follow = seized[0], seized[-1]
    assert headline.place is not None  # the headline's "in Kandahar" is not the dateline
    assert places[headline.place].admin1 == "Kandahar"
    assert follow.place is not None and places[follow.place].admin1 == "Kandahar"


@pytest.mark.parametrize(("text", "trigger", "expected"), [
    # a town named right after a place inside it is the container, not the act's place,
    # even when the town is the nearer word to the act
    ("Officers broke up a sit-in by traders angry about new levies in Mushin, Lagos, on "
     "Monday, firing tear gas.", "firing", "Mushin"),
    ("Residents protesting about water cuts in Kondele, Kisumu, on Friday were dispersed, "
     "police firing tear gas.", "firing", "Kondele"),
])
def test_the_place_inside_a_named_town_wins_over_the_town(pipeline: Any, text: str,
                                                          trigger: str, expected: str
                                                          ) -> None:
    assert _place_of(pipeline, text, trigger) == expected
