"""Country (state) actors: ISO codes, names, demonyms, metonyms and force names.

The lexical data lives in ``data/kb/countries.yaml``; pycountry supplies the codes and the
official names. Everything is loaded on first use and cached for the process.

``country_surface_forms`` is what a matcher needs: every string that names a country
acting, with the country's ISO3 code and what kind of string it is. Strings listed for two
countries ("Congolese", "Korean") are dropped, since they cannot decide an actor alone.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any, Literal

import pycountry
import yaml
from unidecode import unidecode

from tocsin.lexicon_data import ordered, words

Kind = Literal["name", "demonym", "metonym", "force"]
KINDS: tuple[Kind, ...] = ("name", "demonym", "metonym", "force")

# "<Iraqi|Iraq> forces" and the like denote the state acting; some such forms are the
# proper name of a non-state actor ("Lebanese Forces").
FORCE_WORDS: tuple[str, ...] = ordered("actor_nouns", "country_force_words")
_NOT_STATE_FORMS = words("actor_nouns", "not_state_forms")

# User-assigned codes used in reporting data but absent from ISO 3166-1 / pycountry.
_EXTRA_ISO2 = {"XKX": "XK"}

_DATA_FILE = ("data", "kb", "countries.yaml")


@dataclass(frozen=True, slots=True)
class CountryInfo:
    """One country as a state actor; ``names`` excludes ``name`` itself."""

    iso3: str
    iso2: str
    name: str
    names: tuple[str, ...]
    demonyms: tuple[str, ...]
    metonyms: tuple[str, ...]
    forces: tuple[str, ...]
    # Shared forms this country is the default reading of ("Congo"), and words in a text
    # that point at it (its towns, leaders): see `contested_reading`.
    default_for: tuple[str, ...] = ()
    cues: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        """The knowledge-base id of the country actor (lowercase ISO3)."""
        return self.iso3.lower()


def _unique(items: list[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for item in items:
        item = " ".join(item.split())
        if item:
            seen.setdefault(item, None)
    return tuple(seen)


def _str_list(entry: dict[str, Any], key: str) -> list[str]:
    value = entry.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"countries.yaml: {entry.get('iso3')}: '{key}' must be a list of strings")
    return list(value)


def _load_yaml() -> list[dict[str, Any]]:
    path = resources.files("tocsin").joinpath(*_DATA_FILE)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise ValueError("countries.yaml must hold a YAML list")
    return data


def _pycountry_names(country: Any) -> list[str]:
    """pycountry's names, minus the inverted catalogue forms ("Iran, Islamic Republic of")."""
    out = []
    for attr in ("common_name", "name", "official_name"):
        value = getattr(country, attr, None)
        if value and ", " not in value:
            out.append(value.removeprefix("the "))
    return out


@functools.cache
def countries() -> dict[str, CountryInfo]:
    """All countries by ISO3: every pycountry country, plus YAML-only ones (Kosovo)."""
    entries: dict[str, dict[str, Any]] = {}
    for entry in _load_yaml():
        iso3 = str(entry.get("iso3", "")).upper()
        if not iso3 or iso3 in entries:
            raise ValueError(f"countries.yaml: missing or repeated iso3 {iso3!r}")
        entries[iso3] = entry

    result: dict[str, CountryInfo] = {}
    known = {c.alpha_3: c for c in pycountry.countries}
    for iso3 in sorted(set(known) | set(entries)):
        entry = entries.get(iso3, {})
        pc = known.get(iso3)
        if pc is not None:
            iso2 = pc.alpha_2
            py_names = _pycountry_names(pc)
        elif iso3 in _EXTRA_ISO2 or entry.get("iso2"):
            iso2 = str(entry.get("iso2") or _EXTRA_ISO2[iso3]).upper()
            py_names = []
        else:
            raise ValueError(f"countries.yaml: {iso3} is not an ISO 3166-1 alpha-3 code")
        name = str(entry.get("name") or (py_names[0] if py_names else pc.name if pc else iso3))
        names = [n for n in _unique(_str_list(entry, "names") + py_names) if n != name]
        result[iso3] = CountryInfo(
            iso3=iso3,
            iso2=iso2,
            name=name,
            names=tuple(names),
            demonyms=_unique(_str_list(entry, "demonyms")),
            metonyms=_unique(_str_list(entry, "metonyms")),
            forces=_unique(_str_list(entry, "forces")),
            default_for=_unique(_str_list(entry, "default_for")),
            cues=_unique(_str_list(entry, "cues")),
        )
    return result


def normalise_form(text: str) -> str:
    """The key under which surface forms are compared: ASCII, case-folded, one space."""
    text = unidecode(text).replace("’", "'")
    return " ".join(text.casefold().split())


def _variants(form: str) -> list[str]:
    """The form and its ASCII spelling ("Élysée" -> "Elysee").

    A leading "the" is kept as written: the data lists the bare form too where it is safe
    ("Pentagon"), not where it is generic ("the Treasury").
    """
    return [form, unidecode(form)]


def _adjectives(demonyms: tuple[str, ...]) -> list[str]:
    """Demonyms usable before a noun: drop people plurals (Iraqis, Frenchmen)."""
    present = set(demonyms)
    out = []
    for d in demonyms:
        if d.endswith("s") and d[:-1] in present:
            continue
        if d.endswith("men") and d[:-3] + "man" in present:
            continue
        if d.endswith("man"):
            continue
        out.append(d)
    return out


def _force_bases(info: CountryInfo) -> list[str]:
    """Short names and adjectives that take a force word: "Iraqi", "US", "Iraq"."""
    bases = _adjectives(info.demonyms)
    for n in (info.name, *info.names):
        n = n.removeprefix("the ")
        if " of " not in n and "(" not in n and len(n.split()) <= 3:
            bases.append(n)
    return list(_unique(bases))


def _raw_forms(info: CountryInfo) -> list[tuple[str, Kind]]:
    forms: list[tuple[str, Kind]] = []
    for n in (info.name, *info.names):
        forms += [(v, "name") for v in _variants(n)]
    for d in info.demonyms:
        forms += [(v, "demonym") for v in _variants(d)]
    for m in info.metonyms:
        forms += [(v, "metonym") for v in _variants(m)]
    for f in info.forces:
        forms += [(v, "force") for v in _variants(f)]
    for base in _force_bases(info):
        for word in FORCE_WORDS:
            generated = f"{base} {word}"
            if normalise_form(generated) not in _NOT_STATE_FORMS:
                forms += [(v, "force") for v in _variants(generated)]
    return forms


@functools.cache
def _forms_and_ambiguous() -> tuple[tuple[tuple[str, str, str], ...], frozenset[str]]:
    owners: dict[str, set[str]] = {}
    raw: list[tuple[str, str, Kind]] = []
    for iso3, info in countries().items():
        for form, kind in _raw_forms(info):
            owners.setdefault(normalise_form(form), set()).add(iso3)
            raw.append((form, iso3, kind))
    ambiguous = frozenset(k for k, isos in owners.items() if len(isos) > 1)
    seen: set[str] = set()
    out: list[tuple[str, str, str]] = []
    for form, iso3, kind in raw:  # first kind wins: name > demonym > metonym > force
        if form in seen or normalise_form(form) in ambiguous:
            continue
        seen.add(form)
        out.append((form, iso3, kind))
    return tuple(out), ambiguous


def country_surface_forms() -> list[tuple[str, str, str]]:
    """(surface form, iso3, kind) for every unambiguous country form; kind is one of KINDS.

    Generated forms: "<adjective|short name> <force word>" for each of FORCE_WORDS, and
    ASCII spellings ("Elysee", "Turkiye").
    A form whose normalised key belongs to two countries is absent altogether.
    """
    return list(_forms_and_ambiguous()[0])


def ambiguous_forms() -> frozenset[str]:
    """Normalised keys of forms shared by several countries ("congolese", "korea")."""
    return _forms_and_ambiguous()[1]


@functools.cache
def _index() -> tuple[dict[str, str], dict[str, str]]:
    by_iso2 = {info.iso2: iso3 for iso3, info in countries().items()}
    by_form: dict[str, str] = {}
    for form, iso3, _kind in _forms_and_ambiguous()[0]:
        by_form.setdefault(normalise_form(form), iso3)
    return by_iso2, by_form


def iso3_from_any(code_or_name: str) -> str | None:
    """ISO3 for an ISO2/ISO3 code (upper case), a name, demonym, metonym or force form.

    "IQ", "IRQ", "Iraq", "Iraqi", "Iraqi forces" -> "IRQ". None when unknown or shared by
    several countries ("Congolese").
    """
    text = " ".join(code_or_name.split())
    if not text:
        return None
    table = countries()
    by_iso2, by_form = _index()
    if text.isupper() and text.isalpha():
        if len(text) == 3 and text in table:
            return text
        if len(text) == 2 and text in by_iso2:
            return by_iso2[text]
    key = normalise_form(text)
    for candidate in (key, key.removeprefix("the ")):
        if candidate in by_form:
            return by_form[candidate]
    if key in ambiguous_forms():
        return None
    try:  # numeric codes and pycountry's own spellings
        found = pycountry.countries.lookup(text)
    except LookupError:
        return None
    return str(found.alpha_3)


@functools.cache
def _contested() -> dict[str, tuple[tuple[str, ...], Kind]]:
    """Shared form key -> (the countries sharing it, default first; the form's kind), for
    the shared forms that a country claims as its default reading (``default_for``)."""
    table = countries()
    defaults = {normalise_form(f): iso3 for iso3, info in table.items()
                for f in info.default_for}
    owners: dict[str, list[str]] = {}
    kinds: dict[str, Kind] = {}
    for iso3, info in table.items():
        for form, kind in _raw_forms(info):
            key = normalise_form(form)
            first_word = key.split()[0]
            if key in ambiguous_forms() and (key in defaults or first_word in defaults):
                if iso3 not in owners.setdefault(key, []):
                    owners[key].append(iso3)
                kinds.setdefault(key, kind)
    out: dict[str, tuple[tuple[str, ...], Kind]] = {}
    for key, isos in owners.items():
        default = defaults.get(key) or defaults.get(key.split()[0])
        ordered = sorted(isos, key=lambda i: i != default)
        out[key] = (tuple(ordered), kinds[key])
    return out


@functools.cache
def _cue_pattern(isos: tuple[str, ...]) -> tuple[re.Pattern[str], dict[str, str]]:
    """One regex over the cues of each reading (its own unshared names, capital, listed
    cues), longest first so that "Democratic Republic of Congo" is not read as "Republic
    of Congo"."""
    table = countries()
    owner: dict[str, str] = {}
    for iso3 in isos:
        info = table[iso3]
        for cue in (info.name, *info.names, *info.metonyms, *info.forces, *info.cues):
            if normalise_form(cue) not in ambiguous_forms():
                owner.setdefault(cue, iso3)
    alts = sorted(owner, key=len, reverse=True)
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(a) for a in alts) + r")(?!\w)")
    return pattern, owner


def contested_first_words() -> frozenset[str]:
    """First words (normalised) of the shared forms `contested_reading` can decide."""
    return frozenset(k.split()[0] for k in _contested())


def contested_reading(form: str, text: str) -> tuple[str, Kind] | None:
    """(ISO3, kind) of a form that several countries share but one claims as its default
    ("Congo", "Congolese troops"), read in ``text``: the reading whose cues the text names
    most ("Brazzaville" -> COG; "Goma", "Kinshasa" -> COD), else the default. None for a
    form no country claims ("Korean")."""
    found = _contested().get(normalise_form(form))
    if found is None:
        return None
    isos, kind = found
    pattern, owner = _cue_pattern(isos)
    votes = {iso3: 0 for iso3 in isos}
    for match in pattern.finditer(text):
        votes[owner[match.group(1)]] += 1
    best = max(isos, key=lambda i: votes[i])  # ties: the first, the default
    return best, kind
