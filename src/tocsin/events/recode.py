"""What the clause around an act makes of it: the same verb is a different event when it is
demanded, refused, promised, threatened or only the purpose of another act.

- The content of a request, refusal or promise is that event's content, not an event of its
  own ("urged Iraq to release the hostages" is one REQUEST with mode `yield`; "refused to
  meet" one REJECT; "agreed to withdraw" one AGREE).
- A purpose infinitive of a coded act is that act's aim ("staged rallies to demand reforms"
  is one PROTEST).
- Obligation ("Libya must hand over the suspects") is a REQUEST by whoever says so.
- A negated or refused act of cooperation ("will not meet", "failed to reach agreement") is
  a REJECT; a negated act of conflict stays that act with `negated`.
- An announced or intended act of cooperation ("will visit", "is ready to send troops") is
  an AGREE (CAMEO 03: express intent to ...); an announced act of conflict a THREATEN.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from spacy.tokens import Span

from tocsin.doc_cache import span_tokens
from tocsin.events.roles import ActorIndex, Roles
from tocsin.lexicon import Lexicon, lemma_forms
from tocsin.lexicon_data import table

if TYPE_CHECKING:
    from tocsin.events.coder import CodedAct

COOPERATIVE = frozenset({"AGREE", "CONSULT", "SUPPORT", "COOPERATE", "AID", "RETREAT",
                         "CONCEDE"})
# CAMEO code of the intent (03x), demand (10x), appeal (02x) or rejection (12x) of an act,
# and the REQUEST/REJECT mode from the act asked for or refused (lexicon/cameo.yaml).
INTENT_CAMEO = table("cameo", "intent_cameo")
DEMAND_CAMEO = table("cameo", "demand_cameo")
APPEAL_CAMEO = table("cameo", "appeal_cameo")
REJECT_CAMEO = table("cameo", "reject_cameo")
CONTENT_MODE = table("cameo", "content_mode")
GOVERNING = frozenset({"REQUEST", "REJECT"})
CONTENT_DEPS = frozenset({"xcomp", "ccomp"})
PURPOSE_DEPS = frozenset({"advcl", "xcomp"})


def _intent_code(act: CodedAct) -> str:
    if act.type == "RETREAT" and act.mode == "release":
        return "0353"
    if act.type == "RETREAT" and act.mode in {"withdraw", "ceasefire", "disarm"}:
        return "0356"
    return INTENT_CAMEO.get(act.type, "030")


def content_mode(act: CodedAct, lex: Lexicon, lemmas: set[str], text: str) -> str | None:
    return CONTENT_MODE.get(act.type) or lex.mode_for("REQUEST", lemmas, text)


def _is_purpose(tok_dep: str, has_to: bool) -> bool:
    return tok_dep in PURPOSE_DEPS and has_to


def merge_contents(acts: list[CodedAct], lex: Lexicon) -> list[CodedAct]:
    """Fold the content of requests, refusals and promises, and the purposes of acts, into
    the act that governs them."""
    by_tok = {a.token.i: a for a in acts}
    for a in acts:
        if a.nominal and a.token.head.pos_ in {"VERB", "AUX"}:
            by_tok.setdefault(a.token.head.i, a)  # the light verb stands for its noun
    dropped: set[int] = set()
    for act in acts:
        tok = act.token
        if act.nominal or tok.head.i == tok.i:
            continue
        gov = by_tok.get(tok.head.i)
        if gov is None and tok.dep_ == "ccomp" and tok.head.dep_ == "acl":
            gov = by_tok.get(tok.head.head.i)  # "a declaration demanding that X provide"
        if gov is None or gov is act or id(gov) in dropped:
            continue
        content_dep = tok.dep_ in CONTENT_DEPS or (gov.nominal and tok.dep_ == "acl")
        if content_dep and gov.type in GOVERNING:
            gov.mode = gov.mode or CONTENT_MODE.get(act.type) or act_mode_cue(act, lex)
            table = REJECT_CAMEO if gov.type == "REJECT" else (
                APPEAL_CAMEO if gov.cameo.startswith("02") else DEMAND_CAMEO)
            if gov.cameo[-1] == "0" and len(gov.cameo) == 3:
                gov.cameo = table.get(act.type, gov.cameo)
            if not gov.roles.target:
                gov.roles.target = [t for t in act.roles.source if t not in gov.roles.source]
            gov.trace.append(f"content: {act.type} '{tok.text}' is what is asked or refused")
            dropped.add(id(act))
        elif content_dep and gov.type == "AGREE" and act.type in COOPERATIVE:
            if gov.cameo == "030":
                gov.cameo = _intent_code(act)
            gov.trace.append(f"content: {act.type} '{tok.text}' is what is agreed")
            dropped.add(id(act))
        elif _is_purpose(tok.dep_, any(c.dep_ == "aux" and c.lower_ == "to"
                                       for c in tok.children)) and gov.type not in {
                "AGREE", "THREATEN"}:
            dropped.add(id(act))  # "staged rallies to demand reforms": the rally's aim
            gov.trace.append(f"purpose: {act.type} '{tok.text}' is this act's aim")
    return [a for a in acts if id(a) not in dropped]


def act_mode_cue(act: CodedAct, lex: Lexicon) -> str | None:
    words = {t.lemma_.lower() for t in act.token.subtree}
    text = " ".join(t.lower_ for t in act.token.subtree)
    return lex.mode_for("REQUEST", words, text)


def _speaker_actors(act: CodedAct, index: ActorIndex) -> list[str]:
    sp = act.frame.speaker
    return index.head_actors(sp) if sp is not None else []


def recode(act: CodedAct, lex: Lexicon, index: ActorIndex) -> bool:
    """Recode `act` by its modality in place; False when the act is to be dropped."""
    m = act.frame.modality
    f = act.frame
    if act.type in {"REQUEST", "REJECT", "ACCUSE"}:
        return True
    if f.deontic and not m.negated:
        # "Libya must hand over the suspects", "Iraq has to cooperate": a demand on the
        # subject, made by whoever says so.
        mode = CONTENT_MODE.get(act.type) or act_mode_cue(act, lex)
        target = act.roles.source or act.roles.target
        act.roles = Roles(_speaker_actors(act, index), list(target), act.roles.target_phrases)
        act.trace.append(f"obligation: {act.type} that someone must do -> REQUEST")
        act.type, act.mode, act.cameo = "REQUEST", mode, DEMAND_CAMEO.get(act.type, "100")
        m.hypothetical = m.future = False
        return True
    if act.type not in COOPERATIVE:
        return True
    if m.negated and not m.denied:
        # "will not meet the demands", "failed to reach agreement", "has not allowed
        # inspectors": a refusal of that act.
        act.mode = CONTENT_MODE.get(act.type)
        act.trace.append(f"negated cooperation: {act.type} not done -> REJECT")
        act.type, act.cameo = "REJECT", REJECT_CAMEO.get(act.type, "120")
        m.negated = m.future = m.hypothetical = False
        return True
    if m.negated:
        return True
    intended = m.future or f.intent is not None or (m.hypothetical and f.speaker is not None)
    if intended and act.type != "AGREE":
        if f.unless:
            # "will withdraw its force unless a ceasefire is arranged": a conditional threat.
            act.trace.append(f"conditional: {act.type} unless ... -> THREATEN")
            act.type, act.mode, act.cameo = "THREATEN", None, "130"
        else:
            act.trace.append(f"intent: {act.type} announced -> AGREE")
            act.cameo = _intent_code(act)
            act.type, act.mode = "AGREE", None
        m.future = True
    return True


def demand_clauses(sent: Span, index: ActorIndex, acts: list[CodedAct], lex: Lexicon
                   ) -> list[CodedAct]:
    """"The Red Cross said US forces must ensure security": a reported obligation on
    someone other than the speaker is a demand on them (CAMEO 10), whatever the verb.
    Acts inside the demanded clause are its content, not events of their own."""
    from tocsin.events.coder import CodedAct
    from tocsin.events.modality import cues, read_modality
    from tocsin.events.roles import subject_of

    modals = cues().deontic_modals
    out = list(acts)
    for tok in span_tokens(sent):
        if tok.dep_ != "ccomp" or not (lemma_forms(tok.head) & lex.speech_verbs):
            continue
        if not any(c.dep_ == "aux" and c.lower_ in modals for c in tok.children) or any(
                c.dep_ == "neg" for c in tok.children):
            continue
        clause = {t.i for t in tok.subtree}
        if any(a.type == "REQUEST" and a.token.i in clause for a in out):
            continue  # the clause's own verb was already read as a demand
        subj, passive = subject_of(tok)
        frame = read_modality(tok)
        speaker = index.head_actors(frame.speaker) if frame.speaker is not None else []
        target = [a for a in index.phrase_actors(subj) if a not in speaker] \
            if subj is not None and not passive else []
        if not speaker or not target or subj is None:
            continue
        out = [a for a in out if a.token.i not in clause]
        frame.modality.hypothetical = frame.modality.future = False
        act = CodedAct(tok, "REQUEST", None, "100", Roles(speaker, target, [subj]), frame,
                       [], False, trace=["demand-clause: a reported obligation on another"])
        act.mode = act_mode_cue(act, lex)
        out.append(act)
    return out
