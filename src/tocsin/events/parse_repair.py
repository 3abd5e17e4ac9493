"""Repairs of the small parser's misreadings that would lose an act's actor."""

from __future__ import annotations

from spacy.tokens import Token


def misattached_subject(verb: Token) -> Token | None:
    """"In Ceelasha Biyaha, Somali forces and AMISOM arrested 30 people", "In Dharkenley a
    soldier of the army shot ...": the small parser hangs the subject on the fronted
    place, as its conjunct or apposition, and leaves the finite main verb without one.
    The phrase right before such a verb, so attached, is its subject."""
    finite = verb.tag_ in {"VBD", "VBZ", "VBP"} or (  # a past tense read as a participle
        verb.tag_ == "VBN" and not any(c.dep_ in {"aux", "auxpass"} for c in verb.children))
    if verb.dep_ != "ROOT" or not finite or verb.i == 0:
        return None
    cur = verb.doc[verb.i - 1]
    if cur.pos_ not in {"NOUN", "PROPN"}:
        return None
    subject = None
    coordinated = False
    for _ in range(8):
        if cur.dep_ in {"conj", "appos"}:
            if not coordinated:
                # the first of "A and B" (the places before are listed with commas
                # alone), else the outermost noun set beside the place
                subject = cur
                coordinated = any(c.dep_ == "cc" for c in cur.children)
        elif cur.dep_ == "pobj" and cur.head.head.i == verb.i:
            return subject  # the fronted place itself is reached
        elif cur.dep_ not in {"pobj", "prep"}:
            return None
        if cur.head.i == cur.i:
            return None
        cur = cur.head
    return None
