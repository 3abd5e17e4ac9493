"""Who did what to whom: targets in the predicate, places as targets, inherited subjects,
demonyms that stand for a state. Sentences are our own, in the style of wire reports."""

from __future__ import annotations

from typing import Any

import pytest

from tocsin.api import extract

# These tests hold the rule coder to its reading of each sentence (the lexicon, modality,
# roles): the event model's inputs. What the model decides: test_decision.py and the gate.
pytestmark = pytest.mark.usefixtures("rules_only")


@pytest.fixture
def pipeline(rules_pipeline):  # type: ignore[no-untyped-def]
    return rules_pipeline



def _event(text: str, type_: str) -> tuple[Any, dict[str, Any]]:
    ex = extract(text)
    actors = {a.id: a for a in ex.actors}
    events = [e for e in ex.events if e.type == type_]
    assert events, f"no {type_} event in {[e.type for e in ex.events]}"
    return events[0], actors


def _names(ids: list[str], actors: dict[str, Any]) -> list[str]:
    return [actors[i].name for i in ids]


@pytest.mark.parametrize(("text", "type_", "target"), [
    # a recipient behind "to" in the complement of a promise
    ("Kuwait has offered to send medical supplies to Jordan, the state news agency said.",
     "AGREE", "Jordan"),
    # the addressee of a demand is the subject of its content clause
    ("The Iraqi parliament demanded that Turkey withdraw its troops from the north.",
     "REQUEST", "Turkey"),
    # the other party of a meeting
    ("Omani diplomats held talks with Iran on Sunday about shipping in the Gulf.",
     "CONSULT", "Iran"),
])
def test_target_in_the_predicate(text: str, type_: str, target: str) -> None:
    ev, actors = _event(text, type_)
    assert target in _names(ev.target, actors)


def test_visited_place_is_the_target_named_by_the_place() -> None:
    ev, actors = _event("The Turkish foreign minister arrived in Baghdad on Tuesday for talks.",
                        "CONSULT")
    assert _names(ev.target, actors) == ["Iraq"]
    iraq = actors[ev.target[0]]
    assert any(m.text == "Baghdad" for m in iraq.mentions)  # the place is the evidence


def test_named_recipient_beats_a_generic_noun() -> None:
    ev, actors = _event("Jordan has promised to provide humanitarian aid to Syria, where "
                        "thousands of people have fled the fighting.", "AGREE")
    assert _names(ev.target, actors) == ["Syria"]


@pytest.mark.parametrize(("text", "type_", "source"), [
    ("Kuwait is ready to contribute 500 troops to a peacekeeping force, its foreign "
     "minister said.", "AGREE", "Kuwait"),
    ("Egyptian police opened fire to disperse the crowd, arresting 14 people, a security "
     "source said.", "COERCE", "Egyptian police"),
])
def test_subject_is_inherited_from_the_governor(text: str, type_: str, source: str) -> None:
    ev, actors = _event(text, type_)
    assert source in _names(ev.source, actors)


def test_demonym_before_weapons_and_proposals_is_the_state() -> None:
    ev, actors = _event("Israeli tanks shelled positions near the town of Rafah on Monday.",
                        "ASSAULT")
    assert _names(ev.source, actors) == ["Israel"]
    ev, actors = _event("Ethiopia rejected an Egyptian proposal on the dam.", "REJECT")
    assert _names(ev.target, actors) == ["Egypt"]


def test_no_target_invented_for_an_intransitive_act() -> None:
    ev, _ = _event("Thousands of Kurds demonstrated on Sunday, witnesses said.", "PROTEST")
    assert ev.target == []
    assert ev.source  # the Kurds themselves


def test_coordinated_demonyms_are_both_sources() -> None:
    ev, actors = _event("Kuwaiti and Omani officials agreed on Monday to share "
                        "intelligence on smuggling.", "AGREE")
    assert set(_names(ev.source, actors)) >= {"Kuwait", "Oman"}


def test_pronoun_subject_of_reported_clause_is_the_speaker() -> None:
    ev, actors = _event("In a letter handed to the United Nations on Monday, Syria said it "
                        "would allow the inspectors to return.", "AGREE")
    assert _names(ev.source, actors) == ["Syria"]


def test_speaker_reaches_through_a_predicate_adjective() -> None:
    ev, actors = _event("Turkey says it is willing to withdraw its troops from northern "
                        "Iraq, a government spokesman said.", "AGREE")
    assert _names(ev.source, actors) == ["Turkey"]
    assert _names(ev.target, actors) == ["Iraq"]  # not "its troops": they are Turkey's


def test_target_deep_in_a_purpose_phrase() -> None:
    ev, actors = _event("Lawyers staged a sit-in outside the court in protest against "
                        "abuses by the Egyptian security forces.", "PROTEST")
    assert "Egypt" in _names(ev.target, actors)


def test_a_town_the_model_calls_a_person_is_no_actor() -> None:
    ex = extract("The army has been holding hundreds of displaced families in camps on the "
                 "Jaffna peninsula, a rights group said. President Bush met King Hassan.")
    names = {a.name for a in ex.actors}
    assert "Jaffna" not in names
    assert any(p.name == "Jaffna" for p in ex.places)


def test_generic_actor_span_takes_its_modifiers() -> None:
    ev, actors = _event("Riot police fired tear gas to disperse Islamist student "
                        "demonstrators outside the university.", "ASSAULT")
    target = actors[ev.target[0]]
    assert [m.text for m in target.mentions] == ["Islamist student demonstrators"]


def test_former_country_names_resolve_to_the_state() -> None:
    ex = extract("Kampuchean guerrillas attacked a West German aid convoy near the border.")
    assert {a.country for a in ex.actors} >= {"KHM", "DEU"}


def test_joiners_of_a_nominal_act_are_its_source() -> None:
    ev, actors = _event("Thousands of Kurds took part in a rally in Erbil on Friday.",
                        "PROTEST")
    assert any("Kurds" in m.text for a in ev.source for m in actors[a].mentions)
    ev, actors = _event("Police arrested 20 people in a protest outside the ministry.",
                        "COERCE")
    assert [actors[a].type for a in ev.source] == ["police"]  # the police, not the crowd


def test_a_time_clause_names_no_target() -> None:
    ev, actors = _event("Missiles struck two vehicles on the airport road shortly after the "
                        "general arrived from Damascus.", "ASSAULT")
    assert "Syria" not in _names(ev.target, actors)


def test_a_city_the_model_calls_a_person_is_a_place() -> None:
    ex = extract("Air defences shot down several drones aimed at Khamis Mushait.")
    assert "Khamis Mushait" not in {a.name for a in ex.actors}
    assert any(p.name == "Khamis Mushait" for p in ex.places)


def test_an_operation_name_is_no_actor() -> None:
    ex = extract("The army said the offensive, dubbed Northern Shield, would last weeks. "
                 "Operation Desert Lion began at dawn.")
    names = {a.name for a in ex.actors}
    assert not names & {"Northern Shield", "Desert Lion"}


@pytest.mark.parametrize(("text", "source", "target"), [
    # the weapon is the subject; who used it is the participle's agent
    ("Two rockets launched by Kataib Hezbollah landed on a base hosting US troops west "
     "of Baghdad late on Sunday.", "Kataib Hezbollah", None),
    ("A roadside bomb planted by ISWAP fighters killed three soldiers outside Monguno "
     "on Friday.", "Islamic State West Africa Province", None),
    # an armed body's own camp or base is that body ("the AMISOM base"), not a place name
    ("Al-Shabaab militants shelled the AMISOM base at Baledogle with mortars overnight.",
     "Al-Shabaab", "African Union Mission in Somalia"),
])
def test_instrument_agent_and_held_site(text: str, source: str, target: str | None) -> None:
    ev, actors = _event(text, "ASSAULT")
    assert _names(ev.source, actors) == [source]
    if target is not None:
        assert target in _names(ev.target, actors)


def test_a_place_before_a_site_noun_is_still_a_place() -> None:
    """Only an organisation holds a base: an airport or square named by a place is the
    place's (its country is the target), never an actor named like the place."""
    ev, actors = _event("Houthi drones struck Jizan airport on Tuesday.", "ASSAULT")
    assert [actors[t].type for t in ev.target] == ["state"]
