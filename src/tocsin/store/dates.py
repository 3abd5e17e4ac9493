"""The date invariant, kept at store time: no event is dated after its report's
publication day.

An extracted date past publication is a resolution error ("Friday" read as the next one,
a month range running past the day of writing). The store clamps such a date to the
publication day and keeps what was extracted (event_mentions.unclamped_start/_end), so
the correction is visible and counted (`tocsin stats`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from tocsin.model import Event, Extraction


@dataclass(frozen=True, slots=True)
class Clamp:
    start: date | None  # the extracted start, when it was after publication
    end: date | None  # the extracted end, when it was after publication


def clamp_dates(ext: Extraction) -> tuple[list[Event], list[Clamp | None]]:
    """The document's events with dates clamped to its publication day (new objects; the
    extraction is not changed), and per event what was clamped (None: nothing)."""
    pub = ext.doc.published
    if pub is None:
        return list(ext.events), [None] * len(ext.events)
    events: list[Event] = []
    clamps: list[Clamp | None] = []
    for ev in ext.events:
        start, end = ev.date.start, ev.date.end or ev.date.start
        late_start = start is not None and start > pub
        late_end = end is not None and end > pub
        if not (late_start or late_end):
            events.append(ev)
            clamps.append(None)
            continue
        new_start = pub if late_start else start
        events.append(replace(ev, date=replace(ev.date, start=new_start, end=pub)))
        clamps.append(Clamp(start if late_start else None, end if late_end else None))
    return events, clamps
