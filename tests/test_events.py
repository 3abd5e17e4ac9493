"""The event coder on realistic sentences: roles, voice, modality, modes, casualties."""

from __future__ import annotations

from datetime import date

import pytest

from tocsin.model import Actor, Document, Event, Extraction
from tocsin.pipeline import Pipeline

# These tests hold the rule coder to its reading of each sentence (the lexicon, modality,
# roles): the event model's inputs. What the model decides: test_decision.py and the gate.
pytestmark = pytest.mark.usefixtures("rules_only")


@pytest.fixture
def pipeline(rules_pipeline):  # type: ignore[no-untyped-def]
    return rules_pipeline


PUB = date(2020, 1, 10)  # a Friday


def run(pipeline: Pipeline, text: str) -> Extraction:
    return pipeline.process(Document(text=text, published=PUB))


def out_actor(out: Extraction, actor_id: str) -> Actor:
    return next(a for a in out.actors if a.id == actor_id)


def only(out: Extraction, typ: str) -> Event:
    found = [e for e in out.events if e.type == typ]
    assert len(found) == 1, [(e.type, e.trigger) for e in out.events]
    return found[0]


def test_passive_voice_with_agent(pipeline: Pipeline) -> None:
    out = run(pipeline, "Two Kataib Hezbollah commanders were killed by an Israeli drone "
                        "near Albu Kamal on Wednesday.")
    ev = only(out, "ASSAULT")
    assert [out_actor(out, a).country for a in ev.source] == ["ISR"] and ev.mode == "drone"
    assert ev.fatalities == 2
    assert ev.date.start == date(2020, 1, 8)


def test_two_acts_in_one_sentence(pipeline: Pipeline) -> None:
    out = run(pipeline, "Gunmen killed three protesters in Nasiriyah and abducted an activist "
                        "in Basra on Thursday.")
    assaults = [e for e in out.events if e.type == "ASSAULT"]
    assert len(assaults) == 2
    assert {e.mode for e in assaults} >= {"abduct"}
    assert all(e.date.start == date(2020, 1, 9) for e in assaults)


def test_negated_attack(pipeline: Pipeline) -> None:
    out = run(pipeline, "Iranian forces did not attack the tanker, the navy said.")
    ev = only(out, "ASSAULT")
    assert ev.modality.negated is True
    assert ev.source == ["irn"]


@pytest.mark.parametrize("text", [
    "Asaib Ahl al-Haq may strike American bases in the coming days.",
    "Asaib Ahl al-Haq will strike American bases if the troops stay.",
    "Asaib Ahl al-Haq vowed to strike American bases.",
    "Asaib Ahl al-Haq threatened to strike American bases.",
])
def test_threats_are_threaten_never_assault(pipeline: Pipeline, text: str) -> None:
    out = run(pipeline, text)
    assert not [e for e in out.events if e.type == "ASSAULT"], text
    ev = only(out, "THREATEN")
    assert ev.source == ["asaib-ahl-al-haq"] and ev.target == ["usa"]
    assert ev.modality.future is True


def test_protest_and_crowd_control(pipeline: Pipeline) -> None:
    out = run(pipeline, "Thousands of protesters blocked roads in Basra on Tuesday, and riot "
                        "police fired tear gas to disperse them.")
    protest = [e for e in out.events if e.type == "PROTEST"]
    assert protest and protest[0].mode in {"obstruct", "demo"}
    assault = [e for e in out.events if e.type == "ASSAULT"]
    assert assault and assault[0].mode == "crowd-control"


def test_sanction_designation_relation(pipeline: Pipeline) -> None:
    out = run(pipeline, "The US State Department designated Harakat Hezbollah al-Nujaba as a "
                        "terrorist organisation on Tuesday.")
    ev = only(out, "SANCTION")
    assert [out_actor(out, a).country for a in ev.source] == ["USA"]
    assert ev.target == ["nujaba"]
    rels = {(r.type, r.subject, r.object) for r in out.relations}
    assert ("designated_by", "nujaba", ev.source[0]) in rels


def test_pronoun_speaker_is_the_source(pipeline: Pipeline) -> None:
    out = run(pipeline, "Coalition spokesman Turki al-Maliki spoke to reporters in Riyadh. "
                        "He accused Iran of supplying the drones.")
    ev = only(out, "ACCUSE")
    assert ev.source == ["turki-al-maliki"] and ev.target == ["irn"]


def test_background_relative_clause_is_not_an_event(pipeline: Pipeline) -> None:
    out = run(pipeline, "The SDF, which fought Islamic State for years, said it would guard "
                        "the camps.")
    assert not [e for e in out.events if e.type == "ASSAULT"]
