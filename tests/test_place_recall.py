"""Place recall: names the actor tagger claims, names the gazetteer lacks, and events on
verbs of patrolling and liberating (`geo/finder.py`, `geo/component.py`, events.yaml).

Runs the whole pipeline (real spaCy model, real gazetteer index in the test cache) on
sentences written for these tests.
"""

from __future__ import annotations

from typing import Any

import pytest

from tocsin.model import Document, Extraction

# These tests hold the rule coder to its reading of each sentence (the lexicon, modality,
# roles): the event model's inputs. What the model decides: test_decision.py and the gate.
pytestmark = pytest.mark.usefixtures("rules_only")


@pytest.fixture
def pipeline(rules_pipeline):  # type: ignore[no-untyped-def]
    return rules_pipeline



def _run(pipeline: Any, text: str) -> Extraction:
    out: Extraction = pipeline.process(Document(text=text))
    return out


def _event_place(out: Extraction, trigger: str) -> tuple[str, str | None]:
    """(event type, text of the event place's first mention) of the event on ``trigger``."""
    ev = next((e for e in out.events if e.trigger and e.trigger.text == trigger), None)
    assert ev is not None, f"no event on {trigger!r}: {[e.trigger for e in out.events]}"
    places = {p.id: p for p in out.places}
    if ev.place is None:
        return ev.type, None
    p = places[ev.place]
    return ev.type, (out.doc.text[p.mentions[0].start:p.mentions[0].end]
                     if p.mentions else p.name)


@pytest.mark.parametrize(("text", "trigger", "expected"), [
    # a known town in a place's slot is a place even where the tagger calls it a person
    ("Government troops captured Bunia after three days of street fighting.", "captured",
     "Bunia"),
    # after a bearing ("in eastern X") and in "the outskirts of X"
    ("Two soldiers were killed in eastern Homs on Saturday.", "killed", "Homs"),
    ("A bus was bombed on the outskirts of Quetta on Friday.", "bombed", "Quetta"),
])
def test_known_places_in_place_slots(pipeline: Any, text: str, trigger: str,
                                     expected: str) -> None:
    _, got = _event_place(_run(pipeline, text), trigger)
    assert got is not None and expected in got


def test_village_the_gazetteer_lacks(pipeline: Any) -> None:
    text = ("Four shepherds were killed when shells hit the village of Umm Tuwaynat in "
            "the countryside of Hama province.")
    out = _run(pipeline, text)
    _, got = _event_place(out, "killed")
    assert got is not None and "Umm Tuwaynat" in got
    local = next(p for p in out.places if p.id.startswith("local:"))
    assert local.country == "SYR" and local.lat is not None and local.confidence == 0.2


def test_a_person_the_tagger_calls_a_place_is_no_local_place(pipeline: Any) -> None:
    text = "Soldiers captured Abu Hamza Tarablusi, a senior commander, in Mosul."
    out = _run(pipeline, text)
    assert not any("Tarablusi" in p.name for p in out.places)
    _, got = _event_place(out, "captured")
    assert got == "Mosul"


def test_an_actor_named_by_its_capital_stays_an_actor(pipeline: Any) -> None:
    out = _run(pipeline, "Moscow warned that the sanctions would backfire.")
    assert any(m.text == "Moscow" for a in out.actors for m in a.mentions)


@pytest.mark.parametrize(("text", "trigger", "etype", "expected"), [
    # patrolling is a move of armed personnel short of force: MOBILIZE
    ("Armed police patrolled the streets of Nairobi on Monday.", "patrolled", "MOBILIZE",
     "Nairobi"),
    # liberating a town is taking it: COERCE (as capture)
    ("Government forces liberated the town of Tadif after heavy clashes.", "liberated",
     "COERCE", "Tadif"),
])
def test_patrol_and_liberate_events(pipeline: Any, text: str, trigger: str, etype: str,
                                    expected: str) -> None:
    typ, got = _event_place(_run(pipeline, text), trigger)
    assert typ == etype
    assert got is not None and expected in got


def test_freeing_hostages_is_not_taking_a_place(pipeline: Any) -> None:
    out = _run(pipeline, "Commandos liberated three hostages held in a farmhouse.")
    assert not any(e.trigger and e.trigger.text == "liberated" and e.type == "COERCE"
                   for e in out.events)


def test_local_place_takes_a_town_point_only_from_a_following_container() -> None:
    from tocsin.api import extract

    near = extract("The army retook Kirkuk on Sunday, and militants then stormed the village "
                   "of Tal Zabrawiyya.")
    local = [p for p in near.places if p.id.startswith("local:")]
    # a town merely named nearby is no container: its province is (issue 18: a point,
    # and a precision saying it is the province's)
    assert local and local[0].country == "IRQ" and local[0].precision == "admin1"
    inside = extract("Militants stormed the village of Tal Zabrawiyya, west of Kirkuk, on "
                     "Sunday.")
    local = [p for p in inside.places if p.id.startswith("local:")]
    assert local and local[0].lat is not None  # the container's point
    assert local[0].precision == "town"


def test_a_nationality_modifier_does_not_make_a_town_foreign() -> None:
    from tocsin.api import extract

    ex = extract("Insurgents attacked a checkpoint in Fallujah during the U.S. occupation, "
                 "the U.S. military said.")
    fallujah = [p for p in ex.places if p.country == "IRQ"]
    assert fallujah and fallujah[0].id.startswith("geonames:")


def test_curated_towns_of_the_conflict_are_places() -> None:
    from tocsin.api import extract

    ex = extract("A roadside bomb hit an army patrol in Taji, just north of Baghdad, and "
                 "Peshmerga forces repelled an attack on Makhmour.")
    names = {p.name: p for p in ex.places}
    assert names["Taji"].country == "IRQ" and names["Makhmur"].country == "IRQ"
    patrol = [e for e in ex.events if e.place is not None]
    assert any(e.place == names["Taji"].id for e in patrol)  # the town, not Baghdad
