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
