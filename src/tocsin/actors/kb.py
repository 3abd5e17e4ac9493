"""The knowledge base: shipped YAML files of actors, plus every country from pycountry.

Knowledge is data (``data/kb/*.yaml``); this module only loads, validates and indexes it.
"""

from __future__ import annotations

import os
import re
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from tocsin.actors.normalize import ascii_fold, name_key, skeleton
from tocsin.model import ACTOR_TYPES, ActorType, actor_type

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
ROLE_TYPES = frozenset(
    {"leader_of", "deputy_of", "member_of", "spokesperson_of", "founded", "commander_of"}
)


@dataclass(frozen=True, slots=True)
class Role:
    type: str
    object: str
    start: str | None = None
    end: str | None = None

    def holds_on(self, day: str | None) -> bool:
        """Whether the role held on an ISO date (unknown bounds count as open)."""
        if day is None:
            return True
        if self.start and day < self.start:
            return False
        return not (self.end and day > self.end)


@dataclass(frozen=True, slots=True)
class Designation:
    authority: str
    programme: str | None
    date: str | None


@dataclass(slots=True)
class KBActor:
    id: str
    name: str
    type: ActorType
    country: str | None
    aliases: tuple[str, ...] = ()
    ambiguous_aliases: tuple[str, ...] = ()
    parents: tuple[str, ...] = ()
    allies: tuple[str, ...] = ()
    roles: tuple[Role, ...] = ()
    designations: tuple[Designation, ...] = ()
    sources: tuple[str, ...] = ()
    description: str | None = None
    origin: str = "kb"
    # Where an international or transnational actor operates: context for its aliases.
    theatre: tuple[str, ...] = ()
    # ACLED's name for the actor where it differs from ours ("Islamist Militia
    # (Mozambique)" for the Cabo Delgado insurgents): what the ACLED export writes.
    acled: str | None = None

    def names(self) -> list[str]:
        return [self.name, *self.aliases, *self.ambiguous_aliases]


@dataclass(frozen=True, slots=True)
class AliasHit:
    actor_id: str
    alias: str
    ambiguous: bool
    kind: str  # "name" | "alias" | "demonym" | "metonym" | "force"


class KBError(ValueError):
    """A knowledge-base file that does not follow the declared format."""


@dataclass(slots=True)
class KnowledgeBase:
    actors: dict[str, KBActor] = field(default_factory=dict)
    by_key: dict[str, list[AliasHit]] = field(default_factory=dict)
    by_skeleton: dict[str, list[AliasHit]] = field(default_factory=dict)
    # first word of a key -> the most words a key starting with it has
    first_words: dict[str, int] = field(default_factory=dict)
    max_words: int = 1
    # text -> hits: the scan asks for the same spans in every document ("The United
    # States", "al-"), and the key and skeleton cost more than the answer
    _memo: dict[str, list[AliasHit]] = field(default_factory=dict, repr=False)

    def add(self, actor: KBActor, index: bool = True) -> None:
        if actor.id in self.actors:
            raise KBError(f"duplicate actor id {actor.id!r}")
        self.actors[actor.id] = actor
        if not index:
            return
        for alias in [actor.name, *actor.aliases]:
            self.index(alias, AliasHit(actor.id, alias, False, "alias"))
        for alias in actor.ambiguous_aliases:
            self.index(alias, AliasHit(actor.id, alias, True, "alias"))

    def index(self, alias: str, hit: AliasHit) -> None:
        key = name_key(alias)
        if not key or is_stray_function_word(alias) or (
                hit.kind == "alias" and not hit.ambiguous and is_common_word(alias)
                and not alias.strip().isupper()):
            return  # "It", "people": common words are names only as acronyms ("WHO")
        self._memo.clear()  # (an index changed: answers given before may be stale)
        hits = self.by_key.setdefault(key, [])
        if all(h.actor_id != hit.actor_id for h in hits):
            hits.append(hit)
        words = key.split()
        self.first_words[words[0]] = max(self.first_words.get(words[0], 0), len(words))
        self.max_words = max(self.max_words, len(words))
        # Skeletons only for long KB names (country forms are spelled consistently, and
        # "Haiti forces" must not meet "Houthi forces").
        if hit.kind == "alias" and len(key.replace(" ", "")) >= 7:
            sk = self.by_skeleton.setdefault(skeleton(alias), [])
            if all(h.actor_id != hit.actor_id for h in sk):
                sk.append(hit)

    def lookup(self, text: str) -> list[AliasHit]:
        known = self._memo.get(text)
        if known is None:
            if len(self._memo) > 200_000:
                self._memo.clear()
            known = self._memo[text] = self._lookup(text)
        return list(known)

    def _lookup(self, text: str) -> list[AliasHit]:
        hits = self.by_key.get(name_key(text))
        if hits and text.strip().casefold() in common_words():
            # Case-bound: "WHO" and "US" name actors, "who" and "us" do not. Ambiguous
            # aliases ("rebels") already need the context's support.
            hits = [h for h in hits if h.ambiguous or h.alias == text.strip()]
        if hits:
            # The key folds vowels, so "Mali" meets "Malé": a name spelled exactly as
            # written beats another's transliteration variant.
            folded = ascii_fold(text)
            exact = [h for h in hits if ascii_fold(h.alias) == folded]
            return exact if exact and len(exact) < len(hits) else hits
        word = text.strip()
        if 4 <= len(word) <= 6 and word.isalpha() and word.isupper():
            # "RENAMO", "SAMIM": a name written in capitals (keyed as an acronym) is the
            # name, when no acronym is spelled so.
            return self._lookup(word.title())
        key = name_key(text)
        if len(key.replace(" ", "")) < 7:
            return []
        # A consonant skeleton only counts when every word starts with the same letter
        # (Hezbollah ~ Hizbullah, but not Nasrallah ~ Ansarallah).
        firsts = [w[0] for w in key.split()]
        return [h for h in self.by_skeleton.get(skeleton(text), [])
                if [w[0] for w in name_key(h.alias).split()] == firsts]

    def get(self, actor_id: str) -> KBActor | None:
        return self.actors.get(actor_id)


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Common English words that are names only in one spelling: spaCy's function words
    and the generic group nouns of actor_nouns.yaml ("forces", "people") with plurals."""
    from spacy.lang.en.stop_words import STOP_WORDS

    from tocsin.actors.nouns import actor_nouns

    generic = set(actor_nouns().generic)
    return frozenset({*STOP_WORDS, *generic, *(g + "s" for g in generic)})


def is_common_word(alias: str) -> bool:
    return alias.strip().casefold() in common_words()


def is_stray_function_word(alias: str) -> bool:
    """A function word ("It", "who") that is not an all-capitals acronym ("WHO", "IS")."""
    from spacy.lang.en.stop_words import STOP_WORDS

    return alias.strip().casefold() in STOP_WORDS and not alias.strip().isupper()


def _str_tuple(entry: dict[str, Any], key: str) -> tuple[str, ...]:
    value = entry.get(key) or []
    if not isinstance(value, list):
        raise KBError(f"{entry.get('id')}: {key} must be a list")
    return tuple(str(v) for v in value)


def _date(value: Any) -> str | None:
    return None if value is None else str(value)


def parse_entry(entry: dict[str, Any], origin: str) -> KBActor:
    """One YAML entry -> KBActor, with the checks that do not need the other entries."""
    actor_id = str(entry.get("id", ""))
    if not ID_RE.match(actor_id):
        raise KBError(f"{origin}: bad id {actor_id!r}")
    if entry.get("type") not in ACTOR_TYPES:
        raise KBError(f"{origin}: {actor_id}: bad type {entry.get('type')!r}")
    if not entry.get("name"):
        raise KBError(f"{origin}: {actor_id}: missing name")
    roles = tuple(
        Role(str(r["type"]), str(r["object"]), _date(r.get("start")), _date(r.get("end")))
        for r in entry.get("roles") or []
    )
    for r in roles:
        if r.type not in ROLE_TYPES:
            raise KBError(f"{origin}: {actor_id}: bad role type {r.type!r}")
    designations = tuple(
        Designation(str(d["authority"]), d.get("programme"), _date(d.get("date")))
        for d in entry.get("designations") or []
    )
    return KBActor(
        id=actor_id, name=str(entry["name"]), type=actor_type(str(entry["type"])),
        country=entry.get("country"), aliases=_str_tuple(entry, "aliases"),
        ambiguous_aliases=_str_tuple(entry, "ambiguous_aliases"),
        parents=_str_tuple(entry, "parents"), allies=_str_tuple(entry, "allies"),
        roles=roles, designations=designations, sources=_str_tuple(entry, "sources"),
        description=entry.get("description"), origin=origin,
        theatre=_str_tuple(entry, "theatre"),
        acled=None if entry.get("acled") is None else str(entry["acled"]),
    )


def _kb_files() -> list[Path]:
    folder = resources.files("tocsin") / "data" / "kb"
    return sorted(
        Path(str(p)) for p in folder.iterdir()
        if p.name.endswith(".yaml") and p.name != "countries.yaml"
    )


def user_kb_dir() -> Path:
    """Where user and imported KB files live: $TOCSIN_KB_DIR or ~/.config/tocsin/kb/."""
    env = os.environ.get("TOCSIN_KB_DIR")
    return Path(env).expanduser() if env else Path.home() / ".config" / "tocsin" / "kb"


def user_kb_files(exclude: Path | None = None) -> list[Path]:
    """Every *.yaml file in the user KB dir, sorted (``exclude`` leaves one out)."""
    folder = user_kb_dir()
    if not folder.is_dir():
        return []
    skip = exclude.resolve() if exclude else None
    return sorted(p for p in folder.glob("*.yaml") if p.resolve() != skip)


EXTEND_FIELDS = frozenset({"extend", "aliases", "ambiguous_aliases", "designations",
                           "sources", "roles", "parents", "allies"})


def _extend(kb: KnowledgeBase, entry: dict[str, Any], origin: str) -> None:
    """A user entry ``{extend: ID, aliases, designations, roles, sources...}``: adds names
    and facts to an existing actor; never replaces its name, type or country."""
    actor = kb.actors.get(str(entry["extend"]))
    if actor is None:
        raise KBError(f"{origin}: extend: unknown actor id {entry['extend']!r}")
    if set(entry) - EXTEND_FIELDS:
        raise KBError(f"{origin}: extend {actor.id}: only {sorted(EXTEND_FIELDS)} may be "
                      f"added, not {sorted(set(entry) - EXTEND_FIELDS)}")
    known = {name_key(n) for n in actor.names()}
    for field_name, ambiguous in (("aliases", False), ("ambiguous_aliases", True)):
        new = [a for a in _str_tuple(entry, field_name) if name_key(a) not in known]
        known |= {name_key(a) for a in new}
        setattr(actor, field_name, (*getattr(actor, field_name), *new))
        for alias in new:
            kb.index(alias, AliasHit(actor.id, alias, ambiguous, "alias"))
    facts = parse_entry({**entry, "id": actor.id, "name": actor.name, "type": actor.type},
                        origin)
    for field_name in ("designations", "roles", "parents", "allies", "sources"):
        old = getattr(actor, field_name)
        setattr(actor, field_name,
                (*old, *(x for x in getattr(facts, field_name) if x not in old)))


def _add_countries(kb: KnowledgeBase) -> None:
    from tocsin.geo.countries import countries, country_surface_forms

    for info in countries().values():
        # Country names are indexed by kind below, so that syntax can tell the state
        # acting ("Iraq condemned") from the place ("in Iraq").
        kb.add(KBActor(id=info.iso3.lower(), name=info.name, type="state",
                       country=info.iso3, origin="countries"), index=False)
    for form, iso3, kind in country_surface_forms():
        kb.index(form, AliasHit(iso3.lower(), form, False, kind))


def load_kb(extra: list[Path] | None = None, strict: bool = True,
            user: bool = True, exclude: Path | None = None) -> KnowledgeBase:
    """Countries, then every shipped KB file, then the user KB dir (``user``), then
    ``extra`` files; validates references. User files add actors or ``extend`` existing
    ones; an id defined twice is an error (nothing is overridden)."""
    kb = KnowledgeBase()
    _add_countries(kb)
    paths = [*_kb_files(), *(user_kb_files(exclude) if user else []), *(extra or [])]
    extensions: list[tuple[dict[str, Any], str]] = []
    for path in paths:
        # libyaml when present: imported user files can hold thousands of entries.
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER) or []
        if not isinstance(data, list):
            raise KBError(f"{path.name}: expected a list of entries")
        for entry in data:
            if not isinstance(entry, dict):
                raise KBError(f"{path}: entry is not a mapping: {entry!r}")
            if "extend" in entry and "id" not in entry:
                extensions.append((entry, path.name))
                continue
            actor = parse_entry(entry, path.name)
            if actor.id in kb.actors:
                raise KBError(f"{path}: id {actor.id!r} is already defined in "
                              f"{kb.actors[actor.id].origin}; KB files cannot override "
                              f"entries (use a new id, or `extend: {actor.id}` to add names)")
            kb.add(actor)
    # Extensions last, so that they may target an actor from any file.
    for entry, origin in extensions:
        _extend(kb, entry, origin)
    for actor in kb.actors.values():
        for ref in (*actor.parents, *actor.allies, *(r.object for r in actor.roles)):
            if ref not in kb.actors and strict:
                raise KBError(f"{actor.origin}: {actor.id}: unknown reference {ref!r}")
    return kb


# The knowledge base of the pipeline running in this context (`tocsin.resources`); the
# packaged one, loaded on first use, when none is set.
ACTIVE_KB: ContextVar[KnowledgeBase | None] = ContextVar("tocsin_kb", default=None)


@lru_cache(maxsize=1)
def packaged_kb() -> KnowledgeBase:
    return load_kb()


class _KBAccess:
    """``get_kb()``: the running pipeline's knowledge base, else the packaged one;
    ``get_kb.cache_clear()`` reloads the packaged one (after the user KB changes)."""

    def __call__(self) -> KnowledgeBase:
        return ACTIVE_KB.get() or packaged_kb()

    def cache_clear(self) -> None:
        packaged_kb.cache_clear()


get_kb = _KBAccess()
