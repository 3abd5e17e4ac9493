"""Issue 18: the event's place as one decision (its reason in the event's trace), the
named containers and the document's country choosing among homonyms, and villages the
gazetteer lacks placed at their best container's point with a `precision` saying so.

Runs the whole pipeline (real spaCy model, real gazetteer index in the test cache) on
sentences written for these tests.
"""

from __future__ import annotations

from typing import Any

import pytest

from tocsin.geo.precision import acled_geo_precision, as_container, of_feature
from tocsin.model import Document, Event, Extraction, Place

pytestmark = pytest.mark.usefixtures("rules_only")


@pytest.fixture
def pipeline(rules_pipeline):  # type: ignore[no-untyped-def]
    return rules_pipeline


def _placed(pipeline: Any, text: str, trigger: str) -> tuple[Event, Place | None]:
    out: Extraction = pipeline.process(Document(text=text))
    ev = next((e for e in out.events if e.trigger and e.trigger.text == trigger), None)
    assert ev is not None, f"no event on {trigger!r}: {[e.trigger for e in out.events]}"
    return ev, {p.id: p for p in out.places}.get(ev.place or "")


def test_unknown_village_takes_its_district_town_point(pipeline: Any) -> None:
    ev, p = _placed(pipeline, "Militants burned twenty houses at Kirawa (Gwoza district, "
                    "Borno) late on Sunday, residents said.", "burned")
    assert p is not None and p.name == "Kirawa" and p.admin1 == "Borno"
    assert p.lat is not None and p.precision == "town"  # the point of Gwoza town
    assert ev.why is not None and ev.why["place"]["rule"] == "act"
    assert ev.why["place"]["mention"] == "Kirawa"


def test_unknown_village_with_only_a_province_takes_the_province_point(pipeline: Any
                                                                       ) -> None:
    _, p = _placed(pipeline, "Gunmen abducted four farmers in Tungushe village, Borno "
                   "state, on Friday.", "abducted")
    assert p is not None and p.name.startswith("Tungushe")
    assert p.lat is not None and p.precision == "admin1" and p.admin1 == "Borno"


def test_container_beats_a_homonym_abroad(pipeline: Any) -> None:
    # GeoNames knows an "Isari" only in Greece: the stated province rules it out
    _, p = _placed(pipeline, "Soldiers raided a camp of the insurgents in Isari (Ngala "
                   "district, Borno) and seized rifles.", "raided")
    assert p is not None and p.country == "NGA" and p.admin1 == "Borno"


def test_document_country_beats_a_homonym_abroad(pipeline: Any) -> None:
    # "Kulan" is a town in Kazakhstan in GeoNames; the report is about Garissa, Kenya
    _, p = _placed(pipeline, "Police officers were killed when their truck hit a bomb "
                   "outside Kulan on Monday. Such attacks have grown common in Garissa "
                   "county since the rains ended.", "killed")
    assert p is not None and p.country == "KEN"


def test_event_without_place_of_its_own_takes_the_previous_act_place(pipeline: Any
                                                                     ) -> None:
    text = ("Gunmen attacked a market in Maiduguri on Monday. Soldiers later arrested "
            "three suspects.")
    out: Extraction = pipeline.process(Document(text=text))
    ev = next(e for e in out.events if e.trigger and e.trigger.text == "arrested")
    assert ev.why is not None and ev.why["place"]["rule"] in ("previous-sentences",
                                                              "narrative")
    assert ev.place is not None


def test_precision_vocabulary() -> None:
    assert of_feature("city") == "town" and of_feature("admin2") == "admin2"
    assert as_container("village") == "town" and as_container("admin1") == "admin1"
    assert acled_geo_precision("village") == 1 and acled_geo_precision("admin2") == 2
    assert acled_geo_precision("country") == 3 and acled_geo_precision(None) is None


def test_stated_province_overrides_a_capital_reading(pipeline: Any) -> None:
    # "San Jose" alone reads as Costa Rica's capital; ", California" says which one
    out: Extraction = pipeline.process(Document(
        text="Firefighters fought a warehouse blaze in San Jose, California, until dawn."))
    sj = next(p for p in out.places if any(m.text == "San Jose" for m in p.mentions))
    assert sj.country == "USA" and sj.admin1 == "California"


def test_a_list_of_provinces_is_no_chain_of_containers(pipeline: Any) -> None:
    out: Extraction = pipeline.process(Document(
        text="Farmers were told to keep hens indoors in Buskerud, Telemark, Akershus, "
             "Oslo, Oppland and Vestfold."))
    oslo = next(p for p in out.places if any(m.text == "Oslo" for m in p.mentions))
    assert oslo.country == "NOR" and oslo.feature == "city"


def test_town_after_a_place_names_its_country(pipeline: Any) -> None:
    # GeoNames' "Eastleigh" is a town in England; Nairobi, written right after it (also a
    # name the actor tagger reads as Kenya's government), makes it a Nairobi suburb
    _, p = _placed(pipeline, "Officers detained dozens of traders in Eastleigh, Nairobi, "
                   "on Thursday during a search for unlicensed goods.", "detained")
    assert p is not None and p.country == "KEN" and p.lat is not None
    # a list of two large cities is no containment
    _, q = _placed(pipeline, "Thousands of people marched in Madrid, London on Saturday "
                   "against the war.", "marched")
    assert q is not None and q.name == "Madrid" and q.country == "ESP"


def test_a_people_s_village_is_no_place_name(pipeline: Any) -> None:
    # "a Rohingya village" says who lives there; the village named is where it happened
    _, p = _placed(pipeline, "Soldiers burned a Rohingya village near Inn Din (Maungdaw, "
                   "Rakhine) in early September, survivors said.", "burned")
    assert p is not None and "Rohingya" not in p.name
    _, q = _placed(pipeline, "Herdsmen attacked a Berom village near Jos overnight, "
                   "killing four.", "attacked")
    assert q is not None and q.name == "Jos"
