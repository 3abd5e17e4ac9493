"""Change detection on event counts: an exposure-conditional binomial rate-ratio test.

At every bin t and for each current window of w bins ending at t, let x events fall in the
window and y in the trailing baseline (up to ``baseline`` bins just before the window), with
exposures e_x and e_y (documents published). If the event rate per document did not change,
then given n = x + y, x ~ Binomial(n, e_x / (e_x + e_y)); the one-sided mid-p value of x is
the evidence of a rise. The smallest p over the windows, times the number of windows
(Bonferroni), is compared with ``alpha``: the stated false-alarm probability per series and
bin. An alert needs at least ``min_count`` events in its window and a rate ratio of at
least ``min_ratio``: with hundreds of events a week, a 10% wobble is "significant" but not
an escalation, and real counts vary more than Poisson.

History starts with the reporting: bins before the first one with documents are no
baseline. Counts are the caller's: `alerts.detections` counts a bin's events at most once
per distinct report (``per_report``).

Hysteresis: once raised, an alert stays open (no new alert for the series) until the
combined p-value stays above ``alpha_off`` for ``calm_bins`` bins; the episode then closes
and the detector re-arms (``calm_bins=0``: no episodes, every bin is tested on its own).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np


@dataclass(frozen=True, slots=True)
class DetectorConfig:
    windows: tuple[int, ...] = (2, 3)  # current-window lengths, in bins
    baseline: int = 52  # trailing bins compared against (fewer at the start of history)
    min_baseline: int = 8  # bins of history needed before a bin is tested
    alpha: float = 0.04  # false-alarm probability per series and bin (all windows)
    alpha_off: float = 0.1  # an open episode closes when p stays above this ...
    calm_bins: int = 1  # ... for this many bins in a row (0: no episodes, each bin alone)
    min_count: int = 3  # events needed in the current window
    min_ratio: float = 1.5  # and at least this rate ratio (a material rise, not a wobble)
    mid_p: bool = True  # mid-p: half the probability of the observed count
    normalise: bool = True  # rates per document; False tests raw counts per bin
    min_baseline_count: int = 0  # events the baseline needs (ACLED's surge floor)
    max_baseline_count: int | None = None  # events the baseline may hold (0: new activity)
    per_report: bool = True  # a bin's events count at most once per distinct report

    @classmethod
    def for_bins(cls, by: str, **kwargs: object) -> DetectorConfig:
        """Defaults are in weeks; daily bins get windows and baseline seven times longer."""
        if by == "day":
            base = cls()
            kwargs = {"windows": tuple(7 * w for w in base.windows),
                      "baseline": 7 * base.baseline, "min_baseline": 7 * base.min_baseline,
                      **kwargs}
        return cls(**kwargs)  # type: ignore[arg-type]


# The surge test, after ACLED's Subnational Surge Tracker and with its parameters: a week
# against the four before it, at least 5 events (counted once per report) and twice the
# four weeks' mean, on series that had at least one event a week on average (a lone event
# where there were none is not a surge), and a rise 90% sure (one-sided mid-p < 0.1; the
# counts a news stream yields are a thinned, noisy copy of the real ones, so the rule's
# thresholds carry most of the weight). Each week is its own question (no episodes): a
# week that doubles four weeks holding last week's surge is a further rise, told again.
SURGE = DetectorConfig(windows=(1,), baseline=4, min_baseline=4, min_count=5,
                       min_ratio=2.0, min_baseline_count=4, alpha=0.1, alpha_off=0.1,
                       calm_bins=0)
# The kinds the escalation test (against the year) reads in full when the surge test runs
# (weekly bins): an actor's or a dyad's series is sparse, and a group's first threats in
# months are the signal no surge floor lets through. Area and type series sum everyone's
# activity in a place or of a kind: read against the year, their ordinary swings raised
# most of the alerts that no coded surge confirmed (docs/alerts.md, Validation 3), so they
# get the surge question, and the year's only for new activity (`NEW_ACTIVITY`).
ESCALATION_KINDS = frozenset({"actor", "dyad"})


def new_activity(cfg: DetectorConfig) -> DetectorConfig:
    """The escalation test on other series: only where the baseline holds no event at all
    (a county or an event type nothing was reported of all year, then several reports)."""
    return replace(cfg, max_baseline_count=0)


@dataclass(slots=True)
class Tests:
    """Per-bin results of the best (smallest p) window."""
    p: np.ndarray  # combined (Bonferroni) p-value; 1 where untested
    window: np.ndarray  # length of the best window (0 where untested)
    x: np.ndarray
    y: np.ndarray
    ex: np.ndarray
    ey: np.ndarray
    baseline_bins: np.ndarray

    def rate_ratio(self, i: int) -> float:
        return rate_ratio(float(self.x[i]), float(self.ex[i]), float(self.y[i]),
                          float(self.ey[i]))


@dataclass(slots=True)
class Detection:
    start: int  # bin where the alert was raised
    end: int | None  # bin where the episode closed (None: still open)
    window: int
    x: int
    y: int
    ex: float
    ey: float
    p: float
    rate_ratio: float
    baseline_bins: int = 0
    peak: dict[str, float] = field(default_factory=dict)


def rate_ratio(x: float, ex: float, y: float, ey: float) -> float:
    """Current over baseline rate per unit exposure, with half an event added to each so
    that an empty baseline gives a finite ratio."""
    if ex <= 0 or ey <= 0:
        return float("nan")
    return ((x + 0.5) / ex) / ((y + 0.5) / ey)


def binomial_upper(x: np.ndarray, n: np.ndarray, p: np.ndarray, mid: bool) -> np.ndarray:
    """P(X >= x) for X ~ Binomial(n, p), or the mid-p P(X > x) + P(X = x) / 2."""
    from scipy.stats import binom

    return np.asarray(binom.sf(x, n, p) + (0.5 if mid else 1.0) * binom.pmf(x, n, p))


def _window_tests(counts: np.ndarray, exposure: np.ndarray, w: int, cfg: DetectorConfig,
                  first: int = 0) -> tuple[np.ndarray, ...]:
    n = len(counts)
    cc = np.concatenate([[0.0], np.cumsum(counts)])
    ce = np.concatenate([[0.0], np.cumsum(exposure)])
    t = np.arange(n)
    lo = np.maximum(t - w + 1, 0)
    bs = np.maximum(lo - cfg.baseline, first)
    x, ex = cc[t + 1] - cc[lo], ce[t + 1] - ce[lo]
    y, ey = cc[lo] - cc[bs], ce[lo] - ce[bs]
    ok = (t - w + 1 >= first) & (lo - bs >= cfg.min_baseline) & (ex > 0) & (ey > 0)
    ok &= (x >= cfg.min_count) & (y >= cfg.min_baseline_count)
    if cfg.max_baseline_count is not None:
        ok &= y <= cfg.max_baseline_count
    ok &= (x + 0.5) * np.where(ey > 0, ey, 1.0) >= cfg.min_ratio * (y + 0.5) * ex
    share = np.where(ok, ex / np.where(ok, ex + ey, 1.0), 0.5)
    p = np.where(ok, binomial_upper(x, x + y, share, cfg.mid_p), 1.0)
    return p, x, y, ex, ey, lo - bs


def rate_tests(counts: np.ndarray, exposure: np.ndarray, cfg: DetectorConfig) -> Tests:
    """The rate-ratio test at every bin, keeping the best window."""
    counts = np.asarray(counts, dtype=float)
    # History starts with the reporting: bins before the first document read are no
    # baseline (events told later about those weeks were not being counted then).
    seen = np.flatnonzero(np.asarray(exposure, dtype=float) > 0)
    first = int(seen[0]) if len(seen) else 0
    expo = np.asarray(exposure, dtype=float) if cfg.normalise else np.ones(len(counts))
    per = [_window_tests(counts, expo, w, cfg, first) for w in cfg.windows]
    ps = np.vstack([r[0] for r in per])
    best = np.argmin(ps, axis=0)
    cols = np.arange(len(counts))

    def pick(k: int) -> np.ndarray:
        return np.vstack([r[k] for r in per])[best, cols]

    p = np.minimum(1.0, ps[best, cols] * len(cfg.windows))
    tested = ps[best, cols] < 1.0
    window = np.where(tested, np.asarray(cfg.windows)[best], 0)
    return Tests(p, window, pick(1), pick(2), pick(3), pick(4), pick(5))


def detect(counts: np.ndarray, exposure: np.ndarray, cfg: DetectorConfig | None = None
           ) -> tuple[Tests, list[Detection]]:
    """Alerts (one per episode) on a count series with its exposure."""
    cfg = cfg or DetectorConfig()
    tests = rate_tests(counts, exposure, cfg)
    out: list[Detection] = []
    current: Detection | None = None
    calm = 0
    for i, p in enumerate(tests.p):
        if current is not None and cfg.calm_bins == 0:  # every bin is its own question
            current.end, current = i, None
        if current is None:
            if p < cfg.alpha:
                current = Detection(i, None, int(tests.window[i]), int(tests.x[i]),
                                    int(tests.y[i]), float(tests.ex[i]), float(tests.ey[i]),
                                    float(p), tests.rate_ratio(i),
                                    int(tests.baseline_bins[i]))
                current.peak = {"bin": i, "p": float(p), "rate_ratio": current.rate_ratio}
                out.append(current)
            continue
        calm = calm + 1 if p > cfg.alpha_off else 0
        if calm >= cfg.calm_bins:
            current.end = i
            current, calm = None, 0
        elif p < current.peak["p"]:
            current.peak = {"bin": i, "p": float(p), "rate_ratio": tests.rate_ratio(i)}
    return tests, out
