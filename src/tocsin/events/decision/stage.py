"""The decision stage: one place where a candidate becomes an event, or does not.

For each candidate the model gives the probability of each outcome (no event, or a type
with its mode) and of being the report's main act. The outcome with the highest
probability decides, except where a hand rule is precise and named here:

- ``rules: modality``: an act the rules recoded by its clause (an announced or possible
  attack is a THREATEN, an obligation a REQUEST, a refused cooperation a REJECT, an
  intended one an AGREE) is an event with that reading whatever the model's score (the
  model still gives its salience, and the report head can still find the text quiet);
- ``rules: threat``: a candidate the model promotes but whose clause announces it
  ("will attack") becomes the threat it is;
- ``rules: once per sentence``: a candidate found without the parse does not repeat an
  act of the same type the rules already report in that sentence;
- ``rules: habit, retelling``: an act the rules set aside as a pattern described in the
  present ("has repeatedly bombed") or as a definite act noun retelling an act the report
  already gave ("the strike hit a vehicle") is never an event of its own: both readings
  are exact, and an event from either would double one the report already has;
- ``rules: protest form``: a protest whose sentence, or a sentence next to it, tells of
  fire, stones, looting or fighting with the police is a riot, whatever plainer form its
  own word names ("students protested the fees ... and torched a bus" is ACLED's violent
  demonstration): the model reads each candidate alone and tends to the plain form.

Without a packaged model the rules decide alone, and the trace says so. Every decision
carries its trace (``Decision.why``): the candidate, the rules that shaped it, the model's
scores and the features that weighed most.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
from spacy.tokens import Token

from tocsin.events.coder import THREAT_MODE, CodedAct, _as_threat
from tocsin.events.decision.candidates import EventCandidate, word_forms
from tocsin.events.decision.model import NONE, EventModel, document_features, rule_prior
from tocsin.events.modality import read_modality
from tocsin.events.roles import ActorIndex, Roles, noun_roles, verb_roles
from tocsin.lexicon import Lexicon

# The share of probability on "an event" above which a candidate is reported, unless the
# model card sets the one cross-validation chose.
THRESHOLD = 0.5
MODALITY_RULES = ("threat-modality", "obligation", "negated cooperation", "intent",
                  "conditional", "demand-clause", "threat-statement")
# Reasons the rules give for setting an act aside that no model score overrides.
RULED_OUT = ("habitual:", "retold:")
# Protest forms that violence next to the act makes a riot.
PLAIN_PROTEST = frozenset({None, "demo", "obstruct"})
DEFAULT_CAMEO = {"AGREE": "030", "CONSULT": "040", "SUPPORT": "051", "CONCEDE": "080",
                 "COOPERATE": "060", "AID": "070", "RETREAT": "080", "REQUEST": "100",
                 "ACCUSE": "110", "REJECT": "120", "THREATEN": "130", "PROTEST": "140",
                 "SANCTION": "160", "MOBILIZE": "150", "COERCE": "170", "ASSAULT": "190"}


@dataclass(slots=True)
class Decision:
    act: CodedAct
    salience: float | None  # probability of being the report's main act (None: no model)
    probability: float | None  # the model's probability of the chosen type
    why: dict[str, Any]


def _split(label: str) -> tuple[str, str | None]:
    """A label as (type, mode): mode "None" is no mode, "?" a mode left to the rules."""
    typ, _, mode = label.partition(":")
    return typ, (mode or None) if mode != "None" else None


def _cameo(tok: Token, typ: str, lex: Lexicon, rule: CodedAct | None) -> str:
    if rule is not None and rule.type == typ:
        return rule.cameo
    for form in word_forms(tok):
        for trig in lex.triggers.get(form, ()):
            if trig.type == typ and not trig.is_phrase:
                return trig.cameo
    return DEFAULT_CAMEO[typ]


def _positional_roles(tok: Token, index: ActorIndex) -> Roles:
    """Roles by position when the parse gives none: the nearest actor before the trigger
    is the source, the nearest after it the target (within the sentence)."""
    sent = tok.sent
    left = [index.by_token[i][0] for i in range(tok.i - 1, sent.start - 1, -1)
            if i in index.by_token]
    right = [index.by_token[i][0] for i in range(tok.i + 1, sent.end) if i in index.by_token]
    source = left[:1]
    target = [a for a in right[:1] if a not in source]
    return Roles(source, target, [])


def _new_act(c: EventCandidate, typ: str, mode: str | None, lex: Lexicon,
             index: ActorIndex) -> tuple[CodedAct, str]:
    """A CodedAct for a candidate the rules did not report."""
    tok = c.token
    if c.act is not None:
        act = c.act
        act.dropped = None
        roles_from = "parse"
    else:
        nominal = tok.pos_ not in {"VERB", "AUX"}
        roles = noun_roles(tok, index) if nominal else verb_roles(tok, index)
        roles_from = "parse"
        if not roles.source and not roles.target:
            roles, roles_from = _positional_roles(tok, index), "position"
        act = CodedAct(tok, typ, mode, _cameo(tok, typ, lex, None), roles,
                       read_modality(tok), [], nominal)
    act.type, act.mode, act.cameo = typ, mode, _cameo(tok, typ, lex, c.act)
    return act, roles_from


@dataclass(slots=True)
class Scored:
    """A candidate under the model, before it is accepted or not. The trace (``why``) is
    written when it is accepted: most candidates are not, and it is the costly part."""

    cand: EventCandidate
    label: str
    p_event: float
    p_main: float
    by_type: dict[str, float]
    rows: list[int]
    p: np.ndarray
    model: EventModel
    cues: frozenset[str] = frozenset()  # TYPE:mode cued in its sentence or next to it
    _why: dict[str, Any] | None = None

    @property
    def why(self) -> dict[str, Any]:
        if self._why is None:
            self._why = _trace(self)
        return self._why


@cache
def _type_index(classes: tuple[str, ...]) -> tuple[list[str], np.ndarray]:
    """The types of a class list and each class's type number (computed once per model)."""
    types = [_split(c)[0] for c in classes]
    names = sorted(set(types))
    return names, np.array([names.index(t) for t in types])


def _cued(feats: list[str]) -> frozenset[str]:
    return frozenset(f.split("=", 1)[1] for f in feats if f.startswith(("cue=", "ncue=")))


def score(c: EventCandidate, feats: list[str], model: EventModel) -> Scored:
    """The model's reading of one candidate, with the rules' prior (``rule_prior`` in the
    card: what the rules' choice of type adds to that type's score)."""
    classes = model.label.classes
    none_i = classes.index(NONE)
    rows = model.rows(feats)
    rule_type = c.act.type if c.origin == "rule" and c.act is not None else None
    z = model.label.logits(rows) + rule_prior(classes, rule_type,
                                              float(model.card.get("rule_prior", 0.0)))
    e = np.exp(z - z.max())
    p = e / e.sum()
    p_event = 1.0 - float(p[none_i])
    p_main = float(model.main.proba(rows)[model.main.classes.index("1")])
    masked = p.copy()
    masked[none_i] = -1.0
    best = int(masked.argmax())
    names, idx = _type_index(tuple(classes))
    sums = np.bincount(idx, weights=masked.clip(0.0), minlength=len(names))
    by_type = {t: float(v) for t, v in zip(names, sums, strict=True) if t != NONE}
    return Scored(c, classes[best], p_event, p_main, by_type, rows, p, model, _cued(feats))


def _trace(s: Scored) -> dict[str, Any]:
    """The candidate, the rules that shaped it, the model's scores and the features that
    weighed most."""
    c, model, p = s.cand, s.model, s.p
    classes = model.label.classes
    none_i = classes.index(NONE)
    order = [int(i) for i in p.argsort()[::-1] if int(i) != none_i]
    best = order[0]
    why: dict[str, Any] = {
        "candidate": c.origin, "trigger": c.token.text,
        "rules": list(c.act.trace) if c.act is not None else [],
        "model": {"label": classes[best], "p_label": round(float(p[best]), 3),
                  "p_event": round(s.p_event, 3), "p_main": round(s.p_main, 3),
                  "alternatives": [[classes[i], round(float(p[i]), 3)] for i in order[1:4]],
                  "features": [[n, round(w, 2)] for n, w in model.label.contributions(
                      s.rows, model.names, best)]},
    }
    if c.act is not None and c.act.dropped:
        why["dropped_by_rules"] = c.act.dropped
    return why


def _by_modality(c: EventCandidate) -> bool:
    """The rules recoded this act by its clause: precise, and rare in training texts."""
    return c.origin == "rule" and c.act is not None and any(
        t.split(":", 1)[0] in MODALITY_RULES for t in c.act.trace)


def _ruled_out(c: EventCandidate) -> bool:
    return c.origin == "dropped" and c.act is not None and (c.act.dropped or "").startswith(
        RULED_OUT)


def accept(s: Scored, lex: Lexicon, index: ActorIndex) -> Decision:
    """A scored candidate made an event: the model's type and mode, unless a named rule
    below is more precise."""
    c, why = s.cand, s.why
    typ, mode = _split(s.label)
    rule = c.act if c.origin == "rule" else None
    if rule is not None and _by_modality(c):
        why["decided_by"] = "rules: modality"
        return Decision(rule, s.p_main, s.by_type.get(rule.type, 0.0), why)
    if mode == "?" and rule is not None and rule.type == typ:
        mode = rule.mode
    elif mode == "?":
        mode = lex.mode_for(typ, {t.lemma_.lower() for t in c.token.sent},
                            c.token.sent.text.lower())
    riot = typ == "PROTEST" and mode in PLAIN_PROTEST and "PROTEST:riot" in s.cues
    if riot:
        mode = "riot"
    why.setdefault("decided_by", "model")
    if riot:
        why["decided_by"] += ", then rules: protest form"
    return made(c, typ, mode, lex, index, why, s.p_main, s.by_type.get(typ, 0.0))


def made(c: EventCandidate, typ: str, mode: str | None, lex: Lexicon, index: ActorIndex,
         why: dict[str, Any], salience: float | None = None,
         probability: float | None = None) -> Decision:
    """A candidate made an event of ``typ`` and ``mode`` by a coder (``why`` says which):
    roles from the parse, else by position; an act its clause announces is the threat it
    is (``rules: threat``)."""
    act, roles_from = _new_act(c, typ, mode, lex, index)
    why["roles"] = roles_from
    m = act.frame.modality
    if c.origin != "rule" and typ in THREAT_MODE and (m.future or m.hypothetical) \
            and not m.negated:
        _as_threat(act)
        why["decided_by"] += ", then rules: threat"
    return Decision(act, salience, probability, why)


def rules_only(acts: list[CodedAct], reason: str = "rules (no model packaged)"
               ) -> list[Decision]:
    """Without a model the rules' acts are the events, and their trace says so."""
    return [Decision(a, None, None, {"candidate": "rule", "rules": list(a.trace),
                                     "decided_by": reason})
            for a in acts]


def decide(cands: list[EventCandidate], features: list[list[str]], model: EventModel | None,
           lex: Lexicon, index: ActorIndex) -> tuple[list[Decision], Scored | None]:
    """Decide every candidate of one sentence: the events, and the best candidate left
    under the threshold (the report's event if the whole report has none over it)."""
    if model is None:
        return rules_only([c.act for c in cands if c.origin == "rule" and c.act is not None]
                          ), None
    threshold = float(model.card.get("threshold", THRESHOLD))
    pairs = [(c, f) for c, f in zip(cands, features, strict=True) if not _ruled_out(c)]
    scored = [score(c, f, model) for c, f in pairs]
    kept = [s.p_event >= threshold or _by_modality(s.cand) for s in scored]
    out = [accept(s, lex, index) for s, k in zip(scored, kept, strict=True) if k]
    rest = [s for s, k in zip(scored, kept, strict=True) if not k]
    runner_up = max(rest, key=lambda s: s.p_event * s.p_main) if rest else None
    return _once_per_sentence(out), runner_up


def report_probability(model: EventModel | None, features: list[list[str]]) -> float | None:
    """The report head's probability that a text, given its candidates' features, reports
    any act (None without a model or a report head)."""
    if model is None or model.report is None or not features:
        return None
    return float(model.report.proba(model.rows(document_features(features)))[1])


def fallback(runner_up: Scored | None, model: EventModel | None, lex: Lexicon,
             index: ActorIndex) -> Decision | None:
    """A report with no event over the threshold reports its most likely main act when
    its event probability reaches the card's ``fallback`` (chosen by cross-validation)."""
    if runner_up is None or model is None:
        return None
    if runner_up.p_event < float(model.card.get("fallback", 1.0)):
        return None
    runner_up.why["decided_by"] = "model: fallback (no act in the report over the threshold)"
    return accept(runner_up, lex, index)


def _once_per_sentence(decisions: list[Decision]) -> list[Decision]:
    """A candidate found without the rules does not repeat a type they already report."""
    ruled = {d.act.type for d in decisions if d.why["candidate"] == "rule"}
    out = []
    for d in decisions:
        if d.why["candidate"] != "rule" and d.act.type in ruled:
            continue
        out.append(d)
    return out
