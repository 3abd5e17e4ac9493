"""Running written texts through the pipeline and reading an event's actors: shared by
the actor test files (issue 16)."""

from __future__ import annotations

from datetime import date
from typing import Any

from tocsin.model import Actor, Document, Event, Extraction

PUBLISHED = date(2021, 3, 4)


def run(pipeline: Any, text: str, published: date = PUBLISHED) -> Extraction:
    return pipeline.process(Document(text=text, published=published))


def roles(ex: Extraction, etype: str | None = None) -> tuple[Event, dict[str, Actor]]:
    """The first event (of a type) and the actors by id."""
    ev = next(e for e in ex.events if etype is None or e.type == etype)
    return ev, {a.id: a for a in ex.actors}


def sources(ex: Extraction, etype: str | None = None) -> list[Actor]:
    ev, actors = roles(ex, etype)
    return [actors[i] for i in ev.source]


def targets(ex: Extraction, etype: str | None = None) -> list[Actor]:
    ev, actors = roles(ex, etype)
    return [actors[i] for i in ev.target]


def sides(ex: Extraction, etype: str) -> tuple[list[Actor], list[Actor]]:
    """The first event of a type's sources and targets."""
    return sources(ex, etype), targets(ex, etype)
