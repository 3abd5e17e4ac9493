"""Who is the actor of a phrase, and how ACLED names it (issue 16): a group noun beats
the demonym or the town in its own phrase; a place where people were acted on is not the
target; whoever demonstrates is ACLED's protesters; the victims of mob justice are
civilians and a lynching told without its doer is a mob's; a subject the small parser
hangs on a fronted place is still the subject. Texts written for these tests, run
through the real pipeline."""

from __future__ import annotations

from typing import Any

import pytest

from tests.actor_probe import roles, run
from tocsin.actors.naming import acled_name
from tocsin.model import Actor


def test_a_group_noun_is_the_actor_not_the_demonym_before_it(pipeline: Any) -> None:
    ex = run(pipeline, "Kenyan police officers arrested two men in Garissa on Sunday.")
    ev, actors = roles(ex, "COERCE")
    assert [(actors[i].type, actors[i].country) for i in ev.source] == [("police", "KEN")]
    # the men are the ones arrested; the town they were in does not make Kenya the target
    assert [(actors[i].type, actors[i].country) for i in ev.target] == [("civilians", "KEN")]


def test_residents_of_a_town_are_the_protesters_not_its_state(pipeline: Any) -> None:
    ex = run(pipeline, "Residents of the Munhava neighbourhood of Beira staged a protest on "
                       "Tuesday to demand clean water.")
    ev, actors = roles(ex, "PROTEST")
    assert [(actors[i].type, actors[i].country) for i in ev.source] == [("civilians", "MOZ")]


@pytest.mark.parametrize(("actor", "mode", "acled"), [
    # soldiers who demonstrate over their pay are protesters in ACLED's coding
    (Actor("generic:som-military", "Somali military", "military", "SOM", False), "demo",
     "Protesters (Somalia)"),
    # a party or a union leading a march too; violent, they are rioters
    (Actor("x:traders-union", "Traders Union", "organization", None, False), "demo",
     "Protesters (Kenya)"),
    (Actor("x:traders-union", "Traders Union", "organization", None, False), "riot",
     "Rioters (Kenya)"),
    # an armed group keeps its own name whatever it does
    (Actor("al-shabaab", "Al-Shabaab", "rebel", "SOM", True), "demo", "Al-Shabaab"),
])
def test_whoever_demonstrates_is_acleds_protesters(actor: Actor, mode: str, acled: str
                                                   ) -> None:
    assert acled_name(actor.id, actor.name, actor.type, actor.country, actor.in_kb,
                      "PROTEST", mode, role="source", event_country="KEN") == acled


def test_a_state_that_is_not_demonstrating_keeps_its_forces_form() -> None:
    police = Actor("generic:ken-police", "Kenyan police", "police", "KEN", False)
    assert acled_name(police.id, police.name, police.type, police.country, False, "ASSAULT",
                      "crowd-control", role="source") == "Police Forces of Kenya"
    assert acled_name(police.id, police.name, police.type, police.country, False, "PROTEST",
                      "demo", role="target") == "Police Forces of Kenya"


def test_victims_of_mob_justice_are_civilians() -> None:
    suspect = Actor("generic:nga-suspected-robber", "suspected robber (Nigeria)", "unknown",
                    "NGA", False)
    assert acled_name(suspect.id, suspect.name, suspect.type, suspect.country, False,
                      "ASSAULT", None, role="target") == "Civilians (Nigeria)"
    # the same suspects doing the attacking are an unidentified armed group
    assert acled_name(suspect.id, suspect.name, suspect.type, suspect.country, False,
                      "ASSAULT", None, role="source") == "Unidentified Armed Group (Nigeria)"


def test_a_lynching_told_without_its_doer_is_a_mobs(pipeline: Any) -> None:
    ex = run(pipeline, "A man accused of stealing a goat was lynched in Kisumu on Monday.")
    ev, actors = roles(ex, "ASSAULT")
    doers = [actors[i] for i in ev.source]
    assert [(a.type, a.country) for a in doers] == [("civilians", "KEN")]
    assert acled_name(doers[0].id, doers[0].name, doers[0].type, doers[0].country, False,
                      "ASSAULT", ev.mode, role="source") == "Rioters (Kenya)"


def test_a_shooting_told_without_its_doer_stays_unidentified(pipeline: Any) -> None:
    ex = run(pipeline, "A trader was shot dead in Kisumu on Monday night.")
    ev, actors = roles(ex, "ASSAULT")
    assert [actors[i].type for i in ev.source] == ["unknown"]


def test_a_subject_hung_on_a_fronted_place_is_the_subject(pipeline: Any) -> None:
    ex = run(pipeline, "In Dhobley, Somali soldiers and AMISOM detained twelve men on "
                       "Thursday.")
    ev, actors = roles(ex, "COERCE")
    assert "amisom" in ev.source
    assert not set(ev.source) & set(ev.target)


def test_the_sides_of_a_reciprocal_act_are_source_and_target(pipeline: Any) -> None:
    ex = run(pipeline, "Nigerian troops and Boko Haram fighters clashed near Damboa on "
                       "Wednesday.")
    ev, actors = roles(ex, "ASSAULT")
    assert [actors[i].country for i in ev.source] == ["NGA"]
    assert "boko-haram" in ev.target


def test_a_bulletin_label_takes_the_doers_of_the_act_it_labels(pipeline: Any) -> None:
    ex = run(pipeline, "Looting: On 2 June 2021, gunmen raided shops in Mandera town and "
                       "carried off food and phones.")
    main = max(ex.events, key=lambda e: e.salience or 0.0)
    raid = next(e for e in ex.events if e.trigger and e.trigger.text == "raided")
    assert main.type == "COERCE" and main.source and main.source == raid.source
    if main is not raid:  # the label is the main act: its roles come from the raid
        assert main.why is not None and "rules: header label" in main.why["decided_by"]


def test_a_claim_of_responsibility_names_the_perpetrator(pipeline: Any) -> None:
    # the claimant of the next sentence is the bombing's source
    ex = run(pipeline, "A roadside bomb tore through a minibus carrying traders near "
                       "Afgooye on Saturday. Al-Shabaab claimed responsibility for the "
                       "blast in a statement.")
    ev, _ = roles(ex, "ASSAULT")
    assert ev.source == ["al-shabaab"]
    assert ev.why is not None
    assert any(e["rule"] == "claimed responsibility" for e in ev.why["actors"])
    # a named claimant replaces "gunmen"; nobody claiming names nobody
    ex = run(pipeline, "Gunmen shot dead a district officer outside his home in Baidoa on "
                       "Friday. Al-Shabaab later claimed the attack.")
    assert roles(ex, "ASSAULT")[0].source == ["al-shabaab"]
    ex = run(pipeline, "Gunmen shot dead a district officer outside his home in Baidoa on "
                       "Friday. No group has claimed responsibility for the attack.")
    ev, actors = roles(ex, "ASSAULT")
    assert "al-shabaab" not in ev.source and all(actors[i].type == "unknown"
                                                 for i in ev.source)
