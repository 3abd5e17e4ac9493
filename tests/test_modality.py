"""Modality and clause rules of the event coder on realistic sentences: requests, refusals,
promises, obligations, purposes, weak verbs with strong nouns, and calibrated confidence."""

from __future__ import annotations

from datetime import date

import pytest

from tocsin.evaluate.calibration import isotonic
from tocsin.events.calibration import calibrate
from tocsin.model import Document, Event, Extraction
from tocsin.pipeline import Pipeline

# These tests hold the rule coder to its reading of each sentence (the lexicon, modality,
# roles): the event model's inputs. What the model decides: test_decision.py and the gate.
pytestmark = pytest.mark.usefixtures("rules_only")


@pytest.fixture
def pipeline(rules_pipeline):  # type: ignore[no-untyped-def]
    return rules_pipeline


PUB = date(2020, 1, 10)


def run(pipeline: Pipeline, text: str) -> Extraction:
    return pipeline.process(Document(text=text, published=PUB))


def types(out: Extraction) -> list[str]:
    return [e.type for e in out.events]


def top(out: Extraction) -> Event:
    return max(out.events, key=lambda e: e.confidence)


@pytest.mark.parametrize("text", [
    "Turkey will send humanitarian aid to the refugees next week, the ministry said.",
    "The rebels said they would release the kidnapped aid workers on Sunday.",
    "Jordan is ready to host talks between the two factions, the foreign minister said.",
])
def test_announced_cooperation_is_agree(pipeline: Pipeline, text: str) -> None:
    out = run(pipeline, text)
    assert types(out) == ["AGREE"], text
    ev = out.events[0]
    assert ev.cameo_root == "03" and ev.modality.future is True


@pytest.mark.parametrize("text", [
    "The opposition party said it would boycott the parliamentary elections.",
    "The militia has sworn to fight the army until it leaves the province.",
])
def test_announced_conflict_is_threaten(pipeline: Pipeline, text: str) -> None:
    assert types(run(pipeline, text)) == ["THREATEN"], text


def test_request_absorbs_its_content(pipeline: Pipeline) -> None:
    out = run(pipeline, "The United Nations urged the Houthis to release the detained "
                        "embassy staff.")
    assert types(out) == ["REQUEST"]
    ev = out.events[0]
    assert ev.mode == "yield" and ev.cameo_root == "02"


def test_obligation_is_a_request_by_the_speaker(pipeline: Pipeline) -> None:
    out = run(pipeline, "Russia said on Tuesday that Iran must return the seized tanker.")
    ev = top(out)
    assert ev.type == "REQUEST" and ev.cameo_root == "10"
    assert ev.source == ["rus"] and ev.target == ["irn"]


@pytest.mark.parametrize("text", [
    "The defence minister refused to meet the visiting delegation on Monday.",
    "The two sides failed to reach an agreement on the prisoner swap, mediators said.",
    "The government will not allow inspectors into the facility, a spokesman said.",
])
def test_refused_or_negated_cooperation_is_reject(pipeline: Pipeline, text: str) -> None:
    out = run(pipeline, text)
    assert top(out).type == "REJECT", (text, types(out))
    assert not [e for e in out.events if e.type in {"CONSULT", "AGREE", "RETREAT"}]


def test_purpose_of_a_protest_is_not_a_second_event(pipeline: Pipeline) -> None:
    out = run(pipeline, "Thousands of students staged demonstrations in Baghdad on Friday "
                        "to demand the resignation of the prime minister.")
    assert types(out) == ["PROTEST"]


def test_weak_verb_takes_the_strong_noun(pipeline: Pipeline) -> None:
    out = run(pipeline, "Militants wounded four soldiers in a roadside bomb attack near "
                        "Kandahar on Thursday.")
    ev = top(out)
    assert ev.type == "ASSAULT" and ev.mode == "explosives" and ev.injuries == 4


def test_hunger_strike_and_motive_phrase(pipeline: Pipeline) -> None:
    out = run(pipeline, "The jailed activist staged a hunger strike on Sunday in protest "
                        "against his detention.")
    assert [(e.type, e.mode) for e in out.events] == [("PROTEST", "hunger")]


def test_quantity_of_aid_under_light_verb(pipeline: Pipeline) -> None:
    out = run(pipeline, "Japan gave Jordan 20 million dollars of aid for refugee schools.")
    assert types(out) == ["AID"]
    assert out.events[0].target == ["jor"]


def test_attempted_attack_is_an_attack(pipeline: Pipeline) -> None:
    out = run(pipeline, "Gunmen tried to assassinate the provincial governor in Mosul.")
    assert top(out).type == "ASSAULT" and top(out).mode == "assassinate"


def test_main_clause_outranks_background_clause(pipeline: Pipeline) -> None:
    out = run(pipeline, "Italy announced a suspension of flights to Serbia on Wednesday, a "
                        "day after Serbian jets shot down a helicopter.")
    assert top(out).type == "SANCTION"


def test_isotonic_fit_is_monotone_and_calibrate_keeps_order() -> None:
    pts = [(0.5, 0), (0.5, 1), (0.6, 0), (0.6, 0), (0.7, 1), (0.7, 1), (0.8, 1), (0.8, 0)]
    steps = isotonic(pts)
    precs = [p for _, p, _ in steps]
    assert precs == sorted(precs) and sum(n for *_, n in steps) == len(pts)
    assert calibrate(0.9) > calibrate(0.6)
