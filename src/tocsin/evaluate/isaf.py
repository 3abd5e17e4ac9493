"""ISAF press releases (isafpr_finetune JSONL): date, event type and province.

Each release's publication date is read from its text (the dateline "(Jan. 25, 2013)",
the year taken from the release number "2013-01-S-025" where the dateline has none);
releases with no readable date are processed without one, and the date measure counts
only dated releases. The compared event is tocsin's most confident event. ISAF's event
types are mapped to PLOVER by ``ISAF_TYPES``; the province is right when the event's
place is in (or is) the gold province.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from tocsin.evaluate.common import place_map, primary_event, sample, scored
from tocsin.evaluate.metrics import confusion, per_class, safe_div
from tocsin.evaluate.report import ClassTable, Report
from tocsin.model import Document, Extraction

ISAF_TYPES: dict[str, frozenset[str]] = {
    "airstrike": frozenset({"ASSAULT"}),
    "detention": frozenset({"COERCE"}),
    "captureandkill": frozenset({"ASSAULT", "COERCE"}),
    "insurgentskilled": frozenset({"ASSAULT"}),
    "exchangeoffire": frozenset({"ASSAULT"}),
    "civiliancasualty": frozenset({"ASSAULT"}),
}
# Spellings of Afghan provinces (GeoNames admin1 names and others) -> the gold's key.
PROVINCE_ALIASES: dict[str, str] = {
    "ghowr": "ghor", "khowst": "khost", "paktia": "paktya", "paktiya": "paktya",
    "sarepol": "sarepul", "saripul": "sarepul", "maidanwardak": "wardak",
    "maydanwardak": "wardak", "wardak": "wardak", "oruzgan": "uruzgan",
    "orozgan": "uruzgan", "nimruz": "nimroz", "bamian": "bamyan", "kondoz": "kunduz",
    "konar": "kunar", "daikundi": "daykundi", "jawzjan": "jowzjan", "lowgar": "logar",
    "panjsher": "panjshir", "kapissa": "kapisa", "zabol": "zabul", "hilmand": "helmand",
    "qandahar": "kandahar",
}
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_DAY = re.compile(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+(\d{1,2})"
                  r"\b(?:[,.]\s*(\d{4}))?")
_RELEASE = re.compile(r"\b(20\d\d)-(\d\d)-[A-Z]{1,3}\b")


def province_key(name: str | None) -> str:
    from unidecode import unidecode

    s = re.sub(r"[^a-z]", "", unidecode(name or "").lower().replace("province", ""))
    return PROVINCE_ALIASES.get(s, s)


def release_date(text: str) -> date | None:
    head = text[:400]
    m = re.search(r"\((" + _DAY.pattern + r")\)", head) or _DAY.search(head)
    if not m:
        return None
    dm = _DAY.search(m.group(0))
    assert dm is not None
    month, day = _MONTHS[dm.group(1).lower()[:3]], int(dm.group(2))
    year = int(dm.group(3)) if dm.group(3) else None
    if year is None:
        rel = _RELEASE.search(head)
        if rel:
            year = int(rel.group(1))
            if int(rel.group(2)) == 12 and month == 1:  # a January release numbered in Dec
                year += 1
    if year is None:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


@dataclass(slots=True)
class Gold:
    id: str
    text: str
    published: date | None
    start_date: str | None
    types: list[str] = field(default_factory=list)
    provinces: list[str] = field(default_factory=list)


def load(path: Path) -> list[Gold]:
    out = []
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        if not line.strip():
            continue
        conv = json.loads(line)["conversations"]
        human = next(c["value"] for c in conv if c["from"] == "human")
        answer = json.loads(next(c["value"] for c in conv if c["from"] == "gpt"))
        text = human.split("PRESS RELEASE TEXT:", 1)[-1].strip()
        types = [t for v in answer.get("event_type") or [] for t in str(v).split(";") if t]
        out.append(Gold(f"isaf-{i}", text, release_date(text), answer.get("start_date"),
                        types, [str(p) for p in answer.get("province") or []]))
    return out


def score(golds: Sequence[Gold], outputs: Sequence[Extraction | str], path: str = ""
          ) -> Report:
    rep = Report(name="isaf", path=path, records=len(golds))
    date_ok: list[bool] = []
    type_ok: list[bool] = []
    any_type_ok: list[bool] = []
    prov_ok: list[bool] = []
    gl: list[str] = []
    pl: list[str] = []
    for g, ex in zip(golds, outputs, strict=True):
        ev = None if isinstance(ex, str) else primary_event(ex.events)
        rep.failures += isinstance(ex, str)
        allowed = frozenset().union(*(ISAF_TYPES.get(t, frozenset()) for t in g.types))
        problems = []
        if allowed:
            ok = ev is not None and ev.type in allowed
            type_ok.append(ok)
            any_type_ok.append(not isinstance(ex, str) and any(e.type in allowed
                                                               for e in ex.events))
            # a prediction inside a two-type gold ("captureandkill") is that class
            gl.append(ev.type if ok and ev else "/".join(sorted(allowed)))
            pl.append(ev.type if ev else "NONE")
            if not ok:
                problems.append("type")
        if g.published is not None and g.start_date:
            got = ev.date.start.isoformat() if ev and ev.date.start else None
            date_ok.append(got == g.start_date)
            if got != g.start_date:
                problems.append(f"date {got}")
        if g.provinces:
            place = place_map(ex).get(ev.place) if ev and ev.place and not isinstance(
                ex, str) else None
            keys = {province_key(place.admin1), province_key(place.name)} if place else set()
            ok = any(province_key(p) in keys for p in g.provinces)
            prov_ok.append(ok)
            if not ok:
                problems.append(f"province {place.name if place else None}")
        if problems:
            rep.worst.append({"id": g.id, "gold": f"{g.types} {g.start_date} {g.provinces}",
                              "pred": f"{ev.type if ev else None}: " + "; ".join(problems),
                              "text": g.text[:400]})
    rep.scores["date_exact"] = safe_div(sum(date_ok), len(date_ok))
    rep.scores["type_accuracy"] = safe_div(sum(type_ok), len(type_ok))
    rep.scores["province_accuracy"] = safe_div(sum(prov_ok), len(prov_ok))
    rep.info["type_any_event"] = safe_div(sum(any_type_ok), len(any_type_ok))
    rep.info["n_dated"] = len(date_ok)
    rep.info["n_typed"] = len(type_ok)
    rep.tables.append(ClassTable("gold PLOVER type(s) vs predicted", per_class(gl, pl)))
    rep.confusion = confusion(gl, pl)
    rep.worst.sort(key=lambda w: -len(w["pred"]))
    rep.notes.append("types: " + ", ".join(f"{k}->{'/'.join(sorted(v))}"
                                           for k, v in ISAF_TYPES.items()))
    return rep


def evaluate(path: Path, sample_n: int | None = None, seed: int = 0) -> Report:
    t0 = time.perf_counter()
    return scored(sample(load(path), sample_n, seed), score, path, t0,
                  to_doc=lambda g: Document(text=g.text, id=g.id, published=g.published))
