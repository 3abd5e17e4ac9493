"""How generic actors are classed and named: the readable name a person would write
("Nigerian police", "unidentified gunmen (Kenya)") and ACLED's naming form ("Police Forces
of Nigeria", "Unidentified Armed Group (Kenya)"). The knowledge is in
``data/lexicon/actor_context.yaml``; this module only reads and applies it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from tocsin import lexicon_data
from tocsin.model import ActorType, actor_type

# ACLED's generic naming forms, grouped by who they denote: a state's forces, civilians
# (as protesters, rioters or victims), or an armed group nobody identified.
FAMILIES: dict[str, str] = {
    "military forces of": "state", "police forces of": "state", "government of": "state",
    "civilians": "civilians", "protesters": "civilians", "rioters": "civilians",
    "unidentified armed group": "unidentified",
}
_STATE_FORM = re.compile(r"^(military forces of|police forces of|government of)\s+(.+)$",
                         re.I)
_GROUP_FORM = re.compile(r"^(civilians|protesters|rioters|unidentified armed group)"
                         r"\s*\(([^)]*)\)", re.I)
STATE_TYPES = frozenset({"state", "government", "military", "police"})
# Acts a state does through its forces (a state named in them is "Military Forces of X");
# in others (protests addressed to it, agreements) it is the government.
_FORCE_ACTS = frozenset({None, "ASSAULT", "COERCE", "MOBILIZE", "RETREAT", "THREATEN"})
# Who an attack or coercion hits and ACLED calls civilians: people, companies, aid and
# media bodies, parties and their offices (an armed or state body keeps its own name).
_VICTIM_ACTS = frozenset({"ASSAULT", "COERCE"})
_CIVILIAN_KINDS = frozenset({"civilians", "person", "organization", "media", "party"})
_ARMED_KINDS = frozenset({"militia", "rebel", "unknown"})


@dataclass(frozen=True, slots=True)
class ActorClass:
    name: str
    type: ActorType
    state: bool  # a state's forces: takes the territory's state
    nouns: frozenset[str]  # head lemmas
    pairs: frozenset[str]  # "modifier head" lemmas ("riot police")
    cues: frozenset[str]  # one of these must modify the head (empty: none needed)
    bare: frozenset[str]  # heads that belong without a cue (when no armed group is named)
    display: str
    display_none: str
    acled: str


@dataclass(frozen=True, slots=True)
class ContextLexicon:
    classes: tuple[ActorClass, ...]
    not_state: frozenset[str]
    armed_group_types: frozenset[str]
    acled_country_names: dict[str, str]
    quantity_heads: frozenset[str] = frozenset()
    victim_nouns: frozenset[str] = frozenset()
    suspect_nouns: frozenset[str] = frozenset()
    mob_acts: frozenset[str] = frozenset()

    def get(self, name: str) -> ActorClass | None:
        return next((c for c in self.classes if c.name == name), None)


def _words(v: Any) -> frozenset[str]:
    return frozenset(str(w).lower() for w in (v or ()))


@lru_cache(maxsize=1)
def context_lexicon() -> ContextLexicon:
    data = lexicon_data.load("actor_context")  # the strict shared loader
    classes = []
    for c in data["classes"]:
        nouns = _words(c["nouns"])
        classes.append(ActorClass(
            c["name"], actor_type(c["type"]), bool(c.get("state")),
            frozenset(n for n in nouns if " " not in n),
            frozenset(n for n in nouns if " " in n), _words(c.get("cues")),
            _words(c.get("bare")), c["display"], c["display_none"], c["acled"]))
    return ContextLexicon(tuple(classes), _words(data.get("not_state")),
                          _words(data.get("armed_group_types")),
                          dict(data.get("acled_country_names") or {}),
                          _words(data.get("quantity_heads")),
                          _words(data.get("victim_nouns")),
                          _words(data.get("suspect_nouns")),
                          _words(data.get("mob_acts")))


@lru_cache(maxsize=1)  # (read for every act's target: built once from the cached lexicon)
def class_nouns() -> frozenset[str]:
    """Every head noun of the context classes ("rioter", "bandit", "army")."""
    return frozenset(n for c in context_lexicon().classes for n in c.nouns)


def cue_words() -> frozenset[str]:
    """Modifiers that qualify a group ("suspected", "unidentified", "armed")."""
    return frozenset(w for c in context_lexicon().classes for w in c.cues if " " not in w)


def class_pairs() -> frozenset[str]:
    """The two-word nouns of the context classes ("riot police", "security force")."""
    return frozenset(n for c in context_lexicon().classes for n in c.pairs)


def demonym(iso3: str) -> str | None:
    """The first demonym of a country ("Kenyan"), or None."""
    from tocsin.geo.countries import countries

    info = countries().get(iso3)
    return info.demonyms[0] if info and info.demonyms else None


def country_name(iso3: str) -> str:
    """A country's name as ACLED writes it ("Democratic Republic of Congo")."""
    from tocsin.geo.countries import countries

    special = context_lexicon().acled_country_names.get(iso3)
    if special:
        return special
    info = countries().get(iso3)
    return info.name if info else iso3


def display_name(cls: ActorClass, noun: str, iso3: str | None) -> str:
    """The readable name of a generic actor of ``cls`` ("Kenyan police")."""
    if iso3 is None:
        return cls.display_none.format(noun=noun)
    return cls.display.format(demonym=demonym(iso3) or country_name(iso3),
                              country=country_name(iso3), noun=noun)


def readable_generic(label: str, iso3: str | None) -> str:
    """A generic group's name with its country written as a person would ("Iraqi
    protesters"), not as a code ("IRQ protesters")."""
    if iso3 is None:
        return label
    return f"{demonym(iso3) or country_name(iso3)} {label}"


def _head(name: str) -> str:
    """The singular of a readable name's last word ("teachers" -> "teacher")."""
    words = re.sub(r"\(.*?\)", " ", name).lower().split()
    if not words:
        return ""
    w = words[-1]
    if w.endswith("ies"):
        return w[:-3] + "y"
    return w[:-1] if w.endswith("s") and not w.endswith("ss") else w


def _suspect(name: str) -> bool:
    """"a suspected robber", "a man accused of witchcraft": someone suspected, not an armed
    group (as the one attacked, ACLED's civilians: the victims of mob justice)."""
    lex = context_lexicon()
    return _head(name) in lex.victim_nouns | lex.suspect_nouns


def _kb_acled(actor_id: str) -> str | None:
    """The name ACLED gives a KB actor, where the KB records one (``acled:``)."""
    from tocsin.actors.kb import get_kb

    actor = get_kb().get(actor_id)
    return None if actor is None else actor.acled


def acled_name(actor_id: str, name: str, type_: str, country: str | None, in_kb: bool,
               event_type: str | None = None, mode: str | None = None, *,
               role: str | None = None, event_country: str | None = None) -> str:
    """ACLED's name for an actor in an event: a state's forces, civilians as protesters,
    rioters or victims, an unidentified armed group (each with its country), or the
    actor's own name. ACLED names generic actors, and the people, companies, aid and media
    bodies an attack or coercion hits (``role`` "target"), by the country the event took
    place in (``event_country``) when the text gives them none. Without any country, the
    generic forms do not apply."""
    generic = actor_id.startswith("generic:") and not in_kb
    victim = role == "target" and event_type in _VICTIM_ACTS and (
        type_ in _CIVILIAN_KINDS or (generic and type_ == "unknown" and _suspect(name)))
    if country is None and (generic or victim):
        country = event_country
    if role == "source" and event_type == "PROTEST" and type_ not in _ARMED_KINDS and (
            type_ != "civilians"):
        # ACLED codes whoever demonstrates (soldiers unpaid, a party's members, "Kenyans")
        # as protesters, or rioters when violent; the body is only their associate
        where = country or event_country
        cls = context_lexicon().get("rioters" if mode in {"riot", "violence"} else "protesters")
        if where is not None and cls is not None:
            return cls.acled.format(country=country_name(where))
    if country is not None and victim:
        cls = context_lexicon().get("civilians")
        if cls is not None and not (generic and type_ == "civilians"):
            return cls.acled.format(country=country_name(country))
    if country is None or (in_kb and type_ not in STATE_TYPES):
        return _kb_acled(actor_id) or name
    place = country_name(country)
    if type_ == "military" or (type_ == "state" and event_type in _FORCE_ACTS):
        return f"Military Forces of {place}"
    if type_ == "police":
        return f"Police Forces of {place}"
    if type_ in {"government", "state"}:  # a protest's or an accord's state
        return f"Government of {place}"
    if in_kb or not actor_id.startswith("generic:"):
        return name
    lex = context_lexicon()
    if type_ in {"unknown", "militia", "rebel"}:
        cls = lex.get("unidentified")
        return cls.acled.format(country=place) if cls else name
    if type_ == "civilians":
        head = _head(name)
        rioters, protesters = lex.get("rioters"), lex.get("protesters")
        # civilians who attack or coerce are, in ACLED's terms, rioters (a mob, villagers
        # burning a house): its civilians are only ever the ones hit
        if rioters and (head in rioters.nouns or (event_type == "PROTEST"
                                                  and mode in {"riot", "violence"})
                        or (role == "source" and event_type in _VICTIM_ACTS)):
            return rioters.acled.format(country=place)
        if protesters and (head in protesters.nouns or event_type == "PROTEST"):
            return protesters.acled.format(country=place)
        cls = lex.get("civilians")
        return cls.acled.format(country=place) if cls else name
    return name


def acled_family(acled: str) -> tuple[str, str | None] | None:
    """Who an ACLED generic name denotes and where: ("state", "Kenya") for "Police Forces
    of Kenya (2013-) General Service Unit", ("civilians", "Kenya") for "Rioters (Kenya)";
    None for a named group. The country is the name as written, without year ranges or
    sub-units."""
    text = " ".join(acled.split())
    m = _STATE_FORM.match(text)
    if m:
        country = re.split(r"\s*\(", m.group(2), maxsplit=1)[0].strip()
        return FAMILIES[m.group(1).lower()], country or None
    g = _GROUP_FORM.match(text)
    if g:
        return FAMILIES[g.group(1).lower()], g.group(2).strip() or None
    return None


def actor_family(actor_id: str, name: str, type_: str, country: str | None, in_kb: bool,
                 event_type: str | None = None, mode: str | None = None, *,
                 role: str | None = None, event_country: str | None = None
                 ) -> tuple[str, str] | None:
    """(family, ISO3) of the ACLED generic name an actor takes in an event (see
    `acled_name`), or None for a named group or an actor without a country."""
    fam = acled_family(acled_name(actor_id, name, type_, country, in_kb, event_type, mode,
                                  role=role, event_country=event_country))
    where = country or event_country
    return (fam[0], where) if fam is not None and where is not None else None
