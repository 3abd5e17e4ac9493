"""The event coder: one PLOVER event per reported act, with roles, modality and evidence.

Policy (as ACLED and PLOVER do): an act is coded where the text reports it — a verb
trigger in a main or reported clause, or an act noun under a light verb ("carried out an
attack") or standing as a headline. Background in relative clauses ("the group, which
fought ISIS, ...") is not a new event. An act that is only announced, threatened or
possible ("will strike", "could retaliate", "warned that X would target Y") is coded as
THREATEN with `modality.future`, never as the act itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Span, Token

from tocsin.actors.naming import class_nouns
from tocsin.doc_cache import span_tokens
from tocsin.events.modality import Frame, cues, read_modality
from tocsin.events.recode import demand_clauses, merge_contents, recode
from tocsin.events.roles import (
    OWN_WORDS,
    REPORT_NOUNS,
    ActorIndex,
    Roles,
    noun_roles,
    predicate_targets,
    prep_targets,
    trigger_roots,
    verb_roles,
)
from tocsin.events.triggers import Candidate, find_candidates
from tocsin.lexicon import Lexicon
from tocsin.lexicon_data import table, words

# Acts that, when only threatened, become THREATEN with this mode and CAMEO code; a COERCE
# mode maps to its threat's mode (lexicon/cameo.yaml).
THREAT_MODE = table("cameo", "threat_mode")
THREAT_CAMEO = table("cameo", "threat_cameo")
COERCE_TO_THREAT = table("cameo", "coerce_threat_mode")
ATTEMPT_NOUNS = words("roles", "attempt_nouns")


@dataclass(slots=True)
class CodedAct:
    """An act found in a sentence, before dates, places and ids are attached."""

    token: Token
    type: str
    mode: str | None
    cameo: str
    roles: Roles
    frame: Frame
    attached: list[Token]
    nominal: bool
    threat_from: Token | None = None  # the verb the threat was made with ("warned")
    broad: bool = False  # coded from a weak or broad sense ("targeted"): ranks lower
    trace: list[str] = field(default_factory=list)  # the rules that shaped it, in order
    dropped: str | None = None  # why the rules would not report it (the model may still)


@dataclass(slots=True)
class SentenceCoding:
    """What the rules make of one sentence: the acts they report, the acts they set aside
    (with the reason, for the decision stage to weigh), and every token they considered."""

    acts: list[CodedAct]
    dropped: list[CodedAct]
    seen: set[int]


def _clause_lemmas(tok: Token, extra: list[Token]) -> tuple[set[str], str]:
    words: list[Token] = []
    for root in [tok, *extra]:
        stack = [root]
        while stack:
            t = stack.pop()
            words.append(t)
            stack.extend(c for c in t.children
                         if c.dep_ not in {"ccomp", "advcl", "relcl", "parataxis", "conj"})
    if tok.dep_ in {"compound", "amod", "nmod"}:
        words.append(tok.head)
    words.sort(key=lambda t: t.i)
    lemmas = {t.lemma_.lower() for t in words} | {t.lower_ for t in words}
    return lemmas, " ".join(t.lower_ for t in words)


def _in_background(tok: Token, time_spans: list[tuple[int, int]]) -> bool:
    """Relative clauses and participial modifiers describe, they do not report, unless
    they carry their own date ("the base, which was hit on Friday, ...")."""
    cur = tok
    for _ in range(3):
        if cur.dep_ == "acl" and cur.tag_ == "VBG" and cur.head.lemma_.lower() in REPORT_NOUNS:
            return False  # "issued a statement condemning the attack": the statement's act
        if cur.dep_ == "acl" and cur.head.lemma_.lower() in ATTEMPT_NOUNS:
            return False  # "an attempt to assassinate the governor": an attempted act is one
        if cur.dep_ in {"relcl", "acl"}:
            sub = list(cur.subtree)
            lo, hi = sub[0].idx, sub[-1].idx + len(sub[-1])
            return not any(lo <= s < hi for s, _ in time_spans)
        if cur.dep_ not in {"conj", "xcomp"}:
            return False
        cur = cur.head
    return False


def _threat_content(verb: Token, lex: Lexicon) -> bool:
    """A threat verb threatens when it has no clausal complement ("threatened US forces")
    or its complement names a hostile act or a threat noun ("warned it would strike")."""
    comps = [c for c in verb.children if c.dep_ in {"ccomp", "xcomp"}]
    if not comps or verb.lemma_.lower() not in lex.threat_verbs:
        return True
    c = cues()
    for comp in comps:
        for t in comp.subtree:
            lemma = t.lemma_.lower()
            if lemma in c.threat_nouns:
                return True
            pos = "VERB" if t.pos_ in {"VERB", "AUX"} else "NOUN"
            if any(tr.type in THREAT_MODE or tr.type == "THREATEN"
                   for tr in lex.triggers_for(lemma, pos)):
                return True
    return False


def _roles(cand: Candidate, index: ActorIndex) -> Roles:
    roles = noun_roles(cand.token, index) if cand.nominal else verb_roles(cand.token, index)
    if cand.trigger.target_subject and not cand.nominal:
        # "the convoy came under fire": the subject is what was attacked.
        roles = Roles([], roles.source + [t for t in roles.target if t not in roles.source],
                      roles.target_phrases)
    for tok in cand.attached:
        if tok.pos_ in {"VERB", "AUX"}:
            extra = verb_roles(tok, index)
            if not roles.source:
                roles.source = [s for s in extra.source if s not in roles.target]
            roles.target += [t for t in extra.target
                             if t not in roles.target and t not in roles.source]
            roles.target_phrases += extra.target_phrases
            continue
        extra = noun_roles(tok, index)
        if not roles.source:
            roles.source = [s for s in extra.source if s not in roles.target]
        roles.target_phrases += extra.target_phrases
    return roles


def _as_threat(act: CodedAct) -> None:
    """Turn an announced or possible material act into the threat it is."""
    base = act.type
    act.trace.append(f"threat-modality: {base} announced or possible -> THREATEN")
    act.type = "THREATEN"
    act.mode = COERCE_TO_THREAT.get(act.mode or "", THREAT_MODE[base]) if base == "COERCE" \
        else THREAT_MODE[base]
    act.cameo = THREAT_CAMEO[base]
    act.frame.modality.future = True


def code_sentence(sent: Span, index: ActorIndex, lex: Lexicon,
                  time_spans: list[tuple[int, int]] | None = None) -> SentenceCoding:
    acts: list[CodedAct] = []
    dropped: list[CodedAct] = []
    seen: set[int] = set()
    for cand in find_candidates(sent, lex):
        seen.add(cand.token.i)
        seen.update(t.i for t in cand.attached)
        frame = read_modality(cand.token)
        trig = cand.trigger
        lemmas, text = _clause_lemmas(cand.token, cand.attached)
        # A protest sense's "demo" is the plain form; the clause may tell a more specific
        # one ("demonstrated and pelted police with stones" is a riot).
        plain = trig.type == "PROTEST" and trig.mode == "demo"
        mode = (None if plain else trig.mode) or lex.mode_for(trig.type, lemmas, text) \
            or trig.mode
        act = CodedAct(cand.token, trig.type, mode, trig.cameo, _roles(cand, index), frame,
                       cand.attached, cand.nominal,
                       broad=trig.weak or trig.broad)
        act.trace.append(f"lexicon: {trig.lemma!r} ({'noun' if cand.nominal else 'verb'})"
                         f" -> {trig.type} {trig.cameo}"
                         + ("" if mode is None else
                            f", mode {mode} ({'sense' if trig.mode else 'clause cue'})"))
        m = frame.modality
        if _in_background(cand.token, time_spans or []):
            act.dropped = "background: a relative clause or participial modifier"
            dropped.append(act)
            continue
        if trig.type == "THREATEN" and not cand.nominal and not _threat_content(cand.token,
                                                                               lex):
            continue  # "vowed not to leave", "warned they might be unable to ...": no threat
        if trig.attribution:
            if m.negated:
                continue  # "no group claimed responsibility" reports no act
            m.claimed = True
            act.trace.append("attribution: claimed responsibility")
        acts.append(act)
    acts = merge_contents(acts, lex)
    for act in list(acts):
        m = act.frame.modality
        if act.type in THREAT_MODE and (m.future or m.hypothetical or act.frame.unless) \
                and not m.negated and not act.frame.deontic:
            _as_threat(act)
            act.threat_from = act.frame.intent
        elif act.type == "PROTEST" and act.mode in {"boycott", "strike"} and not m.negated \
                and (m.future or (m.hypothetical and act.frame.speaker is not None)):
            # "said they would boycott the talks": a threat of non-violent pressure.
            act.type, act.mode, act.cameo = "THREATEN", "restrict", "1312"
            act.threat_from = act.frame.intent
            act.trace.append("threat-modality: announced boycott or strike -> THREATEN")
        elif not recode(act, lex, index):
            acts.remove(act)
    # A threat, promise or speech verb whose complement became the THREATEN event is that
    # event.
    governing = {a.threat_from.i for a in acts if a.threat_from is not None
                 and a.type == "THREATEN"}
    governing |= {a.frame.speaker.head.i for a in acts
                  if a.type == "THREATEN" and a.frame.speaker is not None}
    acts = [a for a in acts if not (a.type in {"THREATEN", "AGREE"} and a.token.i in governing)]
    acts = demand_clauses(sent, index, acts, lex)
    acts += _threat_statements(sent, index, acts)
    for act in acts:
        _complete_target(act, index)
        seen.add(act.token.i)
    return SentenceCoding(acts, dropped, seen)


# Acts that pass something to someone: their object is what is given ("offered troops to
# Lebanon"), so a recipient named in the predicate is the target rather than that object.
TRANSFER_TYPES = frozenset({"AGREE", "AID", "SUPPORT", "COOPERATE", "CONCEDE", "RETREAT",
                            "CONSULT", "MOBILIZE"})


# The party an accusation is about ("complained to the UN over Israeli raids"), and the
# recipient of what is given ("provide aid to refugees"), before anyone else in the predicate.
ABOUT_PREPS = words("roles", "about_preps")
RECIPIENT_PREPS = words("roles", "recipient_preps")


def _own_forces(act: CodedAct) -> bool:
    """"withdraw their peacekeeping force from Chad": one's own forces are not the target."""
    return any(c.dep_ in {"poss", "amod"} and c.lower_ in OWN_WORDS
               for p in act.roles.target_phrases for c in p.children)


def _complete_target(act: CodedAct, index: ActorIndex) -> None:
    generic_only = bool(act.roles.target) and all(index.generic(t) for t in act.roles.target)
    if act.roles.target and not (generic_only and (
            act.type in TRANSFER_TYPES | {"REJECT"} or _own_forces(act))):
        return
    speaker = act.frame.speaker
    exclude = act.roles.source + (index.head_actors(speaker) if speaker is not None else [])
    if generic_only:
        exclude = exclude + act.roles.target
    roots = trigger_roots(act.token, act.nominal)
    preps = ABOUT_PREPS if act.type == "ACCUSE" else (
        RECIPIENT_PREPS if act.type in TRANSFER_TYPES and not generic_only else frozenset())
    found, phrases = prep_targets(roots, preps, index, exclude) if preps else ([], [])
    if not found:
        found, phrases = predicate_targets(act.token, act.nominal, index, exclude)
    if generic_only and all(index.generic(t) for t in found):
        return  # nothing better than the object itself
    if act.type in {"ASSAULT", "COERCE"} and found and all(
            ph.i in index.places for ph in phrases) and any(
            p.lemma_.lower() in class_nouns() for p in act.roles.target_phrases):
        return  # "arrested two men in Garissa": the men (made actors later), not Kenya
    act.roles.target = found
    act.roles.target_phrases += phrases


def _threat_statements(sent: Span, index: ActorIndex, acts: list[CodedAct]) -> list[CodedAct]:
    """'X said the response will come', 'the countdown has begun': threats without an act."""
    c = cues()
    out: list[CodedAct] = []
    covered = {a.token.i for a in acts} | {t.i for a in acts for t in a.attached}
    for tok in span_tokens(sent):
        if tok.lemma_.lower() not in c.threat_nouns or tok.i in covered:
            continue
        if tok.dep_ not in {"nsubj", "nsubjpass"}:
            continue
        verb = tok.head
        frame = read_modality(verb)
        countdown = tok.lemma_.lower() == "countdown"
        if verb.dep_ == "advcl" and any(ch.dep_ == "mark" for ch in verb.children):
            continue  # "if war starts": a condition, not an announced response
        if not (frame.modality.future or frame.modality.hypothetical or countdown):
            continue
        if frame.modality.negated:
            continue
        speaker = frame.speaker
        source = index.phrase_actors(speaker) if speaker is not None else []
        if not source and not countdown:
            continue
        frame.modality.future = True
        roles = Roles(source, [], [])
        for obj in [ch for ch in tok.children if ch.dep_ == "prep"]:
            roles.target += [a for p in obj.children for a in index.phrase_actors(p)
                             if a not in source]
        out.append(CodedAct(tok, "THREATEN", "violence", "138", roles, frame, [], True,
                            trace=["threat-statement: a response or countdown announced"]))
        covered.add(tok.i)
    return out

