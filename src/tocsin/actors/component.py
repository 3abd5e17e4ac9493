"""The `actors` component: mentions -> resolved actors, with anaphors attached."""

from __future__ import annotations

from spacy.tokens import Doc

from tocsin.actors.kb import KnowledgeBase, get_kb
from tocsin.actors.match import (
    ActorMention,
    actor_nouns,
    find_mentions,
    link_short_forms,
    resolve,
    short_form_mentions,
)
from tocsin.actors.normalize import slug
from tocsin.geo.finder import site_spans
from tocsin.model import Actor, Span
from tocsin.pipeline import Component, State, register
from tocsin.time.resolve import dateline_place_span

ORG_TYPES = frozenset({"militia", "rebel", "organization", "party", "military", "police",
                       "government", "media"})
GROUP_TYPES = frozenset({"militia", "rebel", "organization", "party"})


def _actor_for(m: ActorMention, kb: KnowledgeBase) -> Actor | None:
    if m.actor_id:
        kb_actor = kb.get(m.actor_id)
        if kb_actor is None:
            return None
        return Actor(kb_actor.id, kb_actor.name, kb_actor.type, kb_actor.country, True)
    if m.new_actor:
        name, typ, country = m.new_actor
        prefix = "generic" if m.kind == "generic" else "x"
        return Actor(f"{prefix}:{slug(name)}", name, typ, country, False)
    return None


def _resolve_anaphors(mentions: list[ActorMention], actors: dict[str, Actor]) -> None:
    """'the group' -> the nearest organisation named before it (else later in its sentence).
    Armed groups are preferred for "the group"/"the militia": a TV channel or a state named
    in between is rarely what "the group" means."""
    for i, m in enumerate(mentions):
        if m.kind != "anaphor":
            continue
        for types in (GROUP_TYPES, ORG_TYPES):
            before = [p for p in mentions[:i] if p.kind != "anaphor" and p.actor_id
                      and _is_org(actors.get(p.actor_id), types)]
            if before:
                m.actor_id = before[-1].actor_id
                break
            after = [p for p in mentions[i + 1:] if p.kind != "anaphor" and p.actor_id
                     and _is_org(actors.get(p.actor_id), types)]
            if after and after[0].start - m.end < 200:
                m.actor_id = after[0].actor_id
                break


def _pronoun_mentions(doc: Doc, mentions: list[ActorMention], actors: dict[str, Actor]
                      ) -> list[ActorMention]:
    """Subject and possessive pronouns ("it said", "its leader") and person descriptions
    ("the cleric") -> the nearest fitting actor named in the two sentences before."""
    nouns = actor_nouns()
    out: list[ActorMention] = []
    sents = list(doc.sents)
    sent_index = {t.i: n for n, s in enumerate(sents) for t in s}
    # Resolved descriptions ("the group") count as antecedents too.
    named = [m for m in mentions if m.actor_id in actors]
    for tok in doc:
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
        ref = fits[-1]
        first = doc[tok.i - 1] if person_noun and tok.i > 0 else tok  # "the cleric"
        out.append(ActorMention(first.idx, tok.idx + len(tok.text), first.i, tok.i + 1,
                                doc[first.i : tok.i + 1].text, "anaphor",
                                actor_id=ref.actor_id, score=0.5))
    return out


def _is_org(actor: Actor | None, types: frozenset[str]) -> bool:
    return actor is not None and actor.type in types


@register
class ActorsComponent(Component):
    name = "actors"
    requires = ("doc",)
    assigns = ("actor_mentions", "actors", "token_actor")

    def __call__(self, state: State) -> None:
        assert state.doc is not None
        kb = get_kb()
        # Curated site names ("Ain al-Asad air base") and the dateline's city are places.
        blocked = site_spans(state.doc)
        dateline = dateline_place_span(state.document.text)
        if dateline is not None:
            blocked.append(dateline)
        mentions = find_mentions(state.doc, kb, blocked)
        resolve(mentions, kb)
        link_short_forms(mentions, kb)
        mentions = sorted(mentions + short_form_mentions(state.doc, mentions, kb),
                          key=lambda m: m.start)
        actors: dict[str, Actor] = {}
        for m in mentions:
            if m.kind == "anaphor":
                continue
            actor = _actor_for(m, kb)
            if actor is None:
                continue
            m.actor_id = actor.id
            actors.setdefault(actor.id, actor)
        _resolve_anaphors(mentions, actors)
        mentions = sorted(mentions + _pronoun_mentions(state.doc, mentions, actors),
                          key=lambda m: m.start)
        kept: list[ActorMention] = []
        for m in mentions:
            if m.actor_id is None or m.actor_id not in actors:
                continue
            actors[m.actor_id].mentions.append(Span(m.text, m.start, m.end))
            for t in range(m.tok_start, m.tok_end):
                state.token_actor[t] = m.actor_id
            kept.append(m)
        state.actor_mentions = kept
        state.actors = actors
