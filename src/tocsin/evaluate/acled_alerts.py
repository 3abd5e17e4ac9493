"""`tocsin evaluate alerts FILE`: escalation alerts against surges in ACLED's coded columns.

The notes are ingested as a stream (`acled_stream`), alerts are computed on the store's
weekly country, admin1 and PLOVER-type series, and compared with the surges the rule in
`surges` finds in the coded columns of the same notes. Detection is causal: an alert
raised in a week uses only events of that week and before (the notes of a week are all
published by the Monday after it), so one pass over the whole store gives the alerts a
weekly run would have given (tests/test_alerts_stream.py checks this).

The store's alerts are ranked twice: by the severity rule of `tocsin.analysis.severity`
(``after``) and by the rule it replaced (``before``, `severity.legacy`), on the same
detections; ``after`` also drops what the area guard drops (an area no report names).

Counts are raw, not per document: each note here is one coded event, so the stream's
volume is the signal itself and dividing by it would cancel every country-wide surge.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from tocsin.evaluate.acled import SUB_EVENT, Gold, country_iso3
from tocsin.evaluate.report import Report
from tocsin.evaluate.surges import (
    THREAT,
    Scored,
    SurgeRule,
    admin_key,
    match,
    series_counts,
    surges,
)

KINDS = ("country", "admin1", "type")
# Types ACLED codes (its sub-events mapped to PLOVER): an alert on threats or accusations
# has no coded series to be measured against, so it is left out, not counted wrong.
CODED_TYPES = frozenset(t for t, _ in SUB_EVENT.values())


def gold_keys(g: Gold) -> list[tuple[str, str]]:
    """The surge series a coded note counts in."""
    out = []
    iso = country_iso3(g.country) if g.country else None
    if iso:
        out.append(("country", iso))
        if g.admin1:
            out.append(("admin1", f"{iso}/{admin_key(g.admin1)}"))
    want = SUB_EVENT.get(g.sub_event)
    if want:
        out.append(("type", want[0]))
    return out


def alert_key(kind: str, key: str) -> tuple[str, str]:
    if kind == "admin1":
        iso, _, name = key.partition("/")
        return kind, f"{iso}/{admin_key(name)}"
    return kind, key


def store_alerts(db: Path, normalise: bool = False, after: bool = True
                 ) -> list[dict[str, Any]]:
    """Every alert on the evaluated series kinds, as JSON objects: as tocsin raises them
    now (``after``), or as before issue 20 (the escalation test alone on every series,
    events counted one by one, no area guard, no floor on distinct reports, the old
    severity and level; history from the first report, as now)."""
    from tocsin.analysis.alerts import find_alerts
    from tocsin.analysis.detect import SURGE, DetectorConfig
    from tocsin.analysis.severity import legacy
    from tocsin.store import Store

    # Before issue 20 events were counted one by one, however many a note told.
    cfg = DetectorConfig.for_bins("week", normalise=normalise, per_report=after)
    with Store.open(db, read_only=True) as store:
        out = [a.to_json() for a in find_alerts(store, kinds=KINDS, cfg=cfg,
                                                area_guard=after,
                                                surge=SURGE if after else None,
                                                min_documents=None if after else 0)
               if a.kind != "type" or a.key in CODED_TYPES]
    if not after:
        for a in out:
            a["severity"], a["level"] = legacy(a["rate_ratio"], a["p_value"],
                                               a["intensity"], a["baseline_intensity"])
    return out


def _scored(alerts: Sequence[dict[str, Any]]) -> list[Scored]:
    return [Scored(*alert_key(a["kind"], a["key"]), date.fromisoformat(a["raised"]),
                   float(a["severity"]),
                   date.fromisoformat(a["episode_end"]) if a["episode_end"] else None)
            for a in alerts]


def measure(alerts: Sequence[dict[str, Any]], found: set[tuple[str, str, date]],
            top: int = 10, threats: set[tuple[str, str, date]] | None = None
            ) -> dict[str, Any]:
    """Recall and precision of all alerts, precision of those an analyst acts on
    (medium and high) and of high ones, top-N per month, lag."""
    m = match(_scored(alerts), found, top, threats)
    for name, levels in (("acted", ("medium", "high")), ("high", ("high",))):
        sub = match(_scored([a for a in alerts if a["level"] in levels]), found, top)
        m[f"{name}_alerts"] = sub["alerts"]
        m[f"{name}_precision"] = sub["alert_precision"]
        m[f"{name}_recall"] = sub["surge_recall"]
    for kind in KINDS:
        sub = match(_scored([a for a in alerts if a["kind"] == kind]),
                    {f for f in found if f[0] == kind}, top)
        m[f"{kind}_recall"] = sub["surge_recall"]
        m[f"{kind}_precision"] = sub["alert_precision"]
    return m


def evaluate(path: Path, db: Path | None = None, split: str = "all",
             since: date | None = None, until: date | None = None,
             limit: int | None = None, rule: SurgeRule | None = None,
             normalise: bool = False, top: int = 10) -> Report:
    """Ingest the notes of ``path`` (into ``db``, kept for reuse, or a temporary store)
    and score the alerts against the coded surges, before and after."""
    import tempfile

    from tocsin.evaluate.acled_stream import PUBLISH_LAG, ingest, select

    t0 = time.perf_counter()
    rule = rule or SurgeRule()
    golds = select(path, split, since, until, limit)
    rep = Report(name="alerts", path=str(path), records=len(golds))
    if not golds:
        return rep
    with tempfile.TemporaryDirectory() as tmp:
        store_path = db or Path(tmp) / "stream.duckdb"
        stats = ingest(golds, store_path)
        rep.failures = int(stats["failed"])
        old = store_alerts(store_path, normalise, after=False)
        new = store_alerts(store_path, normalise, after=True)
    first = min(g.event_date for g in golds if g.event_date)
    last = max(g.event_date for g in golds if g.event_date)
    counts = series_counts((g.event_date, gold_keys(g)) for g in golds if g.event_date)
    found = surges(counts, first, last, rule)
    threats = surges(counts, first, last, THREAT)
    coded = {k[1] for g in golds for k in gold_keys(g) if k[0] == "country"}
    for name, alerts in (("before", old), ("after", new)):
        # Area alerts on a country no coded note is in: mostly geocoding slips.
        rep.info[f"{name}_alerts_outside_coded_countries"] = sum(
            a["kind"] in ("country", "admin1") and a["key"].split("/")[0] not in coded
            for a in alerts)
        m = measure(alerts, found, top, threats)
        for k in ("surge_recall", "alert_precision", f"top{top}_precision",
                  "acted_precision"):
            rep.scores[f"{name}_{k}"] = round(m[k], 4)
        for k, v in m.items():
            if f"{name}_{k}" not in rep.scores and v == v:  # NaN: no lag measured
                rep.info[f"{name}_{k}"] = round(v, 4) if isinstance(v, float) else v
    rep.info["surges"] = len(found)
    for kind in KINDS:
        rep.info[f"surges_{kind}"] = sum(1 for f in found if f[0] == kind)
    rep.info.update({f"ingest_{k}": float(v) for k, v in stats.items()})
    rep.notes.append(f"surge rule: {rule.describe()} (weekly, ISO weeks)")
    rep.notes.append(f"threat weeks (alert_precision_any only): {THREAT.describe()}")
    rep.info["threat_weeks"] = len(threats)
    rep.notes.append(f"stream: split {split}, {first}..{last}, {len(golds)} notes, "
                     f"published event_date + {PUBLISH_LAG} day; series "
                     f"{', '.join(KINDS)}; counts {'per document' if normalise else 'raw'}"
                     f"; type alerts only on types ACLED codes ({', '.join(sorted(CODED_TYPES))})")
    rep.notes.append("found: an alert on the series in the surge week or the next; "
                     "right: an alert in a surge week or the week after; lag in days; "
                     "recall_open also counts an episode raised earlier and still open; "
                     "acted: medium and high alerts; before: no surge test, no area "
                     "guard, no floor on distinct reports, the old severity")
    rep.worst.extend(_misses(new, found)[:20])
    rep.seconds = time.perf_counter() - t0
    return rep


def _misses(alerts: Sequence[dict[str, Any]], found: set[tuple[str, str, date]]
            ) -> list[dict[str, Any]]:
    """The highest-ranked alerts with no surge: what to read first."""
    from datetime import timedelta

    out = []
    for a in sorted(alerts, key=lambda a: -a["severity"]):
        kind, key = alert_key(a["kind"], a["key"])
        w = date.fromisoformat(a["raised"])
        if (kind, key, w) in found or (kind, key, w - timedelta(days=7)) in found:
            continue
        out.append({"id": a["id"], "kind": "alert without surge",
                    "gold": f"{kind}:{key} {w}",
                    "pred": f"{a['level']} {a['severity']} x={a['current_count']} "
                            f"y={a['baseline_count']}",
                    "text": a.get("why", "")})
    return out
