"""Event location (ahalterman/event_location labeled_text.jsonl): is the place tocsin
assigns to the event the gold place where it happened?

Per sentence, the compared event is the most confident one whose trigger overlaps the
gold VERB span, else the most confident event. With a gold LOCATION, the sentence is right
when that event's place has a mention overlapping a gold LOCATION span; without one, it is
right when the event has no place mentioned in the sentence (or there is no event). Spans
are rebuilt from token indices (some records' character offsets are wrong).
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tocsin.evaluate.common import (
    event_over,
    place_map,
    primary_event,
    sample,
    scored,
)
from tocsin.evaluate.metrics import Counts, overlaps, safe_div
from tocsin.evaluate.report import ClassTable, Report
from tocsin.model import Extraction


@dataclass(slots=True)
class Gold:
    id: str
    text: str
    source: str
    verb: list[tuple[int, int]] = field(default_factory=list)
    locations: list[tuple[int, int]] = field(default_factory=list)


def _span(rec: dict[str, Any], s: dict[str, Any]) -> tuple[int, int]:
    toks = rec.get("tokens") or []
    ts, te = s.get("token_start"), s.get("token_end")
    if isinstance(ts, int) and isinstance(te, int) and 0 <= ts <= te < len(toks):
        return int(toks[ts]["start"]), int(toks[te]["end"])
    return int(s["start"]), int(s["end"])


def load(path: Path, relabel_only: bool = False) -> list[Gold]:
    raw = path.read_text(encoding="utf-8").strip()
    records = json.loads(raw) if raw.startswith("[") else [
        json.loads(line) for line in raw.splitlines() if line.strip()]
    out = []
    for i, r in enumerate(records):
        if relabel_only and r.get("source") != "RELABEL":
            continue
        if r.get("answer", "accept") != "accept":
            continue
        spans = r.get("spans") or []
        g = Gold(str(r.get("_id") or i), r["text"], str(r.get("source", "")))
        for s in spans:
            if s.get("label") == "VERB":
                g.verb.append(_span(r, s))
            elif s.get("label") == "LOCATION":
                g.locations.append(_span(r, s))
        out.append(g)
    return out


def score(golds: Sequence[Gold], outputs: Sequence[Extraction | str], path: str = ""
          ) -> Report:
    rep = Report(name="event-location", path=path, records=len(golds))
    ok: dict[str, list[bool]] = {"overall": [], "RELABEL": [], "with_location": [],
                                 "without_location": []}
    counts = Counts()  # a place assigned is a prediction; the gold location is the truth
    for g, ex in zip(golds, outputs, strict=True):
        place_spans: list[tuple[int, int]] = []
        has_event = False
        if isinstance(ex, str):
            rep.failures += 1
        else:
            ev = event_over(ex.events, g.verb) or primary_event(ex.events)
            has_event = ev is not None
            if ev is not None and ev.place:
                p = place_map(ex).get(ev.place)
                place_spans = [(m.start, m.end) for m in p.mentions] if p else []
        right_place = any(overlaps(a, b) for a in place_spans for b in g.locations)
        if g.locations:
            right = right_place
            counts.tp += right
            counts.fn += not right
            counts.fp += bool(place_spans) and not right
        else:
            right = not place_spans
            counts.fp += bool(place_spans)
        ok["overall"].append(right)
        ok["with_location" if g.locations else "without_location"].append(right)
        if g.source == "RELABEL":
            ok["RELABEL"].append(right)
        if not right:
            pred = ", ".join(ex.doc.text[a:b] for a, b in place_spans) if not isinstance(
                ex, str) else "pipeline error"
            rep.worst.append({"id": g.id, "gold": ", ".join(g.text[a:b] for a, b in
                                                             g.locations) or "(none)",
                              "pred": pred or ("(no place)" if has_event else "(no event)"),
                              "text": g.text})
    for k, v in ok.items():
        if v:
            rep.scores[f"accuracy_{k}"] = safe_div(sum(v), len(v))
            rep.info[f"n_{k}"] = len(v)
    rep.scores["location_f1"] = counts.f1
    rep.tables.append(ClassTable("event place (sentences with a gold location)",
                                 {"event place": counts}))
    return rep


def evaluate(path: Path, sample_n: int | None = None, seed: int = 0,
             relabel_only: bool = False) -> Report:
    t0 = time.perf_counter()
    rep = scored(sample(load(path, relabel_only), sample_n, seed), score, path, t0)
    if relabel_only:
        rep.notes.append("RELABEL subset only (source == 'RELABEL')")
    return rep
