"""Actor forms on news-style sentences: country short names as places, multi-word and
coordinated demonyms, contested country names, context for ambiguous aliases, group
nouns, acronym definitions and titles as mentions of their holder."""

from __future__ import annotations

from typing import Any

import pytest

from tocsin.geo.countries import contested_reading


@pytest.fixture(scope="module")
def run(pipeline):  # type: ignore[no-untyped-def]
    from tocsin.api import extract

    return extract


def actors(ex: Any) -> dict[str, tuple[str, str | None, list[str]]]:
    return {a.id: (a.type, a.country, [m.text for m in a.mentions]) for a in ex.actors}


def places(ex: Any) -> dict[str, str]:
    return {m.text: p.feature for p in ex.places for m in p.mentions}


# 1. A country's listed short name beats a homonymous village.
def test_country_short_name_as_place_is_the_country(run) -> None:  # type: ignore[no-untyped-def]
    ex = run("Dutch peacekeepers were redeployed in Bosnia after the elections.")
    bosnia = [p for p in ex.places if any(m.text == "Bosnia" for m in p.mentions)]
    assert bosnia and bosnia[0].feature == "country" and bosnia[0].country == "BIH"


# 2. Multi-word demonyms win over NER fragments; coordinated demonyms give both groups.
def test_coordinated_multiword_demonyms(run) -> None:  # type: ignore[no-untyped-def]
    got = actors(run("Hundreds of Sierra Leonean and Liberian refugees reached the border "
                     "camp on Sunday."))
    assert not any(k.startswith("x:sierra") for k in got)
    assert got["generic:sle-refugees"][1] == "SLE"
    assert got["generic:lbr-refugees"][1] == "LBR"


def test_multiword_demonym_before_group_noun(run) -> None:  # type: ignore[no-untyped-def]
    got = actors(run("Officials said Costa Rican students staged a sit-in outside the "
                     "ministry."))
    assert got["generic:cri-students"][1] == "CRI"


# 3. An ambiguous alias needs context; else the named part stands.
def test_un_peacekeepers_outside_lebanon_are_the_un(run) -> None:  # type: ignore[no-untyped-def]
    got = actors(run("Forty UN peacekeepers were withdrawn from the Croatian town of Knin "
                     "on Friday."))
    assert "unifil" not in got
    assert "UN peacekeepers" in got["un"][2]


def test_the_parent_named_nearby_does_not_choose_the_mission(run) -> None:  # type: ignore[no-untyped-def]
    got = actors(run("Sixty UN peacekeepers left the Bosnian enclave on Friday, leaving 100 "
                     "UN troops to follow them later this month."))
    assert "unifil" not in got
    assert "UN peacekeepers" in got["un"][2]


def test_un_peacekeepers_in_lebanon_are_unifil(run) -> None:  # type: ignore[no-untyped-def]
    got = actors(run("UN peacekeepers in southern Lebanon reported that Hezbollah fighters "
                     "fired on an Israeli patrol."))
    assert "unifil" in got and "hezbollah" in got and "kataib-hezbollah" not in got


# 4. "Congo" and "Congolese" read by context, the DRC by default.
def test_congo_defaults_to_the_drc(run) -> None:  # type: ignore[no-untyped-def]
    got = actors(run("China pledged to cancel the debts of Congo and Zambia."))
    assert "cod" in got and "cog" not in got


def test_congo_with_brazzaville_is_the_republic(run) -> None:  # type: ignore[no-untyped-def]
    got = actors(run("Congo accused rebels of attacking a train near Brazzaville."))
    assert "cog" in got and "cod" not in got


def test_congolese_troops_near_goma(run) -> None:  # type: ignore[no-untyped-def]
    got = actors(run("Congolese soldiers fought M23 rebels north of Goma on Tuesday."))
    assert "Congolese soldiers" in got["cod"][2]


def test_contested_reading_cues() -> None:
    assert contested_reading("Congo", "Fighting in North Kivu spread.") == ("COD", "name")
    assert contested_reading("Congolese", "Sassou Nguesso said.")[0] == "COG"  # type: ignore[index]
    assert contested_reading("Congo", "the Democratic Republic of Congo") == ("COD", "name")
    assert contested_reading("Korean", "Seoul") is None


# 5. Group nouns missing before.
def test_nationals_sides_factions_hackers(run) -> None:  # type: ignore[no-untyped-def]
    got = actors(run("Gunmen seized a French national and three Italian nationals."))
    assert got["generic:fra-nationals"][1] == "FRA"
    assert got["generic:ita-nationals"][1] == "ITA"
    got = actors(run("The Armenian and Azerbaijani sides agreed to a prisoner exchange."))
    assert {"arm", "aze"} <= set(got)
    got = actors(run("Rival Lebanese factions clashed while pro-Iranian hackers attacked "
                     "government websites."))
    assert got["generic:lbn-factions"][1] == "LBN"
    assert any(k == "generic:hackers" and v[1] is None for k, v in got.items())


def test_opposition_groups_are_parties(run) -> None:  # type: ignore[no-untyped-def]
    got = actors(run("Opposition parties called a general strike in Harare."))
    assert got["generic:opposition-parties"][0] == "party"


def test_org_modifier_names_the_org(run) -> None:  # type: ignore[no-untyped-def]
    got = actors(run("U.N. weapons inspectors visited a missile site on Monday."))
    assert "U.N. weapons inspectors" in got["un"][2]


def test_nationality_plural_subject(run) -> None:  # type: ignore[no-untyped-def]
    got = actors(run("Angry Tunisians marched on the interior ministry."))
    assert "tun" in got


# 6. Acronym definitions.
def test_acronym_definition_gives_both_mentions(run) -> None:  # type: ignore[no-untyped-def]
    ex = run("The Southern African Development Community (SADC) has agreed to send "
             "monitors. SADC leaders meet next week.")
    got = actors(ex)
    owner = [k for k, v in got.items() if "SADC" in v[2]]
    assert len(owner) == 1
    assert "Southern African Development Community" in got[owner[0]][2]
    assert got[owner[0]][2].count("SADC") == 2


def test_acronym_definition_of_a_kb_actor(run) -> None:  # type: ignore[no-untyped-def]
    got = actors(run("The Syrian Democratic Forces (SDF) said they repelled an attack."))
    assert got["sdf"][2][:2] == ["Syrian Democratic Forces", "SDF"]


# 7. Titles as nominal mentions of persons.
def test_title_with_country_modifier(run) -> None:  # type: ignore[no-untyped-def]
    ex = run("British envoy Mark Hollis met the rebel commanders in Juba.")
    got = actors(ex)
    person = next(v for k, v in got.items() if "Mark Hollis" in v[2])
    assert "British envoy" in person[2] and person[1] == "GBR"
    # the modifier stays its own actor in the token index
    assert "gbr" in got


def test_title_tokens_stay_with_the_modifier(pipeline, nlp) -> None:  # type: ignore[no-untyped-def]
    from tocsin.actors.component import ActorsComponent
    from tocsin.component import State
    from tocsin.model import Document

    text = "UN mediator Petra Lindqvist arrived in Aden."
    state = State(document=Document(text), doc=nlp(text))
    ActorsComponent()(state)
    assert state.token_actor[0] == "un" and 1 not in state.token_actor
    person = next(a for a in state.actors.values() if a.type == "person")
    assert "UN mediator" in [s.text for s in person.mentions]


def test_appositive_titles(run) -> None:  # type: ignore[no-untyped-def]
    got = actors(run("Kuwait's emir, Sheikh Nawaf al-Ahmad, received the delegation."))
    person = next(v for v in got.values() if v[0] == "person")
    assert "Kuwait's emir" in person[2]
    got = actors(run("Oleg Smirnov, the deputy governor of the Omsk region, was detained "
                     "on bribery charges."))
    person = next(v for v in got.values() if v[0] == "person")
    assert any(t.startswith("deputy governor of") for t in person[2])


def test_known_person_keeps_kb_country(run) -> None:  # type: ignore[no-untyped-def]
    got = actors(run("AAH leader Qais al-Khazali warned Washington."))
    assert got["khazali"][1] == "IRQ"
    assert got["khazali"][2] == ["AAH leader", "Qais al-Khazali"]
    assert got["asaib-ahl-al-haq"][2] == ["AAH"]


def test_a_country_run_into_a_defined_long_form_stays_the_country(run) -> None:  # type: ignore[no-untyped-def]
    ex = run("The U.S. Food and Drug Administration (FDA) has ordered a recall of "
             "contaminated peanut butter.")
    got = actors(ex)
    assert "U.S." in got["usa"][2]
    assert any("Food and Drug Administration" in m for _t, _c, ms in got.values() for m in ms)
    assert places(ex).get("U.S.") == "country"


def test_a_long_official_country_name_is_that_country(run) -> None:  # type: ignore[no-untyped-def]
    ex = run("Aid agencies sent teams to the Democratic Republic of the Congo (DRC) after "
             "an outbreak of cholera in Kasai.")
    names = {p.name for p in ex.places}
    assert "Democratic Republic of the Congo" in names
    assert "Republic of the Congo" not in names


def test_a_country_name_beats_a_capital_spelled_alike(run) -> None:  # type: ignore[no-untyped-def]
    got = actors(run("Troops from Mali and Niger pulled back from the border on Sunday."))
    assert "mli" in got and "mdv" not in got
