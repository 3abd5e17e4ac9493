"""Generic actors found after the events stage, and the empty roles they fill.

Group nouns the actors stage does not hold ("rioters", "bandits", "the army",
"unidentified armed men") are found here, after events are decided, so that the event
decision is the same with or without this step. A generic actor then takes an event's
source or target only where the roles stage left it empty and the parse makes it the
act's doer or undergoer; a protest's plural subject ("meat sellers protested", "a group of
parents camped outside the court") is its protesters, described as written. Each filled
role is traced in the event's ``why["actors"]``.
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from tocsin.actors.naming import context_lexicon, cue_words
from tocsin.actors.normalize import slug
from tocsin.actors.nouns import ActorMention, actor_nouns, overlaps
from tocsin.component import State
from tocsin.context.in_context import mod_words, trace
from tocsin.doc_cache import doc_tokens
from tocsin.model import Actor, Event, Span, actor_type


def class_mentions(doc: Doc, taken: list[tuple[int, int]],
                   generic: dict[str, str]) -> list[ActorMention]:
    """Group nouns of the context classes that the group-noun vocabulary (``generic``)
    does not hold ("rioters", "bandits", "the army"), and perpetrators named only by a cue
    and a person noun ("unidentified armed men", "an unidentified armed group")."""
    lex = context_lexicon()
    out: list[ActorMention] = []
    for tok in doc_tokens(doc):
        if tok.pos_ not in {"NOUN", "PROPN"} or tok.dep_ == "compound":
            continue
        lemma = tok.lemma_.lower()
        mods = [c for c in tok.children if c.dep_ in {"amod", "compound"} and c.i < tok.i]
        words = mod_words(mods)
        cls = next((c for c in lex.classes if (lemma in c.nouns or tok.lower_ in c.nouns)
                    and (not c.cues or words & c.cues or lemma in c.bare
                         or tok.lower_ in c.bare)), None)
        if cls is None or (lemma in generic or tok.lower_ in generic) and not cls.cues:
            continue  # found, with its modifiers, by tocsin.actors.generic
        if tok.pos_ == "PROPN" and not tok.is_sent_start:
            continue  # "Army" inside a name
        start = min([c.i for c in mods if words & cls.cues] + [tok.i]) if cls.cues else tok.i
        if overlaps(start, tok.i + 1, taken):
            continue
        span = doc[start:tok.i + 1]
        out.append(ActorMention(span.start_char, span.end_char, start, tok.i + 1, span.text,
                                "generic", new_actor=(span.text.lower(), cls.type, None),
                                score=0.5))
    return out


def _phrase_head(tok: Token) -> Token:
    """"a group of unidentified armed men" stands where "group" does in the parse."""
    while tok.dep_ == "pobj" and tok.head.lower_ == "of" and tok.head.head.pos_ == "NOUN":
        tok = tok.head.head
    return tok


def _doer_verb(trigger: Token, nominal: bool) -> Token | None:
    """The verb whose subject does the act: the trigger itself, or the light verb of an
    act noun ("held a protest", "staged a sit-in", "took part in a demonstration")."""
    from tocsin.events.roles import light_verbs

    if not nominal:
        return trigger
    verb = trigger.head
    # (the small model lemmatises "staged" to "stag": the surface forms count too)
    forms = {verb.lemma_.lower(), verb.lower_, verb.lower_[:-1], verb.lower_[:-2]}
    if trigger.dep_ == "dobj" and forms & light_verbs():
        return verb  # not "police dispersed a protest"
    if trigger.dep_ == "pobj" and trigger.head.lower_ == "in" and (
            verb.head.pos_ == "VERB" and not any(c.dep_ == "dobj" for c in verb.head.children)):
        return verb.head  # "gathered ... in a demonstration", "took part in a protest"
    return None


def _role(head: Token, trigger: Token, nominal: bool) -> str | None:
    """Whether a noun phrase is the act's doer ("source") or undergoer ("target") by the
    parse: its subject, its passive agent ("by unknown gunmen"), its object, or that of a
    verb coordinated with it ("shot and killed a civilian")."""
    from tocsin.events.roles import subject_of

    tok = _phrase_head(head)
    if tok.dep_ == "pobj" and tok.head.lower_ == "by" and tok.head.head.i == trigger.i:
        return "source"  # "was attacked by ...", "the attack by ..."
    verb = _doer_verb(trigger, nominal)
    if verb is None:
        return None
    subj, passive = subject_of(verb)
    if subj is not None and tok.dep_ == "pobj" and tok.head.lower_ == "by" and (
            tok.head.head.i == subj.i and not passive):
        return "source"  # "an IED by an unknown group detonated"
    if subj is not None and subj.i == tok.i:
        if passive:  # "were attacked": its undergoer; "a protest was held": no one
            return None if nominal else "target"
        return "source"
    if not nominal and tok.dep_ == "dobj" and tok.head.i in {
            trigger.i, *(c.i for c in trigger.conjuncts)}:
        return "target"
    if subj is not None and subj.tag_ == "PRP" and not passive and verb.dep_ == "ccomp":
        said, _ = subject_of(verb.head)  # "the army said it killed ...": the speaker
        if said is not None and said.i == tok.i:
            return "source"
    return None


def _counted(tok: Token) -> Token:
    """"a group of parents", "hundreds of traders": the people counted."""
    if tok.lemma_.lower() in context_lexicon().quantity_heads or tok.like_num:
        of = [c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"]
        objs = [c for o in of for c in o.children if c.dep_ == "pobj"]
        if objs and objs[0].tag_ == "NNS":
            return objs[0]
    return tok


def _protest_subject(trigger: Token, nominal: bool) -> Token | None:
    """Who protested, by the parse: the subject of the protest verb or of its light verb,
    or the noun a protest verb is misparsed as modifying ("local residents protested in
    X" read as a reduced relative; "relatives of a man protested" hung on "man")."""
    from tocsin.events.roles import subject_of

    if not nominal and trigger.dep_ == "acl" and trigger.head.pos_ == "NOUN":
        noun = trigger.head
        while noun.tag_ != "NNS" and noun.dep_ == "pobj" and noun.head.lower_ == "of" and (
                noun.head.head.pos_ == "NOUN"):
            noun = noun.head.head
        return noun
    verb = _doer_verb(trigger, nominal)
    if verb is None:
        return None
    subj, passive = subject_of(verb)
    return None if subj is None or passive else _counted(subj)


def _protesters(state: State, ev: Event, trigger: Token, nominal: bool,
                taken: list[tuple[int, int]]) -> ActorMention | str | None:
    """A protest's protesters: an actor already named there (its id), or a plural common
    noun made a new one ("lawyers held a peaceful protest", "bus drivers gathered ... in
    a demonstration")."""
    subj = _protest_subject(trigger, nominal)
    if subj is None or subj.pos_ != "NOUN" or subj.tag_ != "NNS":
        return None
    known = state.token_actor.get(subj.i)
    if known is not None:
        actor = state.actors.get(known)
        return known if actor is not None and actor.type == "civilians" else None
    first = subj
    while first.i > 0 and state.doc is not None and (
            state.doc[first.i - 1].dep_ in {"compound", "amod"}
            and state.doc[first.i - 1].head.i == subj.i):
        first = state.doc[first.i - 1]  # "meat sellers", "local residents"
    if overlaps(first.i, subj.i + 1, taken) or not (
            ev.evidence.start <= first.idx < ev.evidence.end):
        return None
    assert state.doc is not None
    span = state.doc[first.i:subj.i + 1]
    return ActorMention(span.start_char, span.end_char, span.start, span.end, span.text,
                        "generic", new_actor=(span.text.lower(), "civilians", None),
                        score=0.5)


def _register(state: State, m: ActorMention) -> None:
    assert m.new_actor is not None
    name, typ, _ = m.new_actor
    m.actor_id = f"generic:{slug(name)}"
    actor = state.actors.setdefault(m.actor_id, Actor(m.actor_id, name, actor_type(typ), None,
                                                            False))
    actor.mentions.append(Span(m.text, m.start, m.end))
    for t in range(m.tok_start, m.tok_end):
        state.token_actor[t] = m.actor_id


def _trigger(doc: Doc, ev: Event) -> Token | None:
    if ev.trigger is None:
        return None
    span = doc.char_span(ev.trigger.start, ev.trigger.end, alignment_mode="expand")
    return span.root if span is not None else None


# Group nouns a named group's own members make up (as tocsin.actors.generic has them).
_MEMBER_TYPES = frozenset({"military", "unknown", "rebel", "militia"})


def _absorb(state: State, g: ActorMention, member: Actor, group: Actor,
            rule: str = "group-members") -> None:
    """A generic group noun that is a named group's members becomes that group."""
    span = Span(g.text, g.start, g.end)
    if span in member.mentions:
        member.mentions.remove(span)
    group.mentions.append(span)
    g.actor_id = group.id
    for t in range(g.tok_start, g.tok_end):
        state.token_actor[t] = group.id
    for ev in state.events:
        if member.id in ev.source + ev.target:
            ev.source = list(dict.fromkeys(group.id if a == member.id else a
                                           for a in ev.source))
            ev.target = list(dict.fromkeys(group.id if a == member.id else a
                                           for a in ev.target))
            trace(ev, {"actor": group.id, "from": member.id, "rule": rule,
                       "mention": g.text})
    if not member.mentions:
        state.actors.pop(member.id, None)


def repair_cue_names(state: State) -> None:
    """"Suspected al-Shabaab" opening a sentence is taken by the tagger for one unknown
    name; it is the known group, qualified by a cue word: its events take the group."""
    from tocsin.actors.kb import get_kb

    kb = get_kb()
    for m in state.actor_mentions:
        old = state.actors.get(m.actor_id or "")
        words = m.text.split(maxsplit=1)
        if m.kind != "ner" or old is None or old.in_kb or len(words) != 2 or (
                words[0].lower() not in cue_words()):
            continue
        ids = {h.actor_id for h in kb.lookup(words[1]) if h.kind == "alias"
               and not h.ambiguous}
        known = kb.get(next(iter(ids))) if len(ids) == 1 else None
        if known is None:
            continue
        new = state.actors.setdefault(known.id, Actor(known.id, known.name, known.type,
                                                      known.country, True))
        new.mentions.append(Span(m.text, m.start, m.end))
        m.actor_id, m.kind = known.id, "kb"
        for t in range(m.tok_start, m.tok_end):
            state.token_actor[t] = known.id
        for ev in state.events:
            if old.id in ev.source + ev.target:
                ev.source = [known.id if a == old.id else a for a in ev.source]
                ev.target = [known.id if a == old.id else a for a in ev.target]
                trace(ev, {"actor": known.id, "from": old.id, "rule": "cue-name",
                           "mention": m.text})
        if not any(x.actor_id == old.id for x in state.actor_mentions):
            state.actors.pop(old.id, None)
        # "Suspected al-Shabaab militants": the militants are the group's
        for g in state.actor_mentions:
            member = state.actors.get(g.actor_id or "")
            if g.kind == "generic" and g.tok_start == m.tok_end and member is not None and (
                    member.type in _MEMBER_TYPES and member.country is None):
                _absorb(state, g, member, new)


def _state_of(words: list[str]) -> str | None:
    """ISO3 of a demonym or country name ("Nigerian", "Kenya") opening a name."""
    from tocsin.actors.kb import get_kb

    kb = get_kb()
    for n in (2, 1):
        if len(words) > n:
            for h in kb.lookup(" ".join(words[:n])):
                actor = kb.get(h.actor_id)
                if h.kind in {"demonym", "name"} and actor is not None and (
                        actor.type == "state" and actor.country):
                    return actor.country
    return None


def repair_state_force_names(state: State) -> None:
    """"Nigerian Airforce", "Kenya Navy" taken by the tagger for an unknown organisation
    are that state's forces: a demonym or country name and a force noun of the context
    classes. The events take the state's forces, named as a person would."""
    from tocsin.actors.naming import display_name

    lex = context_lexicon()
    for m in state.actor_mentions:
        old = state.actors.get(m.actor_id or "")
        words = m.text.split()
        if m.kind != "ner" or old is None or old.in_kb or (
                old.type not in {"organization", "person"}):  # (the tagger says PERSON too)
            continue
        tail = {words[-1].lower(), " ".join(words[-2:]).lower()}
        cls = next((c for c in lex.classes if c.state and tail & (c.nouns | c.pairs)),
                   None)
        iso3 = _state_of(words) if cls is not None else None
        if cls is None or iso3 is None:
            continue
        new_id = f"generic:{slug(f'{iso3} {cls.name}')}"
        new = state.actors.setdefault(new_id, Actor(
            new_id, display_name(cls, cls.name, iso3), cls.type, iso3, False))
        _absorb(state, m, old, new, "state-force-name")


_STATE_SIDE = frozenset({"state", "military", "police"})


def _between_sides(state: State, trigger: Token, mentions: list[ActorMention]
                   ) -> list[str]:
    """The sides of "clashes between A and B" or "fighting broke out between A and B",
    once the army and the police are actors: a state's side first (ACLED lists state
    forces as the first actor of a clash), then the others in the text's order."""
    heads = [trigger]
    if trigger.dep_ == "nsubj" and trigger.head.pos_ in {"VERB", "AUX"}:
        heads.append(trigger.head)
    prep = next((c for h in heads for c in h.children
                 if c.dep_ == "prep" and c.lower_ == "between"), None)
    if prep is None:
        # "clashes reported on social media between A and B": the small parser hangs the
        # parties on a noun of the participle that describes the clashes
        prep = next((t for t in trigger.subtree if t.dep_ == "prep"
                     and t.lower_ == "between" and _through_modifiers(t, trigger)), None)
    if prep is None:
        return []
    inside = {t.i for t in prep.subtree}
    sides: list[str] = []
    for m in sorted(mentions, key=lambda m: m.start):
        aid = m.actor_id
        if aid and aid in state.actors and m.tok_end - 1 in inside and aid not in sides \
                and m.kind != "country":
            sides.append(aid)
    return sorted(sides, key=lambda a: state.actors[a].type not in _STATE_SIDE)


def _through_modifiers(tok: Token, top: Token) -> bool:
    """Whether ``tok`` hangs under ``top`` through participles and prepositional phrases
    only, not a clause of its own ("clashes reported on media between ...")."""
    while tok.i != top.i and tok.head.i != tok.i:
        if tok.dep_ not in ("prep", "agent", "pobj", "acl", "nmod", "compound"):
            return False
        tok = tok.head
    return tok.i == top.i


def add_class_actors(state: State) -> set[str]:
    """After events are decided (so their decision is not changed by it): class nouns the
    actors stage left unnamed become generic actors; generic actors take an event's empty
    source or target where the parse makes them its doer or undergoer; a protest with no
    source takes its plural subject as its protesters. Returns the ids of the actors made
    from a protest's subject (civilians described as written)."""
    doc = state.doc
    assert doc is not None
    repair_cue_names(state)
    repair_state_force_names(state)
    taken = [(m.tok_start, m.tok_end) for m in state.actor_mentions]
    taken += [(m.tok_start, m.tok_end) for m, _p in state.place_links]
    added = class_mentions(doc, taken, actor_nouns().generic)
    for m in added:
        _register(state, m)
    # Group nouns the roles stage left out ("was beaten by police"): new ones and old.
    heads = {m.tok_end - 1: m for m in state.actor_mentions + added
             if m.kind == "generic" and m.actor_id in state.actors}
    described: set[str] = set()
    for ev in state.events:
        trigger = _trigger(doc, ev)
        if trigger is None:
            continue
        nominal = trigger.pos_ in {"NOUN", "PROPN"}
        for i, m in heads.items():
            if not ev.evidence.start <= m.start < ev.evidence.end:
                continue
            role = _role(doc[i], trigger, nominal)
            ids = ev.source if role == "source" else ev.target if role == "target" else None
            if ids is None or ids or m.actor_id in ev.source + ev.target:
                continue  # only an empty role is filled: the roles stage decided the rest
            ids.append(str(m.actor_id))
            trace(ev, {"actor": m.actor_id, "rule": f"parse-{role}", "mention": m.text})
        if not ev.source:
            sides = _between_sides(state, trigger, state.actor_mentions + added)
            if len(sides) >= 2:
                ev.source, ev.target = sides[:1], sides[1:]
                trace(ev, {"actor": sides[0], "rule": "between", "sides": sides})
        if ev.type == "PROTEST" and not ev.source:
            p = _protesters(state, ev, trigger, nominal, taken + [
                (x.tok_start, x.tok_end) for x in added])
            if isinstance(p, ActorMention):
                _register(state, p)
                added.append(p)
                described.add(str(p.actor_id))
                ev.source.append(str(p.actor_id))
                trace(ev, {"actor": p.actor_id, "rule": "protest-subject",
                           "mention": p.text})
            elif p is not None:  # named already, maybe taken for the target by the parse
                ev.target = [a for a in ev.target if a != p]
                ev.source.append(p)
                trace(ev, {"actor": p, "rule": "protest-subject"})
    if added:
        state.actor_mentions = sorted(state.actor_mentions + added, key=lambda m: m.start)
    return described
