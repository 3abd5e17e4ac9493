"""ConfliBERT CAMEO quad classes (cameo_class/test.tsv: sentence TAB label 0-4).

Classes: 0 statement, 1 verbal cooperation, 2 material cooperation, 3 verbal conflict,
4 material conflict. tocsin's class for a sentence is that of its most confident event,
from the event's CAMEO root (Phoenix pentaclass: 01-02 -> 0, 03-05 -> 1, 06-08 -> 2,
09-13 and 16 -> 3, 14-15 and 17-20 -> 4;
by PLOVER type when the root is missing). A sentence with no event is class 0: in this
scheme a sentence that reports no cooperative or conflictual act is a statement.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tocsin.evaluate.common import (
    PLOVER_QUAD,
    primary_event,
    quad_of_root,
    sample,
    scored,
)
from tocsin.evaluate.metrics import accuracy, confusion, macro_f1, per_class, safe_div
from tocsin.evaluate.report import ClassTable, Report
from tocsin.model import Event, Extraction

NAMES = ("0 statement", "1 verbal coop", "2 material coop", "3 verbal conflict",
         "4 material conflict")


@dataclass(slots=True)
class Gold:
    id: str
    text: str
    label: int


def load(path: Path) -> list[Gold]:
    out = []
    with path.open(encoding="utf-8", newline="") as fh:
        for i, row in enumerate(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)):
            if len(row) >= 2 and row[-1].strip().isdigit():
                out.append(Gold(f"conflibert-{i}", "\t".join(row[:-1]).strip(),
                                int(row[-1])))
    return out


def quad_of(ev: Event | None) -> int:
    if ev is None:
        return 0
    if ev.cameo_root and ev.cameo_root[:2].isdigit():
        return quad_of_root(ev.cameo_root)
    return PLOVER_QUAD.get(ev.type, 0)


def score(golds: Sequence[Gold], outputs: Sequence[Extraction | str], path: str = ""
          ) -> Report:
    rep = Report(name="conflibert", path=path, records=len(golds))
    gold: list[str] = []
    pred: list[str] = []
    with_event: list[bool] = []
    for g, ex in zip(golds, outputs, strict=True):
        ev = None if isinstance(ex, str) else primary_event(ex.events)
        rep.failures += isinstance(ex, str)
        q = quad_of(ev)
        gold.append(NAMES[g.label])
        pred.append(NAMES[q])
        if ev is not None:
            with_event.append(q == g.label)
        if q != g.label:
            rep.worst.append({"id": g.id, "gold": NAMES[g.label],
                              "pred": f"{NAMES[q]} ({ev.type} {ev.cameo_root})" if ev
                              else "no event", "text": g.text,
                              "dist": abs(q - g.label)})
    counts = per_class(gold, pred)
    rep.scores["quad_accuracy"] = accuracy(gold, pred)
    rep.scores["quad_macro_f1"] = macro_f1(counts)
    rep.scores["accuracy_when_event"] = safe_div(sum(with_event), len(with_event))
    rep.info["event_rate"] = safe_div(len(with_event), len(golds))
    rep.tables.append(ClassTable("CAMEO quad class", counts))
    rep.confusion = confusion(gold, pred)
    rep.worst.sort(key=lambda w: -w["dist"])
    rep.notes.append("no event -> class 0 (statement); class from the event's CAMEO root")
    return rep


def evaluate(path: Path, sample_n: int | None = None, seed: int = 0) -> Report:
    t0 = time.perf_counter()
    return scored(sample(load(path), sample_n, seed), score, path, t0)
