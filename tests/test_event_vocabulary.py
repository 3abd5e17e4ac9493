"""Event-coder vocabulary and main-event choice on realistic sentences written for tocsin:
phrases led by adjectives, received aid, opposition and reneging, expulsions, appeals made
with "want", attempted acts, participles used as nouns, and the confidence features that
pick the reported act of a multi-event release."""

from __future__ import annotations

from datetime import date

import pytest

from tocsin.evaluate.common import primary_event
from tocsin.model import Document, Event, Extraction
from tocsin.pipeline import Pipeline

# These tests hold the rule coder to its reading of each sentence (the lexicon, modality,
# roles): the event model's inputs. What the model decides: test_decision.py and the gate.
pytestmark = pytest.mark.usefixtures("rules_only")


@pytest.fixture
def pipeline(rules_pipeline):  # type: ignore[no-untyped-def]
    return rules_pipeline


PUB = date(2021, 3, 12)


def run(pipeline: Pipeline, text: str) -> Extraction:
    return pipeline.process(Document(text=text, published=PUB))


def top(out: Extraction) -> Event:
    ev = primary_event(out.events)
    assert ev is not None, "no event coded"
    return ev


@pytest.mark.parametrize(("text", "typ", "mode"), [
    # phrases led by an adjective ("martial law", "ethnic cleansing")
    ("The army declared martial law in the northern province on Monday.", "COERCE", "curfew"),
    ("Militias engaged in ethnic cleansing in three villages, the monitors said.",
     "ASSAULT", "cleansing"),
    # received goods: the subject is the recipient
    ("The militia received rockets and drones from its foreign backers last year.",
     "AID", None),
    ("The opposition received assurances from the generals that the vote would be free.",
     "AGREE", None),
    # opposition, reneging, defiance
    ("Ankara is opposed to Russian mediation in the conflict, a spokesman said.",
     "REJECT", None),
    ("The president reneged on his pledge to hold a referendum.", "REJECT", None),
    ("Shopkeepers violated the curfew imposed by the army.", "REJECT", "yield"),
    # expulsions and forced removals
    ("The junta forced the UN refugee agency out of the country on Friday.",
     "SANCTION", "expel"),
    ("Soldiers forced out hundreds of villagers from their homes near the border.",
     "ASSAULT", "cleansing"),
    ("Forty Ukrainian observers were shipped out of the town on Sunday.", "SANCTION", "expel"),
    # wanting another party to act is an appeal; wanting to act oneself is not
    ("Washington wants Belgrade to withdraw its police from the province.", "REQUEST", None),
    ("The inspectors want to re-examine the reactor site next month.", "ACCUSE", "investigate"),
    # other vocabulary
    ("The prosecutors presented evidence against the former governor.", "ACCUSE", "allege"),
    ("The foreign ministry advised against travel to the border region.",
     "SANCTION", "discontinue"),
    ("The president gave a warm welcome to the visiting Indian premier.", "CONSULT", "visit"),
    ("Students threw stones at riot police outside the university.", "PROTEST", "riot"),
    ("The mayor gave permission for the march on Sunday.", "CONCEDE", None),
    ("Rescue teams evacuated the wounded from the collapsed market.", "AID", None),
    ("A rights group protested that the police are torturing detainees.", "ACCUSE", "allege"),
    # aid given as a sum ("$3 million in assistance") and distributed goods
    ("Norway provided an additional $3 million in humanitarian assistance to Sudan.",
     "AID", None),
    ("The army distributed tents, food and blankets to families displaced by the floods.",
     "AID", None),
    # easing sanctions is CAMEO 085 (RETREAT); refusing to end a strike is a REJECT
    ("Britain eased sanctions on Belarus in March.", "RETREAT", None),
    ("The strikers said they will not end the strike until wages are paid.", "REJECT", None),
    ("Officials said lifting the embargo on Cuba is off the table for now.", "REJECT", None),
    ("Protesters burned the national flag outside the embassy.", "PROTEST", "demo"),
    ("The commission launched legal action against the government.", "ACCUSE", "allege"),
    ("Russia launched cyber warfare against Estonia in 2007.", "COERCE", "cyber"),
    ("A detainee died after torture in a police station, his family said.",
     "ASSAULT", "torture"),
    ("Kenya has suspended food supplies to the camps.", "SANCTION", None),
])
def test_vocabulary(pipeline: Pipeline, text: str, typ: str, mode: str | None) -> None:
    ev = top(run(pipeline, text))
    assert (ev.type, ev.mode if mode else None) == (typ, mode)


def test_attempted_act_is_coded(pipeline: Pipeline) -> None:
    ev = top(run(pipeline, "An attempt to assassinate the provincial governor was foiled "
                           "in Herat, police said."))
    assert (ev.type, ev.mode) == ("ASSAULT", "assassinate")


def test_refused_permission_is_reject(pipeline: Pipeline) -> None:
    ev = top(run(pipeline, "The governor said he would not give permission to the union "
                           "to hold a rally."))
    assert ev.type == "REJECT"


def test_of_object_is_the_governing_nouns_content(pipeline: Pipeline) -> None:
    out = run(pipeline, "The rebels demanded the lifting of martial law in the capital.")
    assert [e.type for e in out.events] == ["REQUEST"]


def test_operation_result_outranks_its_target(pipeline: Pipeline) -> None:
    ev = top(run(pipeline, "In Nad Ali district, Afghan and coalition forces targeted a "
                           "Taliban commander, detaining two suspected insurgents."))
    assert (ev.type, ev.mode) == ("COERCE", "arrest")


def test_description_ranks_below_the_reported_act(pipeline: Pipeline) -> None:
    out = run(pipeline, "The rebel front said it will return the rifles seized last year "
                        "from the peacekeepers.")
    assert top(out).type == "AGREE"


def test_past_perfect_background_ranks_lower(pipeline: Pipeline) -> None:
    out = run(pipeline, "Police arrested two men in Mosul on Tuesday. The men had "
                        "attacked a checkpoint in the city.")
    assert top(out).type == "COERCE"


def test_dates_and_names_are_not_acts(pipeline: Pipeline) -> None:
    out = run(pipeline, "KABUL, Afghanistan (March 24, 2011) The International Security "
                        "Assistance Force confirmed the capture of a Taliban facilitator.")
    assert [(e.type, e.mode) for e in out.events] == [("COERCE", "arrest")]


def test_boilerplate_release_and_destroyed_contraband(pipeline: Pipeline) -> None:
    out = run(pipeline, "For Immediate Release. The patrol found and destroyed 200 kilograms "
                        "of opium and a weapons cache near Marjah.")
    assert out.events == []


def test_broad_target_ranks_below_the_detention(pipeline: Pipeline) -> None:
    out = run(pipeline, "An Afghan and coalition security force targeted a Taliban leader in "
                        "Zurmat district on Friday. After questioning, the force apprehended "
                        "three suspected insurgents.")
    assert top(out).type == "COERCE"


def test_own_support_purpose_is_no_threat(pipeline: Pipeline) -> None:
    out = run(pipeline, "The Afghan-led force requested close air support to engage the "
                        "insurgent force near Sangin.")
    assert [e.type for e in out.events] == ["ASSAULT"]
    vowed = run(pipeline, "The militia vowed to engage American forces near the border.")
    assert [e.type for e in vowed.events] == ["THREATEN"]
