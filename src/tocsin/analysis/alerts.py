"""Escalation alerts: detection on every series, explained by the events behind it.

An alert names its series (actor, dyad, place, type), the bin it was raised in, the
current and baseline windows with their counts, exposures and rates (events per 100
documents of all reporting, and per document about the actor or place), the rate ratio, the
p-value, the hostility of the event mix against the baseline's, a severity, the actors
involved and the events with their evidence sentences and sources.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np

from tocsin.analysis.areas import area_named
from tocsin.analysis.detect import (
    ESCALATION_KINDS,
    SURGE,
    Detection,
    DetectorConfig,
    Tests,
    detect,
    new_activity,
    rate_tests,
)
from tocsin.analysis.series import (
    KINDS,
    EventRow,
    Series,
    build_series,
    document_days,
    documents_about,
    labeller,
    load_events,
    per_bin,
)
from tocsin.analysis.severity import Evidence, assess
from tocsin.model import stable_id

if TYPE_CHECKING:
    from tocsin.store import Store

MAX_EVENTS = 25  # events listed per alert
# A type (or mode) alert needs at least this share of its window's reports to lead with an
# event of that type: arrests told after a riot, a retreat after a raid, are the riot's
# and the raid's story, not a surge of arrests or retreats.
MIN_LEADING = 0.5


@dataclass(slots=True)
class Alert:
    id: str
    kind: str
    key: str
    label: str
    by: str
    raised: date  # first day of the bin the alert was raised in
    window: tuple[date, date]  # current window (first day, last day)
    baseline: tuple[date, date]
    current_count: int
    baseline_count: int
    current_exposure: int  # documents published in the window
    baseline_exposure: int
    current_rate: float  # events per 100 documents
    baseline_rate: float
    rate_ratio: float
    p_value: float
    intensity: float  # mean hostility (0..10) of the window's events
    baseline_intensity: float | None
    severity: float
    level: str
    episode_end: date | None  # first day of the bin the episode closed in (None: open)
    about: dict[str, Any] = field(default_factory=dict)  # rates per document about it
    actors: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    why: str = ""  # why this level (analysis/severity.py)
    ratio_lower: float = 0.0  # the rate ratio's 95% lower bound
    extra_events: float = 0.0  # events above the baseline rate, at that bound
    evidence: dict[str, Any] = field(default_factory=dict)  # documents, sources, confidence
    area_named: bool | None = None  # country/admin1: named by a report of the window
    test: str = "escalation"  # or "surge": the week against the four before (detect.SURGE)
    rule: str = ""  # the test that raised it, with the thresholds it passed
    series: list[dict[str, Any]] = field(default_factory=list)  # bins up to the raised one

    @property
    def probability(self) -> float:
        """1 - p: how sure the test is that the rate rose."""
        return 1.0 - self.p_value

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["probability"] = round(self.probability, 6)
        return json.loads(json.dumps(out, default=str))

    def summary(self) -> str:
        return (f"{self.raised} {self.level.upper():6} {self.kind}:{self.label} "
                f"{self.current_count} events in {self.window[0]}..{self.window[1]} vs "
                f"{self.baseline_count} before (rate x{self.rate_ratio:.1f}, "
                f"p={self.p_value:.2g}, hostility {self.intensity:.1f})")


def window_reports(store: Store, event_ids: list[str]) -> list[tuple[str, str | None, str]]:
    """(document id, source, text) of every document reporting these events."""
    if not event_ids:
        return []
    return [(str(r[0]), r[1], str(r[2] or "")) for r in store.con.execute(
        "SELECT DISTINCT d.id, d.source, d.text FROM event_mentions em JOIN documents d "
        f"ON d.id = em.doc_id WHERE em.event_id IN ({','.join('?' * len(event_ids))}) "
        "ORDER BY d.id", event_ids).fetchall()]


def _events_json(evs: list[EventRow], store: Store) -> list[dict[str, Any]]:
    """The events as the alert lists them, with every report; one query for all (a query
    per event was most of the cost of a refresh)."""
    reports: dict[str, list[dict[str, Any]]] = {e.id: [] for e in evs}
    if evs:
        for r in store.con.execute(
                """SELECT em.event_id, d.id, d.title, d.source, d.url, d.published, em.sentence
                   FROM event_mentions em JOIN documents d ON d.id = em.doc_id
                   WHERE em.event_id IN (SELECT unnest(?::VARCHAR[]))
                   ORDER BY em.event_id, d.published, d.id, em.start""",
                [list(reports)]).fetchall():
            reports[r[0]].append({"doc_id": r[1], "title": r[2], "source": r[3], "url": r[4],
                                  "published": r[5], "sentence": r[6]})
    return [{"id": ev.id, "date": ev.day, "type": ev.type, "mode": ev.mode,
             "sources": ev.sources, "targets": ev.targets, "place": ev.place,
             "country": ev.country, "admin1": ev.admin1, "fatalities": ev.fatalities,
             "hostility": round(ev.weight, 2), "evidence": ev.evidence,
             "reports": reports[ev.id]} for ev in evs]


def _rule(test: str, det: Detection, cfg: DetectorConfig, by: str) -> str:
    """The test that raised the alert, in words, with the thresholds it passed."""
    unit = "day" if by == "day" else "week"
    once = " counted once per report" if cfg.per_report else ""
    if test == "surge":
        return (f"surge: the {unit} against the {det.baseline_bins} {unit}s before it; "
                f"p = {det.p:.2g} (one-sided mid-p, alpha {SURGE.alpha}), rate ratio "
                f"x{det.rate_ratio:.1f} (needs x{SURGE.min_ratio:g}), {det.x} events{once} "
                f"(needs {SURGE.min_count}), {det.y} before (needs {SURGE.min_baseline_count})")
    new = ", which had none (new activity)" if det.y == 0 else ""
    return (f"escalation: {det.window} {unit}s against the {det.baseline_bins} {unit}s "
            f"before them{new}; p = {det.p:.2g} (one-sided mid-p, windows "
            f"{'/'.join(map(str, cfg.windows))}, Bonferroni, alpha {cfg.alpha}), rate ratio "
            f"x{det.rate_ratio:.1f} (needs x{cfg.min_ratio:g}), {det.x} events{once} "
            f"(needs {cfg.min_count})")


SERIES_BINS = 26  # bins of the series kept with an alert (its plot), up to the one raised


def _series_json(s: Series, i: int, lo: int) -> list[dict[str, Any]]:
    first = max(0, i - SERIES_BINS + 1)
    return [{"bin": s.bins[b], "events": int(s.counts[b]), "documents": int(s.exposure[b]),
             "window": b >= lo} for b in range(first, i + 1)]


def explain(store: Store, s: Series, det: Detection, events: dict[str, EventRow],
            label: Any, test: str = "escalation", cfg: DetectorConfig | None = None) -> Alert:
    """The alert for one detection on one series (found by ``test``)."""
    i, w = det.start, det.window
    lo = i - w + 1
    base_lo = lo - det.baseline_bins
    step = timedelta(days=1 if s.by == "day" else 7)
    win_ids = [e for b in range(lo, i + 1) for e in s.event_ids[b]]
    base_ids = [e for b in range(base_lo, lo) for e in s.event_ids[b]]
    win_ev = [events[e] for e in win_ids]
    base_ev = [events[e] for e in base_ids]
    intensity = float(np.mean([e.weight for e in win_ev])) if win_ev else 0.0
    base_int = float(np.mean([e.weight for e in base_ev])) if base_ev else None
    cur_rate = 100.0 * det.x / det.ex if det.ex else float("nan")
    base_rate = 100.0 * det.y / det.ey if det.ey else float("nan")
    reports = window_reports(store, win_ids)
    confs = [e.confidence for e in win_ev if e.confidence is not None]
    proof = Evidence(len(reports), len({r[1] for r in reports if r[1]}),
                     round(float(np.mean(confs)), 3) if confs else None)
    leading = _leading(win_ev) if s.kind in ("type", "mode") else None
    sev = assess(det.x, det.ex, det.y, det.ey, intensity, base_int, proof)
    named = (area_named(s.kind, s.key, [r[2] for r in reports],
                        [e.admin1 or "" for e in win_ev], [e.place or "" for e in win_ev])
             if s.kind in ("country", "admin1") else None)
    about: dict[str, Any] = {}
    if s.kind in ("actor", "country", "admin1"):
        docs = per_bin(documents_about(store, s.kind, s.key), s.bins, s.by)
        dx, dy = float(docs[lo:i + 1].sum()), float(docs[base_lo:lo].sum())
        about = {"current_documents": int(dx), "baseline_documents": int(dy),
                 "current_per_document": round(det.x / dx, 3) if dx else None,
                 "baseline_per_document": round(det.y / dy, 3) if dy else None}
    roles: Counter[tuple[str, str]] = Counter()
    for e in win_ev:
        roles.update((a, "source") for a in dict.fromkeys(e.sources))
        roles.update((a, "target") for a in dict.fromkeys(e.targets))
    actors = [{"id": a, "name": label("actor", a), "role": r, "events": n}
              for (a, r), n in sorted(roles.items(), key=lambda kv: (-kv[1], kv[0]))]
    end = s.bins[det.end] if det.end is not None else None
    return Alert(
        id=alert_id(s, det, test),
        kind=s.kind, key=s.key, label=s.label, by=s.by, raised=s.bins[i],
        window=(s.bins[lo], s.bins[i] + step - timedelta(days=1)),
        baseline=(s.bins[base_lo], s.bins[lo] - timedelta(days=1)),
        current_count=det.x, baseline_count=det.y, current_exposure=int(det.ex),
        baseline_exposure=int(det.ey), current_rate=round(cur_rate, 3),
        baseline_rate=round(base_rate, 3), rate_ratio=round(det.rate_ratio, 3),
        p_value=float(f"{det.p:.4g}"), intensity=round(intensity, 2),
        baseline_intensity=None if base_int is None else round(base_int, 2),
        severity=sev.score, level=sev.level, episode_end=end, about=about, actors=actors,
        events=_events_json(sorted(win_ev, key=lambda e: (e.day, e.id))[-MAX_EVENTS:], store),
        why=sev.why, ratio_lower=sev.ratio_lower, extra_events=sev.extra_events,
        evidence={"documents": proof.documents, "sources": proof.sources,
                  "confidence": proof.confidence, "leading": leading},
        area_named=named, test=test,
        rule=_rule(test, det, cfg or DetectorConfig.for_bins(s.by), s.by),
        series=_series_json(s, i, lo))


def _leading(evs: list[EventRow]) -> float | None:
    """The share of the documents reporting ``evs`` that lead with one of them (their
    first-told dated event): how far the reports are about what the series counts."""
    docs = {d for e in evs for d in e.doc_ids}
    if not docs:
        return None
    return round(len({d for e in evs for d in e.leads}) / len(docs), 3)


def series_for(store: Store, by: str = "week", types: set[str] | None = None,
               region: str | None = None, until: date | None = None,
               kinds: tuple[str, ...] = KINDS, only: set[tuple[str, str]] | None = None
               ) -> tuple[dict[tuple[str, str], Series], dict[str, EventRow], Any]:
    events = load_events(store, until=until, types=types, region=region)
    label = labeller(store)
    series = build_series(events, document_days(store, until), by, kinds, end=until,
                          label=label, only=only)
    return series, {e.id: e for e in events}, label


def find_alerts(store: Store, since: date | None = None, until: date | None = None,
                actor: str | None = None, region: str | None = None,
                types: set[str] | None = None, by: str = "week",
                kinds: tuple[str, ...] = KINDS, cfg: DetectorConfig | None = None,
                area_guard: bool = True, surge: DetectorConfig | None = SURGE,
                min_documents: int | None = None) -> list[Alert]:
    """Alerts raised on or after ``since`` (history before it still forms the baseline),
    most severe first. ``actor`` keeps the series of that actor and its dyads.
    ``area_guard`` drops country and admin1 alerts whose area no report of the window
    names (a geocoding slip, analysis/areas.py). ``surge`` (weekly bins only) also
    tests each week against the four before it; a surge in a bin the escalation test
    already alerted in is not repeated. ``min_documents`` (default: the detector's
    minimum count) distinct reports must stand behind the window's events: three events
    read from one or two notes are not three."""
    cfg = cfg or DetectorConfig.for_bins(by)
    wanted: set[str] | None = None
    if actor:
        from tocsin.store.queries import QueryError

        wanted = set(store.resolve_actor(actor))
        if not wanted:
            raise QueryError(f"unknown actor {actor!r}")
    series, events, label = series_for(store, by, types, region, until, kinds)
    out = []
    for s, det, test in detections(series, cfg, by, surge, wanted):
        if since and s.bins[det.start] < since - timedelta(days=6 if by == "week" else 0):
            continue
        alert = explain(store, s, det, events, label, test, cfg)
        if passes(alert, cfg, area_guard, min_documents):
            out.append(alert)
    return sorted(out, key=lambda a: (-a.severity, a.p_value, str(a.raised), a.id))


def surge_first(kind: str, by: str) -> bool:
    """Whether a series' main question is the surge test (area and type series in weekly
    bins) rather than the escalation test against the year (actors, dyads, daily bins)."""
    return by == "week" and kind not in ESCALATION_KINDS


def detections(series: dict[tuple[str, str], Series], cfg: DetectorConfig, by: str,
               surge: DetectorConfig | None = SURGE, wanted: set[str] | None = None
               ) -> Iterator[tuple[Series, Detection, str]]:
    """Every detection on every series, with the test that made it: the cheap part of
    finding alerts (explaining one reads its reports from the store). In weekly bins the
    surge test reads every series and the escalation test actors and dyads
    (`detect.ESCALATION_KINDS`), other series only for new activity (an empty baseline);
    without the surge test, the escalation test reads every series in full."""
    weekly_surge = surge is not None and by == "week"
    for s in series.values():
        if wanted is not None and not _involves(s, wanted):
            continue
        if s.counts.sum() < cfg.min_count:
            continue
        counts = s.counted() if cfg.per_report else s.counts
        year = new_activity(cfg) if weekly_surge and surge_first(s.kind, by) else cfg
        found = [(d, "escalation") for d in detect(counts, s.exposure, year)[1]]
        if surge is not None and by == "week":
            surge_cfg = replace(surge, normalise=cfg.normalise, per_report=cfg.per_report)
            seen = {d.start for d, _ in found}
            found += [(d, "surge") for d in detect(counts, s.exposure, surge_cfg)[1]
                      if d.start not in seen]
        for det, test in found:
            yield s, det, test


def passes(alert: Alert, cfg: DetectorConfig, area_guard: bool = True,
           min_documents: int | None = None) -> bool:
    """The checks besides the test: the area named, enough distinct reports, and for a
    type or mode alert, reports that lead with that type (`MIN_LEADING`)."""
    if area_guard and alert.area_named is False:
        return False
    leading = alert.evidence.get("leading")
    if leading is not None and leading < MIN_LEADING:
        return False
    return bool(alert.evidence["documents"] >= (cfg.min_count if min_documents is None
                                                else min_documents))


def alert_id(s: Series, det: Detection, test: str) -> str:
    return stable_id("alert", s.kind, s.key, s.by, s.bins[det.start].isoformat(),
                     *(() if test == "escalation" else (test,)))


def _involves(s: Series, actors: set[str]) -> bool:
    if s.kind == "actor":
        return s.key in actors
    if s.kind == "dyad":
        src, _, tgt = s.key.partition("->")
        return src in actors or tgt in actors
    return False


def save_alerts(store: Store, alerts: list[Alert]) -> list[Alert]:
    """Record alerts (table ``alerts``); returns the ones not recorded before."""
    if not alerts:
        return []
    ids = [a.id for a in alerts]
    known = {r[0] for r in store.con.execute(
        f"SELECT id FROM alerts WHERE id IN ({','.join('?' * len(ids))})", ids).fetchall()}
    new = [a for a in alerts if a.id not in known]
    now = datetime.now(UTC).replace(tzinfo=None)
    for a in new:
        store.con.execute(
            # Named columns: later migrations add columns (acknowledgements) after these.
            "INSERT INTO alerts (id, kind, series, label, bin, raised, window_start, "
            "window_end, current_count, baseline_count, current_exposure, baseline_exposure, "
            "rate_ratio, p_value, intensity, severity, level, actor_ids, event_ids, detail, "
            "first_seen, episode_end) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [a.id, a.kind, a.key, a.label, a.by, a.raised, a.window[0], a.window[1],
             a.current_count, a.baseline_count, a.current_exposure, a.baseline_exposure,
             a.rate_ratio, a.p_value, a.intensity, a.severity, a.level,
             [x["id"] for x in a.actors], [e["id"] for e in a.events],
             json.dumps(a.to_json(), ensure_ascii=False), now, a.episode_end])
    for a in alerts:  # an episode that has closed since it was recorded
        if a.id in known and a.episode_end is not None:
            store.con.execute("UPDATE alerts SET episode_end = ? WHERE id = ? AND "
                              "episode_end IS NULL", [a.episode_end, a.id])
    return new


def series_key(store: Store, query: str, kind: str | None = None) -> tuple[str, str]:
    """What a timeline query names: an actor (id, name or alias), ``a->b`` (dyad), a
    PLOVER type or ``TYPE/mode``, an ISO3 country or ``ISO3/Admin1``."""
    from tocsin.model import PLOVER_TYPES
    from tocsin.store.queries import QueryError

    q = query.strip()

    def actor_id(text: str) -> str:
        ids = store.resolve_actor(text)
        if not ids:
            raise QueryError(f"unknown actor {text!r}")
        return ids[0]

    head = q.split("/")[0].upper()
    if kind is None:
        kind = ("dyad" if "->" in q else "type" if q.upper() in PLOVER_TYPES
                else "mode" if "/" in q and head in PLOVER_TYPES
                else "admin1" if "/" in q and len(head) == 3
                else "country" if len(q) == 3 and q.isupper() else "actor")
    if kind == "actor":
        return kind, actor_id(q)
    if kind == "dyad":
        src, _, tgt = q.partition("->")
        return kind, f"{actor_id(src)}->{actor_id(tgt)}"
    if kind in ("type", "country"):
        return kind, q.upper()
    if kind == "mode":
        return kind, f"{head}/{q.split('/', 1)[1]}"
    if kind == "admin1":
        return kind, f"{head}/{q.split('/', 1)[1]}"
    raise QueryError(f"unknown series kind {kind!r}")


def timeline(store: Store, query: str, kind: str | None = None,
             types: set[str] | None = None, region: str | None = None, by: str = "week",
             until: date | None = None, cfg: DetectorConfig | None = None
             ) -> tuple[Series, Tests, list[Alert]]:
    """One series with its per-bin tests (the test that reads its kind: `detections`)
    and the alerts `find_alerts` gives on it."""
    cfg = cfg or DetectorConfig.for_bins(by)
    key = series_key(store, query, kind)
    series, events, label = series_for(store, by, types, region, until, (key[0],),
                                       only={key})
    s = series.get(key)
    if s is None:
        from tocsin.store.queries import QueryError

        raise QueryError(f"no dated events for {key[0]} {key[1]!r}")
    counts = s.counted() if cfg.per_report else s.counts
    tests = rate_tests(counts, s.exposure, replace(SURGE, normalise=cfg.normalise)
                       if surge_first(s.kind, by) else cfg)  # the plot's: the main question
    found = [explain(store, s, d, events, label, test, cfg)
             for _, d, test in detections({key: s}, cfg, by)]
    return s, tests, [a for a in found if passes(a, cfg)]
