"""Actors resolved in context: generic groups given the state of the event's territory.

"Security forces", "the police", "unknown gunmen", "protesters" name no country; ACLED and
ICEWS code them as that group of the state where the event happened ("Police Forces of
Kenya", "Unidentified Armed Group (Nigeria)"). This runs after places and events are
resolved, since it is a fact about the event's place: the country comes from the event's
place, else the dateline, else the document's dominant country. Each decision is written
to the event's trace (``why["actors"]``). The classes and their names are data
(``actor_context.yaml``, read by `tocsin.actors.naming`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from spacy.tokens import Doc, Token

from tocsin.actors.naming import ActorClass, ContextLexicon, context_lexicon, display_name
from tocsin.actors.normalize import slug
from tocsin.actors.nouns import ActorMention
from tocsin.component import Component, State, register
from tocsin.model import Actor, Event, Span
from tocsin.time.resolve import dateline_place_span

_MODIFIER_DEPS = frozenset({"amod", "compound", "nmod", "advmod", "npadvmod"})


@dataclass(frozen=True, slots=True)
class Classed:
    """A generic mention's class, the noun it is named by, and whether a modifier makes it
    a force of no state ("coalition forces")."""

    cls: ActorClass
    noun: str
    not_state: bool


def _modifiers(doc: Doc, m: ActorMention) -> list[Token]:
    head = doc[m.tok_end - 1]
    inside = list(doc[m.tok_start:m.tok_end - 1])
    return inside + [c for c in head.children if c.dep_ in _MODIFIER_DEPS
                     and not m.tok_start <= c.i < m.tok_end]


def mod_words(mods: list[Token]) -> set[str]:
    """The words (and lemmas) of a group noun's modifiers, for cue and class matching."""
    words = {t.lower_ for t in mods} | {t.lemma_.lower() for t in mods}
    # "heavily armed": a two-word cue
    words |= {f"{a.lower_} {b.lower_}" for a, b in zip(mods, mods[1:], strict=False)}
    return words


def classify(doc: Doc, m: ActorMention, lex: ContextLexicon, armed_named: bool,
             named: frozenset[int] = frozenset()) -> Classed | None:
    """The first class of the lexicon the mention belongs to, or None. A group noun that
    a name modifies ("RENAMO gunmen", tokens in ``named``) is that group's, not generic;
    civilians stay civilians ("Rohingya villagers")."""
    head = doc[m.tok_end - 1]
    lemma, low = head.lemma_.lower(), head.lower_
    mods = _modifiers(doc, m)
    by_name = any(t.i in named for t in mods)
    words = mod_words(mods)
    prev = doc[head.i - 1] if head.i > 0 else None
    pair = {f"{prev.lemma_.lower()} {lemma}", f"{prev.lower_} {lemma}"} if prev else set()
    noun = low  # as written: "a man" stays one man, "gunmen" many
    for cls in lex.classes:
        if not (pair & cls.pairs or lemma in cls.nouns or low in cls.nouns):
            continue
        if by_name and cls.type != "civilians":
            return None
        if cls.cues and not words & cls.cues and not (
                not armed_named and (lemma in cls.bare or low in cls.bare)):
            continue
        if cls.cues:  # "unknown gunmen", "unidentified armed men": the words written
            cue = [t for t in mods if t.lower_ in cls.cues or t.lemma_.lower() in cls.cues]
            first = min((t.i for t in cue), default=head.i)
            noun = " ".join(t.lower_ for t in doc[first:head.i]) + " " + noun
            noun = noun.strip()
            # "gunmen", "armed men" -> "unidentified ..."; "suspected militants" says it
            if noun.split()[0] not in cls.cues - {"armed", "masked", "heavily"}:
                noun = f"unidentified {noun}"
        return Classed(cls, noun, bool(words & lex.not_state))
    return None


def _dateline_country(state: State) -> str | None:
    span = dateline_place_span(state.document.text)
    if span is None:
        return None
    return next((p.country for m, p in state.place_links if p is not None and p.country
                 and m.start < span[1] and span[0] < m.end), None)


def _dominant_country(state: State) -> str | None:
    """The country most of the document's places lie in, when one leads; not a country
    named as an actor or by a nationality ("the French president" says nothing of where),
    but a province the tagger took for a name ("Rakhine State") still does."""
    counts: Counter[str] = Counter(
        p.country for m, p in state.place_links if p is not None and p.country
        and not (m.from_actor and p.feature == "country"))
    return _leader(counts)


def _leader(counts: Counter[str]) -> str | None:
    top = counts.most_common(2)
    if not top or (len(top) == 2 and top[0][1] == top[1][1]):
        return None
    return top[0][0]


def _named_forces(state: State) -> list[tuple[int, str]]:
    """Where a state's forces are named with their state ("Turkish forces", "US troops",
    "Kenyan police"): a later bare "the troops" refers back to them, not to the
    territory's state."""
    out = []
    for m in state.actor_mentions:
        actor = state.actors.get(m.actor_id or "")
        if actor is None or not actor.country:
            continue
        if (m.kind == "country" and any(h.kind == "force" for h in m.candidates)) or (
                m.kind == "generic" and actor.type in {"military", "police"}):
            out.append((m.start, actor.country))
    return out


class _Resolver:
    """The country each generic mention takes, and the actors that result."""

    def __init__(self, state: State) -> None:
        assert state.doc is not None
        self.state = state
        self.doc = state.doc
        self.lex = context_lexicon()
        self.dateline = _dateline_country(state)
        self.dominant = _dominant_country(state)
        self.forces = _named_forces(state)
        # No place tells the country, but the state's own forces are named acting
        # ("the Myanmar military detained ... villagers"): their state, as a last resort.
        self.forces_country = _leader(Counter(iso for _pos, iso in self.forces))
        self.armed_named = any(a.in_kb and a.type in self.lex.armed_group_types
                               for a in state.actors.values())
        self.named = frozenset(t for m in state.actor_mentions
                               if m.kind not in {"generic", "anaphor"}
                               for t in range(m.tok_start, m.tok_end))

    def country(self, c: Classed, at: int, ev: Event | None
                ) -> tuple[str | None, str, str | None]:
        """(ISO3, rule, place name) for a mention at char ``at`` in event ``ev``."""
        if c.not_state and c.cls.state:
            return None, "not-state", None
        place = self.state.places.get(ev.place) if ev is not None and ev.place else None
        territory = place.country if place is not None else None
        if c.cls.state:
            # "Turkish forces shelled ... The troops then ...": the force named before.
            earlier = [iso for pos, iso in self.forces if pos < at]
            if earlier and earlier[-1] != (territory or self.dateline or self.dominant):
                return earlier[-1], "named-force", None
        if territory:
            assert place is not None
            return territory, "event-place", place.name
        if self.dateline:
            return self.dateline, "dateline", None
        if self.dominant:
            return self.dominant, "document", None
        if self.forces_country and not c.cls.state:
            return self.forces_country, "document-forces", None
        return None, "no-country", None


def _event_of(events: list[Event], actor_id: str) -> list[Event]:
    return [e for e in events if actor_id in e.source or actor_id in e.target]


def _new_actor(state: State, c: Classed, iso3: str | None, old: Actor) -> Actor:
    # One id per state's force ("generic:nga-police"), whatever the noun; other groups
    # keep their description ("generic:ken-teachers").
    key = c.cls.name if c.cls.state else (
        "unidentified armed group" if c.cls.name == "unidentified" else c.noun)
    if c.cls.state and (c.not_state or iso3 is None):
        return old  # a force of no state, or none found: as found, not a guess
    name = display_name(c.cls, c.noun, iso3)
    aid = f"generic:{slug(f'{iso3} {key}' if iso3 else key)}"
    actor = state.actors.get(aid)
    if actor is None:
        actor = Actor(aid, name, c.cls.type, iso3, False)
        state.actors[aid] = actor
    return actor


def trace(ev: Event, entry: dict[str, Any]) -> None:
    """Add one actor decision to the event's trace (``why["actors"]``)."""
    if ev.why is None:
        ev.why = {}
    ev.why.setdefault("actors", []).append(entry)


def _replace(ids: list[str], old: str, new: str) -> list[str]:
    out = [new if i == old else i for i in ids]
    return list(dict.fromkeys(out))


def resolve_in_context(state: State, r: _Resolver,
                       described: set[str] | frozenset[str] = frozenset()) -> None:
    """Give each generic actor of a known class the country of its events' territory,
    splitting it when its events lie in different countries. ``described`` actors (a
    protest's subject, "meat sellers") are civilians whatever their noun."""
    if state.doc is None:
        return
    by_actor: dict[str, list[ActorMention]] = {}
    for m in state.actor_mentions:  # generic mentions and the anaphors resolved to them
        if m.actor_id in state.actors:
            by_actor.setdefault(m.actor_id, []).append(m)
    for aid, mentions in by_actor.items():
        old = state.actors[aid]
        named = next((m for m in mentions if m.kind == "generic"), None)
        if named is None or old.country is not None or old.in_kb:
            continue  # "Kenyan police": the text names the country
        c = classify(r.doc, named, r.lex, r.armed_named, r.named)
        civilians = r.lex.get("civilians")
        if c is None and aid in described and civilians is not None:
            c = Classed(civilians, old.name, False)
        if c is None:
            continue
        # a force left without a state reads as written ("security forces", not "forces")
        phrase = " ".join(t.lower_ for t in r.doc[named.tok_start:named.tok_end]
                          if t.pos_ not in {"DET", "NUM", "PRON"})
        if c.cls.state and phrase:
            old.name = phrase
        moved: dict[str, Actor] = {}  # event id -> actor
        for ev in _event_of(state.events, aid):
            mine = [m for m in mentions if ev.evidence.start <= m.start < ev.evidence.end]
            at = (mine or mentions)[0].start
            iso3, rule, place = r.country(c, at, ev)
            new = _new_actor(state, c, iso3, old)
            moved[ev.id] = new
            trace(ev, {"actor": new.id, "from": aid, "class": c.cls.name,
                        "country": iso3, "rule": rule, "place": place})
            if new.id != aid:
                ev.source = _replace(ev.source, aid, new.id)
                ev.target = _replace(ev.target, aid, new.id)
        if not moved:
            iso3, _rule, _place = r.country(c, mentions[0].start, None)
            new = _new_actor(state, c, iso3, old)
            _move_mentions(state, mentions, old, new)
            continue
        targets = {a.id: a for a in moved.values()}
        if len(targets) == 1:
            _move_mentions(state, mentions, old, next(iter(targets.values())))
            continue
        for ev_id, new in moved.items():
            ev = next(e for e in state.events if e.id == ev_id)
            mine = [m for m in mentions if ev.evidence.start <= m.start < ev.evidence.end]
            _move_mentions(state, mine, old, new)
        if not old.mentions:
            state.actors.pop(aid, None)


def unnamed_doers(state: State, r: _Resolver) -> None:
    """An act told without its doer, coded as ACLED codes it: a violent one ("a police
    vehicle was hit by an IED") is an unidentified armed group's of the event's territory,
    unless the document names an armed group, which may be the doer; a protest ("a
    demonstration was held in Beira") is that territory's protesters'. Not for an act not
    done (denied, announced, possible)."""
    armed = any(a.type in r.lex.armed_group_types for a in state.actors.values())
    unidentified, protesters = r.lex.get("unidentified"), r.lex.get("protesters")
    rioters = r.lex.get("rioters")
    for ev in state.events:
        m = ev.modality
        if ev.source or m.negated or m.future or m.hypothetical or m.denied:
            continue
        sent = r.doc.char_span(ev.evidence.start, ev.evidence.end, alignment_mode="expand")
        if ev.type == "ASSAULT" and rioters is not None and sent is not None and any(
                t.lemma_.lower() in r.lex.mob_acts or t.lower_ in r.lex.mob_acts
                for t in sent):
            c = Classed(rioters, "mob", False)  # "was lynched": a mob's act by definition
        elif ev.type == "ASSAULT" and unidentified is not None and not armed and (
                ev.mode != "crowd-control"):
            c = Classed(unidentified, "unidentified perpetrators", False)
        elif ev.type == "PROTEST" and protesters is not None:
            c = Classed(protesters, "protesters", False)
        else:
            continue
        if sent is not None and any(t.lower_ == "between" for t in sent):
            continue  # "clashes between protesters and police": the sides are told
        iso3, rule, place = r.country(c, ev.evidence.start, ev)
        if iso3 is None:
            continue
        actor = _new_actor(state, c, iso3, Actor("", "", c.cls.type, None, False))
        ev.source = [actor.id]
        trace(ev, {"actor": actor.id, "from": None, "class": c.cls.name,
                   "country": iso3, "rule": f"no doer told; {rule}", "place": place})


# Places whose attack harms the people living there, not the state's forces (a base or
# an airport is the forces'; a country named as such stays the state).
_INHABITED = frozenset({"village", "city", "admin2", "admin1", "region", "site", "other"})


def inhabited_targets(state: State, r: _Resolver) -> None:
    """A violent act aimed at a town or a village the text names ("insurgents attacked
    Nangade"), whose target the roles stage made that place's state, harms the people
    there: ACLED's and ICEWS's civilians of that country. The state stays the target of
    an act on the country itself or on a base or an airport."""
    civilians = r.lex.get("civilians")
    if civilians is None:
        return
    c = Classed(civilians, "civilians", False)
    places = [(m, p) for m, p in state.place_links if p is not None]
    for ev in state.events:
        if ev.type not in {"ASSAULT", "COERCE"} or ev.mode == "arrest":
            continue
        for aid in list(ev.target):
            actor = state.actors.get(aid)
            if actor is None or actor.type != "state" or not actor.country:
                continue
            named = [s for s in actor.mentions if ev.evidence.start <= s.start < ev.evidence.end]
            spots = [p for s in named for m, p in places if m.start == s.start]
            if not named or len(spots) < len(named) or any(
                    p.feature not in _INHABITED for p in spots):
                continue  # named as a state, or as a base: the state's own
            new = _new_actor(state, c, actor.country, Actor("", "", c.cls.type, None, False))
            new.mentions += [s for s in named if s not in new.mentions]  # the place's words
            ev.target = _replace(ev.target, aid, new.id)
            trace(ev, {"actor": new.id, "from": aid, "class": "civilians",
                       "country": actor.country, "rule": "inhabited-place target",
                       "place": spots[0].name})


# Where an act's patient is told: its object, the subject of a passive, "on"/"at" objects.
_PATIENT_DEPS = frozenset({"dobj", "nsubjpass"})
_PATIENT_PREPS = frozenset({"on", "at", "against", "upon"})


def _patients(tok: Token) -> list[Token]:
    out = [c for c in tok.children if c.dep_ in _PATIENT_DEPS]
    out += [p for c in tok.children if c.dep_ == "prep" and c.lower_ in _PATIENT_PREPS
            for p in c.children if p.dep_ == "pobj"]
    return out + [c for p in out for c in p.conjuncts]


def unnamed_victims(state: State, r: _Resolver) -> None:
    """An attack or a coercion with no target actor, told on people or their property
    ("burned settlements", "shot two boys", "residents were assaulted"), hits the
    civilians of the event's territory, as ACLED codes it. Not for an act not done."""
    civilians = r.lex.get("civilians")
    if civilians is None or not r.lex.victim_nouns:
        return
    c = Classed(civilians, "civilians", False)
    for ev in state.events:
        m = ev.modality
        if ev.target or ev.trigger is None or ev.type not in {"ASSAULT", "COERCE"} or (
                m.negated or m.future or m.hypothetical or m.denied):
            continue
        span = r.doc.char_span(ev.trigger.start, ev.trigger.end, alignment_mode="expand")
        if span is None:
            continue
        hit = next((p for p in _patients(span.root)
                    if p.lemma_.lower() in r.lex.victim_nouns and p.i not in r.named), None)
        if hit is None:
            continue
        iso3, rule, place = r.country(c, ev.evidence.start, ev)
        if iso3 is None:
            continue
        actor = _new_actor(state, c, iso3, Actor("", "", c.cls.type, None, False))
        ev.target = [actor.id]
        trace(ev, {"actor": actor.id, "from": None, "class": "civilians", "country": iso3,
                   "rule": f"no target told, the act is on {hit.lower_}; {rule}",
                   "place": place})


def _move_mentions(state: State, mentions: list[ActorMention], old: Actor,
                   new: Actor) -> None:
    """The mentions (and their tokens) now name ``new``; ``old`` goes when none is left."""
    if new.id == old.id:
        return
    for m in mentions:
        m.actor_id = new.id
        span = Span(m.text, m.start, m.end)
        if span in old.mentions:
            old.mentions.remove(span)
        if span not in new.mentions:
            new.mentions.append(span)
        for t in range(m.tok_start, m.tok_end):
            state.token_actor[t] = new.id
    if not old.mentions and old.id in state.actors and not _event_of(state.events, old.id):
        del state.actors[old.id]


@register
class ActorContextComponent(Component):
    """Generic actors in context; see the module's docstring."""

    name = "actor_context"
    requires = ("doc", "actors", "actor_mentions", "token_actor", "places", "place_links",
                "events")
    # it renames generic actors in place: their mentions, tokens and the events' roles
    assigns = ("actors", "actor_mentions", "token_actor", "events")

    def __call__(self, state: State) -> None:
        from tocsin.context.claims import claimed_sources
        from tocsin.context.roles import add_class_actors

        before = dict(state.token_actor)
        described = add_class_actors(state)
        if state.doc is not None:
            # one resolver (the document's dateline, dominant and forces' countries) for
            # the three steps: they read the same document and change no country cue
            r = _Resolver(state)
            resolve_in_context(state, r, described)
            unnamed_doers(state, r)
            inhabited_targets(state, r)
            unnamed_victims(state, r)
            claimed_sources(state)
        # A renamed actor may also be who reported an act (the modality's claimant).
        moved = {a: state.token_actor[t] for t, a in before.items()
                 if state.token_actor.get(t, a) != a}
        for ev in state.events:
            claimant = ev.modality.claimant
            if claimant and claimant not in state.actors and claimant in moved:
                ev.modality.claimant = moved[claimant]
