"""False alarms on non-conflict news (evaluation/data/nonconflict.jsonl, written for tocsin).

Each record is a news snippet of a kind that must not raise a conflict event: disasters,
accidents, ordinary crime, health, sport, business, non-violent politics. A false alarm is
a record with any ASSAULT, PROTEST or COERCE event. The headline score is the share of
records without one (``no_false_alarm``, higher is better, so that the gate can pin it).
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tocsin.evaluate.common import sample, scored
from tocsin.evaluate.metrics import safe_div
from tocsin.evaluate.report import Report
from tocsin.model import Extraction

CONFLICT_TYPES = frozenset({"ASSAULT", "PROTEST", "COERCE"})


@dataclass(slots=True)
class Gold:
    id: str
    text: str
    topic: str


def load(path: Path) -> list[Gold]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            out.append(Gold(str(rec["id"]), rec["text"], str(rec.get("topic") or "")))
    return out


def score(golds: Sequence[Gold], outputs: Sequence[Extraction | str], path: str = ""
          ) -> Report:
    rep = Report(name="nonconflict", path=path, records=len(golds))
    alarms: Counter[str] = Counter()
    per_topic: Counter[str] = Counter()
    any_event = 0
    for g, ex in zip(golds, outputs, strict=True):
        per_topic[g.topic] += 1
        if isinstance(ex, str):
            rep.failures += 1
            continue
        any_event += bool(ex.events)
        hits = [e for e in ex.events if e.type in CONFLICT_TYPES]
        if hits:
            alarms[g.topic] += 1
            top = max(hits, key=lambda e: e.confidence)
            rep.worst.append({"id": g.id, "gold": f"none ({g.topic})",
                              "pred": f"{top.type} '{top.trigger.text if top.trigger else ''}'",
                              "text": g.text})
    n = len(golds)
    rep.scores["no_false_alarm"] = 1 - safe_div(sum(alarms.values()), n)
    rep.info["false_alarm_rate"] = safe_div(sum(alarms.values()), n)
    rep.info["any_event_rate"] = safe_div(any_event, n)
    for topic, k in sorted(per_topic.items()):
        rep.info[f"false_alarm_rate:{topic}"] = safe_div(alarms[topic], k)
    rep.notes.append("false alarm = any ASSAULT, PROTEST or COERCE event in the record")
    return rep


def evaluate(path: Path, sample_n: int | None = None, seed: int = 0) -> Report:
    t0 = time.perf_counter()
    return scored(sample(load(path), sample_n, seed), score, path, t0)
