"""Validation of the detector on synthetic weekly streams with known change points.

``python -m tocsin.analysis.simulate [--png docs/alerts-validation.png]`` prints the grid
(detection rate within two weeks, median delay, false alarms per 100 weeks) that
docs/alerts.md reports, and draws it.

Streams are Poisson counts per week. Change streams have ``history`` stationary weeks, then
the rate times ``jump``; the change week is week 0, and an alert raised in weeks 0..2 is a
detection within two weeks (delay = alert week - change week). Stationary streams measure
false-alarm episodes per 100 weeks after the same burn-in. With ``coverage=True`` the
number of documents per week varies (a doubling of coverage half-way and +-30% noise) and
the events follow it: only a detector that reads rates per document stays quiet there.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass, replace

import numpy as np

from tocsin.analysis.detect import DetectorConfig, detect

HISTORY = 56  # stationary weeks before a change (the 52-week baseline plus a few)
AFTER = 8  # weeks simulated after a change
MAX_DELAY = 2


@dataclass(slots=True)
class ChangeResult:
    rate: float
    jump: float
    detection: float  # share of streams with an alert raised within MAX_DELAY weeks
    detection_armed: float  # the same among streams with no alert open at the change
    median_delay: float | None  # weeks, among streams alerted within AFTER weeks
    streams: int


def _coverage(rng: np.random.Generator, weeks: int, docs: float, varying: bool
              ) -> tuple[np.ndarray, np.ndarray]:
    """(documents per week, multiplier of the event rate)."""
    if not varying:
        return np.full(weeks, docs), np.ones(weeks)
    level = np.where(np.arange(weeks) < weeks // 2, 1.0, 2.0)
    level = level * rng.uniform(0.7, 1.3, weeks)
    return rng.poisson(docs * level).astype(float), level


def false_alarms(rate: float, cfg: DetectorConfig | None = None, streams: int = 200,
                 weeks: int = 100, seed: int = 0, coverage: bool = False,
                 docs: float = 100.0) -> float:
    """Alert episodes per 100 weeks on stationary streams (after HISTORY burn-in weeks)."""
    cfg = cfg or DetectorConfig()
    rng = np.random.default_rng(seed)
    alerts = 0
    for _ in range(streams):
        n = HISTORY + weeks
        exposure, level = _coverage(rng, n, docs, coverage)
        counts = rng.poisson(rate * level)
        _, found = detect(counts, exposure, cfg)
        alerts += sum(1 for d in found if d.start >= HISTORY)
    return 100.0 * alerts / (streams * weeks)


def change_detection(rate: float, jump: float, cfg: DetectorConfig | None = None,
                     streams: int = 200, seed: int = 0, docs: float = 100.0
                     ) -> ChangeResult:
    """How often, and how fast, a rise of the rate by ``jump`` is alerted."""
    cfg = cfg or DetectorConfig()
    rng = np.random.default_rng(seed)
    hits = armed = armed_hits = 0
    delays: list[int] = []
    for _ in range(streams):
        counts = np.concatenate([rng.poisson(rate, HISTORY),
                                 rng.poisson(rate * jump, AFTER)])
        tests, found = detect(counts, np.full(len(counts), docs), cfg)
        open_at_change = any(d.start < HISTORY and (d.end is None or d.end > HISTORY)
                             for d in found)
        late = [d.start - HISTORY for d in found if d.start >= HISTORY]
        hit = bool(late) and late[0] <= MAX_DELAY
        hits += hit
        if not open_at_change:
            armed += 1
            armed_hits += hit
        if late:
            delays.append(late[0])
    return ChangeResult(rate, jump, hits / streams, armed_hits / max(armed, 1),
                        float(np.median(delays)) if delays else None, streams)


def grid(rates: tuple[float, ...] = (2, 5, 10, 20), jumps: tuple[float, ...] = (1.5, 2, 3),
         cfg: DetectorConfig | None = None, streams: int = 300, seed: int = 1
         ) -> dict[str, list[dict[str, float | None]]]:
    cfg = cfg or DetectorConfig()
    changes: list[dict[str, float | None]] = []
    alarms: list[dict[str, float | None]] = []
    for i, rate in enumerate(rates):
        for j, jump in enumerate(jumps):
            r = change_detection(rate, jump, cfg, streams, seed + 100 * i + j)
            changes.append({"rate": rate, "jump": jump, "detection": r.detection,
                            "detection_armed": r.detection_armed,
                            "median_delay": r.median_delay})
        alarms.append({
            "rate": rate,
            "per_100_weeks": false_alarms(rate, cfg, streams, seed=seed + 7 * i),
            "coverage_varying": false_alarms(rate, cfg, streams, seed=seed + 7 * i,
                                             coverage=True),
            "coverage_varying_raw_counts": false_alarms(
                rate, replace(cfg, normalise=False), streams,
                seed=seed + 7 * i, coverage=True)})
    return {"changes": changes, "false_alarms": alarms}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--png", help="draw the grid to this file")
    ap.add_argument("--streams", type=int, default=300)
    args = ap.parse_args(argv)
    result = grid(streams=args.streams)
    print(json.dumps(result, indent=1))
    if args.png:
        from tocsin.analysis.plots import validation_png

        validation_png(result, args.png)


if __name__ == "__main__":
    main()
