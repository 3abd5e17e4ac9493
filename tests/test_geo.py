"""Geoparsing: the gazetteer index, the mention finder, the resolver and event places.

Runs against the real spaCy model and the real index (built once per cache directory;
conftest points TOCSIN_CACHE at a test cache, and the first run builds it in ~15 s).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tocsin.geo.build import ensure_index
from tocsin.geo.event_place import event_place
from tocsin.geo.finder import find_place_mentions
from tocsin.geo.gazetteer import (
    Gazetteer,
    get_gazetteer,
    load_sites_file,
    normalize_place,
    reset_gazetteer,
)
from tocsin.geo.resolve import resolve_mentions
from tocsin.model import Place


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    reset_gazetteer()  # pick up the session's TOCSIN_CACHE
    return get_gazetteer()


@pytest.fixture(scope="module")
def geo(gaz: Gazetteer, nlp: Any) -> Any:
    """Parse ``text`` and return (doc, [(mention, place)])."""

    def run(text: str, country_hint: str | None = None,
            taken: list[tuple[int, int]] | None = None) -> tuple[Any, list[Any]]:
        doc = nlp(text)
        mentions = find_place_mentions(doc, taken or [])
        return doc, resolve_mentions(mentions, doc, country_hint)

    return run


def _place(resolved: list[Any], text: str) -> Place | None:
    for m, p in resolved:
        if text in m.text:
            return p
    raise AssertionError(f"no mention containing {text!r}: {[m.text for m, _ in resolved]}")


# --- normalisation ---------------------------------------------------------------------

def test_normalize_folds_transliteration_variants() -> None:
    assert normalize_place("Ayn al-Assad") == normalize_place("Ain al Asad")
    assert normalize_place("Ain al-Asad Air Base") == normalize_place("ain al-Assad airbase")
    assert normalize_place("Baghdad International Airport") == normalize_place(
        "Baghdad airport")
    assert normalize_place("the Ḩasakah") == normalize_place("Hasakah")
    assert normalize_place("Jisr ash-Shughur") == normalize_place("Jisr al-Shughur")
    # q/k stay distinct: folding them would merge unrelated places
    assert normalize_place("Qom") != normalize_place("Kom")


# --- index -------------------------------------------------------------------------------

def test_index_is_built_once_and_versioned(gaz: Gazetteer) -> None:
    cache = Path(os.environ["TOCSIN_CACHE"])
    assert ensure_index(cache) == gaz.path  # current: no rebuild
    meta = gaz.meta()
    assert gaz.path.name == f"gazetteer-{meta['build_hash']}.sqlite"
    assert int(meta["entries"]) > 230_000


def test_lookup_returns_all_homonyms(gaz: Gazetteer) -> None:
    tripolis = {(e.country, e.feature) for e in gaz.lookup("Tripoli")}
    assert ("LBN", "city") in tripolis and ("LBY", "city") in tripolis
    baghdad = [e for e in gaz.lookup("Baghdad") if e.feature == "city"]
    assert max(baghdad, key=lambda e: e.population).country == "IRQ"


def test_countries_and_admin1_are_indexed(gaz: Gazetteer) -> None:
    iraq = [e for e in gaz.lookup("Iraq") if e.feature == "country"]
    assert iraq and iraq[0].country == "IRQ" and iraq[0].id.startswith("geonames:")
    assert any(e.feature == "country" and e.country == "USA" for e in gaz.lookup("U.S."))
    nineveh = [e for e in gaz.lookup("Nineveh") if e.feature == "admin1"]
    assert nineveh[0].country == "IRQ" and nineveh[0].id == "adm1:IQ-NI"
    mosul = [e for e in gaz.lookup("Mosul") if e.country == "IRQ"][0]
    assert mosul.admin1 == "Nineveh"


def test_sites_file_is_sourced_and_merged(gaz: Gazetteer) -> None:
    sites = load_sites_file()["sites"]
    assert len(sites) >= 80
    assert all(s["source"].startswith("https://") for s in sites)
    ids = [s["id"] for s in sites]
    assert len(ids) == len(set(ids))
    for s in sites:
        assert s["feature"] in ("airport", "base", "site", "region", "city", "village")
        if s["feature"] in ("city", "village"):  # towns carry a population for ranking
            assert int(s.get("population", 0)) > 0, s["name"]
        assert any(e.id == f"site:{s['id']}" for e in gaz.lookup(s["name"])), s["name"]


# --- finder + resolver -------------------------------------------------------------------

def test_ain_al_asad_spellings_resolve_to_one_site(geo: Any) -> None:
    _, res = geo("Iranian ballistic missiles struck Ayn al-Assad in western Iraq overnight. "
                 "Damage at the Ain al-Asad air base was limited, officials said.")
    a, b = _place(res, "Ayn al-Assad"), _place(res, "Ain al-Asad")
    assert a is not None and b is not None
    assert a.id == b.id == "site:ain-al-asad"
    assert a.feature == "base" and a.country == "IRQ"


def test_k1_base_near_kirkuk(geo: Any) -> None:
    doc, res = geo("Thirty rockets landed at the K-1 base near Kirkuk on Friday, "
                   "killing an American contractor.")
    k1, kirkuk = _place(res, "K-1"), _place(res, "Kirkuk")
    assert k1 is not None and k1.id == "site:k1-air-base"
    assert kirkuk is not None and kirkuk.feature == "city" and kirkuk.country == "IRQ"
    trigger = next(t for t in doc if t.lemma_ == "land")
    assert event_place(trigger, res) is k1  # the pobj's place, not the "near" modifier


def test_abha_airport(geo: Any) -> None:
    doc, res = geo("Houthi drones attacked Abha airport in southern Saudi Arabia, "
                   "wounding eight civilians.")
    p = _place(res, "Abha")
    assert p is not None and p.feature == "airport" and p.country == "SAU"
    trigger = next(t for t in doc if t.lemma_ == "attack")
    assert event_place(trigger, res) is p


def test_baghdad_is_the_iraqi_capital(geo: Any) -> None:
    _, res = geo("A car bomb exploded near a busy market in Baghdad on Monday.")
    p = _place(res, "Baghdad")
    assert p is not None and p.id == "geonames:98182" and p.country == "IRQ"


@pytest.mark.parametrize(("text", "country"), [
    ("Heavy clashes erupted in Tripoli on Sunday between gunmen from Bab al-Tabbaneh and "
     "Jabal Mohsen, the Lebanese army said, as Lebanon braced for more unrest.", "LBN"),
    ("Armed groups loyal to the Government of National Unity clashed in Tripoli, and "
     "flights at Mitiga were suspended as Libya's capital came under rocket fire.", "LBY"),
])
def test_tripoli_follows_the_documents_country(geo: Any, text: str, country: str) -> None:
    _, res = geo(text)
    p = _place(res, "Tripoli")
    assert p is not None and p.country == country


def test_country_hint_disambiguates(geo: Any) -> None:
    _, res = geo("Gunmen attacked a checkpoint in Tripoli overnight.", country_hint="LBN")
    p = _place(res, "Tripoli")
    assert p is not None and p.country == "LBN"


def test_province_cue_selects_admin1(geo: Any) -> None:
    _, res = geo("Security forces launched a sweep in Nineveh province after an attack "
                 "on a checkpoint west of Mosul.")
    m, p = next((m, p) for m, p in res if "Nineveh" in m.text)
    assert m.text == "Nineveh province" and m.hint == "province"
    assert p is not None and p.feature == "admin1" and p.country == "IRQ"


def test_jurf_al_sakhar_found(geo: Any) -> None:
    _, res = geo("Kataib Hezbollah keeps weapons depots in Jurf al-Sakhar, south of Baghdad.")
    p = _place(res, "Jurf al-Sakhar")
    assert p is not None and p.country == "IRQ"


def test_taken_spans_are_skipped(geo: Any) -> None:
    text = "The Baghdad Operations Command said rockets hit the Green Zone."
    _, res = geo(text, taken=[(4, 33)])
    assert all(not (m.start < 33 and m.end > 4) for m, _ in res)
    assert _place(res, "Green Zone") is not None


def test_same_string_resolves_once_per_document(geo: Any) -> None:
    _, res = geo("Drones targeted Erbil on Tuesday. Later, a second drone was downed "
                 "over Erbil, Kurdish officials said.")
    places = [p for m, p in res if m.text == "Erbil"]
    assert len(places) == 2 and places[0] is places[1]
    assert len(places[0].mentions) == 2


def test_no_places_in_time_words(geo: Any) -> None:
    _, res = geo("On Tuesday, the minister said talks would continue in March.")
    assert res == []


def test_event_place_falls_back_to_sentence(geo: Any) -> None:
    doc, res = geo("In Deir ez-Zor, US forces said they had killed an ISIS commander.")
    trigger = next(t for t in doc if t.lemma_ == "kill")
    p = event_place(trigger, res)
    assert p is not None and p.country == "SYR"


def test_dateline_and_sites_in_a_wire_story(geo: Any) -> None:
    _, res = geo("BAGHDAD (Reuters) - A rocket landed near the U.S. embassy in the Green Zone "
                 "on Sunday, while drones targeted the Conoco field in eastern Syria.")
    dateline = _place(res, "BAGHDAD")
    assert dateline is not None and dateline.country == "IRQ" and dateline.feature == "city"
    green, conoco = _place(res, "Green Zone"), _place(res, "Conoco")
    assert green is not None and green.id == "site:green-zone"
    assert conoco is not None and conoco.country == "SYR"


def test_site_name_outranks_an_actor_claim_inside_it(geo: Any) -> None:
    text = "Iran fired missiles at the Ain al-Asad air base in Anbar province."
    inner = text.index("al-Asad")
    _, res = geo(text, taken=[(0, 4), (inner, inner + len("al-Asad"))])
    p = _place(res, "Ain al-Asad")
    assert p is not None and p.id == "site:ain-al-asad"
    assert all(m.start >= 4 for m, _ in res)  # "Iran" stays the actor's


# --- places inside actor mentions, lists, datelines, admin2 -------------------------------

def _out_places(pipeline: Any, text: str) -> dict[str, Any]:
    from tocsin.model import Document

    out = pipeline.process(Document(text=text))
    return {m.text: p for p in out.places for m in p.mentions}


def test_metonymic_and_adjectival_country_places(pipeline: Any) -> None:
    places = _out_places(pipeline, "Britain accused Russia of the attack, and 23 Russian "
                                   "diplomats were expelled. Washington backed London.")
    assert places["Russia"].feature == "country" and places["Russia"].country == "RUS"
    # GeoNames' point for the country as a whole, not a city's
    assert abs(places["Russia"].lat - 60) < 1 and abs(places["Russia"].lon - 100) < 1
    assert places["Russian"].id == places["Russia"].id
    assert places["Britain"].country == "GBR"
    assert places["Washington"].feature == "city" and places["Washington"].country == "USA"


def test_actor_places_are_not_event_places(pipeline: Any) -> None:
    from tocsin.model import Document

    out = pipeline.process(Document(text="Iraqi forces attacked an ISIS hideout in Hawijah "
                                          "on Monday, officials said."))
    by_text = {m.text: p for p in out.places for m in p.mentions}
    assert by_text["Iraqi"].feature == "country"  # "Iraqi" names the country ...
    ev = next(e for e in out.events if e.type == "ASSAULT")
    assert ev.place == by_text["Hawijah"].id  # ... but the event is in the town


def test_list_items_and_counties(pipeline: Any) -> None:
    places = _out_places(pipeline, "Cholera cases were reported in Mashonaland West, "
                                   "Manicaland and Midlands provinces, and one more in "
                                   "Scott County, Indiana, health officials said.")
    assert places["Manicaland"].feature == "admin1" and places["Manicaland"].country == "ZWE"
    scott = places["Scott County"]
    assert scott.feature == "admin2" and scott.admin1 == "Indiana"


def test_ap_dateline_state_abbreviation(pipeline: Any) -> None:
    places = _out_places(pipeline, "RALEIGH, N.C. (AP) - A new report shows that more "
                                   "than 20 percent of students were absent.")
    assert places["RALEIGH"].country == "USA"
    assert places["N.C."].name == "North Carolina"


def test_import_geonames_adds_villages(tmp_path: Path, gaz: Gazetteer) -> None:
    from typer.testing import CliRunner

    from tocsin.cli import app
    from tocsin.geo.imports import import_geonames

    # A private cache holding a link to the test index, so the import stays out of it.
    (tmp_path / gaz.path.name).symlink_to(gaz.path)
    sample = Path(__file__).parent / "data" / "geo" / "IQ-sample.txt"
    n = import_geonames(sample, cache=tmp_path)
    assert n == 5  # a hotel (S.HTL) is not a place an event gazetteer needs
    local = Gazetteer(tmp_path / gaz.path.name)
    hit = local.lookup("Umm Sabah")
    assert [e.id for e in hit] == ["geonames:99100001"]
    assert hit[0].feature == "village" and hit[0].country == "IRQ" and hit[0].admin1
    station = local.lookup("Tell Umm Sabah gas station")[0]
    assert station.feature == "site"
    assert not local.lookup("Hotel Rashid Annex")
    assert get_gazetteer().lookup("Umm Sabah") == []  # the shared index is untouched
    res = CliRunner().invoke(app, ["gazetteer", "lookup", "Nineveh"])
    assert res.exit_code == 0 and "adm1:IQ-NI" in res.output


# --- context: containers, homonyms, spellings, event syntax ------------------------------

def test_unknown_district_falls_back_to_its_province(geo: Any) -> None:
    _, res = geo("A combined force detained a Taliban leader during a security operation in "
                 "Zharay district, Kandahar province, yesterday.")
    district = _place(res, "Zharay")
    assert district is not None and district.id == "adm1:AF-KAN"
    assert district is _place(res, "Kandahar province")


def test_foreign_homonym_of_a_small_town_is_not_emitted(pipeline: Any) -> None:
    places = _out_places(pipeline, "Afghan and coalition forces detained several suspected "
                                   "insurgents in Zabul province on Wednesday while pursuing "
                                   "a Taliban commander who leads an attack cell in Mizan "
                                   "district.")
    assert places["Zabul province"].country == "AFG"
    assert "Mizan district" not in places or places["Mizan district"].country == "AFG"


def test_close_spelling_in_a_place_slot(pipeline: Any) -> None:
    places = _out_places(pipeline, "A roadside bomb went off on the main road in the town of "
                                   "Mussaiyab, some 80 km south of Baghdad, Iraqi police said.")
    p = next(p for t, p in places.items() if "Mussaiyab" in t)
    assert p.country == "IRQ" and p.admin1 == "Babil" and p.confidence < 0.5


def test_a_city_named_after_a_state_is_not_the_state(geo: Any) -> None:
    _, res = geo("KANSAS CITY, Mo. - Thousands of Kansas utility customers were without "
                 "power on Saturday after a blizzard buried parts of western Kansas.")
    kc = _place(res, "KANSAS CITY")
    state = next(p for m, p in res if m.text == "Kansas")
    assert kc is not None and kc.feature == "city"
    assert state is not None and state.feature == "admin1" and state.id != kc.id


def test_demonyms_outside_actor_mentions_are_country_places(pipeline: Any) -> None:
    places = _out_places(pipeline, "The Foreign Office was reviewing the Russian request "
                                   "while Japanese officials inspected the cargo.")
    assert places["Russian"].country == "RUS" and places["Japanese"].country == "JPN"


@pytest.mark.parametrize(("text", "trigger", "expected"), [
    # the subject's locative modifier; Baghdad is only the reference point
    ("A policeman in Amara, south of Baghdad, was killed by gunmen overnight.", "kill",
     "Amara"),
    # a country modifying the act is the attacker's, not the place
    ("Abu Nabil was reportedly killed in a U.S. airstrike.", "kill", None),
    # the capital named by apposition
    ("Hundreds of opposition supporters demonstrated in the capital Baku on Saturday.",
     "demonstrate", "Baku"),
])
def test_event_place_syntax(pipeline: Any, text: str, trigger: str,
                            expected: str | None) -> None:
    from tocsin.model import Document

    out = pipeline.process(Document(text=text))
    ev = next(e for e in out.events if e.trigger and e.trigger.text.lower().startswith(
        trigger[:5]))
    places = {p.id: p for p in out.places}
    got = places[ev.place].mentions[0].text if ev.place else None
    assert got == expected


@pytest.mark.parametrize(("town", "admin1"), [("Lodwar", "Turkana"), ("Maralal", "Samburu"),
                                              ("Marsabit", "Marsabit")])
def test_admin1_units_named_across_geonames_releases(gaz: Gazetteer, town: str,
                                                     admin1: str) -> None:
    """The two packaged GeoNames extracts put a town a little apart (Lodwar 3.11988 vs
    3.11911): a town of the same name nearby still names its admin1 unit, so Kenya's
    counties exist as places and contain their towns."""
    [place] = [x for x in gaz.lookup_key(normalize_place(town)) if x.feature != "admin1"]
    assert place.admin1 == admin1
    units = [x for x in gaz.lookup_key(normalize_place(admin1)) if x.feature == "admin1"]
    assert [(u.country, u.name) for u in units] == [("KEN", admin1)]


def test_a_village_unknown_in_its_county_is_not_a_lookalike_abroad(geo: Any) -> None:
    _doc, resolved = geo("Bandits raided Lomelo village (Turkana East, Turkana) at dawn.")
    countries = {p.country for _m, p in resolved if p is not None}
    assert countries == {"KEN"}


def test_a_town_before_its_namesake_county_is_the_town(geo: Any) -> None:
    """ACLED-style "Kisumu (Kisumu Central, Kisumu)": the first name is the town, the
    last its county; a name alone keeps its best reading."""
    _doc, resolved = geo("Police beat a hawker in Kisumu (Kisumu Central, Kisumu) at dawn.")
    features = [p.feature if p else None for _m, p in resolved]
    assert features[0] == "city" and features[-1] == "admin1"
    _doc, alone = geo("Troops were deployed across Kisumu county on Monday.")
    assert [p.feature for _m, p in alone if p] == ["admin1"]
