"""`LLMEventCoder`: a chat model decides the events at the same seam as the learned model.

Once per document the model is asked which words of the numbered sentences name an act,
with its PLOVER type and mode (`prompt.build_event_messages`). Each answer becomes a
decision on the candidate at that word (the rules' act, a dropped act or a scanned
trigger word), or on a new candidate at the word when the tocsin scan has none. The rest
is the pipeline's own: actors and roles from the parse, time, place, casualties and
evidence offsets. The model never gives an offset: the trigger is found in its sentence.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tocsin.events.decision.candidates import EventCandidate
from tocsin.events.decision.coders import EventCoder
from tocsin.events.decision.stage import Decision, Scored, made
from tocsin.lexicon import get_lexicon
from tocsin.llm.client import ChatClient
from tocsin.llm.coder import locate
from tocsin.llm.prompt import EVENTS_PROMPT_VERSION, build_event_messages, parse_event_reply
from tocsin.model import PLOVER_TYPES

if TYPE_CHECKING:
    from spacy.tokens import Span

    from tocsin.events.coder import CodedAct
    from tocsin.events.roles import ActorIndex
    from tocsin.lexicon import Lexicon

log = logging.getLogger("tocsin.llm")
ORIGIN_RANK = {"rule": 0, "dropped": 1, "scan": 2}


@dataclass(slots=True)
class Label:
    start: int  # character offsets of the trigger in the document
    end: int
    type: str
    mode: str | None
    said: dict[str, Any]  # the model's item, for the trace


class LLMEventCoder(EventCoder):
    """Events decided by an OpenAI-compatible chat model (TOCSIN_LLM_URL)."""

    name = "llm"

    def __init__(self, url: str | None = None, model: str | None = None,
                 api_key: str | None = None, timeout: float | None = None,
                 cache_dir: Path | None = None) -> None:
        self.client = ChatClient(url, model, api_key, timeout, cache_dir)
        self._labels: dict[int, list[Label]] = {}
        self._sents: list[Span] = []
        self.notes: list[str] = []  # what was dropped from the last document, and why

    @property
    def version(self) -> str | None:
        return f"llm:{self.client.model}"

    def begin(self, sents: list[Span]) -> None:
        lex = get_lexicon()
        modes: dict[str, tuple[str, ...]] = {t: lex.modes_of(t) for t in PLOVER_TYPES}
        texts = [s.text for s in sents]
        items = self.client.ask(self.client.key(EVENTS_PROMPT_VERSION, texts),
                                build_event_messages(texts, modes), parse_event_reply,
                                EVENTS_PROMPT_VERSION)
        self.notes = []
        self._labels = {}
        self._sents = sents
        for item in items:
            label = self._label(item, sents, modes)
            if label is not None:
                si = int(item["sentence"]) - 1
                self._labels.setdefault(si, []).append(label)

    def _drop(self, why: str) -> None:
        self.notes.append(why)
        log.warning("llm events: %s", why)

    def _label(self, item: Any, sents: list[Span], modes: Mapping[str, tuple[str, ...]]
               ) -> Label | None:
        if not isinstance(item, dict):
            self._drop("dropped an item that is not an object")
            return None
        n, trigger, typ = item.get("sentence"), item.get("trigger"), item.get("type")
        if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= len(sents):
            self._drop(f"dropped an event with no such sentence: {n!r}")
            return None
        typ = typ.strip().upper() if isinstance(typ, str) else typ
        if typ not in PLOVER_TYPES:
            self._drop(f"dropped an event of unknown type {typ!r}")
            return None
        sent = sents[n - 1]
        hit = locate(sent.doc.text, trigger, None, sent.start_char, sent.end_char) \
            if isinstance(trigger, str) else None
        if hit is None:
            self._drop(f"dropped a {typ} event: trigger {trigger!r} not in sentence {n}")
            return None
        mode = item.get("mode")
        if mode is not None and mode not in modes[typ]:
            self._drop(f"{typ} event: mode {mode!r} is not one of the type's; left out")
            mode = None
        return Label(hit[0], hit[1], typ, mode, item)

    def decide(self, si: int, acts: list[CodedAct], cands: list[EventCandidate],
               features: list[list[str]], lex: Lexicon, index: ActorIndex
               ) -> tuple[list[Decision], Scored | None]:
        out: list[Decision] = []
        used: set[int] = set()
        for label in self._labels.get(si, []):
            c = self._candidate(label, cands, self._sents[si], si)
            if c is None or c.token.i in used:
                continue
            used.add(c.token.i)
            why: dict[str, Any] = {
                "candidate": c.origin, "trigger": c.token.text,
                "rules": list(c.act.trace) if c.act is not None else [],
                "llm": {"model": self.client.model, "said": label.said},
                "decided_by": "llm"}
            out.append(made(c, label.type, label.mode, lex, index, why))
        return out, None

    @staticmethod
    def _candidate(label: Label, cands: list[EventCandidate], sent: Span, si: int
                   ) -> EventCandidate | None:
        """The candidate at the model's word (the rules' reading first), else a new one at
        the head of the words it quoted."""
        inside = [c for c in cands if label.start <= c.token.idx < label.end]
        if inside:
            return min(inside, key=lambda c: ORIGIN_RANK.get(c.origin, 3))
        span = sent.doc.char_span(label.start, label.end, alignment_mode="expand")
        if span is None:
            return None
        return EventCandidate(span.root, "llm", None, (), si)
