"""The event-coding lexicon (data/lexicon/events.yaml): triggers, mode cues, verb classes.

Loaded once per process on first use (``get_lexicon``), validated on load so that a typo
in the data fails loudly instead of silently coding nothing. The design and the policy
choices are described in docs/event-lexicon.md.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml
from spacy.tokens import Token

from tocsin import lexicon_data
from tocsin.model import PLOVER_TYPES

LEXICON_PATH = Path(__file__).resolve().parent / "data" / "lexicon" / "events.yaml"
POS_TAGS = frozenset({"VERB", "NOUN"})
ARTICLES = lexicon_data.words("english", "articles")  # dropped from trigger phrases
_SET_FIELDS = ("objects", "not_objects", "subjects", "not_subjects", "modifiers",
               "not_modifiers", "context")
_BOOL_FIELDS = ("complement", "other_subject", "target_subject", "predicative", "weak",
                "broad", "attribution")
_KEYS = frozenset({"lemma", "pos", "cameo", "mode", "note", *_SET_FIELDS, *_BOOL_FIELDS})
_CAMEO = re.compile(r"^(0[1-9]|1[0-9]|20)\d{1,2}$")


class LexiconError(ValueError):
    """The lexicon data is malformed (unknown key, type, mode, POS or CAMEO code)."""


def cameo_root(code: str) -> str:
    """The two-digit CAMEO root of a code: "190" -> "19", "0871" -> "08"."""
    return code[:2]


def phrase_words(lemma: str) -> tuple[str, ...]:
    """A trigger's words as spaCy tokenises them: articles dropped, hyphens kept as tokens."""
    spaced = re.sub(r"(?<=\w)-(?=\w)", " - ", lemma.lower())
    return tuple(w for w in spaced.split() if w not in ARTICLES)


def _overlap(allowed: frozenset[str], given: Collection[str]) -> bool:
    return any(g.lower() in allowed for g in given)


@dataclass(frozen=True, slots=True)
class Trigger:
    """One sense of a trigger word or phrase, with the restrictions that select it."""

    lemma: str
    words: tuple[str, ...]
    pos: frozenset[str]
    type: str
    cameo: str
    mode: str | None = None
    objects: frozenset[str] | None = None
    not_objects: frozenset[str] | None = None
    subjects: frozenset[str] | None = None
    not_subjects: frozenset[str] | None = None
    modifiers: frozenset[str] | None = None
    not_modifiers: frozenset[str] | None = None
    context: frozenset[str] | None = None
    complement: bool = False       # fires only with a clausal complement ("vowed to ...")
    other_subject: bool = False    # ... whose subject is another party ("wants Iran to go")
    target_subject: bool = False   # the subject is the target ("came under fire")
    predicative: bool = False      # not an event as a modifier ("Iran-backed militia")
    weak: bool = False             # only when the sentence has no other trigger
    broad: bool = False            # names the aim more than the act ("targeted"): ranks lower
    attribution: bool = False      # says who did an event ("claimed responsibility")
    note: str | None = None

    @property
    def cameo_root(self) -> str:
        return cameo_root(self.cameo)

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1

    def phrase_in(self, following: Sequence[str]) -> bool:
        """Whether the words after the first occur, in order, among `following` lemmas."""
        it = iter(w.lower() for w in following)
        return all(any(w == f for f in it) for w in self.words[1:])

    def accepts(
        self, *, objects: Collection[str] = (), subjects: Collection[str] = (),
        modifiers: Collection[str] = (), clause_lemmas: Collection[str] = (),
        has_complement: bool = False, other_subject: bool = False,
    ) -> bool:
        """Whether the sense restrictions hold. Pass lemmas (lowercase); for two-word
        entries such as "tear gas" also pass the "compound head" string."""
        checks: tuple[tuple[frozenset[str] | None, Collection[str], bool], ...] = (
            (self.objects, objects, True), (self.not_objects, objects, False),
            (self.subjects, subjects, True), (self.not_subjects, subjects, False),
            (self.modifiers, modifiers, True), (self.not_modifiers, modifiers, False),
            (self.context, clause_lemmas, True),
        )
        for allowed, given, must in checks:
            if allowed is not None and _overlap(allowed, given) != must:
                return False
        if self.other_subject and not other_subject:
            return False
        return has_complement or not self.complement


Cues = tuple[tuple[str, tuple[str, ...]], ...]
# (mode, one-word cues, cue pattern, the words a match can start with, if known)
_ModeCues = tuple[str, frozenset[str], re.Pattern[str], frozenset[str] | None]
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Lexicon:
    triggers: dict[str, tuple[Trigger, ...]]  # keyed by the first word of the lemma
    modes: dict[str, Cues]                    # type -> ((mode, cues), ...) in priority order
    speech_verbs: frozenset[str]
    threat_verbs: frozenset[str]
    light_verbs: frozenset[str] = frozenset()
    target_light_verbs: frozenset[str] = frozenset()
    _patterns: dict[str, tuple[_ModeCues, ...]] = field(
        default_factory=dict, repr=False, compare=False)

    def triggers_for(self, lemma: str, pos: str) -> tuple[Trigger, ...]:
        """Senses keyed by `lemma` for this part of speech (PROPN counts as NOUN). Phrases
        are included: check ``Trigger.phrase_in`` for their remaining words."""
        pos = "NOUN" if pos == "PROPN" else pos
        key = lemma.lower()
        found = tuple(t for t in self.triggers.get(key, ()) if pos in t.pos)
        if found or pos != "NOUN":
            return found
        # The small model leaves some plurals unlemmatised ("Airstrikes" as PROPN).
        for stem in _singulars(key):
            found = tuple(t for t in self.triggers.get(stem, ()) if pos in t.pos)
            if found:
                return found
        return ()

    def mode_for(self, type_: str, lemmas: Collection[str], text_lower: str) -> str | None:
        """The first mode of `type_` whose cues occur among the clause's lemmas or text."""
        lowered = {lemma.lower() for lemma in lemmas}
        present = _text_words(text_lower)
        for mode, words, pattern, heads in self._patterns.get(type_, ()):
            if not lowered.isdisjoint(words) or (
                    (heads is None or not heads.isdisjoint(present))
                    and pattern.search(text_lower)):
                return mode
        return None

    def resolve_mode(self, trigger: Trigger, lemmas: Collection[str], text_lower: str
                     ) -> str | None:
        """A trigger's fixed mode, else the one its clause's cues give."""
        return trigger.mode or self.mode_for(trigger.type, lemmas, text_lower)

    def modes_of(self, type_: str) -> tuple[str, ...]:
        return tuple(mode for mode, _ in self.modes.get(type_, ()))

    def __iter__(self) -> Iterator[Trigger]:
        for senses in self.triggers.values():
            yield from senses

    def by_type(self, type_: str) -> tuple[Trigger, ...]:
        return tuple(t for t in self if t.type == type_)


def lemma_forms(tok: Token) -> frozenset[str]:
    """A token's lemma plus its lowercase form and plain de-inflections of it: the small
    model mislemmatises some verbs ("staged" -> "stag"), which must not hide a light verb
    or a verb of saying."""
    low = tok.lower_
    out = {tok.lemma_.lower(), low}
    if tok.tag_ in {"VBD", "VBN"} and low.endswith("ed"):
        out |= {low[:-1], low[:-2]}
        if low.endswith("ied"):
            out.add(low[:-3] + "y")
        if len(low) > 4 and low[-3] == low[-4]:
            out.add(low[:-3])  # "stopped" -> "stop"
    elif tok.tag_ == "VBZ" and low.endswith("s"):
        out |= {low[:-1], low[:-2]}
    elif tok.tag_ == "VBG" and low.endswith("ing"):
        out |= {low[:-3], low[:-3] + "e"}
    return frozenset(out)


def _singulars(word: str) -> list[str]:
    out = []
    if word.endswith("ies"):
        out.append(word[:-3] + "y")
    if word.endswith("es"):
        out.append(word[:-2])
    if word.endswith("s"):
        out.append(word[:-1])
    return out


def _guarded(trig: Trigger) -> bool:
    """Sort key: senses that need a subject, modifier or context cue come after the rest,
    so a caller that checks only objects still falls back on the broad sense."""
    return any(x is not None for x in (trig.subjects, trig.modifiers, trig.context))


def _cue_alt(cue: str) -> str:
    """A cue as a regex: " ... " stands for up to four words, so that one cue covers the
    phrase with its object inside ("set a police van ablaze")."""
    return r"(?:\s+\S+){0,4}\s+".join(re.escape(part) for part in cue.lower().split(" ... "))


@lru_cache(maxsize=64)
def _text_words(text_lower: str) -> frozenset[str]:
    """The words of a clause's text (asked for once per mode-bearing type)."""
    return frozenset(_WORD.findall(text_lower))


def _cue_heads(cues: Sequence[str]) -> frozenset[str] | None:
    """The words a match of `_cue_pattern` can start with, a cheap test before the
    search: a match starts a word, with a cue's first characters; that word ends where
    the cue's first part has a non-word character, else at the part's end (then, for a
    one-part cue, "s" or "es" may follow). None when some cue starts with no word
    character (then the pattern is always searched)."""
    heads: set[str] = set()
    for cue in cues:
        parts = cue.lower().split(" ... ")
        word = _WORD.match(parts[0])
        if word is None:
            return None
        head = word.group(0)
        heads.add(head)
        if head == parts[0] and len(parts) == 1:
            heads |= {head + "s", head + "es"}
    return frozenset(heads)


def _cue_pattern(cues: Sequence[str]) -> re.Pattern[str]:
    alts = sorted((_cue_alt(c) for c in cues), key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(alts) + r")(?:s|es)?(?!\w)")


def _trigger(type_: str, raw: dict[str, Any], modes: frozenset[str]) -> Trigger:
    where = f"{type_} trigger {raw.get('lemma')!r}"
    unknown = set(raw) - _KEYS
    if unknown:
        raise LexiconError(f"{where}: unknown keys {sorted(unknown)}")
    pos = frozenset(raw.get("pos") or ())
    if not pos or not pos <= POS_TAGS:
        raise LexiconError(f"{where}: pos must be a non-empty subset of {sorted(POS_TAGS)}")
    cameo = str(raw.get("cameo", ""))
    if not _CAMEO.match(cameo):
        raise LexiconError(f"{where}: bad CAMEO code {cameo!r}")
    mode = raw.get("mode")
    if mode is not None and mode not in modes:
        raise LexiconError(f"{where}: mode {mode!r} is not a mode of {type_}")
    extra: dict[str, Any] = {
        k: frozenset(str(v).lower() for v in raw[k]) for k in _SET_FIELDS if k in raw}
    extra.update({k: bool(raw[k]) for k in _BOOL_FIELDS if k in raw})
    lemma = str(raw["lemma"]).lower()
    return Trigger(lemma=lemma, words=phrase_words(lemma), pos=pos, type=type_, cameo=cameo,
                   mode=mode, note=raw.get("note"), **extra)


def load_lexicon(path: Path = LEXICON_PATH) -> Lexicon:
    """Read and validate a lexicon file (``get_lexicon`` caches the packaged one)."""
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    modes: dict[str, Cues] = {}
    for type_, entries in (data.get("modes") or {}).items():
        if type_ not in PLOVER_TYPES:
            raise LexiconError(f"modes: unknown event type {type_!r}")
        modes[type_] = tuple((str(e["mode"]), tuple(str(c).lower() for c in e["cues"]))
                             for e in entries)
    index: dict[str, list[Trigger]] = {}
    seen: set[tuple[object, ...]] = set()
    for type_, entries in (data.get("triggers") or {}).items():
        if type_ not in PLOVER_TYPES:
            raise LexiconError(f"triggers: unknown event type {type_!r}")
        allowed = frozenset(m for m, _ in modes.get(type_, ()))
        for raw in entries:
            trig = _trigger(type_, raw, allowed)
            for p in trig.pos:
                key = (trig.words, p, type_, trig.objects, trig.subjects, trig.modifiers)
                if key in seen:
                    raise LexiconError(f"duplicate trigger {trig.lemma!r} {p} {type_}")
                seen.add(key)
            index.setdefault(trig.words[0], []).append(trig)
    patterns = {
        t: tuple((mode, frozenset(c for c in cues if " " not in c), _cue_pattern(cues),
                  _cue_heads(cues))
                 for mode, cues in entries)
        for t, entries in modes.items()
    }

    def words(key: str) -> frozenset[str]:
        return frozenset(str(w).lower() for w in data.get(key) or ())

    return Lexicon(
        triggers={k: tuple(sorted(v, key=_guarded)) for k, v in index.items()}, modes=modes,
        speech_verbs=words("speech_verbs"), threat_verbs=words("threat_verbs"),
        light_verbs=words("light_verbs"), target_light_verbs=words("target_light_verbs"),
        _patterns=patterns,
    )


# The lexicon of the pipeline running in this context (`tocsin.resources`).
ACTIVE_LEXICON: ContextVar[Lexicon | None] = ContextVar("tocsin_lexicon", default=None)


@cache
def packaged_lexicon() -> Lexicon:
    return load_lexicon()


def get_lexicon() -> Lexicon:
    """The running pipeline's lexicon, else the packaged one (loaded on first use)."""
    return ACTIVE_LEXICON.get() or packaged_lexicon()
