"""The declared data model: what every pipeline stage reads and writes.

Slotted dataclasses, not dicts, so that a stage that writes a misspelt field fails
loudly. ``Extraction.to_json`` produces exactly the shape fixed in CONTRACT.md.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal, get_args

ActorType = Literal[
    "state", "government", "military", "police", "militia", "rebel", "party",
    "organization", "person", "civilians", "media", "unknown",
]
EventType = Literal[
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
]
PlaceFeature = Literal[
    "country", "admin1", "admin2", "city", "village", "site", "airport", "base",
    "region", "other",
]
ACTOR_TYPES: tuple[ActorType, ...] = get_args(ActorType)
PLOVER_TYPES: tuple[EventType, ...] = get_args(EventType)
PLACE_FEATURES: tuple[PlaceFeature, ...] = get_args(PlaceFeature)
Precision = Literal["day", "week", "month", "year", "unknown"]


def actor_type(value: str) -> ActorType:
    """``value`` (from the KB, a data file or a coder) as one of the contract's actor types:
    an unknown type is an error where it is read, not a new type in the output."""
    if value not in ACTOR_TYPES:
        raise ValueError(f"unknown actor type {value!r}; the contract's: {ACTOR_TYPES}")
    return value  # narrowed by the membership test


def event_type(value: str) -> EventType:
    """``value`` as a PLOVER event type (see `actor_type`)."""
    if value not in PLOVER_TYPES:
        raise ValueError(f"unknown event type {value!r}; PLOVER's: {PLOVER_TYPES}")
    return value


def stable_id(*parts: object, length: int = 16) -> str:
    """A deterministic id: the same inputs give the same id in every run and process."""
    h = hashlib.sha1("\x1f".join(str(p) for p in parts).encode("utf-8"))
    return h.hexdigest()[:length]


@dataclass(slots=True)
class Document:
    """One input item: the text tocsin analyses, plus what the source said about it."""

    text: str
    id: str = ""
    title: str | None = None
    published: date | None = None
    source: str | None = None
    url: str | None = None
    author: str | None = None
    language: str | None = None
    origin: str | None = None  # the file and record it was read from ("a.csv:12")

    def __post_init__(self) -> None:
        if not self.id:
            self.id = hashlib.sha1(self.text.encode("utf-8")).hexdigest()


@dataclass(slots=True)
class InputError:
    """A document that could not be read: reported for that item, the batch goes on."""

    message: str
    id: str | None = None
    title: str | None = None
    source: str | None = None
    url: str | None = None
    origin: str | None = None  # the file and record it was read from ("a.csv:12")


@dataclass(slots=True, frozen=True)
class Span:
    text: str
    start: int
    end: int

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end}


@dataclass(slots=True)
class Actor:
    id: str
    name: str
    type: ActorType
    country: str | None
    in_kb: bool
    mentions: list[Span] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "name": self.name, "type": self.type, "country": self.country,
            "in_kb": self.in_kb, "mentions": [m.to_json() for m in self.mentions],
        }


@dataclass(slots=True)
class Place:
    id: str
    name: str
    lat: float | None
    lon: float | None
    country: str | None
    admin1: str | None
    feature: str
    mentions: list[Span] = field(default_factory=list)
    confidence: float = 1.0
    # What the point is the point of (ACLED's geo_precision, finer): site, village, town,
    # admin2, admin1, country; a village the gazetteer lacks takes its container's point
    # and that container's precision (tocsin.geo.precision). None: no point.
    precision: str | None = None
    admin2: str | None = None  # the district named as its container, when known

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "name": self.name,
            "lat": None if self.lat is None else round(self.lat, 5),
            "lon": None if self.lon is None else round(self.lon, 5),
            "country": self.country, "admin1": self.admin1, "feature": self.feature,
            "mentions": [m.to_json() for m in self.mentions],
            "confidence": round(self.confidence, 3),
            "precision": self.precision, "admin2": self.admin2,
        }


@dataclass(slots=True)
class TimeValue:
    """A resolved temporal expression; ``rule`` names what resolved it (for audit)."""

    start: date | None
    end: date | None
    precision: Precision
    text: str | None = None
    rule: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "precision": self.precision, "text": self.text, "rule": self.rule,
        }


UNKNOWN_TIME = TimeValue(None, None, "unknown")


@dataclass(slots=True)
class Modality:
    negated: bool = False
    hypothetical: bool = False
    future: bool = False
    claimed: bool = False
    denied: bool = False
    claimant: str | None = None  # actor id of whoever reports it ("the coalition said")

    def to_json(self) -> dict[str, Any]:
        return {
            "negated": self.negated, "hypothetical": self.hypothetical,
            "future": self.future, "claimed": self.claimed, "denied": self.denied,
            "claimant": self.claimant,
        }


@dataclass(slots=True, frozen=True)
class Evidence:
    sentence: str
    start: int
    end: int

    def to_json(self) -> dict[str, Any]:
        return {"sentence": self.sentence, "start": self.start, "end": self.end}


@dataclass(slots=True)
class Event:
    id: str
    type: EventType
    mode: str | None
    cameo_root: str
    source: list[str]
    target: list[str]
    date: TimeValue
    place: str | None
    fatalities: int | None
    modality: Modality
    evidence: Evidence
    confidence: float
    trigger: Span | None = None
    injuries: int | None = None
    # The probability that this is the act the report is about (None: no model decided).
    salience: float | None = None
    # The trace of what decided the event: candidate, rules, model scores (see docs).
    why: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "type": self.type, "mode": self.mode,
            "cameo_root": self.cameo_root, "source": self.source, "target": self.target,
            "date": self.date.to_json(), "place": self.place,
            "fatalities": self.fatalities, "injuries": self.injuries,
            "modality": self.modality.to_json(), "evidence": self.evidence.to_json(),
            "trigger": self.trigger.to_json() if self.trigger else None,
            "confidence": round(self.confidence, 3),
            "salience": None if self.salience is None else round(self.salience, 3),
            "why": self.why,
        }


@dataclass(slots=True)
class Relation:
    type: str
    subject: str
    object: str
    evidence: Evidence
    start: str | None = None  # ISO date from which the relation holds, when stated

    def to_json(self) -> dict[str, Any]:
        return {
            "type": self.type, "subject": self.subject, "object": self.object,
            "evidence": self.evidence.to_json(), "start": self.start,
        }


@dataclass(slots=True)
class Extraction:
    """Everything tocsin found in one document: the contract's object."""

    doc: Document
    pipeline: str
    actors: list[Actor] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)

    def to_json(self, include_text: bool = False) -> dict[str, Any]:
        d = self.doc
        doc: dict[str, Any] = {
            "id": d.id, "title": d.title,
            "published": d.published.isoformat() if d.published else None,
            "source": d.source, "url": d.url, "pipeline": self.pipeline,
        }
        if include_text:
            doc["text"] = d.text
        return {
            "doc": doc,
            "actors": [a.to_json() for a in self.actors],
            "places": [p.to_json() for p in self.places],
            "events": [e.to_json() for e in self.events],
            "relations": [r.to_json() for r in self.relations],
        }


def error_json(err: InputError) -> dict[str, Any]:
    """The contract's line for a document that failed."""
    return {
        "doc": {"id": err.id, "title": err.title, "published": None,
                "source": err.source, "url": err.url},
        "error": err.message,
    }
