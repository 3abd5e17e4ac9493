"""Country actor data: codes, demonyms, metonyms, generated force forms and look-ups."""

from __future__ import annotations

import dataclasses
import re
from importlib import resources

import pycountry
import pytest
import yaml

from tocsin.geo.countries import (
    CountryInfo,
    ambiguous_forms,
    countries,
    country_surface_forms,
    iso3_from_any,
    normalise_form,
)

EXTRA_CODES = {"PSE", "XKX"}
UNINHABITED = {"ATA", "ATF", "BVT", "HMD", "IOT", "SGS", "UMI", "SJM"}


@pytest.fixture(scope="module")
def forms() -> dict[str, tuple[str, str]]:
    return {form: (iso3, kind) for form, iso3, kind in country_surface_forms()}


def test_all_countries_with_valid_codes() -> None:
    table = countries()
    assert len(table) >= 249
    pycountry_codes = {c.alpha_3 for c in pycountry.countries}
    for iso3, info in table.items():
        assert isinstance(info, CountryInfo)
        assert info.iso3 == iso3
        assert iso3 in pycountry_codes or iso3 in EXTRA_CODES
        assert len(info.iso2) == 2 and info.iso2.isupper()
        assert info.name and info.name not in info.names
    assert pycountry_codes <= set(table)
    assert table["XKX"].iso2 == "XK"
    assert table["IRN"].name == "Iran" and "Islamic Republic of Iran" in table["IRN"].names


def test_loader_is_cached_and_immutable() -> None:
    assert countries() is countries()
    with pytest.raises(dataclasses.FrozenInstanceError):
        countries()["USA"].name = "Freedonia"  # type: ignore[misc]


def test_yaml_covers_every_country_with_sources() -> None:
    path = resources.files("tocsin").joinpath("data", "kb", "countries.yaml")
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    codes = [e["iso3"] for e in entries]
    assert len(codes) == len(set(codes))
    assert {c.alpha_3 for c in pycountry.countries} <= set(codes)
    for entry in entries:
        assert entry["sources"] and all(u.startswith("https://") for u in entry["sources"])
        if entry["iso3"] not in UNINHABITED:
            assert entry["demonyms"], entry["iso3"]


def test_middle_east_metonyms_present() -> None:
    table = countries()
    expected = {
        "USA": "the Pentagon", "GBR": "Downing Street", "FRA": "Élysée Palace",
        "RUS": "the Kremlin", "CHN": "Beijing", "IRN": "Tehran", "IRQ": "Baghdad",
        "SYR": "Damascus", "ISR": "the Knesset", "SAU": "Riyadh", "TUR": "Ankara",
        "LBN": "Beirut", "ARE": "Abu Dhabi", "QAT": "Doha", "EGY": "Cairo", "JOR": "Amman",
        "YEM": "Sanaa", "OMN": "Muscat", "BHR": "Manama", "PAK": "Islamabad",
    }
    for iso3, metonym in expected.items():
        assert metonym in table[iso3].metonyms, iso3
    assert sum(1 for info in table.values() if info.metonyms) >= 45


@pytest.mark.parametrize(
    ("form", "iso3"),
    [
        ("Americans", "USA"), ("the Pentagon", "USA"), ("US forces", "USA"),
        ("U.S. troops", "USA"), ("Iraqi", "IRQ"), ("Iranian", "IRN"), ("Saudi", "SAU"),
        ("Saudis", "SAU"), ("Emirati", "ARE"), ("Israeli", "ISR"), ("British", "GBR"),
        ("the Kremlin", "RUS"), ("Turkish drones", "TUR"), ("Türkiye", "TUR"),
        ("Turkiye", "TUR"), ("Elysee", "FRA"), ("Syrian Arab Army", "SYR"),
        ("Lebanese army", "LBN"), ("Iraqi security forces", "IRQ"), ("Palestinian", "PSE"),
        ("Kosovar", "XKX"), ("South Korean", "KOR"), ("North Korean", "PRK"),
    ],
)
def test_surface_forms_map_to_country(
    forms: dict[str, tuple[str, str]], form: str, iso3: str
) -> None:
    assert forms[form][0] == iso3


def test_kinds(forms: dict[str, tuple[str, str]]) -> None:
    assert forms["Russia"] == ("RUS", "name")
    assert forms["Russians"] == ("RUS", "demonym")
    assert forms["Moscow"] == ("RUS", "metonym")
    assert forms["Russian troops"] == ("RUS", "force")
    assert forms["Iranian Foreign Ministry"] == ("IRN", "force")
    assert {kind for _form, _iso3, kind in country_surface_forms()} == {
        "name", "demonym", "metonym", "force"
    }
    # people plurals do not make force forms; generic nouns do not lose their article
    assert "Iraqis forces" not in forms
    assert "Treasury" not in forms and forms["the Treasury"][0] == "USA"
    # the Lebanese Forces party is not the Lebanese state
    assert "Lebanese forces" not in forms and forms["Lebanese troops"][0] == "LBN"


def test_no_form_maps_to_two_countries() -> None:
    by_form: dict[str, set[str]] = {}
    by_key: dict[str, set[str]] = {}
    for form, iso3, _kind in country_surface_forms():
        by_form.setdefault(form, set()).add(iso3)
        by_key.setdefault(normalise_form(form), set()).add(iso3)
    assert all(len(v) == 1 for v in by_form.values())
    assert all(len(v) == 1 for v in by_key.values())
    assert len(by_form) == len(country_surface_forms())


def test_shared_forms_are_dropped(forms: dict[str, tuple[str, str]]) -> None:
    for shared in ("Congolese", "Congolese forces", "Korean", "Koreans", "Congo", "Dominican"):
        assert shared not in forms
        assert normalise_form(shared) in ambiguous_forms()
    assert forms["DRC"][0] == "COD" and forms["Congo-Brazzaville"][0] == "COG"


@pytest.mark.parametrize(
    ("query", "iso3"),
    [
        ("IQ", "IRQ"), ("IRQ", "IRQ"), ("Iraq", "IRQ"), ("Iraqi", "IRQ"), ("iraqi", "IRQ"),
        ("US", "USA"), ("USA", "USA"), ("United States", "USA"), ("American", "USA"),
        ("GB", "GBR"), ("UK", "GBR"), ("Britain", "GBR"), ("British", "GBR"),
        ("IR", "IRN"), ("Iran", "IRN"), ("Islamic Republic of Iran", "IRN"),
        ("SA", "SAU"), ("Saudi Arabia", "SAU"), ("Saudis", "SAU"), ("AE", "ARE"),
        ("UAE", "ARE"), ("Emirati", "ARE"), ("Syrian Arab Republic", "SYR"),
        ("XK", "XKX"), ("Kosovo", "XKX"), ("PS", "PSE"), ("Palestine", "PSE"),
        ("the Pentagon", "USA"), ("Pentagon", "USA"), ("  Iraqi   forces ", "IRQ"),
        ("368", "IRQ"), ("Viet Nam", "VNM"), ("Côte d'Ivoire", "CIV"), ("Ivory Coast", "CIV"),
    ],
)
def test_iso3_from_any(query: str, iso3: str) -> None:
    assert iso3_from_any(query) == iso3


@pytest.mark.parametrize("query", ["", "  ", "Atlantis", "Congolese", "Korea", "Hezbollah"])
def test_iso3_from_any_unknown_or_shared(query: str) -> None:
    assert iso3_from_any(query) is None


def _mentions(text: str, forms: dict[str, tuple[str, str]]) -> list[tuple[str, str]]:
    """Longest-first exact matching at word boundaries: a stand-in for the real matcher."""
    pattern = re.compile(
        r"(?<![\w.])(" + "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
        + r")(?!\w)"
    )
    return [(m.group(1), forms[m.group(1)][0]) for m in pattern.finditer(text)]


def test_forms_in_realistic_reporting(forms: dict[str, tuple[str, str]]) -> None:
    text = (
        "The Pentagon said US troops at al-Asad air base came under rocket fire on Tuesday, "
        "hours after Iraqi security forces arrested two suspects. Tehran denied any role, "
        "while the Kremlin and Downing Street urged restraint. Saudi and Emirati officials "
        "met Turkish diplomats in Doha."
    )
    found = _mentions(text, forms)
    assert ("The Pentagon", "USA") not in found  # sentence-initial "The": matcher's job
    assert ("Pentagon", "USA") in found
    assert ("US troops", "USA") in found
    assert ("Iraqi security forces", "IRQ") in found
    assert ("Tehran", "IRN") in found
    assert ("the Kremlin", "RUS") in found
    assert ("Downing Street", "GBR") in found
    assert ("Saudi", "SAU") in found and ("Emirati officials", "ARE") in found
    assert ("Turkish", "TUR") in found and ("Doha", "QAT") in found
