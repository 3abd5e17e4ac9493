"""Actors resolved in context (issue 16): generic state forces take the state of the
event's territory, unidentified perpetrators become an unidentified armed group of that
country, protesters, rioters and civilians take its country; names read as a person would
write them; the ACLED export and scorer use ACLED's naming forms. Texts written for these
tests, run through the real pipeline."""

from __future__ import annotations

from typing import Any

import pytest

from tests.actor_probe import roles, run, sources, targets
from tocsin.actors.naming import acled_family, acled_name, actor_family
from tocsin.evaluate import acled as acled_eval
from tocsin.model import Actor

# --- class 1: state forces named generically ---------------------------------------

@pytest.mark.parametrize("text, country, typ, name", [
    ("Security forces shot dead two suspected robbers in Eldoret on Tuesday night.",
     "KEN", "military", "Kenyan military"),
    ("Riot police fired tear gas in Kano on Saturday.", "NGA", "police", "Nigerian police"),
    ("Soldiers raided a market in Beira on Friday, residents said.",
     "MOZ", "military", "Mozambican military"),
])
def test_generic_forces_take_the_state_of_the_event_place(
        pipeline: Any, text: str, country: str, typ: str, name: str) -> None:
    src = sources(run(pipeline, text))
    assert [(a.country, a.type, a.name) for a in src] == [(country, typ, name)]
    assert not src[0].in_kb


def test_the_decision_is_in_the_event_trace(pipeline: Any) -> None:
    ex = run(pipeline, "Police arrested eleven traders in Mombasa on Monday.")
    ev, _ = roles(ex, "COERCE")
    assert ev.why is not None
    entry = next(e for e in ev.why["actors"] if e["class"] == "police")
    assert entry["country"] == "KEN" and entry["rule"] == "event-place"
    assert entry["place"] == "Mombasa"


def test_a_force_named_with_its_state_keeps_it(pipeline: Any) -> None:
    # the event is in Iraq; the forces are Turkey's, and so are "the troops" after them
    ex = run(pipeline, "Turkish forces shelled villages near Zakho in northern Iraq on "
                       "Sunday. The troops also hit a farm near Duhok.")
    ev, _ = roles(ex, "ASSAULT")
    assert [a.country for a in sources(ex, "ASSAULT")] == ["TUR"]
    troops = next(a for a in ex.actors if any(m.text == "troops" for m in a.mentions))
    assert (troops.country, troops.type) == ("TUR", "military")
    assert not any(a.country == "IRQ" and a.type == "military" for a in ex.actors)


def test_a_named_armed_group_is_not_the_states_military(pipeline: Any) -> None:
    ex = run(pipeline, "Al-Shabaab fighters attacked a police post in Mandera on Sunday.")
    src = sources(ex)
    assert [a.id for a in src] == ["al-shabaab"]
    assert all(a.type != "military" for a in src)


def test_no_country_anywhere_leaves_the_force_without_a_state(pipeline: Any) -> None:
    ex = run(pipeline, "Security forces killed three militants in a raid at dawn.")
    src = sources(ex)
    assert len(src) == 1 and src[0].country is None
    assert src[0].name == "security forces"
    ev, _ = roles(ex)
    assert ev.why is not None
    assert any(e["rule"] == "no-country" for e in ev.why["actors"])


def test_coalition_forces_take_no_state(pipeline: Any) -> None:
    ex = run(pipeline, "Coalition forces bombed a bridge near Mosul on Monday.")
    assert all(a.country != "IRQ" for a in sources(ex))


# --- class 5: unidentified perpetrators ---------------------------------------------

@pytest.mark.parametrize("text, country", [
    ("Unknown gunmen killed a village chief in Kaduna on Wednesday.", "NGA"),
    ("Unidentified armed men abducted three farmers near Garissa on Monday.", "KEN"),
    ("An unidentified armed group attacked a bus near Garissa, killing four passengers.",
     "KEN"),
])
def test_unidentified_perpetrators_are_an_unidentified_armed_group(
        pipeline: Any, text: str, country: str) -> None:
    src = sources(run(pipeline, text))
    assert len(src) == 1
    a = src[0]
    assert a.id == f"generic:{country.lower()}-unidentified-armed-group"
    assert a.country == country and a.type == "unknown"
    assert a.name.endswith(")") and "gunmen" not in a.id
    written = {"NGA": "Nigeria", "KEN": "Kenya"}[country]
    assert a.name.endswith(f"({written})")
    assert acled_name(a.id, a.name, a.type, a.country, a.in_kb, "ASSAULT") == (
        f"Unidentified Armed Group ({written})")


def test_gunmen_of_a_named_group_are_not_unidentified(pipeline: Any) -> None:
    ex = run(pipeline, "Boko Haram gunmen stormed a village near Maiduguri on Sunday.")
    assert all("unidentified" not in a.id for a in ex.actors)


# --- class 6: protesters, rioters, civilians -----------------------------------------

def test_protesters_and_their_police(pipeline: Any) -> None:
    ex = run(pipeline, "Police arrested 14 protesters in Nairobi on Monday during a "
                       "demonstration over fuel prices.")
    ev, actors = roles(ex, "COERCE")
    assert [actors[i].name for i in ev.source] == ["Kenyan police"]
    assert [(actors[i].name, actors[i].country) for i in ev.target] == [
        ("Kenyan protesters", "KEN")]


def test_rioters_are_not_a_news_agency(pipeline: Any) -> None:
    src = sources(run(pipeline, "Rioters burned a police station in Jos on Friday."))
    assert [(a.name, a.country, a.type) for a in src] == [
        ("Nigerian rioters", "NGA", "civilians")]


def test_occupational_groups_keep_their_description(pipeline: Any) -> None:
    ex = run(pipeline, "Teachers staged a strike in Kano over unpaid salaries.")
    src = sources(ex, "PROTEST")
    assert [(a.name, a.country) for a in src] == [("Nigerian teachers", "NGA")]
    a = src[0]
    # ACLED: a protest's civilians are "Protesters (X)", its victims "Civilians (X)"
    assert acled_name(a.id, a.name, a.type, a.country, False, "PROTEST", "strike") == (
        "Protesters (Nigeria)")
    assert acled_name(a.id, a.name, a.type, a.country, False, "ASSAULT", None) == (
        "Civilians (Nigeria)")


def test_victims_are_civilians_of_the_country(pipeline: Any) -> None:
    ex = run(pipeline, "Gunmen killed five villagers in Zamfara on Tuesday night.")
    tgt = targets(ex, "ASSAULT")
    assert [(a.name, a.country, a.type) for a in tgt] == [
        ("Nigerian villagers", "NGA", "civilians")]


# --- class 7: readable names ----------------------------------------------------------

def test_country_modifiers_read_as_demonyms(pipeline: Any) -> None:
    ex = run(pipeline, "Iraqi protesters gathered in Basra on Friday.")
    names = {a.name for a in ex.actors if not a.in_kb}
    assert "Iraqi protesters" in names
    assert not any(n.startswith("IRQ") or n.startswith("generic:") for n in names)


def test_the_store_and_the_acled_export_use_readable_and_acled_names(
        pipeline: Any, tmp_path: Any) -> None:
    from tocsin.export.acled import acled_rows
    from tocsin.store import Store

    texts = ["Police arrested eleven traders in Mombasa on Monday.",
             "Unknown gunmen killed a village chief in Kaduna on Wednesday."]
    with Store(str(tmp_path / "t.duckdb")) as store:
        for t in texts:
            store.add(run(pipeline, t))
        names = {a["id"]: a["name"] for a in store.actors()}
        rows = acled_rows(store)
        shown = store.actor_names(["generic:ken-police", "no-such-actor"])
        profile = store.actor("generic:ken-police")
    assert shown == {"generic:ken-police": "Kenyan police"}
    assert profile is not None and profile["actor_names"]["generic:ken-traders"] == (
        "Kenyan traders")
    assert names["generic:ken-police"] == "Kenyan police"
    assert names["generic:nga-unidentified-armed-group"] == "unknown gunmen (Nigeria)"
    got = {(r["actor1"], r["actor2"]) for r in rows}
    assert ("Police Forces of Kenya", "Civilians (Kenya)") in got
    assert any(a1 == "Unidentified Armed Group (Nigeria)" for a1, _ in got)


# --- the ACLED scorer keeps the naming rules honest -----------------------------------

def _actor(aid: str, name: str, typ: str, country: str | None, in_kb: bool = False
           ) -> Actor:
    return Actor(aid, name, typ, country, in_kb)


def test_acled_family_reads_years_and_sub_units() -> None:
    assert acled_family("Police Forces of Kenya (2013-) General Service Unit") == (
        "state", "Kenya")
    assert acled_family("Military Forces of the United States (2017-)") == (
        "state", "the United States")
    assert acled_family("Rioters (Nigeria)") == ("civilians", "Nigeria")
    assert acled_family("Al Shabaab") is None


def test_scorer_needs_the_right_country() -> None:
    police = _actor("generic:ken-police", "Kenyan police", "police", "KEN")
    bare = _actor("generic:police", "police", "police", None)
    assert acled_eval.actor_resolved("Police Forces of Kenya (2013-)", [police])
    assert acled_eval.actor_resolved("Police Forces of Kenya (2013-) Border Patrol Unit",
                                     [police])
    assert not acled_eval.actor_resolved("Military Forces of Nigeria (2015-)", [police])
    assert not acled_eval.actor_resolved("Police Forces of Kenya (2013-)", [bare])
    # a year range and a sub-unit never make the country unreadable (and so matchable
    # by an actor with no country)
    stateless = _actor("generic:forces", "forces", "military", None)
    assert not acled_eval.actor_resolved(
        "Military Forces of Somalia (2017-) Jubaland Security Force", [stateless])
    usa = _actor("usa", "United States", "state", "USA", True)
    assert acled_eval.actor_resolved("Military Forces of the United States (2017-)", [usa])


def test_scorer_generic_groups_need_kind_and_country() -> None:
    protesters = _actor("generic:ken-protesters", "Kenyan protesters", "civilians", "KEN")
    assert acled_eval.actor_resolved("Protesters (Kenya)", [protesters], "PROTEST")
    assert acled_eval.actor_resolved("Rioters (Kenya)", [protesters], "PROTEST", "riot")
    assert not acled_eval.actor_resolved("Protesters (Nigeria)", [protesters], "PROTEST")
    nocountry = _actor("generic:protesters", "protesters", "civilians", None)
    assert not acled_eval.actor_resolved("Protesters (Kenya)", [nocountry], "PROTEST")
    # a named group is not an unidentified one, even of the same country
    shabaab = _actor("al-shabaab", "Al-Shabaab", "rebel", "SOM", True)
    assert not acled_eval.actor_resolved("Unidentified Armed Group (Somalia)", [shabaab])
    assert acled_eval.actor_resolved("Al Shabaab", [shabaab])
    uag = _actor("generic:som-unidentified-armed-group", "unknown gunmen (Somalia)",
                 "unknown", "SOM")
    assert acled_eval.actor_resolved("Unidentified Armed Group (Somalia)", [uag])
    assert actor_family(uag.id, uag.name, uag.type, uag.country, False) == (
        "unidentified", "SOM")


# --- empty roles filled from the parse, after the events stage -----------------------

def test_a_protests_plural_subject_is_its_protesters(pipeline: Any) -> None:
    ex = run(pipeline, "On 3 March, lawyers in Meru held a silent protest outside the Maua "
                       "law courts over the shooting of a colleague.")
    ev, actors = roles(ex, "PROTEST")
    assert [(actors[i].name, actors[i].country) for i in ev.source] == [
        ("Kenyan lawyers", "KEN")]
    assert ev.why is not None
    assert any(e["rule"] == "protest-subject" for e in ev.why["actors"])


def test_whoever_disperses_a_protest_is_not_its_protester(pipeline: Any) -> None:
    ex = run(pipeline, "Police dispersed a protest by traders in Mombasa on Monday.")
    for ev in ex.events:
        if ev.type == "PROTEST":
            assert all(not i.endswith("police") for i in ev.source)


def test_the_object_of_a_coordinated_verb_is_the_target(pipeline: Any) -> None:
    ex = run(pipeline, "Gunmen shot and killed a civilian near Mogadishu on Sunday.")
    tgt = targets(ex, "ASSAULT")
    assert [(a.country, a.type) for a in tgt] == [("SOM", "civilians")]
    src = sources(ex, "ASSAULT")
    assert [a.id for a in src] == ["generic:som-unidentified-armed-group"]


# --- class 2: a group named as a modifier is the group --------------------------------

@pytest.mark.parametrize("text, group", [
    ("Boko Haram insurgents killed ten farmers near Maiduguri on Monday.", "boko-haram"),
    ("ISWAP fighters ambushed a military convoy near Damboa on Friday.", "iswap"),
    ("Suspected al-Shabaab militants shot and wounded a shopkeeper near Mogadishu.",
     "al-shabaab"),
])
def test_a_group_named_as_a_modifier_is_the_group(
        pipeline: Any, text: str, group: str) -> None:
    ex = run(pipeline, text)
    assert [a.id for a in sources(ex, "ASSAULT")] == [group]
    assert not any(a.id.startswith(("x:", "generic:")) and a.type != "civilians"
                   for a in ex.actors)


@pytest.mark.parametrize("text, force", [
    ("On 3 May 2021, Ghanaian Airforce launched air strikes on a rebel camp near Tamale.",
     ("generic:gha-military", "Ghanaian military")),
    # (the Kenya Police Service is a KB actor: tests/test_actor_kb_regions.py)
    ("On 4 May 2021, Ghana Police Service officers shot dead two robbers in Kumasi.",
     ("generic:gha-police", "Ghanaian police")),
])
def test_a_state_force_the_tagger_took_for_a_name(
        pipeline: Any, text: str, force: tuple[str, str]) -> None:
    ex = run(pipeline, text)
    ev, actors = roles(ex, "ASSAULT")
    assert [(actors[i].id, actors[i].name) for i in ev.source] == [force]
    assert ev.why is not None
    assert any(e["rule"] == "state-force-name" for e in ev.why["actors"])


def test_named_state_forces_of_the_knowledge_base(pipeline: Any) -> None:
    ex = run(pipeline, "On 3 May 2021, Nigerian Airforce launched air strikes on a bandit "
                       "camp near Gusau.")
    assert [(a.id, a.type) for a in sources(ex, "ASSAULT")] == [("nga", "state")]


def test_every_id_an_event_names_is_an_actor(pipeline: Any) -> None:
    texts = ["Police said officers arrested twelve traders in Mombasa on Monday.",
             "The army said it killed 20 militants in an air strike in Cabo Delgado.",
             "Turkish forces shelled villages near Zakho. The troops also hit a farm.",
             "Suspected al-Shabaab militants shot dead a shopkeeper near Kismayo."]
    for text in texts:
        ex = run(pipeline, text)
        ids = {a.id for a in ex.actors}
        for ev in ex.events:
            assert set(ev.source) | set(ev.target) <= ids, text
            assert ev.modality.claimant is None or ev.modality.claimant in ids, text


@pytest.mark.parametrize("text, who", [
    # parsed as a reduced relative ("residents [who were] protested"): still the protesters
    ("On 14 September 2021, local residents protested in Mombasa against evictions.",
     "Kenyan residents"),
    # the small model lemmatises "staged" to "stag"
    ("On 9 June 2021, taxi drivers staged a noisy protest over poor roads in Mombasa.",
     "Kenyan drivers"),
])
def test_protesters_despite_the_parse(pipeline: Any, text: str, who: str) -> None:
    ev, actors = roles(run(pipeline, text), "PROTEST")
    assert [actors[i].name for i in ev.source] == [who]
    assert all(actors[i].type != "civilians" for i in ev.target)


def test_a_state_named_by_a_place_is_not_a_group_named_after_it() -> None:
    from tocsin.model import Span as TextSpan

    nga = Actor("nga", "Nigeria", "state", "NGA", True, [TextSpan("Kaduna", 0, 6)])
    assert not acled_eval.actor_resolved("Kaduna Communal Militia (Nigeria)", [nga])
    assert acled_eval.actor_resolved("Military Forces of Nigeria (2015-)", [nga])


def test_a_group_from_an_unknown_place_or_school_is_the_group(pipeline: Any) -> None:
    # The unknown name in "from"/"of" says where the group comes from; a known group in
    # the same place is the actor ("fighters of Boko Haram").
    ex = run(pipeline, "Students from Kiptere Technical College rioted in Kericho on "
                       "Monday over new fees.")
    assert [a.name for a in sources(ex, "PROTEST")] == ["Kenyan students"]
    ex = run(pipeline, "Fighters of Boko Haram overran Gubio late on Sunday.")
    assert [a.id for a in sources(ex, "ASSAULT")] == ["boko-haram"]


def test_the_sides_of_a_clash_between_are_its_roles(pipeline: Any) -> None:
    # "fighting broke out between A and B": both sides are the act's, the state's first.
    ex = run(pipeline, "Heavy fighting erupted near Ponnagyun on 9 May 2019 between "
                       "Arakan Army fighters and government troops.")
    ev, actors = roles(ex, "ASSAULT")
    assert [actors[i].type for i in ev.source] == ["military"]
    assert [actors[i].name for i in ev.target] == ["Arakan Army"]  # a KB actor (myanmar.yaml)
    assert ev.why is not None and any(e["rule"] == "between" for e in ev.why["actors"])
    # the parties hung on a noun of the participle that reports the clashes
    ex = run(pipeline, "Around 2 June, clashes reported by local radio stations between "
                       "RENAMO gunmen and police near Gorongosa left two dead.")
    ev, actors = roles(ex, "ASSAULT")
    assert [actors[i].type for i in ev.source] == ["police"]
    assert "renamo" in ev.target


def test_an_attack_on_a_town_harms_its_civilians_not_the_state(pipeline: Any) -> None:
    ex = run(pipeline, "Russian troops shelled Kharkiv again on Sunday, the regional "
                       "governor said.")
    ev, actors = roles(ex, "ASSAULT")
    assert [(actors[i].type, actors[i].country) for i in ev.target] == [
        ("civilians", "UKR")]
    assert ev.why is not None
    assert any(e["rule"] == "inhabited-place target" for e in ev.why["actors"])
    # A base is the state's forces' own: the state stays the target.
    ex = run(pipeline, "Militants fired rockets at Ain al-Asad air base in Anbar.")
    ev, actors = roles(ex, "ASSAULT")
    assert [actors[i].type for i in ev.target] == ["state"]


@pytest.mark.parametrize("text, etype, doer", [
    ("On 15 June 2019, a police vehicle was hit by a roadside bomb near Wajir, and two "
     "officers were hurt.", "ASSAULT",
     ("generic:ken-unidentified-armed-group", "unidentified perpetrators (Kenya)", "KEN")),
    ("A demonstration against the new market levy was held in Beira on Tuesday morning.",
     "PROTEST", ("generic:moz-protesters", "Mozambican protesters", "MOZ")),
])
def test_an_act_told_without_its_doer_gets_the_territorys(
        pipeline: Any, text: str, etype: str, doer: tuple[str, str, str]) -> None:
    # A violent act: the territory's unidentified armed group; a protest: its protesters.
    ev, actors = roles(run(pipeline, text), etype)
    assert [(actors[i].id, actors[i].name, actors[i].country) for i in ev.source] == [doer]
    assert ev.why is not None
    assert any(e["rule"].startswith("no doer told") for e in ev.why["actors"])


@pytest.mark.parametrize("text", [
    # A named armed group in the report may be the doer: no guess is made.
    "Al-Shabaab fighters overran a police post in Lamu on Monday. Later a bus was hit by "
    "a roadside bomb near Mpeketoni.",
    # "between" tells the sides.
    "Clashes broke out between traders and municipal police in Kisii town on Friday.",
])
def test_no_unidentified_doer_is_guessed_where_one_may_be_told(pipeline: Any,
                                                              text: str) -> None:
    ex = run(pipeline, text)
    assert not any(a.id.endswith("unidentified-armed-group") for a in ex.actors)


@pytest.mark.parametrize(("actor", "acled"), [
    # a company, an aid body or a named person an attack hits are ACLED's civilians of
    # the country the event took place in
    (Actor("x:tana-water", "Tana Water Company", "organization", None, False),
     "Civilians (Kenya)"),
    (Actor("x:amina-odhiambo", "Amina Odhiambo", "person", None, False), "Civilians (Kenya)"),
    # generic victims without a country of their own take the event's
    (Actor("generic:herders", "herders", "civilians", None, False), "Civilians (Kenya)"),
    # a state's forces and armed groups keep their own forms and names
    (Actor("generic:ken-police", "Kenyan police", "police", "KEN", False),
     "Police Forces of Kenya"),
    (Actor("al-shabaab", "Al-Shabaab", "rebel", "SOM", True), "Al-Shabaab"),
])
def test_victims_take_acled_names_by_the_event_country(actor: Actor, acled: str) -> None:
    assert acled_name(actor.id, actor.name, actor.type, actor.country, actor.in_kb,
                      "ASSAULT", None, role="target", event_country="KEN") == acled


def test_a_victim_form_needs_an_attack_and_the_target_role() -> None:
    firm = Actor("x:tana-water", "Tana Water Company", "organization", None, False)
    # the same company as the source of an act, or the addressee of a protest, keeps its name
    assert acled_name(firm.id, firm.name, firm.type, None, False, "ASSAULT", None,
                      role="source", event_country="KEN") == "Tana Water Company"
    assert acled_name(firm.id, firm.name, firm.type, None, False, "PROTEST", "demo",
                      role="target", event_country="KEN") == "Tana Water Company"
    # without a place the event's country is unknown: no generic form
    assert acled_name(firm.id, firm.name, firm.type, None, False, "ASSAULT", None,
                      role="target") == "Tana Water Company"
    assert acled_eval.actor_resolved("Civilians (Kenya)", [firm], "ASSAULT", None, "target",
                                     "KEN")
    assert not acled_eval.actor_resolved("Civilians (Uganda)", [firm], "ASSAULT", None,
                                         "target", "KEN")


@pytest.mark.parametrize("text", [
    # the huts are the act's only patient: no actor is named as hit
    "On 5 May 2022, bandits burned huts near Baragoi in Samburu county.",
    "On 3 May 2022, suspected bandits torched shops on the outskirts of Mandera town.",
    "On 8 June 2021, gunmen shot dead two boys near a borehole in Garissa.",
])
def test_an_act_on_people_or_their_property_hits_civilians(pipeline: Any, text: str) -> None:
    ex = run(pipeline, text)
    actors = {a.id: a for a in ex.actors}
    ev = next(e for e in ex.events if e.type in {"ASSAULT", "COERCE"})
    hit = [actors[t] for t in ev.target]
    assert [(a.type, a.country) for a in hit] == [("civilians", "KEN")]


def test_an_armed_groups_camp_is_not_civilian_property(pipeline: Any) -> None:
    ex = run(pipeline, "Somali troops destroyed an Al-Shabaab camp near Kismayo on Friday.")
    ev = next(e for e in ex.events if e.type in {"ASSAULT", "COERCE"})
    assert ev.target == ["al-shabaab"]


def test_civilians_who_attack_are_rioters() -> None:
    """ACLED's civilians are only ever hit: villagers burning a house are rioters."""
    crowd = Actor("generic:ken-villagers", "Kenyan villagers", "civilians", "KEN", False)
    assert acled_name(crowd.id, crowd.name, crowd.type, crowd.country, False, "ASSAULT",
                      None, role="source") == "Rioters (Kenya)"
    assert acled_name(crowd.id, crowd.name, crowd.type, crowd.country, False, "ASSAULT",
                      None, role="target") == "Civilians (Kenya)"
