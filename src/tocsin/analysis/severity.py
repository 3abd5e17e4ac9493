"""How much an alert matters: effect size, volume and evidence decide its level.

The detector says *whether* a series rose; this module says how much that matters to an
analyst. Three things, each read so that a handful of events cannot rank high:

* **effect**: the lower bound (5%) of the rate ratio's posterior. Given n = x + y events,
  x ~ Binomial(n, π) with π = θ e_x / (θ e_x + e_y) (the conditional test of two Poisson
  rates); a Jeffreys Beta(½, ½) prior on π gives π | x, y ~ Beta(x + ½, y + ½) and the
  bound θ_lo = π_lo / (1 − π_lo) · e_y / e_x. This is the Gamma-Poisson rate ratio under
  Jeffreys priors: four events against none stays uncertain, forty against ten does not.
* **volume**: the extra events at that bound, x · (1 − 1/θ_lo): how many events the rise
  adds, which is what an analyst has to read and what moves a country.
* **evidence**: distinct sources reporting the window's events and their mean confidence.

``severity = log2(min(θ_lo, 2)) × log2(1 + extra) × hostility factor × evidence factor``
(the effect term grows to 1 at "surely doubled"; beyond that a ratio says more about how
empty the baseline was than about the rise, and the volume decides), and the
level needs, besides a severity threshold, a minimum of events, of effect and (for high)
of distinct sources. Every threshold is in `Rule`; ``why`` says which held.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Rule:
    credible: float = 0.05  # lower tail of the rate-ratio posterior
    effect_cap: float = 2.0  # "surely doubled"; beyond, the ratio says more about an
    # empty baseline than about the rise, and the volume decides
    high_score: float = 2.4
    high_count: int = 10  # events (one per document) in the window for high
    high_ratio: float = 2.0  # θ_lo for high
    high_sources: int = 2  # distinct sources for high (when sources are known)
    medium_score: float = 1.5
    medium_count: int = 5
    medium_ratio: float = 1.5


RULE = Rule()


@dataclass(slots=True)
class Evidence:
    """What stands behind the window's events."""
    documents: int  # distinct documents reporting them
    sources: int  # distinct named sources among those documents (0: none named)
    confidence: float | None  # mean event confidence (0..1), None when not recorded


@dataclass(slots=True)
class Severity:
    score: float
    level: str
    ratio_lower: float
    extra_events: float
    why: str


def ratio_lower(x: float, ex: float, y: float, ey: float, tail: float = 0.05) -> float:
    """The ``tail`` quantile of the rate ratio's posterior (Jeffreys priors); x and y may
    be fractional (counts shrunk to the distinct reports behind them)."""
    from scipy.stats import beta

    if ex <= 0 or ey <= 0 or x <= 0:
        return 0.0
    lo = float(beta.ppf(tail, x + 0.5, y + 0.5))
    return lo / (1.0 - lo) * ey / ex if lo < 1.0 else math.inf


def evidence_factor(ev: Evidence) -> float:
    """1 with three or more sources, 0.6 with one; mean confidence scales it (0.5..1)."""
    n = ev.sources or (1 if ev.documents else 0)
    f = 0.6 + 0.4 * min(1.0, max(0, n - 1) / 2.0)
    if ev.confidence is not None:
        f *= 0.5 + 0.5 * min(1.0, max(0.0, ev.confidence))
    return f


def assess(x: int, ex: float, y: int, ey: float, intensity: float,
           baseline_intensity: float | None, ev: Evidence, rule: Rule = RULE) -> Severity:
    """The severity, level and a one-line reason of one alert."""
    # Events read from one document are not independent signals (a note telling of a
    # clash and the arrests after it): the counts shrink to the distinct reports, the
    # baseline by the same factor, so the ratio stands and its uncertainty grows.
    shrink = min(1.0, ev.documents / x) if ev.documents and x else 1.0
    n = x * shrink
    theta = ratio_lower(n, ex, y * shrink, ey, rule.credible)
    extra = n * (1.0 - 1.0 / theta) if theta > 1.0 else 0.0
    shift = max(0.0, intensity - baseline_intensity) if baseline_intensity is not None \
        else 0.0
    hostile = (0.5 + intensity / 20.0) * (1.0 + shift / 10.0)
    effect = math.log2(min(max(theta, 1.0), rule.effect_cap))
    score = (effect * math.log2(1.0 + extra) * hostile
             * evidence_factor(ev))
    sources_ok = ev.sources >= rule.high_sources or (ev.sources == 0
                                                     and ev.documents >= rule.high_sources)
    if (score >= rule.high_score and n >= rule.high_count and theta >= rule.high_ratio
            and sources_ok):
        level = "high"
    elif score >= rule.medium_score and n >= rule.medium_count and theta >= rule.medium_ratio:
        level = "medium"
    else:
        level = "low"
    why = (f"{level}: {x} events in {ev.documents} documents, "
           f"rate x{theta:.1f} or more (95% sure), "
           f"{extra:.0f} more than the baseline rate gives; {ev.sources} sources"
           + (f", confidence {ev.confidence:.2f}" if ev.confidence is not None else "")
           + f"; hostility {intensity:.1f}; severity {score:.1f}"
           + _short_of(level, score, n, theta, sources_ok, rule))
    return Severity(round(score, 3), level, round(min(theta, 1e6), 3), round(extra, 2), why)


def _short_of(level: str, score: float, x: float, theta: float, sources_ok: bool,
              rule: Rule) -> str:
    """What kept the alert below the next level."""
    if level == "high":
        return ""
    if level == "medium":
        need = [(score < rule.high_score, f"severity {rule.high_score:g}"),
                (x < rule.high_count, f"{rule.high_count} events"),
                (theta < rule.high_ratio, f"rate x{rule.high_ratio:g}"),
                (not sources_ok, f"{rule.high_sources} sources")]
    else:
        need = [(score < rule.medium_score, f"severity {rule.medium_score:g}"),
                (x < rule.medium_count, f"{rule.medium_count} events"),
                (theta < rule.medium_ratio, f"rate x{rule.medium_ratio:g}")]
    missing = [t for short, t in need if short]
    nxt = "high" if level == "medium" else "medium"
    return f" (below {nxt}: needs {', '.join(missing)})" if missing else ""


def legacy(rr: float, p: float, intensity: float, baseline_intensity: float | None
           ) -> tuple[float, str]:
    """The rule before issue 20, kept to measure against: log2 of the rate ratio, scaled
    by hostility and its rise, tempered by weak evidence (p)."""
    shift = max(0.0, intensity - (baseline_intensity or 0.0)) if baseline_intensity \
        is not None else 0.0
    score = max(0.0, math.log2(max(rr, 1.0))) * (intensity / 10.0) * (1.0 + shift / 10.0)
    score *= min(1.0, -math.log10(max(p, 1e-12)) / 2.0)
    level = "high" if score >= 3.0 else "medium" if score >= 1.5 else "low"
    return round(score, 3), level
