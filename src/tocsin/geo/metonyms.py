"""Places inside actor mentions: "Russia said", "Russian diplomats", "the Iraqi army",
"Washington warned", and places the tagger took for organisations ("Tamil Nadu").

The actor stays an actor; the place mention is added beside it so that a reader of the
output still sees where the text points (geoparsing gold annotates these metonymic and
adjectival uses). Events never take these mentions as their place: see ``from_actor``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from spacy.tokens import Doc
from unidecode import unidecode

from tocsin.doc_cache import doc_tokens
from tocsin.geo.finder import ARTICLES, NEVER_ALONE, PlaceMention
from tocsin.geo.gazetteer import get_gazetteer, normalize_place, site_keys
from tocsin.lexicon_data import table, words

# Population above which a name inside an organisation's name is read as a place
# ("Washington University", "Pakistan Cricket Board").
_EMBEDDED_POP = 100_000
_PLACE_FEATURES = frozenset({"country", "admin1", "admin2", "city", "region"})
# Last words of local institutions whose name starts with their town or county
# (lexicon/places.yaml).
_INSTITUTIONS = words("places", "institution_tails")


@lru_cache(maxsize=1)
def country_forms() -> dict[str, tuple[str, str]]:
    """normalised name/demonym/metonym -> (ISO3, kind) for every unambiguous country form."""
    from tocsin.geo.countries import countries

    owners: dict[str, set[str]] = {}
    kinds: dict[str, str] = {}
    for iso3, info in countries().items():
        for kind, forms in (("name", (info.name, *info.names)), ("demonym", info.demonyms),
                            ("metonym", info.metonyms)):
            for f in forms:
                k = normalize_place(f)
                if k:
                    owners.setdefault(k, set()).add(iso3)
                    kinds.setdefault(k, kind)
    return {k: (next(iter(v)), kinds[k]) for k, v in owners.items() if len(v) == 1}


def plural_people(text: str) -> bool:
    """"Mexicans", "South Africans", "Filipinos": people, not a place (geoparsing gold
    annotates "Mexican officials" but not "Mexicans"); "Swiss" or "Chinese" stay open."""
    if not text.endswith("s"):
        return False
    key = normalize_place(text[:-1])
    if key == normalize_place(text):
        return False
    hit = country_forms().get(key)
    return hit is not None and hit[1] == "demonym"


def capital_of(key: str) -> str | None:
    """The ISO3 of the country whose capital (as a metonym) has the name key ``key``."""
    hit = country_forms().get(key)
    return hit[0] if hit is not None and hit[1] == "metonym" else None


def _geo_run(doc: Doc, s: int, e: int, exact: bool = False
             ) -> tuple[int, int, str | None] | None:
    """The longest sub-span of tokens [s, e) that names a country (name, demonym or
    capital metonym) or a sizeable gazetteer place; with the country's ISO3 if known.
    ``exact``: a gazetteer place must be spelt as the text spells it (a modifier of a
    group noun is weak evidence: "Maasai" is not the Malaysian town Masai)."""
    forms = country_forms()
    gaz = get_gazetteer()
    for size in range(min(e - s, 6), 0, -1):  # "Democratic Republic of the Congo"
        for i in range(s, e - size + 1):
            span = doc[i:i + size]
            if not (span[0].is_title or span[0].is_upper) or span[0].lower_ == "the" or (
                    size == 1 and span[0].lower_ in NEVER_ALONE):
                continue
            key = normalize_place(span.text)
            hit = forms.get(key)
            if hit is not None and plural_people(span.text):
                continue
            if hit is not None:
                iso3, kind = hit
                if kind != "metonym" or any(x.country == iso3 and x.feature == "city"
                                            for x in gaz.lookup_key(key)):
                    return i, i + size, iso3
                continue
            whole = size == e - s
            # a local institution named after its town: "Richmond Police Department",
            # "Licking County Genealogy Society", "Nashville Film Festival"
            local = i == s and not whole and doc[e - 1].lower_ in _INSTITUTIONS
            for x in gaz.lookup_key(key):
                if exact and unidecode(x.name).casefold() != unidecode(span.text).casefold():
                    continue
                if x.feature in _PLACE_FEATURES and (
                        whole or x.population >= _EMBEDDED_POP
                        or (local and (x.population >= 1000 or x.feature == "admin2"))):
                    return i, i + size, None
    return None


_PLACE_NOUNS = words("places", "town_of_nouns")  # "the town of X"


def _locative_slot(doc: Doc, i: int) -> bool:
    """Does the name at token ``i`` follow "the town of" / "the village of"?"""
    return i >= 2 and doc[i - 1].lower_ == "of" and doc[i - 2].lower_ in _PLACE_NOUNS


def _is_region(text: str) -> bool:
    return any(x.feature in ("admin1", "country") for x in get_gazetteer().lookup(text))


def actor_place_mentions(doc: Doc, actor_mentions: list[Any],
                         actors: dict[str, Any]) -> list[PlaceMention]:
    """Place mentions found inside actor mentions (see the module docstring)."""
    out: list[PlaceMention] = []
    seen: set[tuple[int, int]] = set()
    for m in actor_mentions:
        if m.kind == "anaphor" or (m.tok_start, m.tok_end) in seen:
            continue
        seen.add((m.tok_start, m.tok_end))
        if m.kind == "generic":
            # the town before a group noun: "Richmond police", "a Harlem woman"
            # (a capital that only opens the sentence is no name: "Police officers")
            j = m.tok_start
            while j < m.tok_end - 1 and (doc[j].pos_ == "PROPN" or doc[j].is_title
                                         and doc[j].lower_ not in ARTICLES
                                         and not (doc[j].is_sent_start
                                                  and doc[j].pos_ == "NOUN")):
                j += 1
            s0 = m.tok_start
            while s0 < j and doc[s0].lower_ in ARTICLES:
                s0 += 1
            hit = _geo_run(doc, s0, j, exact=True) if j > s0 else None
            if hit is not None and hit[0] == s0 and hit[1] == j:
                span = doc[s0:j]
                pm = PlaceMention(span.text, span.start_char, span.end_char, s0, j, None,
                                  span.text)
                pm.country, pm.from_actor = hit[2], True
                out.append(pm)
            continue
        if m.kind == "ner" and _locative_slot(doc, m.tok_start):
            # a name the tagger took for a person or an organisation, in a place's slot
            # ("the town of Mussaiyab", "the province of Muthanna"): a place
            span = doc[m.tok_start:m.tok_end]
            hint = "province" if doc[m.tok_start - 2].lower_ in (
                "province", "governorate", "region") else "city"
            out.append(PlaceMention(span.text, span.start_char, span.end_char,
                                    m.tok_start, m.tok_end, hint, span.text))
            continue
        actor = actors.get(m.actor_id)
        person = actor is not None and actor.type == "person"
        if person and m.tok_end - m.tok_start < 2:
            continue
        found = _geo_run(doc, m.tok_start, m.tok_end)
        if found is None:
            continue
        s, e, iso3 = found
        if iso3 is None and m.kind == "kb" and m.candidates and normalize_place(
                doc[s:e].text) not in site_keys():
            continue  # a known organisation's own name is no place ("Hamas"), unless a
            # curated region's ("EU"); a name only the text defines may hold one ("the
            # Texas Water Development Board (TWDB)")
        if person and not (s == m.tok_start and e == m.tok_end and _is_region(doc[s:e].text)):
            continue  # a person's name is a place only when all of it is a region's name
        span = doc[s:e]
        pm = PlaceMention(span.text, span.start_char, span.end_char, s, e, None, span.text)
        pm.country = iso3
        pm.from_actor = True
        out.append(pm)
    return out


# Adjectives of world regions, read as the region ("European markets", "Central American
# migrants"); the region entries come from the gazetteer.
_REGION_ADJECTIVES = table("places", "region_adjectives")


def demonym_mentions(doc: Doc, taken: list[tuple[int, int]]) -> list[PlaceMention]:
    """Country and region adjectives outside actor mentions ("the Russian request",
    "Japanese officials", "Central American migrants"): they name a country as a place."""
    forms = country_forms()
    out: list[PlaceMention] = []
    i, n = 0, len(doc)
    toks = doc_tokens(doc)
    while i < n:
        tok = toks[i]
        if not tok.is_title or tok.ent_type_ in ("PERSON", "ORG", "WORK_OF_ART"):
            i += 1
            continue
        hit: tuple[int, str | None, str] | None = None  # (size, iso3, name)
        if i + 1 < n:
            two = f"{tok.lower_} {doc[i + 1].lower_}"
            if two in _REGION_ADJECTIVES:
                hit = (2, None, _REGION_ADJECTIVES[two])
        if hit is None:
            key = normalize_place(tok.text)
            form = forms.get(key)
            if form is not None and form[1] == "demonym" and not plural_people(tok.text):
                hit = (1, form[0], tok.text)
            elif tok.lower_ in _REGION_ADJECTIVES:
                hit = (1, None, _REGION_ADJECTIVES[tok.lower_])
        if hit is None:
            i += 1
            continue
        size, iso3, name = hit
        span = doc[i:i + size]
        if not any(span.start_char < e and s < span.end_char for s, e in taken):
            pm = PlaceMention(span.text, span.start_char, span.end_char, i, i + size, None,
                              name)
            pm.country = iso3
            pm.from_actor = True  # a nationality, never where an event happened
            out.append(pm)
        i += size
    return out
