"""Event candidates: every token of a sentence that may name a reported act.

Three origins, so that no single misparse loses an event:
- ``rule``: an act the rule coder reports (lexicon sense + parse + modality rules);
- ``dropped``: an act the rules set aside (a relative clause, a habit, a retelling), kept
  with the reason so that the model can weigh it ("three mortar rounds fired by gunmen
  struck the camp" hangs the act under "rounds" when the parse fails);
- ``scan``: a token whose word form is a trigger word of the lexicon or of the trained
  model's vocabulary, found without the parse ("IS fighters seized ..." parsed with "IS"
  as the verb), which no rule reported.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from spacy.tokens import Span, Token

from tocsin.doc_cache import span_tokens
from tocsin.events.coder import CodedAct, SentenceCoding
from tocsin.events.triggers import non_agent_doer
from tocsin.lexicon import Lexicon, lemma_forms

# Parts of speech that never name an act, whatever their form.
NEVER = frozenset({"DET", "PUNCT", "NUM", "PRON", "CCONJ", "SCONJ", "PART", "SPACE", "SYM",
                   "AUX", "ADP", "INTJ"})


@dataclass(slots=True)
class EventCandidate:
    token: Token
    origin: str  # rule | dropped | scan
    act: CodedAct | None  # the rules' reading (None for a scan candidate)
    lex_types: tuple[str, ...]  # every type the lexicon lists for the word, any sense
    sent_index: int  # the sentence's number in the document


def word_forms(tok: Token) -> list[str]:
    """The forms a trigger word may be listed under: lemma, lowercase text and plain
    de-inflections (the small model mislemmatises), singulars of plural nouns."""
    forms = [tok.lemma_.lower(), tok.lower_]
    for f in sorted(lemma_forms(tok)):
        if f not in forms:
            forms.append(f)
    low = tok.lower_
    for cut in ("ies", "es", "s"):
        if low.endswith(cut) and len(low) > len(cut) + 2:
            stem = low[: -len(cut)] + ("y" if cut == "ies" else "")
            if stem not in forms:
                forms.append(stem)
    return forms


def lexicon_types(tok: Token, lex: Lexicon) -> tuple[str, ...]:
    """Types of every lexicon sense keyed by one of the token's forms (restrictions not
    checked: the model weighs them)."""
    out: list[str] = []
    for form in word_forms(tok):
        for trig in lex.triggers.get(form, ()):
            if trig.type not in out:
                out.append(trig.type)
    return tuple(out)


def sentence_candidates(sent: Span, coding: SentenceCoding, lex: Lexicon,
                        vocab: Collection[str], sent_index: int) -> list[EventCandidate]:
    """The rules' acts, the acts they dropped, and scan candidates for tokens no rule saw."""
    out = [EventCandidate(a.token, "rule", a, lexicon_types(a.token, lex), sent_index)
           for a in coding.acts]
    out += [EventCandidate(a.token, "dropped", a, lexicon_types(a.token, lex), sent_index)
            for a in coding.dropped]
    # Every other word the lexicon or the model knows is a candidate too, including words
    # the rules folded into another act or discarded ("... were injured after raiders
    # attacked the village" keeps "attacked" for the model to weigh).
    taken = {a.token.i for a in coding.acts} | {a.token.i for a in coding.dropped}
    for tok in span_tokens(sent):
        if tok.i in taken or tok.pos_ in NEVER or not tok.is_alpha or len(tok) < 3:
            continue
        if tok.ent_type_ in {"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT"}:
            continue
        if tok.pos_ == "VERB" and non_agent_doer(tok):
            continue
        types = lexicon_types(tok, lex)
        if types or any(f in vocab for f in word_forms(tok)):
            out.append(EventCandidate(tok, "scan", None, types, sent_index))
    out.sort(key=lambda c: c.token.i)
    return out
