"""Claims of responsibility name the perpetrator of an act the report tells without one
(or with only "gunmen"):
"A roadside bomb hit a convoy near Jowhar. Al-Shabaab claimed responsibility for the
attack." ACLED and ICEWS code the claimant as the act's first actor."""

from __future__ import annotations

from spacy.tokens import Span, Token

from tocsin.component import State
from tocsin.context.in_context import trace
from tocsin.events.modality import cues

# Kinds of actor mention that name a doer (not a country, not a pronoun).
_DOERS = frozenset({"kb", "ner", "generic"})


def claimed_sources(state: State) -> None:
    """An ASSAULT with no source or only unidentified ones ("gunmen"), told in the claim's
    sentence or the one before, takes the claimant (the subject of "claimed
    responsibility", "took responsibility", "claimed the attack") as its source; "no
    group claimed responsibility" names nobody."""
    doc = state.doc
    if doc is None or not state.events:
        return
    phrases = cues().claim_phrases
    negation = cues().negation
    sents = list(doc.sents)
    for k, sent in enumerate(sents):
        low = sent.text.lower()
        if not any(p in low for p in phrases):
            continue
        verb = _claim_verb(sent, phrases)
        if verb is None or any(c.dep_ == "neg" or c.lower_ in negation
                               for c in verb.children):
            continue
        subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        if subject is None or any(t.lower_ in ("no", "none", "nobody") for t in
                                  subject.subtree):
            continue
        claimant = _claimant(state, subject)
        if claimant is None:
            continue
        start = sents[k - 1].start_char if k else sent.start_char
        for ev in state.events:
            unnamed = all(state.actors[a].type == "unknown" for a in ev.source
                          if a in state.actors)
            if (ev.type == "ASSAULT" and unnamed and claimant not in ev.target
                    and start <= ev.evidence.start < sent.end_char):
                ev.source[:] = [claimant]
                trace(ev, {"actor": claimant, "rule": "claimed responsibility",
                           "mention": subject.text})


def _claim_verb(sent: Span, phrases: tuple[str, ...]) -> Token | None:
    """The verb opening a claim phrase (modality.yaml ``claim_phrases``) in the sentence."""
    firsts = {p.split()[0] for p in phrases}
    return next((t for t in sent if t.pos_ in ("VERB", "AUX")
                 and (t.lower_ in firsts or t.lemma_.lower() in firsts)),
                None)


def _claimant(state: State, subject: Token) -> str | None:
    """The actor the claim's subject names: its mention whose head is in the subject."""
    inside = {t.i for t in subject.subtree}
    for m in state.actor_mentions:
        if (m.actor_id and m.actor_id in state.actors and m.tok_end - 1 in inside
                and m.kind in _DOERS):
            return str(m.actor_id)
    return None
