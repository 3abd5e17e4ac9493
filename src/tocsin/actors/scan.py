"""The knowledge-base scan: every span that names a KB actor or a country form.

The longest name starting at each token whose first key word opens some KB name wins.
The scan reads per-token columns (`tocsin.doc_cache.columns`) and cuts span texts from the
document's text: it looks at up to ~13 spans per candidate token, and a spaCy `Span` (with
its `Token`s) per look cost more than the lookups themselves.
"""

from __future__ import annotations

from functools import lru_cache

from spacy.tokens import Doc, Span

from tocsin.actors.kb import AliasHit, KnowledgeBase
from tocsin.actors.naming import class_nouns
from tocsin.actors.normalize import name_key
from tocsin.actors.nouns import (
    SUBJECT_OBJECT_DEPS,
    ActorMention,
    ActorNouns,
    event_nouns,
    noun_forms,
)
from tocsin.doc_cache import columns, doc_text, next_true
from tocsin.geo.countries import contested_first_words, contested_reading

_BREAKS = frozenset({".", ";", "\u2014"})  # a name never runs across these


def scan_kb(doc: Doc, kb: KnowledgeBase, nouns: ActorNouns
            ) -> tuple[list[ActorMention], list[ActorMention]]:
    """KB and country mentions; and the country forms that name no actor here ("Iraqi
    city", "in Iraq"), which still keep the NER model off their words."""
    found: list[ActorMention] = []
    rejected: list[ActorMention] = []
    cols = columns(doc)
    texts, idx, punct, space = cols.text, cols.idx, cols.punct, cols.space
    text = doc_text(doc)
    # "U.S." and "U.N." are not alphabetic tokens but are capitalised names
    next_cap = next_true([not p and (t[:1].isupper() or t[:1].isdigit())
                           for t, p in zip(texts, punct, strict=True)])
    next_break = next_true([s or t in _BREAKS for t, s in zip(texts, space, strict=True)])
    contested_keys = _contested_keys()
    i = 0
    n = len(doc)
    while i < n:
        tok_text = texts[i]
        key = name_key(tok_text)
        word = key.split()[0] if key else ""
        if word not in kb.first_words and 4 <= len(tok_text) <= 6 and tok_text.isalpha() \
                and tok_text.isupper():
            word = name_key(tok_text.title())  # "RENAMO" (see KnowledgeBase.lookup)
        contested = word in contested_keys
        article = tok_text.lower() in {"al", "el"}
        if not (word in kb.first_words or contested or article) or punct[i]:
            i += 1
            continue
        best: ActorMention | None = None
        # only as long as the longest name starting with this word could run (tokens can
        # outnumber key words: "al-", hyphens); the article drops out of keys
        words = kb.max_words if article else max(kb.first_words.get(word, 0),
                                                 4 if contested else 0)
        for length in range(min(words * 2 + 1, cols.sent_end[i] - i), 0, -1):
            last = i + length - 1
            if punct[last] or space[last] or next_cap[i] > last:
                continue  # ("Tehran.\n\n": the key drops the marks, the span must too)
            if length > 1 and next_break[i] < last:
                continue  # a name never runs across a sentence end or a line break
            span_text = cols.span_text(text, i, last + 1)
            hits = kb.lookup(span_text) or (_contested_hits(span_text, text)
                                             if contested else [])
            if hits and length == 1 and doc[i].pos_ == "NOUN" and (
                    doc[i].lemma_.lower() in class_nouns()) and not any(
                    h.alias.lower() == doc[i].lower_ for h in hits):
                # "Rioters" opening a sentence is the group noun, not the spelling-
                # tolerant key of "Reuters"
                hits = []
            if hits:
                best = ActorMention(idx[i], idx[last] + len(texts[last]), i, last + 1,
                                    span_text, "kb", list(hits))
                break
        if best is None:
            i += 1
            continue
        if all(h.ambiguous for h in best.candidates if h.kind == "alias") and _locative(
                doc[best.tok_start : best.tok_end], nouns):
            i = best.tok_end  # "in Baghdad": a place, whatever else the name can stand for
            rejected.append(best)
            continue
        if all(h.kind != "alias" for h in best.candidates):
            best.kind = "country"
            if not _country_as_actor(doc[best.tok_start : best.tok_end], best, nouns):
                rejected.append(best)
                i = best.tok_end
                continue
        found.append(best)
        i = best.tok_end
    return found, rejected


@lru_cache(maxsize=1)
def _contested_keys() -> frozenset[str]:
    return frozenset(name_key(w) for w in contested_first_words())


def _contested_hits(text: str, doc_text: str) -> list[AliasHit]:
    """A form two countries share ("Congo", "Congolese") read by the document's cues."""
    found = contested_reading(text, doc_text)
    return [AliasHit(found[0].lower(), text, False, found[1])] if found else []


def _country_as_actor(span: Span, m: ActorMention, nouns: ActorNouns) -> bool:
    kinds = {h.kind for h in m.candidates}
    if kinds & {"force"}:
        return True
    if _locative(span, nouns):
        return False
    root = span.root
    while root.dep_ == "conj" and root.head.i != root.i and root.head.pos_ == "ADJ":
        root = root.head  # "Israeli and Palestinian officials"
    if kinds <= {"demonym"}:
        # "Americans" acts; "American" before "troops" stands for the state; "Iraqi city"
        # does not name an actor at all.
        if root.tag_ in {"NNPS", "NNS"} or root.dep_ in {"nsubj", "nsubjpass", "dobj"}:
            return root.pos_ in {"NOUN", "PROPN"}
        head = noun_forms(root.head)
        return bool(head & (nouns.state_nouns | nouns.state_acts | event_nouns()))
    if root.dep_ in {"compound", "amod", "nmod"} and (
            root.head.lemma_.lower() in event_nouns() or any(
                c.dep_ == "compound" and c.lemma_.lower() in event_nouns()
                for c in root.head.children)):
        return True  # "a US drone strike", "US sanctions"
    if root.dep_ == "compound" and not noun_forms(root.head) & nouns.state_nouns:
        # "US embassy" names the US; "Baghdad airport" names no actor.
        return bool(kinds & {"name"}) and root.head.lemma_.lower() in {"embassy", "consulate"}
    return root.dep_ in SUBJECT_OBJECT_DEPS or root.dep_ == "pobj"


def _locative(span: Span, nouns: ActorNouns) -> bool:
    """A country or capital name used as a place: the object of a locative preposition."""
    root = span.root
    while root.dep_ == "conj" and root.head.i != root.i:
        root = root.head  # "in Iraq and Syria"
    if root.dep_ == "pobj" and root.head.lower_ == "of" and (
            root.head.head.lemma_.lower() in nouns.locative_heads):
        return True  # "north of Baghdad", "the city of Mosul"
    return (root.dep_ == "pobj" and root.head.lower_ in nouns.locative_preps) or (
        root.dep_ == "pobj" and root.head.dep_ == "prep" and root.head.head.ent_type_ == "GPE"
    )
