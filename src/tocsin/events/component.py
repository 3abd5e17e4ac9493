"""The `events` component: coded acts -> contract events with date, place and evidence."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from spacy.tokens import Span, Token

from tocsin.actors.kb import get_kb
from tocsin.actors.naming import class_nouns
from tocsin.component import Component, State, register
from tocsin.events.calibration import calibrate, raw_score
from tocsin.events.casualties import casualties
from tocsin.events.coder import CodedAct, code_sentence
from tocsin.events.decision.candidates import sentence_candidates
from tocsin.events.decision.coders import EventCoder, default_coder
from tocsin.events.decision.features import candidate_features, mode_cues, sentence_context
from tocsin.events.decision.model import EventModel, get_model
from tocsin.events.decision.report_rules import force_against_protesters, header_label_roles
from tocsin.events.decision.stage import Decision, Scored
from tocsin.events.roles import ActorIndex, subject_of
from tocsin.geo.place_choice import choose_event_place
from tocsin.lexicon import Lexicon, cameo_root, get_lexicon
from tocsin.lexicon_data import words
from tocsin.model import Actor, Event, Evidence, Place, TimeValue, event_type, stable_id
from tocsin.model import Span as TextSpan
from tocsin.time.resolve import dateline_place_span, publication_fallback, resolve

PLACE_TARGET_FEATURES = frozenset({"site", "airport", "base", "city", "village", "admin1",
                                   "admin2", "country"})


def _attachment(span: Span, anchor: Token) -> int:
    """How far the expression ``span`` is from dating ``anchor``: the parse distance from
    the expression up to the anchor or to the anchor's governing clause ("conducted an
    operation today to detain ..."), plus penalties for a time that dates something else."""
    above = {anchor.i: 0}
    cur: Token = anchor
    while cur.head.i != cur.i and len(above) < 7:
        cur = cur.head
        above.setdefault(cur.i, len(above))
    hops, cur = 0, span.root
    while cur.i not in above and cur.head.i != cur.i and hops < 8:
        cur, hops = cur.head, hops + 1
    score = hops + above.get(cur.i, 10)
    head = span.root.head
    if _dates_noun(span) and head.i != anchor.i and head.i not in above:
        score += 5  # "Tuesday's attack", "the July 2 attack": that noun's date
    # "ISAF today confirmed the capture ... June 14": a time on the verb of saying that
    # governs the act dates the report; another expression dates the act
    if head.i != anchor.i and head.i in above and head.lemma_.lower() in (
            get_lexicon().speech_verbs):
        score += 50
    return score


def _time_for(act: CodedAct, sent: Span, state: State, last: TimeValue | None) -> TimeValue:
    """The temporal expression tied to the act, else the narrative's, else publication."""
    doc = sent.doc
    spans = [(s, e) for s, e in state.time_spans
             if sent.start_char <= s < sent.end_char and s >= state.dateline_end]
    anchor_tok = act.threat_from or (act.frame.speaker.head if act.type == "THREATEN" and
                                     act.frame.speaker is not None else act.token)
    best: tuple[int, int, int, int] | None = None
    for s, e in spans:
        span = doc.char_span(s, e, alignment_mode="expand")
        if span is None:
            continue
        cand = (_attachment(span, anchor_tok), abs(s - anchor_tok.idx), s, e)
        if best is None or cand < best:
            best = cand
    if best is not None:
        expr = state.document.text[best[2]:best[3]]  # doc.text is rebuilt per access
        future = act.frame.modality.future and act.type != "THREATEN"
        value = resolve(expr, state.anchor, future=future)
        if value is not None and value.precision != "unknown":
            if value.rule == "relative-span" and value.precision == "day" and value.end:
                # a round-up of "the past 24 hours" is that day's news: the report's day
                return TimeValue(value.end, value.end, "day", value.text, value.rule)
            return value
    if last is not None:
        return TimeValue(last.start, last.end, last.precision, last.text, "narrative")
    # Reports mostly tell the day's or the night's events: the publication day, marked as
    # assumed by its rule name so that users can filter it out.
    return publication_fallback(state.anchor, threat=act.type == "THREATEN")


@lru_cache(maxsize=1)
def _habitual_adverbs() -> frozenset[str]:
    return words("aspect", "habitual_adverbs")


def _habitual(tok: Token) -> bool:
    """A pattern described in the present or present perfect ("has repeatedly bombed",
    "frequently targets") is background, not a reported act."""
    verb = tok if tok.pos_ in {"VERB", "AUX"} else tok.head
    if not any(c.dep_ == "advmod" and c.lower_ in _habitual_adverbs() for c in verb.children):
        return False
    present = verb.tag_ in {"VBZ", "VBP"} or any(
        c.dep_ == "aux" and c.lower_ in {"has", "have", "'s", "'ve"} for c in verb.children)
    return present


def _retold(act: CodedAct, earlier: list[Event], lex: Lexicon) -> bool:
    """"The strike hit a vehicle": a definite act noun as subject retells an act the
    document already reported; it adds detail, not a second event."""
    if not any(e.type == act.type for e in earlier):
        return False
    heads = [act.token] if act.nominal else [
        c for c in act.token.children if c.dep_ in {"nsubj", "nsubjpass"}]
    for head in heads:
        definite = any(c.dep_ in {"det", "poss"} and c.lower_ in {"the", "this", "that",
                                                                    "these", "those"}
                       for c in head.children)
        if definite and any(t.type == act.type for t in lex.triggers_for(
                head.lemma_.lower(), "NOUN")):
            return True
    return False


def _sentence_time(sent: Span, state: State) -> TimeValue | None:
    """The first past time expression of a sentence, resolved, if any: not one modifying
    a noun ("responsible for the July 2 attack"), which dates something else."""
    assert state.doc is not None
    for s, e in state.time_spans:
        if not (sent.start_char <= s < sent.end_char and s >= state.dateline_end):
            continue
        span = state.doc.char_span(s, e, alignment_mode="expand")
        if span is None or _dates_noun(span):
            continue
        value = resolve(state.document.text[s:e], state.anchor)
        if value is not None and value.precision != "unknown":
            return value
    return None


def _dates_noun(span: Span) -> bool:
    """Is the expression a modifier of a noun ("the July 2 attack", "Tuesday's attack",
    "the January and May, 2012 bombings")? It dates that noun's event."""
    cur = span.root
    while cur.dep_ == "conj" and cur.head.i != cur.i:
        cur = cur.head
    return cur.dep_ in ("poss", "compound", "nmod", "amod") and cur.head.pos_ == "NOUN"


def _aimed_at(phrase: Token) -> list[Token]:
    """The words of a target phrase that can name what was hit: of a group of people, none
    ("killed two men who were carrying arms in West Pokot": the men, not Kenya)."""
    return [phrase] if phrase.lemma_.lower() in class_nouns() else list(phrase.subtree)


def _place_country_target(act: CodedAct, state: State) -> list[str]:
    """A strike on a base, an airport or a city is aimed at the country it lies in (the
    actor itself is made, named by the place, by `_place_actors`)."""
    kb = get_kb()
    phrases = {t.i for p in act.roles.target_phrases
               for t in (_aimed_at(p) if act.type != "THREATEN" else p.subtree)}
    for mention, place in state.place_links:
        if place is None or not place.country or place.feature not in PLACE_TARGET_FEATURES:
            continue
        if any(i in phrases for i in range(mention.tok_start, mention.tok_end)) and (
                kb.get(place.country.lower()) is not None):
            return [place.country.lower()]
    return []


def _place_index(state: State, links: list[tuple[Any, Place | None]]) -> dict[int, str]:
    """Tokens of place names (not named as actors) -> the country actor each stands for."""
    kb = get_kb()
    out: dict[int, str] = {}
    for mention, place in links:
        if place is None or not place.country or mention.from_actor:
            continue
        if kb.get(place.country.lower()) is not None:
            out.update((t, place.country.lower())
                       for t in range(mention.tok_start, mention.tok_end))
    return out


def _named_by_place(state: State, actor_id: str, name: str, country: str | None,
                    mention: Any) -> None:
    """The state actor a place stands for, with the place's words as its mention (so the
    evidence stays exact)."""
    actor = state.actors.setdefault(actor_id, Actor(actor_id, name, "state", country, True))
    if mention is not None:
        span = TextSpan(mention.text, mention.start, mention.end)
        if span not in actor.mentions:
            actor.mentions.append(span)


def _place_actors(target: list[str], act: CodedAct, state: State) -> None:
    """A target found as a place ("arrived in Amman") is its country, named by the place."""
    kb = get_kb()
    phrases = {t.i for p in act.roles.target_phrases for t in (p, *p.subtree)}
    for actor_id in target:
        kb_actor = kb.get(actor_id)
        if kb_actor is None or kb_actor.type != "state":
            continue
        mention, place = next(((m, p) for m, p in state.place_links if p is not None
                               and (p.country or "").lower() == actor_id
                               and phrases & set(range(m.tok_start, m.tok_end))),
                              (None, None))
        if place is not None:
            _named_by_place(state, actor_id, kb_actor.name, place.country, mention)


def _protested(place: Place, source: list[str], state: State) -> list[str]:
    """A protest with no named addressee is aimed at the authorities where it is held
    ("ethnic Albanians demonstrated in Serbia"), as CAMEO codes it; not at the
    protesters' own state, which would make them their own target."""
    kb_actor = get_kb().get((place.country or "").lower())
    if kb_actor is None or kb_actor.type != "state" or kb_actor.id in source:
        return []
    mention = next((m for m, p in state.place_links if p is not None and p.id == place.id
                    and not m.from_actor), None)
    _named_by_place(state, kb_actor.id, kb_actor.name, place.country, mention)
    return [kb_actor.id]


def _confidence(act: CodedAct, place: Place | None, dated: bool,
                probability: float | None, model: EventModel | None) -> float:
    """The model's probability of the event's type, mapped to the precision it had in
    cross-validation (the model card's table); without a model, the rules' calibrated
    feature score."""
    if probability is None or model is None:
        return calibrate(raw_score(act, place is not None, dated))
    table = model.card.get("calibration") or []
    precision = next((p for upto, p in table if probability <= upto),
                     table[-1][1] if table else probability)
    return float(precision) * 0.99 + probability / 100


# How many sentences either side may tell the manner of a sentence's act.
NEAR = 2


@register
class EventsComponent(Component):
    name = "events"
    requires = ("doc", "anchor", "actors", "actor_mentions", "place_links", "places",
                "time_spans", "dateline_end")
    assigns = ("events", "actors")  # a place aimed at stands for its country's actor

    def __init__(self, coder: EventCoder | None = None) -> None:
        # What decides the candidates: the packaged model unless another coder is given.
        self.coder = coder if coder is not None else default_coder(get_model())
        # Set to a list to record every candidate with its features (model training).
        self.collect: list[dict[str, Any]] | None = None

    @property
    def model(self) -> EventModel | None:
        return self.coder.model

    @property
    def version_tag(self) -> str | None:
        return self.coder.version

    def _decisions(self, state: State, sent: Span, si: int, index: ActorIndex,
                   actor_types: Mapping[int, str], types_by_id: Mapping[str, str],
                   first: bool, pooled: list[list[str]], cues: list[list[str]]
                   ) -> tuple[list[Decision], Scored | None]:
        lex = get_lexicon()
        coding = code_sentence(sent, index, lex, state.time_spans)
        for act in list(coding.acts):
            reason = ("habitual: a pattern in the present" if _habitual(act.token) else
                      "retold: a definite act noun the document already reported"
                      if _retold(act, state.events, lex) else None)
            if reason:
                act.dropped = reason
                coding.acts.remove(act)
                coding.dropped.append(act)
        coder = self.coder
        if not coder.needs_candidates and self.collect is None:
            return coder.decide(si, coding.acts, [], [], lex, index)
        cands = sentence_candidates(sent, coding, lex, coder.scan_words, si)
        if not cands:
            return coder.decide(si, coding.acts, [], [], lex, index)
        near = sorted({c for j in range(max(si - NEAR, 0), si + NEAR + 1) if j != si
                       and j < len(cues) for c in cues[j]})
        ctx = sentence_context(sent, cues[si], near, actor_types, len(cands))
        feats = [candidate_features(c, ctx, first and k == 0, types_by_id)
                 for k, c in enumerate(cands)]
        pooled += feats
        if self.collect is not None:
            for c, f in zip(cands, feats, strict=True):
                self.collect.append({
                    "doc": state.document.id, "start": c.token.idx,
                    "end": c.token.idx + len(c.token.text), "origin": c.origin,
                    "rule": f"{c.act.type}:{c.act.mode}" if c.act is not None else None,
                    "features": f})
        return coder.decide(si, coding.acts, cands, feats, lex, index)

    def __call__(self, state: State) -> None:
        assert state.doc is not None
        kinds: dict[int, tuple[str, str]] = {}
        for m in state.actor_mentions:
            for t in range(m.tok_start, m.tok_end):
                if m.actor_id:
                    kinds[t] = (m.actor_id, m.kind)
        types_by_id = {a.id: a.type for a in state.actors.values()}
        # A KB name of a state's force that is also the state's own force form ("Myanmar
        # army": the Tatmadaw, and Myanmar) is the state to the event model, as it was
        # when the model learned from such phrases.
        forms = {m.actor_id for m in state.actor_mentions
                 if m.actor_id and any(h.kind == "force" for h in m.candidates)}
        feature_types = {a: ("state" if a in forms else t) for a, t in types_by_id.items()}
        actor_types = {t: feature_types.get(a, "unknown") for t, (a, _) in kinds.items()}
        links = self._links(state)  # once per document: every act chooses among them
        index = ActorIndex(kinds, _place_index(state, links),
                           frozenset(a.id for a in state.actors.values() if a.country),
                           people=frozenset(a.id for a in state.actors.values()
                                            if a.type == "civilians" and not a.in_kb),
                           parties=frozenset(a.id for a in state.actors.values()
                                             if a.type == "party"))
        last: TimeValue | None = None
        headline: list[int] = []  # header events with no time of their own
        first = True
        before = len(state.events)
        runner_up: tuple[float, Scored, Span] | None = None
        pooled: list[list[str]] = []
        sents = list(state.doc.sents)
        cues = ([mode_cues(s, get_lexicon()) for s in sents]
                if self.coder.needs_candidates or self.collect is not None else [])
        self.coder.begin(sents)
        for si, sent in enumerate(sents):
            decisions, best = self._decisions(state, sent, si, index, actor_types,
                                              feature_types, first, pooled, cues)
            if best is not None and (runner_up is None
                                     or best.p_event * best.p_main > runner_up[0]):
                runner_up = (best.p_event * best.p_main, best, sent)
            first = first and not decisions
            acts = [d.act for d in decisions]
            dead, hurt = casualties(sent) if acts else (None, None)
            first_assault = next((a for a in acts if a.type == "ASSAULT"), None)
            for d in decisions:
                act = d.act
                self._emit(state, sent, act, index, links, last,
                           dead if act is first_assault else None,
                           hurt if act is first_assault else None, d)
                if (act.token.idx < state.dateline_end
                        and state.events[-1].date.rule == "publication-day-assumed"):
                    headline.append(len(state.events) - 1)
            explicit = [e.date for e in state.events[-len(acts):] if acts
                        and e.date.rule not in {"narrative", "publication-day-assumed",
                                                "publication-date", None}]
            if explicit:
                last = explicit[-1]
            elif not acts:
                # A dated sentence without an act still sets the narrative's time
                # ("X addressed supporters on Friday. The cleric called for ...").
                last = _sentence_time(sent, state) or last
        p_report = self.coder.report_probability(pooled)
        quiet = self.coder.quiet
        if p_report is not None and p_report < quiet:
            # The text as a whole reads as quiet news (a flood, a match, a gas explosion).
            del state.events[before:]
            headline = []
        elif len(state.events) == before and runner_up is not None and (
                p_report is None or p_report >= 0.5):
            fb = self.coder.fallback(runner_up[1], get_lexicon(), index)
            if fb is not None:
                sent = runner_up[2]
                dead, hurt = casualties(sent) if fb.act.type == "ASSAULT" else (None, None)
                self._emit(state, sent, fb.act, index, links, None, dead, hurt, fb)
        if self.coder.model is not None:  # the rules' own events keep the rules' order
            force_against_protesters(state.events[before:], types_by_id,
                                     any("PROTEST:riot" in c for c in cues))
            header_label_roles(state.events[before:], state.document.text)
        if p_report is not None:
            for e in state.events[before:]:
                if e.why is not None:
                    e.why["p_report"] = round(p_report, 3)
        self._date_headline(state, headline)

    @staticmethod
    def _date_headline(state: State, headline: list[int]) -> None:
        """A headline ("Taliban Commander Captured in Kandahar") tells the lead's event:
        an undated act before the dateline takes the date of the first dated act after it."""
        if not headline:
            return
        lead = next((e.date for e in state.events if e.trigger is not None
                     and e.trigger.start >= state.dateline_end and e.date.rule not in {
                         "narrative", "publication-day-assumed", "publication-date", None}),
                    None)
        if lead is None:
            return
        for i in headline:
            state.events[i].date = TimeValue(lead.start, lead.end, lead.precision, lead.text,
                                             "narrative")

    @staticmethod
    def _links(state: State) -> list[tuple[Any, Place | None]]:
        """Place mentions an event may take: not the dateline's city, which says where the
        report was filed, unless the sentence names no other place."""
        end = state.dateline_end
        span = dateline_place_span(state.document.text) if end else None
        start = span[0] if span else 0
        # (a headline above the dateline, "Attack Planner Captured in Kabul", keeps its places)
        return [(m, p) for m, p in state.place_links if not start <= m.start < end] or \
            state.place_links

    def _emit(self, state: State, sent: Span, act: CodedAct, index: ActorIndex,
              links: list[tuple[Any, Place | None]],
              last: TimeValue | None, dead: int | None, hurt: int | None,
              decision: Decision) -> None:
        m = act.frame.modality
        if act.type == "THREATEN":
            m.future = True  # what a threat announces has not happened (CONTRACT.md)
        speaker_actors = (index.head_actors(act.frame.speaker)
                          if act.frame.speaker is not None else [])
        if speaker_actors:
            m.claimant = speaker_actors[0]
        source = list(act.roles.source)
        subj, _ = subject_of(act.token) if not act.nominal else (None, False)
        if speaker_actors and ((not source and act.type == "THREATEN") or (
                subj is not None and subj.tag_ == "PRP")):
            # "X said it would ...": the pronoun is the speaker, whatever nearer name
            # ("In a letter to the UN, Iraq said it would allow ...") precedes it.
            source = speaker_actors[:1]
        target = [t for t in act.roles.target if t not in source]
        if not target and act.type in {"ASSAULT", "THREATEN", "COERCE"}:
            target = [t for t in _place_country_target(act, state) if t not in source]
        _place_actors(target, act, state)
        when = _time_for(act, sent, state, last)
        before = state.places.get(state.events[-1].place or "") if state.events else None
        offered = {id(x) for x in links}  # (by identity: a long report has many mentions)
        choice = choose_event_place(act.token, links, [
            x for x in state.place_links if id(x) not in offered], before, state.places.keys())
        place = choice.place
        placed = choice.rule in ("act", "sentence", "previous-sentences")
        if not target and act.type == "PROTEST" and place is not None and placed:
            target = _protested(place, source, state)
        trigger = TextSpan(act.token.text, act.token.idx, act.token.idx + len(act.token.text))
        event = Event(
            id=stable_id(state.document.id, act.type, trigger.start, trigger.end),
            type=event_type(act.type), mode=act.mode, cameo_root=cameo_root(act.cameo),
            source=source, target=target, date=when,
            place=place.id if place else None, fatalities=dead, injuries=hurt,
            modality=m,
            evidence=Evidence(sent.text, sent.start_char, sent.end_char),
            confidence=_confidence(act, place if placed else None, when.rule not in {
                None, "publication-day-assumed", "narrative"}, decision.probability,
                self.model),
            trigger=trigger, salience=decision.salience,
            why={**decision.why, "place": choice.trace()},
        )
        state.events.append(event)
