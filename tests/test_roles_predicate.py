"""Roles from the shape of the predicate: mediation between two parties, one's own forces,
states parsed as passives, what an accusation is about, recipients, reported obligations,
protests aimed at the authorities where they are held. Sentences are our own, in the style
of wire reports."""

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



def _events(text: str, type_: str) -> tuple[list[Any], dict[str, Any]]:
    ex = extract(text)
    actors = {a.id: a for a in ex.actors}
    events = [e for e in ex.events if e.type == type_]
    assert events, f"no {type_} event in {[(e.type, e.trigger) for e in ex.events]}"
    return events, actors


def _names(ids: list[str], actors: dict[str, Any]) -> set[str]:
    return {actors[i].name for i in ids}


def test_mediation_between_a_state_and_a_leader_targets_both() -> None:
    evs, actors = _events("The Omani foreign minister began a mediation mission between "
                          "Yemen and Houthi leader Abdul-Malik al-Houthi on Sunday.", "CONSULT")
    names = _names(evs[0].target, actors)
    assert "Yemen" in names
    assert any("Houthi" in n for n in names)


def test_talks_between_two_named_states() -> None:
    evs, actors = _events("Qatar's emir launched a mediation effort on Monday between Egypt "
                          "and Ethiopia over the Nile dam.", "CONSULT")
    assert {"Egypt", "Ethiopia"} <= _names(evs[0].target, actors)


def test_own_forces_are_not_the_target_of_a_withdrawal() -> None:
    evs, actors = _events("Kenya announced on Friday that it will withdraw its troops from "
                          "Somalia unless the government in Mogadishu pays their salaries.",
                          "THREATEN")
    assert "Somalia" in _names(evs[0].target, actors)


def test_opposed_to_is_the_subject_s_stance() -> None:
    evs, actors = _events("Turkey is opposed to American support for Kurdish fighters in "
                          "northern Syria, a senior official said on Tuesday.", "REJECT")
    ev = evs[0]
    assert _names(ev.source, actors) == {"Turkey"}
    assert "United States" in _names(ev.target, actors)


def test_engaged_in_fighting_against_a_population() -> None:
    evs, actors = _events("Government forces were engaged in a campaign of ethnic cleansing "
                          "against the Rohingya population, the UN said on Friday.",
                          "ASSAULT")
    ev = evs[0]
    assert ev.source, "the forces engaged in the campaign are its source"
    assert not set(ev.source) & set(ev.target)
    assert any("Rohingya" in m.text for t in ev.target for m in actors[t].mentions)


def test_a_complaint_targets_what_it_is_about_not_its_addressee() -> None:
    evs, actors = _events("Syria complained to the Security Council on Monday over two "
                          "Israeli air strikes near Damascus airport.", "ACCUSE")
    assert "Israel" in _names(evs[0].target, actors)


def test_recipient_of_aid_beats_a_named_speaker_in_the_same_sentence() -> None:
    evs, actors = _events("The European Union will provide 30 million euros in emergency "
                          "aid to refugees fleeing the fighting in Sudan, the European "
                          "Commission said on Monday.", "AGREE")
    target = evs[0].target
    assert target and all(actors[t].type == "civilians" for t in target)


def test_put_under_investigation_makes_the_subject_the_target() -> None:
    evs, actors = _events("A British national has been put under investigation in France "
                          "for his role in the riots, prosecutors said.", "ACCUSE")
    assert evs[0].target
    assert all(actors[t].country == "GBR" for t in evs[0].target)


def test_a_declaration_demanding_is_the_issuer_s_demand() -> None:
    evs, actors = _events("The Kurdistan Workers' Party issued a declaration demanding that "
                          "the Turkish government release its jailed leader.", "REQUEST")
    ev = evs[0]
    assert actors[ev.source[0]].id == "pkk"
    assert "Turkey" in _names(ev.target, actors)


def test_of_two_parsed_subjects_the_one_naming_an_actor_acts() -> None:
    evs, actors = _events("Members of the African Union Commission, a body based in Addis "
                          "Ababa, investigated the detention of 300 migrants in Libya.",
                          "ACCUSE")
    assert any("African Union" in actors[s].name for s in evs[0].source)


def test_a_reported_obligation_is_a_demand_on_its_subject() -> None:
    evs, actors = _events("The Red Cross said on Tuesday that Israeli forces must allow "
                          "fuel and medicine to reach hospitals in Gaza.", "REQUEST")
    ev = evs[0]
    assert any("Red Cross" in actors[s].name for s in ev.source)
    assert "Israel" in _names(ev.target, actors)
    kinds = [e.type for e in extract(ev.evidence.sentence).events]
    assert "CONCEDE" not in kinds  # what is demanded has not happened


def test_protest_abroad_is_aimed_at_the_host_state() -> None:
    evs, actors = _events("About 200 ethnic Serbs demonstrated on Saturday in Kosovo, local "
                          "television reported.", "PROTEST")
    assert "Kosovo" in _names(evs[0].target, actors)


def test_protest_at_home_gets_no_self_target() -> None:
    evs, actors = _events("Thousands of Iraqis demonstrated in Baghdad on Friday.", "PROTEST")
    ev = evs[0]
    assert not set(ev.source) & set(ev.target)


def test_the_location_of_a_recipient_is_not_a_second_target() -> None:
    evs, actors = _events("The United States said it would prohibit all aid to Albanian "
                          "rebels in Macedonia.", "THREATEN")
    target = evs[0].target
    assert target and all(actors[t].country == "ALB" for t in target)


def test_a_coordinated_clause_is_another_act() -> None:
    evs, actors = _events("Pakistan has refused to send troops to Yemen and has urged its "
                          "citizens to leave the country.", "REJECT")
    assert "Yemen" in _names(evs[0].target, actors)


def test_the_group_is_the_named_group_not_a_generic_one_in_between() -> None:
    ex = extract("Kataib Hezbollah rejected an invitation to a meeting of Iraqi factions "
                 "next week, the group said on Wednesday.")
    speaker = next(a for a in ex.actors if any(m.text == "the group" for m in a.mentions))
    assert speaker.id == "kataib-hezbollah"
    rejects = [e for e in ex.events if e.type == "REJECT"]
    assert rejects and "kataib-hezbollah" in rejects[0].source


def test_a_superlative_description_is_not_an_anaphor() -> None:
    ex = extract("Jordan reopened its border to most Syrian refugees but kept refusing entry "
                 "to Palestinians, by far the largest group affected, officials said.")
    assert not any(m.text.startswith("the largest group") for a in ex.actors
                   for m in a.mentions)


def test_opposition_candidates_are_an_actor_with_their_country() -> None:
    evs, actors = _events("The electoral commission has banned Ugandan opposition "
                          "candidates from running in the upcoming elections.", "COERCE")
    target = [actors[t] for t in evs[0].target]
    assert target and target[0].type == "party" and target[0].country == "UGA"


def test_a_dateline_is_not_a_second_subject() -> None:
    evs, actors = _events("MARIB, Yemen, March 3 — A missile fired from the north struck a "
                          "camp for displaced families on Tuesday, killing four people, "
                          "local officials said.", "ASSAULT")
    assert all("yem" not in e.source for e in evs)


def test_their_after_named_men_is_not_a_group() -> None:
    ex = extract("A drone strike killed Ahmed Salim, a senior commander of the Badr "
                 "Organization, and his deputy Karim Hadi on Friday. Missiles struck two "
                 "cars carrying the men and their guards near the airport.")
    assert not any(m.text == "their" for a in ex.actors for m in a.mentions)


def test_a_name_never_runs_across_a_line_break() -> None:
    ex = extract("The foreign ministry summoned the ambassador in Tehran.\n\nOfficials in "
                 "Baghdad said the talks would resume.")
    assert all("\n" not in m.text for a in ex.actors for m in a.mentions)
    assert all("\n" not in m.text for p in ex.places for m in p.mentions)


def test_a_possessive_country_contains_the_province_after_it() -> None:
    ex = extract("SANAA, March 8 — Air strikes by the Saudi-led coalition killed nine people "
                 "in Yemen's northern al-Jawf province on Sunday, aid workers said.\n\nThe "
                 "strikes hit the al-Hayjah area, a day after a Royal Saudi Air Force jet "
                 "crashed in the same area.\n\nFighting has intensified in al-Jawf since "
                 "January.")
    jawf = [p for p in ex.places if "Jawf" in p.name]
    assert jawf and all(p.country == "YEM" for p in jawf)


def test_an_act_a_complaint_is_about_does_not_take_the_complaint_s_addressee() -> None:
    ex = extract("Lebanon lodged a complaint with the UN Security Council on Monday over "
                 "Israeli air strikes near Beirut.")
    names = {a.id: a.name for a in ex.actors}
    accuse = next(e for e in ex.events if e.type == "ACCUSE")
    assert "Israel" in {names[t] for t in accuse.target}
    strikes = next(e for e in ex.events if e.type == "ASSAULT")
    assert "unsc" not in strikes.target
