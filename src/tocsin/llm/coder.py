"""`LLMCoder`: the contract's JSON from an OpenAI-compatible /v1/chat/completions server.

Same interface as `tocsin.pipeline.Pipeline` (`process`, `pipe`, `version`), so the CLI and
the evaluators can run either. The model's reply is validated against the contract's JSON
Schema item by item; offsets are never taken from the model but found again in the text.
Replies are cached on disk, so a rerun over the same documents makes no request.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Iterator
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from tocsin.llm.client import ChatClient, LLMError
from tocsin.llm.prompt import PROMPT_VERSION, build_messages, parse_reply
from tocsin.model import (
    Actor,
    Document,
    Event,
    Evidence,
    Extraction,
    InputError,
    Modality,
    Place,
    Relation,
    Span,
    TimeValue,
    stable_id,
)
from tocsin.version import PIPELINE_VERSION

log = logging.getLogger("tocsin.llm")

SCHEMA_PATH = Path(__file__).resolve().parents[1] / "schema" / "extraction.schema.json"

# The CAMEO root a PLOVER type most often comes from, for replies that omit or garble it.
DEFAULT_CAMEO = {
    "AGREE": "03", "CONSULT": "04", "SUPPORT": "05", "CONCEDE": "08", "COOPERATE": "06",
    "AID": "07", "RETREAT": "08", "REQUEST": "02", "ACCUSE": "11", "REJECT": "12",
    "THREATEN": "13", "PROTEST": "14", "SANCTION": "16", "MOBILIZE": "15", "COERCE": "17",
    "ASSAULT": "18",
}


@lru_cache(maxsize=4)
def _validator(kind: str) -> Any:
    # One validator per contract item type, sharing the schema's definitions.
    from jsonschema import Draft202012Validator

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return Draft202012Validator({"$ref": f"#/$defs/{kind}", "$defs": schema["$defs"]})


def locate(text: str, needle: str, hint: int | None = None,
           lo: int = 0, hi: int | None = None) -> tuple[int, int] | None:
    """Where `needle` occurs in text[lo:hi], nearest to `hint`: exact first, then ignoring
    case and runs of whitespace (models re-flow line breaks). None when it is not there."""
    needle = needle.strip()
    if not needle:
        return None
    hi = len(text) if hi is None else hi
    hits = [m.start() for m in re.finditer(re.escape(needle), text[lo:hi])]
    spans = [(lo + s, lo + s + len(needle)) for s in hits]
    if not spans:
        pattern = r"\s+".join(re.escape(w) for w in needle.split())
        spans = [(lo + m.start(), lo + m.end())
                 for m in re.finditer(pattern, text[lo:hi], flags=re.IGNORECASE)]
    if not spans:
        return None
    if hint is None:
        return spans[0]
    return min(spans, key=lambda s: abs(s[0] - hint))


def _hint(obj: Any) -> int | None:
    v = obj.get("start") if isinstance(obj, dict) else None
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def _fill(kind: str, item: dict[str, Any]) -> None:
    """Defaults for optional-in-practice fields, so that an item is judged on what matters.
    Offsets default to 0: they are recomputed from the text anyway."""
    if kind in ("actor", "place"):
        item.setdefault("mentions", [])
        for m in item["mentions"] if isinstance(item["mentions"], list) else []:
            if isinstance(m, dict):
                m.setdefault("start", 0)
                m.setdefault("end", 0)
        item.setdefault("country", None)
        c = item["country"]
        item["country"] = c.upper() if isinstance(c, str) and re.fullmatch(
            r"[A-Za-z]{3}", c) else None
    if kind == "actor":
        item.setdefault("in_kb", False)
        item.setdefault("type", "unknown")
    if kind == "place":
        for key in ("lat", "lon", "admin1"):
            item.setdefault(key, None)
        item.setdefault("feature", "other")
    if kind in ("event", "relation") and isinstance(item.get("evidence"), dict):
        item["evidence"].setdefault("start", 0)
        item["evidence"].setdefault("end", 0)
    if kind == "event":
        if isinstance(item.get("type"), str):
            item["type"] = item["type"].strip().upper()
        root = item.get("cameo_root")
        if isinstance(root, int):
            root = item["cameo_root"] = f"{root:02d}"
        if not (isinstance(root, str) and re.fullmatch(r"0[1-9]|1[0-9]|20", root)):
            item["cameo_root"] = DEFAULT_CAMEO.get(str(item.get("type")), "01")
        for key, default in (("id", "e"), ("mode", None), ("place", None),
                             ("fatalities", None), ("confidence", 0.5)):
            item.setdefault(key, default)
        item.setdefault("source", [])
        item.setdefault("target", [])
        item.setdefault("date", {"start": None, "end": None, "precision": "unknown",
                                 "text": None})
        if isinstance(item["date"], dict):
            item["date"].setdefault("text", None)
        item.setdefault("modality", {})
        if isinstance(item["modality"], dict):
            for flag in ("negated", "hypothetical", "future"):
                item["modality"].setdefault(flag, False)


class LLMCoder:
    """Codes documents by asking an OpenAI-compatible chat-completions endpoint."""

    def __init__(self, url: str | None = None, model: str | None = None,
                 api_key: str | None = None, timeout: float | None = None,
                 cache_dir: Path | None = None) -> None:
        self.client = ChatClient(url, model, api_key, timeout, cache_dir)
        self.model = self.client.model
        self.version = f"{PIPELINE_VERSION} llm:{self.model}"
        self.notes: list[str] = []  # what was dropped from the last document, and why

    def reply(self, document: Document) -> dict[str, Any]:
        """The parsed reply for a document: from the disk cache, else from the server."""
        pub = document.published.isoformat() if document.published else None
        return self.client.ask(self.client.key(PROMPT_VERSION, document.text, pub),
                               build_messages(document.text, document.published),
                               parse_reply, PROMPT_VERSION)

    # --- the interface shared with Pipeline --------------------------------------------

    def process(self, document: Document) -> Extraction:
        return self.build(document, self.reply(document))

    def pipe(self, items: Iterable[Document | InputError], batch_size: int = 16,
             timeout: float | None = None) -> Iterator[Extraction | InputError]:
        """Process a stream, one request per document; errors pass through as values.
        (`timeout` is the pipeline's; each request has the client's own time limit.)"""
        for item in items:
            if isinstance(item, InputError):
                yield item
                continue
            try:
                yield self.process(item)
            except Exception as exc:  # one bad reply must not stop the batch
                msg = str(exc) if isinstance(exc, LLMError) else (
                    f"llm coder failed: {type(exc).__name__}: {exc}")
                yield InputError(msg, id=item.id, title=item.title, source=item.source,
                                 url=item.url, origin=item.origin)

    # --- reply -> model dataclasses -----------------------------------------------------

    def _valid(self, kind: str, item: Any, doc_id: str) -> bool:
        if not isinstance(item, dict):
            self._note(doc_id, f"dropped an invalid {kind}: not an object")
            return False
        _fill(kind, item)
        err = next(iter(_validator(kind).iter_errors(item)), None)
        if err is not None:
            where = "/".join(str(p) for p in err.absolute_path) or kind
            self._note(doc_id, f"dropped an invalid {kind} ({where}: {err.message[:120]})")
            return False
        return True

    def _note(self, doc_id: str, msg: str) -> None:
        self.notes.append(msg)
        log.warning("%s: %s", doc_id[:12], msg)

    def _spans(self, text: str, mentions: list[dict[str, Any]]) -> list[Span]:
        out: list[Span] = []
        for m in mentions:
            hit = locate(text, m["text"], _hint(m))
            if hit and Span(text[hit[0]:hit[1]], *hit) not in out:
                out.append(Span(text[hit[0]:hit[1]], *hit))
        return out

    def _evidence(self, text: str, ev: dict[str, Any]) -> Evidence | None:
        hit = locate(text, ev["sentence"], _hint(ev))
        return Evidence(text[hit[0]:hit[1]], *hit) if hit else None

    def build(self, document: Document, obj: dict[str, Any]) -> Extraction:
        """An Extraction from a parsed reply: invalid items dropped with a note, offsets
        found in the document text, ids cross-checked."""
        self.notes = []
        text, did = document.text, document.id
        actors: dict[str, Actor] = {}
        for a in obj["actors"]:
            if self._valid("actor", a, did) and a["id"] not in actors:
                actors[a["id"]] = Actor(a["id"], a["name"], a["type"], a["country"],
                                        a["in_kb"], self._spans(text, a["mentions"]))
        places: dict[str, Place] = {}
        for p in obj["places"]:
            if self._valid("place", p, did) and p["id"] not in places:
                places[p["id"]] = Place(p["id"], p["name"], p["lat"], p["lon"], p["country"],
                                        p["admin1"], p["feature"],
                                        self._spans(text, p["mentions"]),
                                        float(p.get("confidence", 0.5)))
        events = [e for i, raw in enumerate(obj["events"])
                  if (e := self._event(document, raw, i, actors, places)) is not None]
        relations: list[Relation] = []
        for r in obj["relations"]:
            if not self._valid("relation", r, did):
                continue
            evidence = self._evidence(text, r["evidence"])
            if evidence is None:
                self._note(did, f"dropped a {r['type']} relation: evidence not in the text")
            elif r["subject"] not in actors or r["object"] not in actors:
                self._note(did, f"dropped a {r['type']} relation: unknown actor id")
            else:
                relations.append(Relation(r["type"], r["subject"], r["object"], evidence,
                                          r.get("start")))
        return Extraction(doc=document, pipeline=self.version, actors=list(actors.values()),
                          places=list(places.values()), events=events, relations=relations)

    def _event(self, document: Document, e: Any, index: int, actors: dict[str, Actor],
               places: dict[str, Place]) -> Event | None:
        text, did = document.text, document.id
        if not self._valid("event", e, did):
            return None
        evidence = self._evidence(text, e["evidence"])
        if evidence is None:
            self._note(did, f"dropped a {e['type']} event: evidence sentence not in the text")
            return None
        roles = {}
        for role in ("source", "target"):
            roles[role] = [a for a in e[role] if a in actors]
            if len(roles[role]) < len(e[role]):
                self._note(did, f"{e['type']} event: unknown {role} actor ids removed")
        place = e["place"] if e["place"] in places else None
        d = e["date"]
        try:
            when = TimeValue(date.fromisoformat(d["start"]) if d["start"] else None,
                             date.fromisoformat(d["end"]) if d["end"] else None,
                             d["precision"], d["text"], "llm")
        except ValueError:  # "2024-02-30" passes the schema's pattern, not the calendar
            self._note(did, f"{e['type']} event: impossible date {d['start']!r} dropped")
            when = TimeValue(None, None, "unknown", d["text"], "llm")
        m = e["modality"]
        modality = Modality(negated=m["negated"], hypothetical=m["hypothetical"],
                            future=m["future"], claimed=bool(m.get("claimed", False)),
                            denied=bool(m.get("denied", False)))
        trigger = None
        t = e.get("trigger")
        if isinstance(t, dict) and isinstance(t.get("text"), str):
            # Look inside the evidence sentence first: that is where the trigger belongs.
            hit = (locate(text, t["text"], _hint(t), evidence.start, evidence.end)
                   or locate(text, t["text"], _hint(t)))
            trigger = Span(text[hit[0]:hit[1]], *hit) if hit else None
        return Event(
            id=stable_id(did, "llm", e["type"], evidence.start, index), type=e["type"],
            mode=e["mode"], cameo_root=e["cameo_root"], source=roles["source"],
            target=roles["target"], date=when, place=place, fatalities=e["fatalities"],
            modality=modality, evidence=evidence, confidence=float(e["confidence"]),
            trigger=trigger, injuries=e.get("injuries"),
        )
