"""Event confidence: a feature score mapped to the precision it had on the gold sets.

``raw_score`` adds up what makes a coded act trustworthy (main clause, a verb rather than a
noun, a specific trigger sense, named source and target, no modality that weakens it).
``confidence`` maps it through an isotonic (monotone) fit of the observed precision of the
event type at that score (data/lexicon/confidence.yaml, written by ``fit``), plus a tiny
share of the raw score so that ties keep the raw order. The table is data read at run
time; fitting it is evaluation's job (`tocsin.evaluate.calibration`): refit with

    TOCSIN_CACHE=... python -m tocsin.evaluate.calibration  # writes the table and docs

whenever the coder changes; docs/confidence.md shows the reliability table.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import yaml
from spacy.tokens import Token

from tocsin.events.roles import REPORT_NOUNS
from tocsin.events.triggers import clause_depth
from tocsin.lexicon import get_lexicon, lemma_forms

if TYPE_CHECKING:
    from tocsin.events.coder import CodedAct

_RAW_ONLY = False  # set while fitting (tocsin.evaluate.calibration): confidence is raw


def raw_score(act: CodedAct, has_place: bool, dated: bool) -> float:
    depth = clause_depth(act.token)
    m = act.frame.modality
    score = 0.5
    score += 0.15 if depth == 0 else (0.05 if depth == 1 else 0.0)
    score += 0.0 if act.nominal else 0.05
    score += 0.1 if act.roles.source else 0.0
    score += 0.05 if act.roles.target else 0.0
    score += 0.03 if has_place else 0.0
    score += 0.02 if dated else 0.0
    score += 0.05 if act.token.sent.start == 0 else 0.0  # the lead reports the main act
    if m.negated:
        score -= 0.1
    if m.hypothetical:
        score -= 0.05
    verb = act.token if not act.nominal else act.token.head
    if verb.tag_ in {"VBZ", "VBP"} and not m.future:
        score -= 0.05  # "the leader organizes bombings": a habit described, not an act
    if act.broad and not act.nominal:
        score -= 0.1  # a broad verb sense ("targeted a compound") names less than a specific one
    if _outcome(act.token):
        score += 0.12  # "forces targeted a leader, detaining two": the operation's result
    if _perfect(verb):
        score -= 0.05  # "had conducted attacks": background to the reported act
    if _described(act.token):
        score -= 0.1  # "the weapons seized last year", "who had attacked": a description
    return round(max(0.05, min(score, 0.95)), 3)


def _outcome(tok: Token) -> bool:
    """A participial clause that tells what an act achieved ("..., detaining two")."""
    head = tok.head
    return (tok.dep_ == "advcl" and tok.tag_ == "VBG" and head.pos_ in {"VERB", "AUX"}
            and tok.i > head.i and not any(c.dep_ in {"mark", "aux"} for c in tok.children)
            and clause_depth(head) == 0 and not lemma_forms(head) & get_lexicon().speech_verbs)


def _perfect(verb: Token) -> bool:
    """Past perfect or perfect infinitive: "had attacked", "is believed to have fired"."""
    return verb.tag_ == "VBN" and any(
        c.dep_ == "aux" and c.lower_ in {"had", "have"} and (
            c.lower_ == "had" or any(t.dep_ == "aux" and t.lower_ == "to" for t in verb.children))
        for c in verb.children)


def _described(tok: Token) -> bool:
    """An act inside a relative clause or a participial modifier of a noun."""
    cur = tok if tok.pos_ in {"VERB", "AUX"} else tok.head
    for _ in range(3):
        if cur.dep_ == "relcl" or (cur.dep_ == "acl" and cur.tag_ in {"VBN", "VBG"}):
            # "issued a statement condemning the attack" reports the statement's act; a
            # finite verb parsed as "acl" is a misparsed main clause.
            return not (cur.tag_ == "VBG" and cur.head.lemma_.lower() in REPORT_NOUNS)
        if cur.dep_ == "acl":
            return False
        if cur.dep_ not in {"conj", "xcomp", "prep", "pobj"}:
            return False
        cur = cur.head
    return False


@cache
def _table() -> tuple[tuple[float, float], ...]:
    path = resources.files("tocsin") / "data" / "lexicon" / "confidence.yaml"
    try:
        data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return ()
    return tuple((float(r["upto"]), float(r["precision"])) for r in data["bins"])


def calibrate(raw: float) -> float:
    """The calibrated confidence of a raw score (the raw score without a table)."""
    table = _table()
    if _RAW_ONLY or not table:
        return raw
    precision = next((p for upto, p in table if raw <= upto), table[-1][1])
    # A hundredth of the raw score breaks ties between events of one step in raw order.
    return precision * 0.99 + raw / 100
