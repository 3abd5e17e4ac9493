"""Is an alert's area named by the reports behind it? A guard against geocoding slips.

A country or admin1 series is built from where the geocoder put each event. A slip ("Lamu"
read as the Maldives' Laamu atoll, "Kisii" as a town in Nigeria) puts events in an area no
report speaks of, and enough of them raise an alert on a country that is not in the news
at all. An area alert therefore needs the area itself named in the text of at least one
document reporting the window's events:

* a country by a name, demonym, metonym or force name of the country list
  (`tocsin.geo.countries`), or by the name of one of its admin1 that the window's
  events are in and that the reports name (the notes on Nairobi rarely say "Kenya");
* an admin1 by its name (with or without its kind: "Lagos State" / "Lagos"; a name
  joined by "/" by either part), or by the name of a place of the window's events in it
  ("Eldoret" for Uasin Gishu) when the reports also name its country: a town name alone
  is what slips ("Kwale" is also a town in Nigeria's Delta state), the pair rarely does.

The words a report uses are the evidence, not the gazetteer's reading of them, so the
guard holds for any country and any geocoder.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

_KIND_WORDS = re.compile(r"\b(state|region|province|county|area|division|district|"
                         r"governorate|prefecture|department)\b", re.IGNORECASE)


def _plain(text: str) -> str:
    from unidecode import unidecode

    return re.sub(r"\s+", " ", unidecode(text).replace("'", "").replace("’", ""))


def admin1_forms(name: str) -> list[str]:
    """The ways a report may name a first-order division."""
    forms = {name}
    for part in re.split(r"\s*/\s*|\s+and\s+", name):
        forms.add(part)
    forms |= {_KIND_WORDS.sub(" ", f).strip() for f in list(forms)}
    forms.add(name.replace("/", " "))
    return sorted({_plain(f).strip() for f in forms if len(f.strip()) >= 3})


@lru_cache(maxsize=512)
def country_forms(iso3: str) -> tuple[str, ...]:
    from tocsin.geo.countries import countries

    info = countries().get(iso3)
    if info is None:
        return (iso3,)
    forms = (info.name, *info.names, *info.demonyms, *info.metonyms, *info.forces)
    return tuple(sorted({_plain(f) for f in forms if f}))


def _named(forms: Iterable[str], texts: Sequence[str]) -> bool:
    alts = [re.escape(f) for f in forms if f]
    if not alts:
        return False
    pat = re.compile(r"\b(?:" + "|".join(sorted(alts, key=len, reverse=True)) + r")\b",
                     re.IGNORECASE)
    return any(pat.search(t) for t in texts)


def area_named(kind: str, key: str, texts: Sequence[str],
               admin1s: Iterable[str] = (), places: Iterable[str] = ()) -> bool:
    """Whether the reports ``texts`` name the area ``key`` (``ISO3`` or ``ISO3/Admin1``);
    ``admin1s`` and ``places`` are the admin1 and place names of the window's events."""
    plain = [_plain(t) for t in texts]
    country, _, admin1 = key.partition("/")
    if kind == "admin1":
        if _named(admin1_forms(admin1), plain):
            return True
        towns = [_plain(p) for p in dict.fromkeys(places) if p and len(p) >= 3]
        return _named(towns, plain) and _named(country_forms(country), plain)
    if kind == "country":
        if _named(country_forms(key), plain):
            return True
        return any(_named(admin1_forms(a), plain) for a in dict.fromkeys(admin1s) if a)
    return True
