"""Extractions to JSON and back without loss (the contract's JSON rounds numbers and
leaves out the text; partitions must carry exactly what `Store.add` would have stored)."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from typing import Any

from tocsin.model import (
    Actor,
    Document,
    Event,
    Evidence,
    Extraction,
    Modality,
    Place,
    Relation,
    Span,
    TimeValue,
)


def _default(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def doc_to_dict(doc: Document) -> dict[str, Any]:
    return dataclasses.asdict(doc)


def doc_from_dict(d: dict[str, Any]) -> Document:
    return Document(**{**d, "published": _date(d.get("published"))})


def dumps(ext: Extraction, with_doc: bool = True) -> str:
    d = dataclasses.asdict(ext)
    if not with_doc:
        d.pop("doc")
    return json.dumps(d, ensure_ascii=False, default=_default)


def _spans(items: list[dict[str, Any]]) -> list[Span]:
    return [Span(**m) for m in items]


def _evidence(d: dict[str, Any]) -> Evidence:
    return Evidence(**d)


def _event(d: dict[str, Any]) -> Event:
    t = d["date"]
    return Event(**{
        **d, "date": TimeValue(**{**t, "start": _date(t["start"]), "end": _date(t["end"])}),
        "modality": Modality(**d["modality"]), "evidence": _evidence(d["evidence"]),
        "trigger": Span(**d["trigger"]) if d.get("trigger") else None})


def loads(text: str, doc: Document | None = None) -> Extraction:
    """The inverse of `dumps`; `doc` supplies the document when it was left out."""
    d = json.loads(text)
    return Extraction(
        doc=doc if doc is not None else doc_from_dict(d["doc"]), pipeline=d["pipeline"],
        actors=[Actor(**{**a, "mentions": _spans(a["mentions"])}) for a in d["actors"]],
        places=[Place(**{**p, "mentions": _spans(p["mentions"])}) for p in d["places"]],
        events=[_event(e) for e in d["events"]],
        relations=[Relation(**{**r, "evidence": _evidence(r["evidence"])})
                   for r in d["relations"]])
