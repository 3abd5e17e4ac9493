"""Fatalities and injuries stated in a sentence ("killing two", "6 civilians were killed")."""

from __future__ import annotations

from spacy.tokens import Span, Token

from tocsin.doc_cache import span_tokens
from tocsin.events.modality import cues
from tocsin.lexicon_data import counts

NUMBER_WORDS = counts("english", "number_words")  # "two" -> 2 (lexicon/english.yaml)


def to_number(tok: Token) -> int | None:
    text = tok.text.replace(",", "")
    if text.isdigit():
        return int(text)
    return NUMBER_WORDS.get(tok.lower_)


def _count_in(phrase: Token) -> int | None:
    """The number counting a noun phrase: "two", "6 civilians", "at least 12 people"."""
    if phrase.like_num or phrase.lower_ in NUMBER_WORDS and phrase.pos_ == "NUM":
        return to_number(phrase)
    for ch in phrase.children:
        if ch.dep_ == "nummod":
            n = to_number(ch)
            if n is not None:
                return n
    if phrase.tag_ == "NN" and any(ch.dep_ == "det" and ch.lower_ in {"a", "an", "one"}
                                   for ch in phrase.children):
        return 1  # "killing a US contractor"
    return None


def _victims(tok: Token) -> list[Token]:
    if tok.pos_ == "VERB":
        objs = [c for c in tok.children if c.dep_ in {"dobj", "nsubjpass"}]
        if tok.lemma_.lower() == "die":
            objs += [c for c in tok.children if c.dep_ == "nsubj"]
        return objs
    if tok.pos_ == "ADJ" and tok.dep_ in {"acomp", "oprd"}:  # "leaving three dead"
        return [c for c in tok.head.children if c.dep_ in {"dobj", "nsubj"}]
    if tok.pos_ == "NOUN":  # "the death toll rose to 12", "two deaths"
        return [tok]
    return []


def casualties(sent: Span) -> tuple[int | None, int | None]:
    """(fatalities, injuries) stated in the sentence, summed over its casualty verbs."""
    c = cues()
    dead: int | None = None
    hurt: int | None = None
    for tok in span_tokens(sent):
        lemma = tok.lemma_.lower()
        kind = "dead" if lemma in c.fatality_lemmas else "hurt" if lemma in c.injury_lemmas \
            else None
        if kind is None:
            continue
        for victim in _victims(tok):
            n = _count_in(victim)
            for conj in victim.conjuncts:
                extra = _count_in(conj)
                n = (n or 0) + extra if extra is not None else n
            if n is None:
                continue
            if kind == "dead":
                dead = (dead or 0) + n
            else:
                hurt = (hurt or 0) + n
    return dead, hurt
