"""Actors of the African and Myanmar KB files (kb/east_africa.yaml, west_africa.yaml,
southern_africa.yaml, sahel_central_africa.yaml, myanmar.yaml) in written text: a group
named as a modifier ("Renamo gunmen", "KIA troops") is the group with its country, a
state's branch ("NAF", "GSU") is that state's forces, and a name shared by two actors goes
to the one the document's country supports. Texts written for these tests."""

from __future__ import annotations

from typing import Any

import pytest

from tests.actor_probe import run, sides
from tocsin.actors.kb import load_kb
from tocsin.actors.naming import acled_name


@pytest.mark.parametrize(("text", "group", "country"), [
    ("On 3 May, 10 Renamo gunmen attacked a bus on the road near Gorongosa.", "renamo",
     "MOZ"),
    ("KIA troops clashed with the Tatmadaw near Hpakant in Kachin State.", "kia", "MMR"),
    ("ESN gunmen killed two police officers in Imo state.", "esn", "NGA"),
    ("Mungiki members attacked traders in Nakuru on Tuesday.", "mungiki", "KEN"),
    ("Fano militiamen attacked an army camp near Gondar in Ethiopia.", "fano", "ETH"),
])
def test_a_regional_group_named_as_a_modifier_is_the_group(
        pipeline: Any, text: str, group: str, country: str) -> None:
    src, _ = sides(run(pipeline, text), "ASSAULT")
    assert [(a.id, a.country) for a in src] == [(group, country)]


@pytest.mark.parametrize(("text", "force", "acled"), [
    ("The Nigerian Air Force bombed an ISWAP camp near Lake Chad on Sunday.",
     "nga-air-force", "Military Forces of Nigeria"),
    ("GSU officers shot dead a suspect in Kisumu on Monday.", "ken-gsu",
     "Police Forces of Kenya"),
    ("On 4 May 2021, Kenya Police Service officers shot dead two robbers in Kisumu.",
     "ken-police", "Police Forces of Kenya"),
])
def test_a_state_branch_is_the_state_s_forces(pipeline: Any, text: str, force: str,
                                              acled: str) -> None:
    src, _ = sides(run(pipeline, text), "ASSAULT")
    assert [a.id for a in src] == [force]
    a = src[0]
    assert acled_name(a.id, a.name, a.type, a.country, a.in_kb, "ASSAULT") == acled


def test_a_local_name_goes_to_the_local_actor_when_the_country_says_so(
        pipeline: Any) -> None:
    # "al-Shabaab" is the Somali group's own name and what Mozambicans call the Cabo
    # Delgado insurgents; "SNA" the Syrian and the Somali National Army.
    src, _ = sides(run(pipeline, "Al-Shabaab insurgents raided a market town in northern "
                                 "Mozambique on Friday."), "COERCE")
    assert [a.id for a in src] == ["aswj-mozambique"]
    src, _ = sides(run(pipeline, "Al-Shabaab militants attacked a police post in "
                                 "Mandera, Kenya."), "ASSAULT")
    assert [a.id for a in src] == ["al-shabaab"]
    src, tgt = sides(run(pipeline, "SNA forces and AMISOM troops recaptured the town of "
                                   "Bariire from al-Shabaab."), "ASSAULT")
    assert [a.id for a in src] == ["som-sna", "amisom"]
    assert [a.id for a in tgt] == ["al-shabaab"]
    src, _ = sides(run(pipeline, "The Syrian National Army shelled Kurdish positions near "
                                 "Manbij; SNA factions also clashed with the SDF."), "ASSAULT")
    assert [a.id for a in src] == ["sna"]


def test_a_shared_acronym_takes_the_country_of_a_force_named_with_it(
        pipeline: Any) -> None:
    # "Myanmar military" is both a state's force form and the Tatmadaw's KB name: it
    # still tells the document is about Myanmar, so "AA" is the Arakan Army.
    src, tgt = sides(run(pipeline, "The AA attacked a Myanmar military convoy in Rakhine "
                                   "State."), "ASSAULT")
    assert [a.id for a in src] == ["arakan-army"]
    assert [a.id for a in tgt] == ["tatmadaw"]


def test_regional_state_forces_are_typed_and_placed() -> None:
    kb = load_kb(user=False)
    for actor_id, typ, country in [
        ("nga-air-force", "military", "NGA"), ("dss", "government", "NGA"),
        ("ken-kdf", "military", "KEN"), ("ken-gsu", "police", "KEN"),
        ("som-sna", "military", "SOM"), ("som-nisa", "government", "SOM"),
        ("fadm", "military", "MOZ"), ("moz-uir", "police", "MOZ"),
        ("tatmadaw", "military", "MMR"), ("mmr-bgp", "police", "MMR"),
    ]:
        actor = kb.get(actor_id)
        assert actor is not None, actor_id
        assert (actor.type, actor.country) == (typ, country), actor_id
        assert country.lower() in actor.parents, actor_id
    for mission in ("amisom", "samim", "monusco", "minusma"):
        actor = kb.get(mission)
        assert actor is not None and actor.country is None and actor.theatre, mission


def test_a_province_named_is_context_for_a_shared_acronym(pipeline: Any) -> None:
    # No country named: "Cabo Delgado" and "Rakhine State" say which ASWJ and which AA.
    src, _ = sides(run(pipeline, "ASWJ fighters attacked a fishing camp near Pemba in Cabo "
                                 "Delgado on Sunday."), "ASSAULT")
    assert [a.id for a in src] == ["aswj-mozambique"]
    src, _ = sides(run(pipeline, "AA members abducted two fishermen near Sittwe in Rakhine "
                                 "State on Friday, a local official said."), "ASSAULT")
    assert [a.id for a in src] == ["arakan-army"]


def test_a_name_in_capitals_is_the_name(pipeline: Any) -> None:
    src, _ = sides(run(pipeline, "RENAMO gunmen fired on a bus on the highway north of "
                                 "Gorongosa on Thursday."), "ASSAULT")
    assert [a.id for a in src] == ["renamo"]


def test_a_one_reading_acronym_of_another_country_needs_support(pipeline: Any) -> None:
    ex = run(pipeline, "Chinese health officials said SARS killed hundreds in Guangdong "
                       "in 2003.")
    assert "sars" not in {a.id for a in ex.actors}
    src, _ = sides(run(pipeline, "SARS operatives arrested five youths in Lagos on "
                                 "Monday."), "COERCE")
    assert [a.id for a in src] == ["sars"]


def test_party_supporters_are_civilians_not_the_party(pipeline: Any) -> None:
    src, tgt = sides(run(pipeline, "Frelimo supporters attacked an MDM office in Beira, "
                                   "Mozambique."), "ASSAULT")
    assert [(a.type, a.country) for a in src] == [("civilians", "MOZ")]
    assert "mdm-mozambique" in [a.id for a in tgt]


def test_the_acled_export_writes_acled_s_name_for_a_kb_group(pipeline: Any) -> None:
    # ACLED codes the Cabo Delgado insurgents "Islamist Militia (Mozambique)" (kb acled:)
    from tocsin.evaluate.acled import actor_resolved

    ex = run(pipeline, "ASWJ insurgents raided the village of Nanjaba in Macomia district, "
                       "Cabo Delgado, on Friday, burning houses and a clinic.")
    src, _ = sides(ex, next(e.type for e in ex.events))
    assert [a.id for a in src] == ["aswj-mozambique"]
    a = src[0]
    assert acled_name(a.id, a.name, a.type, a.country, a.in_kb) == \
        "Islamist Militia (Mozambique)"
    assert actor_resolved("Islamist Militia (Mozambique)", src)
