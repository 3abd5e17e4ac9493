"""The actors stage on realistic sentences: KB precedence, countries, NER, anaphors."""

from __future__ import annotations

from tocsin.actors.kb import get_kb
from tocsin.actors.match import ActorMention, find_mentions, resolve
from tocsin.model import Document


def mentions(nlp, text: str) -> list[ActorMention]:  # type: ignore[no-untyped-def]
    kb = get_kb()
    found = find_mentions(nlp(text), kb)
    resolve(found, kb)
    return found


def ids(nlp, text: str) -> dict[str, str | None]:  # type: ignore[no-untyped-def]
    return {m.text: m.actor_id for m in mentions(nlp, text)}


def test_kb_names_beat_the_ner_model(nlp) -> None:  # type: ignore[no-untyped-def]
    # The small model tags "Kataib Hezbollah" PERSON and "Nujaba" GPE; the KB decides.
    got = ids(nlp, "Kataib Hezbollah and Nujaba fighters gathered outside the embassy.")
    assert got["Kataib Hezbollah"] == "kataib-hezbollah"
    assert got["Nujaba"] == "nujaba"


def test_spelling_variants_resolve_to_one_actor(nlp) -> None:  # type: ignore[no-untyped-def]
    for text in ("Kata'ib Hizballah claimed the attack.", "Kataib Hizbullah claimed the attack.",
                 "Katai'b Hezbollah claimed the attack."):
        assert "kataib-hezbollah" in ids(nlp, text).values(), text
    for text in ("The Hashd al-Sha'abi issued a statement.",
                 "The Popular Mobilisation Forces issued a statement.",
                 "The PMU issued a statement."):
        assert "pmu" in ids(nlp, text).values(), text


def test_country_names_are_actors_only_in_actor_position(nlp) -> None:  # type: ignore[no-untyped-def]
    got = ids(nlp, "Iran condemned the strike, which took place in Iraq.")
    assert got.get("Iran") == "irn"
    assert "Iraq" not in got  # a place here, not an actor
    got = ids(nlp, "The Pentagon said American troops were not hurt.")
    assert got.get("The Pentagon", got.get("Pentagon")) == "usa"
    assert got["American troops"] == "usa"


def test_demonym_before_a_place_noun_is_not_an_actor(nlp) -> None:  # type: ignore[no-untyped-def]
    got = ids(nlp, "Gunmen attacked a checkpoint in the Iraqi city of Samarra.")
    assert "Iraqi" not in got
    kinds = {m.text: m.kind for m in mentions(nlp, "Gunmen attacked a checkpoint.")}
    assert kinds.get("Gunmen") == "generic"


def test_unknown_organisation_becomes_a_new_actor(pipeline) -> None:  # type: ignore[no-untyped-def]
    from tocsin.model import Document

    out = pipeline.process(Document(text="The Brigade of the Ninth Dawn, a little-known "
                                         "group, said it fired the rockets."))
    new = [a for a in out.actors if not a.in_kb]
    assert new and all(a.id.startswith(("x:", "generic:")) for a in new)


def test_group_anaphor_attaches_to_the_named_group(pipeline) -> None:  # type: ignore[no-untyped-def]
    from tocsin.model import Document

    text = ("Asaib Ahl al-Haq held a rally in Baghdad on Friday. The group said it would "
            "expel American forces from Iraq.")
    out = pipeline.process(Document(text=text))
    aah = next(a for a in out.actors if a.id == "asaib-ahl-al-haq")
    assert any(m.text == "The group" for m in aah.mentions)
    threats = [e for e in out.events if e.type == "THREATEN"]
    assert threats and threats[0].source == ["asaib-ahl-al-haq"]


def test_descriptions_and_possessives_attach_to_the_right_actor(pipeline) -> None:  # type: ignore[no-untyped-def]
    from tocsin.model import Document

    text = ("Moqtada al-Sadr addressed supporters in Najaf on Friday. The cleric called for "
            "the expulsion of US forces. Asaib Ahl al-Haq held a rally in Basra. Its leader "
            "said the group would fight the occupiers. The group's spokesman said the "
            "rally was peaceful.")
    out = pipeline.process(Document(text=text))
    by_id = {a.id: [m.text for m in a.mentions] for a in out.actors}
    assert "The cleric" in by_id["muqtada-al-sadr"]
    assert "Its" in by_id["asaib-ahl-al-haq"]
    request = next(e for e in out.events if e.type == "REQUEST")
    assert request.source == ["muqtada-al-sadr"]
    threat = next(e for e in out.events if e.type == "THREATEN")
    assert threat.source == ["asaib-ahl-al-haq"]


def test_ambiguous_alias_resolves_by_context(pipeline) -> None:  # type: ignore[no-untyped-def]
    from tocsin.model import Document

    lebanon = ("BEIRUT — Hezbollah leader Hassan Nasrallah said on Sunday that the group "
               "would respond to the strike in southern Lebanon.")
    iraq = ("BAGHDAD — Hezbollah fighters of the Iraqi Popular Mobilization Forces, led by "
            "Abu Mahdi al-Muhandis, clashed with Islamic State near Jurf al-Sakhar.")
    ids_lb = {a.id for a in pipeline.process(Document(text=lebanon)).actors}
    ids_iq = {a.id for a in pipeline.process(Document(text=iraq)).actors}
    assert "hezbollah" in ids_lb and "kataib-hezbollah" not in ids_lb
    assert "kataib-hezbollah" in ids_iq and "hezbollah" not in ids_iq


def test_unknown_villages_and_their_containers_are_places_not_people(nlp) -> None:  # type: ignore[no-untyped-def]
    # The small model takes unknown village names for people; their form says otherwise:
    # an administrative last word, containers in brackets, a preposition of location.
    got = ids(nlp, "Herders killed six farmers at Kwall (Bassa LGA, Plateau) late on "
                   "Sunday, and two more died near Rim Tiyo.")
    assert not {"Kwall", "Bassa LGA", "Plateau", "Rim Tiyo"} & set(got)
    got = ids(nlp, "Insurgents burned a clinic in Ntchinga and Nanduli in Meluco District "
                   "overnight.")
    assert not {"Ntchinga", "Nanduli", "Meluco District"} & set(got)
    # Parties stay actors: "between" and "with" name sides, and a person shot in a town
    # is a person.
    got = ids(nlp, "Fighting between Marehan and Garre clansmen spread to the wells.")
    assert {"Marehan", "Garre"} & set(got)
    got = ids(nlp, "Gunmen shot dead Musa Bello Danjuma in Kaduna on Friday.")
    assert "Musa Bello Danjuma" in got


def test_a_named_militia_is_its_own_group(pipeline) -> None:  # type: ignore[no-untyped-def]
    # "militia" after a name is the group the name says (ACLED's "Fulani Ethnic Militia"),
    # and it is the attack's source; "the militia" alone still refers back.
    ex = pipeline.process(Document(text="Fulani militia killed five farmers near Riyom on "
                                        "Tuesday night."))
    names = {a.id: a.name for a in ex.actors}
    attack = next(e for e in ex.events if e.type == "ASSAULT")
    assert [names[i] for i in attack.source] == ["Fulani militia"]
    ex = pipeline.process(Document(text="Ansar Dine fighters entered the town. The militia "
                                        "said it had taken the barracks."))
    assert not any(a.name.endswith("militias") for a in ex.actors)
