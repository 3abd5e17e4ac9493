"""The `actors` component: mentions -> resolved actors, with anaphors attached."""

from __future__ import annotations

from tocsin.actors.coref import (
    link_short_forms,
    pronoun_mentions,
    resolve_anaphors,
    short_form_mentions,
)
from tocsin.actors.kb import KnowledgeBase, get_kb
from tocsin.actors.match import ActorMention, find_mentions, resolve
from tocsin.actors.naming import readable_generic
from tocsin.actors.normalize import slug
from tocsin.actors.titles import add_title_mentions
from tocsin.component import Component, State, register
from tocsin.geo.finder import site_spans
from tocsin.model import Actor, Span, actor_type
from tocsin.time.resolve import dateline_place_span


def _actor_for(m: ActorMention, kb: KnowledgeBase) -> Actor | None:
    if m.actor_id:
        kb_actor = kb.get(m.actor_id)
        if kb_actor is None:
            return None
        return Actor(kb_actor.id, kb_actor.name, kb_actor.type, kb_actor.country, True)
    if m.new_actor:
        name, typ, country = m.new_actor
        prefix = "generic" if m.kind == "generic" else "x"
        shown = name
        if m.kind == "generic" and country and name.startswith(f"{country} "):
            # the id keeps the code ("generic:irq-protesters"); the name reads as written
            shown = readable_generic(name[len(country) + 1:], country)
        return Actor(f"{prefix}:{slug(name)}", shown, actor_type(typ), country, False)
    return None


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
        resolve_anaphors(mentions, actors)
        mentions = sorted(mentions + pronoun_mentions(state.doc, mentions, actors),
                          key=lambda m: m.start)
        kept: list[ActorMention] = []
        for m in mentions:
            if m.actor_id is None or m.actor_id not in actors:
                continue
            actors[m.actor_id].mentions.append(Span(m.text, m.start, m.end))
            for t in range(m.tok_start, m.tok_end):
                state.token_actor[t] = m.actor_id
            kept.append(m)
        # Title phrases ("U.S. envoy") are output mentions of their person only: their
        # tokens keep mapping to the modifier's actor in token_actor.
        add_title_mentions(state.doc, kept, actors)
        state.actor_mentions = kept
        state.actors = actors
