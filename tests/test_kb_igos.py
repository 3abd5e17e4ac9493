"""International and regional organisations and UN missions (kb/igos.yaml) through the
full pipeline: acronyms, full names, former names and missions with their theatre."""

from __future__ import annotations

from tocsin.actors.kb import get_kb
from tocsin.api import extract


def actor_ids(text: str) -> dict[str, str]:
    """Each mention's text -> the id of the actor it was resolved to."""
    return {m.text: a.id for a in extract(text).actors for m in a.mentions}


def test_acronyms_and_full_names_resolve() -> None:
    got = actor_ids("West African leaders meeting under the ECOWAS banner in Abuja gave the "
                    "junta in Niamey a week to reinstate the president, while the African "
                    "Union suspended Niger's membership.")
    assert got.get("ECOWAS") == "ecowas"
    assert got.get("African Union") == "african-union"
    got = actor_ids("Oil ministers from OPEC agreed to cut output, and the IMF warned that "
                    "higher fuel prices would slow growth.")
    assert got.get("OPEC") == "opec"
    assert got.get("IMF") == "imf"


def test_former_names_resolve_to_the_same_body() -> None:
    got = actor_ids("The Organisation of African Unity called for a ceasefire between "
                    "Ethiopia and Eritrea in 1998.")
    assert got.get("Organisation of African Unity") == "oau"
    got = actor_ids("Foreign ministers of the Organization of the Islamic Conference "
                    "met in Islamabad to discuss the crisis.")
    assert got.get("Organization of the Islamic Conference") == "oic"


def test_un_mission_resolves_with_its_theatre() -> None:
    got = actor_ids("MONUSCO said its peacekeepers had repelled an M23 attack on a base "
                    "north of Goma.")
    assert got.get("MONUSCO") == "monusco"
    monusco = get_kb().get("monusco")
    assert monusco is not None
    assert monusco.theatre == ("COD",)
    assert "un" in monusco.parents


def test_nato_led_historical_forces() -> None:
    got = actor_ids("KFOR troops sealed off the bridge in Mitrovica after the clashes.")
    assert got.get("KFOR troops") == "kfor"
    isaf = get_kb().get("isaf")
    assert isaf is not None and "nato" in isaf.parents and isaf.theatre == ("AFG",)
