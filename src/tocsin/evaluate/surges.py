"""Surges in coded event data, and how well alerts find them.

The rule follows ACLED's Subnational Surge Tracker: a week (ISO, Monday start) is a surge
of a series when its count is at least ``ratio`` times the mean weekly count of the
``history`` weeks before it, that mean is at least ``min_mean`` (ACLED's floor, so that
one event where there were none is not a surge) and the count is at least ``min_count``.
Series: the whole country, each admin1, and each PLOVER type (ACLED sub-event types mapped
by the ACLED evaluator's table).

Matching an alert to a surge: a surge is *found* when an alert on the same series is
raised in the surge week or the next; an alert is *right* when it is raised in the week of
a surge on its series or the week after one. Lag is the alert's week minus the surge's,
in days (0 or 7 for a found surge); the lead/lag of the nearest alert within four weeks
either side is reported too (negative: the alert came first).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from statistics import median
from typing import Any

WEEK = timedelta(days=7)
# GeoNames and ACLED name the same first-order division with and without its kind
# ("Nairobi Area" / "Nairobi", "Lagos State" / "Lagos").
_ADMIN_WORDS = re.compile(r"\b(state|region|province|county|area|division|district|"
                          r"governorate)\b")
ALIASES_FILE = (Path(__file__).resolve().parents[1] / "data" / "analysis"
                / "admin1_aliases.yaml")


@lru_cache(maxsize=1)
def _aliases() -> dict[str, str]:
    import yaml

    return {str(k): str(v) for k, v in
            yaml.safe_load(ALIASES_FILE.read_text(encoding="utf-8")).items()}


@dataclass(frozen=True, slots=True)
class SurgeRule:
    ratio: float = 2.0  # the week's count over the mean of the weeks before
    history: int = 4  # weeks the mean is taken over
    min_count: int = 5  # events the week needs
    min_mean: float = 1.0  # ACLED's floor on the history mean
    window: int = 1  # weeks whose mean is compared (4: ACLED's threat tracker)

    def describe(self) -> str:
        what = "count" if self.window == 1 else f"mean of {self.window} weeks"
        return (f"{what} >= {self.ratio:g} x mean of previous {self.history} weeks, "
                f"events >= {self.min_count}, mean before >= {self.min_mean:g}")


# ACLED's Subnational Threat Tracker: the last four weeks' weekly mean at least double
# the year's before them. Escalation alerts (a year's baseline) answer this question; it
# is reported beside the surge rule, never instead of it.
THREAT = SurgeRule(ratio=2.0, history=52, min_count=5, min_mean=0.0, window=4)


def week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def admin_key(name: str) -> str:
    """A first-order division's name reduced for matching across gazetteers."""
    from unidecode import unidecode

    s = re.sub(r"['’`]", "", unidecode(name).lower()).replace("-", " ")
    s = re.sub(r"[^a-z0-9]+", " ", s).strip()
    s = _aliases().get(s, s)
    s = re.sub(r"\s+", " ", _ADMIN_WORDS.sub(" ", s)).strip()
    return _aliases().get(s, s)


def series_counts(rows: Iterable[tuple[date, Sequence[tuple[str, str]]]]
                  ) -> dict[tuple[str, str], dict[date, int]]:
    """Weekly counts per series from (day, series keys) rows."""
    out: dict[tuple[str, str], dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for day, keys in rows:
        for k in keys:
            out[k][week_of(day)] += 1
    return out


def surges(counts: dict[tuple[str, str], dict[date, int]], first: date, last: date,
           rule: SurgeRule) -> set[tuple[str, str, date]]:
    """(kind, key, week) of every surge between the weeks of ``first`` and ``last``."""
    weeks = []
    w = week_of(first)
    while w <= last:
        weeks.append(w)
        w += WEEK
    out = set()
    for (kind, key), per in counts.items():
        seq = [per.get(w, 0) for w in weeks]
        for i in range(rule.history + rule.window - 1, len(seq)):
            lo = i - rule.window + 1
            now = sum(seq[lo:i + 1])
            mean = sum(seq[lo - rule.history:lo]) / rule.history
            if (now >= rule.min_count and mean >= rule.min_mean
                    and now >= rule.ratio * mean * rule.window and now > 0):
                out.add((kind, key, weeks[i]))
    return out


@dataclass(slots=True)
class Scored:
    """One alert as the matching sees it."""
    kind: str
    key: str
    week: date
    score: float
    end: date | None = None  # week its episode closed (None: open to the end)


def match(alerts: Sequence[Scored], found: set[tuple[str, str, date]],
          top: int = 10, also: set[tuple[str, str, date]] | None = None) -> dict[str, Any]:
    """Surge recall, alert precision, lag, and precision of the ``top`` alerts of each
    month ranked by score; with ``also`` (threat weeks), the precision of alerts right
    on either."""
    by_series: dict[tuple[str, str], list[date]] = defaultdict(list)
    episodes: dict[tuple[str, str], list[tuple[date, date]]] = defaultdict(list)
    for a in alerts:
        by_series[(a.kind, a.key)].append(a.week)
        episodes[(a.kind, a.key)].append((a.week, a.end or date.max))
    hit, live, lags, near = 0, 0, [], []
    for kind, key, w in found:
        weeks = by_series.get((kind, key), [])
        # An episode raised earlier and still open in the surge week: a live alert.
        live += any(start <= w + WEEK and end > w for start, end in episodes[(kind, key)])
        got = sorted(d for d in weeks if w <= d <= w + WEEK)
        if got:
            hit += 1
            lags.append((got[0] - w).days)
        close = [(d - w).days for d in weeks if abs((d - w).days) <= 28]
        if close:
            near.append(min(close, key=lambda d: (abs(d), d)))

    def right(a: Scored) -> bool:
        return (a.kind, a.key, a.week) in found or (a.kind, a.key, a.week - WEEK) in found

    months: dict[str, list[Scored]] = defaultdict(list)
    for a in alerts:
        months[a.week.strftime("%Y-%m")].append(a)
    tops = [a for ms in months.values()
            for a in sorted(ms, key=lambda a: -a.score)[:top]]
    n_right = sum(right(a) for a in alerts)
    extra = {}
    if also is not None:
        both = found | also
        extra["alert_precision_any"] = sum(
            (a.kind, a.key, a.week) in both or (a.kind, a.key, a.week - WEEK) in both
            for a in alerts) / len(alerts) if alerts else 0.0
    return {
        "surges": len(found), "alerts": len(alerts), "surges_found": hit,
        "surge_recall": hit / len(found) if found else 0.0,
        "surge_recall_open": live / len(found) if found else 0.0,
        "alert_precision": n_right / len(alerts) if alerts else 0.0,
        f"top{top}_precision": sum(right(a) for a in tops) / len(tops) if tops else 0.0,
        f"top{top}_alerts": len(tops),
        "median_lag_days": float(median(lags)) if lags else float("nan"),
        "median_nearest_offset_days": float(median(near)) if near else float("nan"),
        **extra,
    }
