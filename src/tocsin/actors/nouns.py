"""Actor mentions and the common-noun vocabulary that finds them (actor_nouns.yaml):
generic groups, state nouns, anaphors, honorifics; and the event-lexicon words an actor
never is (weapons) or acts through (event nouns)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import yaml
from spacy.tokens import Token

from tocsin.actors.kb import AliasHit

if TYPE_CHECKING:
    from tocsin.lexicon import Lexicon

SUBJECT_OBJECT_DEPS = frozenset(
    {"nsubj", "nsubjpass", "dobj", "pobj", "appos", "conj", "poss", "compound", "ROOT",
     "attr", "agent", "dative", "npadvmod", "oprd"}
)


@dataclass(slots=True)
class ActorMention:
    start: int  # char offsets
    end: int
    tok_start: int
    tok_end: int
    text: str
    kind: str  # kb | country | ner | generic | anaphor
    candidates: list[AliasHit] = field(default_factory=list)
    actor_id: str | None = None
    # For actors outside the KB: (name, type, country).
    new_actor: tuple[str, str, str | None] | None = None
    score: float = 1.0


@dataclass(frozen=True, slots=True)
class ActorNouns:
    generic: dict[str, str]  # lemma -> actor type
    state_nouns: frozenset[str]
    state_acts: frozenset[str]
    org_anaphors: frozenset[str]
    person_anaphors: frozenset[str]
    locative_preps: frozenset[str]
    place_nouns: frozenset[str]
    owned_site_nouns: frozenset[str]
    admin_suffixes: frozenset[str]
    locative_heads: frozenset[str]
    group_cues: frozenset[str]
    honorifics: frozenset[str]
    person_pronouns: frozenset[str]
    org_pronouns: frozenset[str]
    # Title nouns that refer to their holder ("envoy", "emir", "minister").
    titles: frozenset[str] = frozenset()
    # What can follow a space in a generic key ("opposition groups": "groups"): a head
    # noun outside it has no compound reading, so its children need no look.
    compound_heads: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "compound_heads", frozenset(
            k[p + 1:] for k in self.generic for p, ch in enumerate(k) if ch == " "))


def overlaps(a0: int, a1: int, spans: list[tuple[int, int]]) -> bool:
    """Whether the token range [a0, a1) overlaps any of ``spans``."""
    return any(a0 < b1 and b0 < a1 for b0, b1 in spans)


@lru_cache(maxsize=1)
def actor_nouns() -> ActorNouns:
    path = resources.files("tocsin") / "data" / "lexicon" / "actor_nouns.yaml"
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    generic = {w: t for t, words in data["generic"].items() for w in words}
    return ActorNouns(
        generic=generic,
        state_nouns=frozenset(data["state_nouns"]),
        state_acts=frozenset(data["state_acts"]),
        org_anaphors=frozenset(data["anaphors"]["organization"]),
        person_anaphors=frozenset(data["anaphors"]["person"]),
        locative_preps=frozenset(data["locative_preps"]),
        place_nouns=frozenset(data["place_nouns"]),
        owned_site_nouns=frozenset(data["owned_site_nouns"]),
        admin_suffixes=frozenset(data["admin_suffixes"]),
        locative_heads=frozenset(data["locative_heads"]),
        honorifics=frozenset(data["honorifics"]),
        group_cues=frozenset(data["type_cues"]["militia"]),
        person_pronouns=frozenset(data["pronouns"]["person"]),
        org_pronouns=frozenset(data["pronouns"]["organization"]),
        titles=frozenset(data.get("titles") or ()),
    )


# Derived from the running lexicon, per lexicon (a pipeline may carry its own).
_DERIVED: dict[tuple[str, int], tuple[object, frozenset[str]]] = {}


def _per_lexicon(name: str, make: Callable[[Lexicon], frozenset[str]]) -> frozenset[str]:
    from tocsin.lexicon import get_lexicon

    lex = get_lexicon()
    hit = _DERIVED.get((name, id(lex)))
    if hit is None or hit[0] is not lex:
        hit = (lex, make(lex))
        _DERIVED[(name, id(lex))] = hit
    return hit[1]


def weapon_words() -> frozenset[str]:
    """Instrument cues of the ASSAULT modes (rocket, drone, IED...): never actors."""
    return _per_lexicon("weapons", lambda lex: frozenset(
        w.lower() for _mode, words in lex.modes.get("ASSAULT", ()) for w in words
        if " " not in w))


def event_nouns() -> frozenset[str]:
    """Nouns that name an act ("strike", "sanctions"): a country before one is its actor."""
    return _per_lexicon("event nouns", lambda lex: frozenset(
        t.words[0] for t in lex if "NOUN" in t.pos and len(t.words) == 1))


def noun_forms(tok: Token) -> set[str]:
    """Lemma and surface forms of a noun: the small model lemmatises "bases" to "basis"."""
    low = tok.lower_
    return {tok.lemma_.lower(), low, low[:-1] if low.endswith("s") else low,
            low[:-2] if low.endswith("es") else low}
