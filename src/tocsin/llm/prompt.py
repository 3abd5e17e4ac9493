"""The prompt the LLM coder sends, and reading the model's reply back as JSON."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from tocsin.model import ACTOR_TYPES, PLOVER_TYPES

# Bump whenever the prompt text changes: it is part of the cache key.
PROMPT_VERSION = "1"

SYSTEM = "You are a careful political event coder. You answer with one JSON object only."

_SHAPE = """{
  "actors": [{"id": "short_snake_case_id", "name": "...", "type": "<actor type>",
              "country": "ISO 3166-1 alpha-3 or null", "in_kb": false,
              "mentions": [{"text": "exact words from the text", "start": 0, "end": 0}]}],
  "places": [{"id": "geonames:<id> or a short id", "name": "...", "lat": null, "lon": null,
              "country": "ISO alpha-3 or null", "admin1": null, "feature": "<feature>",
              "mentions": [{"text": "exact words from the text", "start": 0, "end": 0}]}],
  "events": [{"id": "e1", "type": "<PLOVER type>", "mode": null, "cameo_root": "18",
              "source": ["<actor id>"], "target": ["<actor id>"],
              "date": {"start": "YYYY-MM-DD", "end": "YYYY-MM-DD",
                       "precision": "day|week|month|year|unknown", "text": "words or null"},
              "place": "<place id or null>", "fatalities": null,
              "modality": {"negated": false, "hypothetical": false, "future": false},
              "evidence": {"sentence": "the whole sentence, copied exactly", "start": 0, "end": 0},
              "trigger": {"text": "the event word", "start": 0, "end": 0},
              "confidence": 0.8}],
  "relations": [{"type": "leader_of", "subject": "<actor id>", "object": "<actor id>",
                 "evidence": {"sentence": "the whole sentence, copied exactly",
                              "start": 0, "end": 0}}]
}"""


def build_messages(text: str, published: date | None) -> list[dict[str, str]]:
    """The chat messages for one document. The text comes last, after a "TEXT:" line."""
    pub = published.isoformat() if published else "unknown"
    user = (
        "Code the political and conflict events in the text below as JSON of this shape:\n"
        f"{_SHAPE}\n\n"
        f"Event types (PLOVER): {', '.join(PLOVER_TYPES)}.\n"
        f"Actor types: {', '.join(ACTOR_TYPES)}.\n"
        "Rules:\n"
        "- One event per thing that happened; source and target list actor ids from "
        "\"actors\".\n"
        "- Copy evidence sentences, mentions and triggers exactly as they appear in the "
        "text.\n"
        "- A threat or announcement of a future action is THREATEN (or what was actually "
        "done) with modality.future true, never the threatened ASSAULT.\n"
        f"- Resolve relative dates (\"on Friday\", \"yesterday\") against the publication "
        f"date {pub}; if a date cannot be resolved use precision \"unknown\" with null "
        "start and end.\n"
        "- Use empty lists when there is nothing to report. Answer with the JSON object "
        "only.\n\n"
        f"PUBLISHED: {pub}\n"
        f"TEXT:\n{text}"
    )
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}]


_FENCE = re.compile(r"^\s*```[a-zA-Z]*\s*\n?(.*?)\n?\s*```\s*$", re.DOTALL)


def parse_reply(content: str) -> dict[str, Any]:
    """The JSON object in a reply, with ```json fences (and chatter around it) stripped.

    Raises ValueError with a short, clear reason when there is no JSON object.
    """
    body = content.strip()
    m = _FENCE.match(body)
    if m:
        body = m.group(1).strip()
    elif not body.startswith("{"):
        # Some models say a sentence before the object: take the outermost braces.
        first, last = body.find("{"), body.rfind("}")
        if first < 0 or last <= first:
            raise ValueError(f"reply holds no JSON object: {content[:80]!r}")
        body = body[first:last + 1]
    try:
        obj = json.loads(body)
    except json.JSONDecodeError as exc:
        raise ValueError(f"reply is not valid JSON ({exc.msg} at char {exc.pos}): "
                         f"{content[:80]!r}") from None
    if not isinstance(obj, dict):
        raise ValueError(f"reply is JSON but not an object: {type(obj).__name__}")
    for key in ("actors", "places", "events", "relations"):
        obj.setdefault(key, [])
        if not isinstance(obj[key], list):
            raise ValueError(f"reply field {key!r} is not a list")
    return obj


# The question of the coder at the events decision seam (tocsin.llm.events); part of its
# cache key like PROMPT_VERSION.
EVENTS_PROMPT_VERSION = "events-1"


def build_event_messages(sentences: list[str], modes: Mapping[str, tuple[str, ...]]
                         ) -> list[dict[str, str]]:
    """The chat messages asking which words of a report's numbered sentences name an act.
    The sentences come last, after a "SENTENCES:" line, one per line as "[n] text"."""
    mode_lines = "\n".join(f"  {t}: {', '.join(ms)}" for t, ms in modes.items() if ms)
    numbered = "\n".join(f"[{i + 1}] {' '.join(s.split())}" for i, s in enumerate(sentences))
    user = (
        "Below are the numbered sentences of one report. List each political or conflict "
        "act the report tells, once, as JSON of this shape:\n"
        '{"events": [{"sentence": 1, "trigger": "the word or short phrase naming the act, '
        'copied exactly", "type": "<PLOVER type>", "mode": "<mode or null>"}]}\n\n'
        f"Event types (PLOVER): {', '.join(PLOVER_TYPES)}.\n"
        f"Modes by type:\n{mode_lines}\n"
        "Rules:\n"
        "- An act announced for the future or threatened is THREATEN.\n"
        "- Leave out habits (\"has repeatedly shelled\"), denials, and later retellings of "
        "an act already listed (\"the strike killed two\").\n"
        "- Accidents, disasters, crime without a political side, sport and business are "
        "not events: answer {\"events\": []} when the report tells none.\n"
        "- Answer with the JSON object only.\n\n"
        f"SENTENCES:\n{numbered}"
    )
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}]


def parse_event_reply(content: str) -> list[Any]:
    """The "events" list of a reply to `build_event_messages` (items are checked by the
    coder). Raises ValueError with a short reason when there is no such list."""
    body = content.strip()
    m = _FENCE.match(body)
    if m:
        body = m.group(1).strip()
    first, last = body.find("{"), body.rfind("}")
    if first < 0 or last <= first:
        raise ValueError(f"reply holds no JSON object: {content[:80]!r}")
    try:
        obj = json.loads(body[first:last + 1])
    except json.JSONDecodeError as exc:
        raise ValueError(f"reply is not valid JSON ({exc.msg} at char {exc.pos}): "
                         f"{content[:80]!r}") from None
    events = obj.get("events") if isinstance(obj, dict) else None
    if not isinstance(events, list):
        raise ValueError("reply has no 'events' list")
    return events
