"""Coreference inside one document: which earlier actor a description, a pronoun or a
bare surname refers to ("the group", "the cleric", "its leader", "he", "Maliki said")."""

from __future__ import annotations

from spacy.tokens import Doc

from tocsin.actors.kb import KnowledgeBase
from tocsin.actors.match import ActorMention, actor_nouns
from tocsin.actors.normalize import name_key
from tocsin.doc_cache import doc_tokens
from tocsin.model import Actor

ORG_TYPES = frozenset({"militia", "rebel", "organization", "party", "military", "police",
                       "government", "media"})
GROUP_TYPES = frozenset({"militia", "rebel", "organization", "party"})
NAMED_KINDS = frozenset({"kb", "ner"})


def resolve_anaphors(mentions: list[ActorMention], actors: dict[str, Actor]) -> None:
    """'the group' -> the nearest organisation named before it, by name rather than by a
    generic noun (else later in its sentence). Armed groups are preferred for "the
    group"/"the militia": a TV channel or a state named in between is rarely what "the
    group" means."""
    for i, m in enumerate(mentions):
        if m.kind != "anaphor":
            continue
        # a named group before a generic one: "Islamic Jihad rejected a meeting of
        # Palestinian factions, the group said" is Islamic Jihad speaking
        for types, kinds in ((GROUP_TYPES, NAMED_KINDS), (GROUP_TYPES, None),
                             (ORG_TYPES, None)):
            before = [p for p in mentions[:i] if p.kind != "anaphor" and p.actor_id
                      and (kinds is None or p.kind in kinds)
                      and _is_org(actors.get(p.actor_id), types)]
            if before:
                m.actor_id = before[-1].actor_id
                break
            if kinds is not None:
                continue  # what follows is looked at once nothing before fits
            after = [p for p in mentions[i + 1:] if p.kind != "anaphor" and p.actor_id
                     and _is_org(actors.get(p.actor_id), types)]
            if after and after[0].start - m.end < 200:
                m.actor_id = after[0].actor_id
                break


def pronoun_mentions(doc: Doc, mentions: list[ActorMention], actors: dict[str, Actor]
                      ) -> list[ActorMention]:
    """Subject and possessive pronouns ("it said", "its leader") and person descriptions
    ("the cleric") -> the nearest fitting actor named in the two sentences before."""
    nouns = actor_nouns()
    out: list[ActorMention] = []
    sents = list(doc.sents)
    sent_index = {i: n for n, s in enumerate(sents) for i in range(s.start, s.end)}
    # Resolved descriptions ("the group") count as antecedents too.
    named = [m for m in mentions if m.actor_id in actors]
    for tok in doc_tokens(doc):
        low = tok.lower_
        subject = tok.dep_ in {"nsubj", "nsubjpass"} and tok.tag_ == "PRP"
        owner = tok.dep_ == "poss" and tok.tag_ == "PRP$"  # "its leader", "his forces"
        person_noun = (tok.pos_ == "NOUN" and tok.lemma_.lower() in nouns.person_anaphors
                       and any(c.dep_ == "det" and c.lower_ == "the" for c in tok.children)
                       and not any(c.dep_ in {"compound", "poss"} for c in tok.children))
        if not (subject or owner or person_noun):
            continue
        if person_noun or low in nouns.person_pronouns or low in {"his", "her"}:
            types = frozenset({"person"})
        elif low in nouns.org_pronouns or low in {"its", "their"}:
            types = GROUP_TYPES | frozenset({"government", "military", "media", "police"})
        else:
            continue
        n = sent_index[tok.i]
        window = [m for m in named if m.start < tok.idx and
                  n - 2 <= sent_index.get(m.tok_start, -9) <= n]
        fits = [m for m in window if actors[m.actor_id or ""].type in types]
        if not fits:
            continue
        if low == "their" and (
                actors[window[-1].actor_id or ""].type == "person"
                or (tok.head.dep_ == "conj" and tok.head.head.tag_ == "NNS")):
            continue  # "the men and their escorts": the plural just named, not a group
        ref = fits[-1]
        first = doc[tok.i - 1] if person_noun and tok.i > 0 else tok  # "the cleric"
        out.append(ActorMention(first.idx, tok.idx + len(tok.text), first.i, tok.i + 1,
                                doc[first.i : tok.i + 1].text, "anaphor",
                                actor_id=ref.actor_id, score=0.5))
    return out


def _is_org(actor: Actor | None, types: frozenset[str]) -> bool:
    return actor is not None and actor.type in types


def _is_person(m: ActorMention, kb: KnowledgeBase) -> bool:
    if m.new_actor is not None:
        return m.new_actor[1] == "person"
    actor = kb.get(m.actor_id or "")
    return actor is not None and actor.type == "person"


def link_short_forms(mentions: list[ActorMention], kb: KnowledgeBase) -> None:
    """A surname after the full name is that person ("Turki al-Maliki ... Maliki said"),
    whichever other Maliki the knowledge base knows."""
    full: dict[str, ActorMention] = {}
    for m in mentions:
        words = name_key(m.text).split()
        if len(words) >= 2 and _is_person(m, kb):
            full[words[-1]] = m
        elif len(words) == 1 and words[0] in full and m.kind in {"kb", "ner"}:
            src = full[words[0]]
            m.actor_id, m.new_actor, m.candidates = src.actor_id, src.new_actor, src.candidates


def short_form_mentions(doc: Doc, mentions: list[ActorMention], kb: KnowledgeBase
                        ) -> list[ActorMention]:
    """Bare first or last names of persons named in full earlier ("Karim Wasifi ...
    Karim said") that the NER model left untagged."""
    full: dict[str, ActorMention] = {}
    for m in mentions:
        words = m.text.split()
        if len(words) >= 2 and _is_person(m, kb):
            for w in (words[0], words[-1]):
                if w[:1].isupper() and len(w) > 2:
                    full.setdefault(w, m)
    if not full:
        return []
    taken = {i for m in mentions for i in range(m.tok_start, m.tok_end)}  # a set: long texts
    out: list[ActorMention] = []
    for tok in doc_tokens(doc):
        src = full.get(tok.text)
        if src is None or tok.pos_ != "PROPN" or tok.idx <= src.start:
            continue
        if tok.i in taken:
            continue
        out.append(ActorMention(tok.idx, tok.idx + len(tok.text), tok.i, tok.i + 1, tok.text,
                                src.kind, list(src.candidates), src.actor_id, src.new_actor,
                                score=0.6))
    return out
