"""Features of an event candidate: named strings, so that a weight can be read back.

What the model sees of a candidate: the word and its parse (which may be wrong), what the
rules made of it (type, mode, the rules that fired, the modality, why it was dropped), the
lexicon's senses of the word, the words around it and in its sentence, the kinds of actors
in the sentence and in its roles, the mode cues of the sentence, and where it stands in the
document. Proper names are reduced to their entity label, so that the model learns the
genre and not the places of its training texts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from spacy.tokens import Span, Token

from tocsin.doc_cache import doc_text, span_tokens
from tocsin.events.decision.candidates import EventCandidate
from tocsin.lexicon import Lexicon

CONTENT_POS = frozenset({"NOUN", "VERB", "ADJ", "PROPN", "NUM"})
MODE_TYPES = ("ASSAULT", "PROTEST", "COERCE")
ARG_DEPS = frozenset({"dobj", "nsubj", "nsubjpass", "agent", "attr", "pobj", "dative",
                      "compound", "amod", "poss"})


def _word(tok: Token) -> str:
    """A token as a feature value: its lemma, an entity label for names, # for numbers."""
    if tok.is_space:
        return "_"  # line breaks and runs of spaces (paragraphs of long texts)
    if tok.like_num or tok.pos_ == "NUM":
        return "#"
    if tok.pos_ == "PROPN" or (tok.ent_type_ and tok.ent_type_ not in {"DATE", "TIME"}
                               and tok.is_title):
        return "@" + (tok.ent_type_ or "NAME")
    return tok.lemma_.lower()


@dataclass(slots=True)
class SentenceContext:
    """What every candidate of one sentence shares, computed once."""

    sent: Span
    words: list[str]
    cues: list[str]
    actor_types: Mapping[int, str]  # token index -> actor type of the mention there
    n_candidates: int = 0
    bag: list[str] = field(default_factory=list)


def _background(sent: Span) -> set[int]:
    """Tokens of relative clauses opened by "where" or "when": they tell the place's or the
    time's past ("in Serbia, where 24 died in riots last March"), not the act's manner."""
    out: set[int] = set()
    for t in span_tokens(sent):
        if t.dep_ == "relcl" and any(c.lower_ in {"where", "when"} and c.dep_ == "advmod"
                                     for c in t.children):
            out.update(x.i for x in t.subtree)
    return out


def mode_cues(sent: Span, lex: Lexicon) -> list[str]:
    """The modes the lexicon's clause cues give each mode-bearing type in a sentence
    ("burned tyres" -> PROTEST:riot), as ``TYPE:mode``."""
    background = _background(sent)
    toks = span_tokens(sent)
    kept = [t for t in toks if t.i not in background] if background else toks
    lemmas = {t.lemma_.lower() for t in kept} | {t.lower_ for t in kept}
    text = ("".join(t.text_with_ws for t in kept) if background
            else doc_text(sent.doc)[sent.start_char:sent.end_char]).lower()
    out = []
    for typ in MODE_TYPES:
        mode = lex.mode_for(typ, lemmas, text)
        if mode:
            out.append(f"{typ}:{mode}")
    return out


def sentence_context(sent: Span, cues: list[str], near: list[str],
                     actor_types: Mapping[int, str], n_candidates: int) -> SentenceContext:
    """``cues``: the sentence's mode cues; ``near``: those of the sentences around it (a
    note often tells the manner after the act: "Youths protested the levy. Roads were
    barricaded and a bus was burnt.")."""
    toks = span_tokens(sent)
    words = [_word(t) for t in toks]
    bag = sorted({f"s={w}" for t, w in zip(toks, words, strict=True)
                  if t.pos_ in CONTENT_POS and not t.is_stop and len(t.text) > 1})
    kinds = sorted({f"sa={typ}" for i, typ in actor_types.items()
                    if sent.start <= i < sent.end})
    feats = [f"cue={c}" for c in cues] + [f"ncue={c}" for c in near if c not in cues]
    return SentenceContext(sent, words, feats + kinds, actor_types, n_candidates, bag)


def _nearest_actor(tok: Token, ctx: SentenceContext, step: int) -> str | None:
    i = tok.i + step
    while ctx.sent.start <= i < ctx.sent.end and abs(i - tok.i) <= 12:
        typ = ctx.actor_types.get(i)
        if typ:
            return typ
        i += step
    return None


def candidate_features(c: EventCandidate, ctx: SentenceContext, first_in_doc: bool,
                       actor_type: Mapping[str, str]) -> list[str]:
    """The named features of one candidate (``actor_type``: actor id -> type)."""
    tok = c.token
    rel = tok.i - ctx.sent.start
    lemma = tok.lemma_.lower()
    f = [f"o={c.origin}", f"w={lemma}", f"f={tok.lower_}", f"p={tok.pos_}", f"t={tok.tag_}",
         f"d={tok.dep_}", f"hd={_word(tok.head)}", f"hp={tok.head.pos_}",
         f"dd={tok.dep_}>{tok.head.dep_}"]
    f += [f"lx={t}" for t in c.lex_types] or ["lx=none"]
    f += [f"w&lx={lemma}&{t}" for t in c.lex_types[:3]]
    for k in (1, 2, 3):
        j = rel - k
        f.append(f"L{k}={ctx.words[j]}" if j >= 0 else f"L{k}=<s>")
        j = rel + k
        f.append(f"R{k}={ctx.words[j]}" if j < len(ctx.words) else f"R{k}=</s>")
    for ch in tok.children:
        if ch.dep_ in ARG_DEPS:
            f.append(f"c:{ch.dep_}={_word(ch)}")
        elif ch.dep_ == "prep":
            f.append(f"pp={ch.lower_}")
            f += [f"pp:{ch.lower_}={_word(p)}" for p in ch.children if p.dep_ == "pobj"]
        elif ch.dep_ in {"aux", "auxpass", "neg"}:
            f.append(f"aux={ch.lower_}")
    act = c.act
    if act is not None:
        m = act.frame.modality
        f += [f"r={act.type}", f"rm={act.type}:{act.mode}", f"rc={act.cameo[:2]}",
              f"w&r={lemma}&{act.type}", f"rn={act.nominal}"]
        f += [f"rule={step.split(':', 1)[0]}" for step in act.trace]
        if act.dropped:
            f.append(f"drop={act.dropped.split(':', 1)[0]}")
        f += [f"mod={k}" for k in ("negated", "future", "hypothetical", "claimed", "denied")
              if getattr(m, k)]
        if act.frame.speaker is not None:
            f.append("speaker")
        if act.broad:
            f.append("broad")
        f += [f"src={actor_type.get(a, '?')}" for a in act.roles.source[:2]] or ["src=none"]
        f += [f"tgt={actor_type.get(a, '?')}" for a in act.roles.target[:2]] or ["tgt=none"]
    else:
        left, right = _nearest_actor(tok, ctx, -1), _nearest_actor(tok, ctx, 1)
        f += [f"lact={left}", f"ract={right}"]
    si = c.sent_index
    f += [f"si={si if si < 3 else '3+'}", f"pos={min(rel // 5, 6)}",
          f"nc={min(ctx.n_candidates, 4)}"]
    if first_in_doc:
        f.append("first")
    f += ctx.cues
    f += ctx.bag
    return f
