"""Modality of a reported act, read off the dependency parse around its trigger.

Negated ("did not attack"), hypothetical ("could retaliate", "if ..."), future or
announced ("will respond", "vowed to strike"), denied ("denied that their forces attacked")
and reported-by ("..., the coalition said"): the cues are data (lexicon/modality.yaml).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from spacy.tokens import Token

from tocsin.lexicon import lemma_forms
from tocsin.lexicon_data import load
from tocsin.model import Modality

CLAUSE_DEPS = frozenset({"ccomp", "xcomp", "advcl", "conj", "relcl", "acl", "pcomp"})


@dataclass(frozen=True, slots=True)
class ModalityCues:
    negation: frozenset[str]
    denial_verbs: frozenset[str]
    hypothetical_modals: frozenset[str]
    conditional_marks: frozenset[str]
    future_aux: frozenset[str]
    intent_verbs: frozenset[str]
    threat_nouns: frozenset[str]
    claim_phrases: tuple[str, ...]
    fatality_lemmas: frozenset[str]
    injury_lemmas: frozenset[str]
    ruled_out: frozenset[str] = frozenset()
    own_support: frozenset[str] = frozenset()
    deontic_modals: frozenset[str] = frozenset()
    refusal_verbs: frozenset[str] = frozenset()
    obligation_verbs: frozenset[str] = frozenset()


@lru_cache(maxsize=1)
def cues() -> ModalityCues:
    data: dict[str, Any] = load("modality")
    sets = {k: frozenset(str(w).lower() for w in v) for k, v in data.items()
            if k != "claim_phrases"}
    return ModalityCues(claim_phrases=tuple(data["claim_phrases"]), **sets)


def speech_verbs() -> frozenset[str]:
    from tocsin.lexicon import get_lexicon

    return get_lexicon().speech_verbs


def threat_verbs() -> frozenset[str]:
    from tocsin.lexicon import get_lexicon

    return get_lexicon().threat_verbs


def _negated_subject(verb: Token) -> bool:
    return any(d.dep_ == "det" and d.lower_ in {"no", "neither"}
               for subj in verb.children if subj.dep_ in {"nsubj", "nsubjpass"}
               for d in subj.children)


def _own_children(tok: Token) -> list[Token]:
    return [c for c in tok.children if c.dep_ not in CLAUSE_DEPS]


def governor(tok: Token) -> Token | None:
    """The verb whose clause contains `tok`'s clause (None at the root)."""
    # "is willing to withdraw": the adjective's copula carries the clause upwards.
    if (tok.dep_ in CLAUSE_DEPS or tok.dep_ == "acomp") and tok.head.i != tok.i:
        return tok.head
    return None


def _ruled_out(trigger: Token, verb: Token, phrases: frozenset[str]) -> bool:
    """The act is the subject of a predicate that excludes it ("lifting the sanctions is
    out of the question", "a ceasefire is off the table")."""
    if trigger is verb:
        if verb.dep_ not in {"csubj", "csubjpass"} and not (
                verb.tag_ == "VBG" and verb.dep_ in {"nsubj", "nsubjpass"}):
            return False
        pred, end = verb.head, max(t.i for t in verb.subtree)
    elif trigger.dep_ in {"nsubj", "nsubjpass"}:
        pred, end = verb, max(t.i for t in trigger.subtree)
    else:
        return False
    rest = " ".join(t.lower_ for t in pred.subtree if t.i > end)
    return any(p in rest for p in phrases)


def _asks_own_support(verb: Token, support: frozenset[str]) -> bool:
    """"requested close air support to engage them": the purpose of a unit's call for its
    own support is an act in progress, not an announced one."""
    for obj in verb.children:
        if obj.dep_ == "dobj":
            phrase = " ".join(t.lower_ for t in obj.subtree)
            if any(s in phrase for s in support):
                return True
    return False


@dataclass(slots=True)
class Frame:
    """What the clauses above a trigger say about it."""

    modality: Modality
    speaker: Token | None = None  # subject of the verb of saying that reports the act
    intent: Token | None = None  # the threatening/intending verb ("vowed", "warned")
    deontic: bool = False  # "Libya must hand over the suspects": a demand, not an act
    refusal: Token | None = None  # "refused to meet", "failed to reach": the refusing verb
    unless: bool = False  # "will withdraw unless ...": a conditional threat


def read_modality(trigger: Token) -> Frame:
    c = cues()
    m = Modality()
    frame = Frame(m)
    verb = trigger if trigger.pos_ in {"VERB", "AUX"} else trigger.head
    if any(ch.dep_ == "advcl" and any(m2.dep_ == "mark" and m2.lower_ == "unless"
                                      for m2 in ch.children) for ch in verb.children):
        frame.unless = True
    for child in _own_children(verb):
        low = child.lower_
        if child.dep_ == "neg" or (child.dep_ == "advmod" and low in c.negation):
            m.negated = True
        if child.dep_ == "aux":
            if low in c.future_aux or child.lemma_.lower() in c.future_aux:
                m.future = True
            elif low in c.deontic_modals:
                frame.deontic = True
            elif low in c.hypothetical_modals:
                m.hypothetical = True
        if child.dep_ == "mark" and low in c.conditional_marks:
            m.hypothetical = True
    if _negated_subject(verb):
        m.negated = True  # "no group claimed responsibility"
    if _ruled_out(trigger, verb, c.ruled_out):
        m.negated = True  # "talks with the rebels are out of the question"
    if trigger is not verb and any(ch.dep_ == "neg" or ch.lower_ == "no"
                                   for ch in trigger.children):
        m.negated = True
    # "going to attack": future by construction.
    if verb.dep_ == "xcomp" and verb.head.lemma_ == "go" and any(
            ch.dep_ == "aux" and ch.lower_ == "to" for ch in verb.children):
        m.future = True
    # Walk up the clauses: intent, denial and reporting verbs govern the act.
    cur: Token = verb
    for _ in range(4):
        gov = governor(cur)
        if gov is None:
            break
        lemma = gov.lemma_.lower()
        forms = lemma_forms(gov)
        gov_neg = any(ch.dep_ == "neg" for ch in gov.children)
        if cur.dep_ == "xcomp" and cur is verb and forms & c.obligation_verbs:
            frame.deontic = True  # "Iraq has to cooperate", "needs to withdraw"
        if cur.dep_ == "xcomp" and forms & c.refusal_verbs and frame.refusal is None:
            frame.refusal = gov
            m.negated = True
        # A misparsed "has sworn to fight" (advcl); other verbs' advcl infinitives are
        # purposes ("requested air support to engage them").
        infinitive = cur.dep_ == "advcl" and bool(forms & threat_verbs()) and any(
            ch.dep_ == "aux" and ch.lower_ == "to" for ch in cur.children)
        if (cur.dep_ in {"xcomp", "ccomp"} or infinitive) and forms & c.intent_verbs and (
                cur.dep_ == "xcomp" or infinitive or m.hypothetical or m.future) and not (
                _asks_own_support(gov, c.own_support)):
            m.future = True
            frame.intent = frame.intent or gov
        if cur.dep_ == "ccomp" and lemma in c.denial_verbs:
            m.denied = True
            m.negated = True
        if forms & speech_verbs() and cur.dep_ == "ccomp" and frame.speaker is None:
            subj = [ch for ch in gov.children if ch.dep_ in {"nsubj", "nsubjpass"}]
            if subj:
                frame.speaker = subj[0]
            if lemma in {"claim", "allege"} and not gov_neg and not _negated_subject(gov):
                m.claimed = True
        if cur.dep_ == "advcl" and any(ch.dep_ == "mark" and ch.lower_ in c.conditional_marks
                                       for ch in cur.children):
            m.hypothetical = True
        if any(ch.dep_ == "advcl" and any(m2.dep_ == "mark" and m2.lower_ == "unless"
                                          for m2 in ch.children) for ch in cur.children):
            frame.unless = True
        if gov_neg and cur.dep_ == "xcomp":
            m.negated = True
        cur = gov
    return frame
