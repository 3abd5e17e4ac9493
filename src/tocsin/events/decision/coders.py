"""Event coders: what decides each sentence's candidates. One interface, three coders:

- `LearnedCoder` (the default when a model is packaged): the decision stage's model with
  its named rules (stage.py);
- `RulesCoder`: the rules' acts alone (no model packaged, or chosen to compare);
- `tocsin.llm.events.LLMEventCoder`: a chat model names the sentences' event words.

Every coder sees the same thing, the candidates of a sentence (the rules' acts, dropped
acts, trigger words found without the parse) with their features; the events component
keeps the rest (roles, time, place, casualties, evidence), so that every coder's events
carry the same provenance and a trace saying what decided them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

from tocsin.events.decision.model import EventModel
from tocsin.events.decision.stage import (
    Decision,
    Scored,
    decide,
    fallback,
    report_probability,
    rules_only,
)

if TYPE_CHECKING:
    from spacy.tokens import Span

    from tocsin.events.coder import CodedAct
    from tocsin.events.decision.candidates import EventCandidate
    from tocsin.events.roles import ActorIndex
    from tocsin.lexicon import Lexicon


class EventCoder(ABC):
    """Decides which candidates are events, of which type and mode."""

    name: str = "coder"
    # Words whose tokens become candidates without the parse.
    scan_words: frozenset[str] = frozenset()
    # False: the coder reads only the rules' acts, so candidates need no features.
    needs_candidates: bool = True
    # The model whose card calibrates the events' confidence (None: the rules' calibration).
    model: EventModel | None = None

    def begin(self, sents: list[Span]) -> None:
        """Called once per document, before its sentences (a coder that reads the whole
        document at once reads it here)."""
        return None

    @abstractmethod
    def decide(self, si: int, acts: list[CodedAct], cands: list[EventCandidate],
               features: list[list[str]], lex: Lexicon, index: ActorIndex
               ) -> tuple[list[Decision], Scored | None]:
        """The events of sentence ``si``, and its best candidate left undecided (for the
        report's fallback)."""

    def report_probability(self, features: list[list[str]]) -> float | None:
        """The probability that the document reports any act (None: not estimated)."""
        return None

    @property
    def quiet(self) -> float:
        """Below this report probability the document reads as quiet news."""
        return 0.0

    def fallback(self, runner_up: Scored | None, lex: Lexicon, index: ActorIndex
                 ) -> Decision | None:
        """The event of a report that has none over the threshold (None: no fallback)."""
        return None

    @property
    def version(self) -> str | None:
        """What the pipeline version adds for this coder (None for the default)."""
        return f"coder:{self.name}"


class RulesCoder(EventCoder):
    """The rules' acts are the events; their trace says so."""

    name = "rules"
    needs_candidates = False

    def __init__(self, scan_words: frozenset[str] = frozenset(),
                 reason: str = "rules (the rules coder was chosen)") -> None:
        self.scan_words = scan_words  # only for training, which records every candidate
        self.reason = reason

    def decide(self, si: int, acts: list[CodedAct], cands: list[EventCandidate],
               features: list[list[str]], lex: Lexicon, index: ActorIndex
               ) -> tuple[list[Decision], Scored | None]:
        return rules_only(acts, self.reason), None


class LearnedCoder(EventCoder):
    """The packaged model decides, with the stage's named rules."""

    name = "learned"

    def __init__(self, model: EventModel) -> None:
        self.model = model
        self.scan_words = model.trigger_words

    def decide(self, si: int, acts: list[CodedAct], cands: list[EventCandidate],
               features: list[list[str]], lex: Lexicon, index: ActorIndex
               ) -> tuple[list[Decision], Scored | None]:
        return decide(cands, features, self.model, lex, index)

    def report_probability(self, features: list[list[str]]) -> float | None:
        return report_probability(self.model, features)

    @property
    def quiet(self) -> float:
        assert self.model is not None
        return float(self.model.card.get("quiet", 0.0))

    def fallback(self, runner_up: Scored | None, lex: Lexicon, index: ActorIndex
                 ) -> Decision | None:
        return fallback(runner_up, self.model, lex, index)

    @property
    def version(self) -> str | None:
        return None


def default_coder(model: EventModel | None) -> EventCoder:
    """The learned coder when a model is packaged, else the rules."""
    if model is None:
        return RulesCoder(reason="rules (no model packaged)")
    return LearnedCoder(model)
