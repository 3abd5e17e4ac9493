"""Keep the stored alerts current after an ingest (issue 22: alerts first).

The detector is causal: an alert raised in week t reads events and documents up to t. New
documents therefore change only the alerts of the weeks they touch and after (their
events' dates, and their publication dates less the reporting lag, which place them in
the exposure), and the end of episodes opened before. A refresh runs the detector on every
series (cheap: arrays in memory), explains and stores the alerts raised from the first
touched week on (the costly part: each reads its reports), withdraws the stored ones of
those weeks that the new data no longer raises, and updates the episode ends of earlier
ones. ``refresh_alerts(store)`` without documents recomputes every week.

The stored table is the alerts of the default settings (weekly bins, every series kind):
``tocsin alerts`` with filters prints its own selection.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from tocsin.analysis.alerts import Alert, alert_id, detections, explain, passes, series_for
from tocsin.analysis.detect import DetectorConfig
from tocsin.analysis.series import BINNED_PRECISIONS, bin_start

if TYPE_CHECKING:
    from tocsin.store import Store

MAX_LAG = 3  # days: the reporting lag's clip (series.reporting_lag)


@dataclass(slots=True)
class Refresh:
    since: date | None  # first week recomputed (None: all of them)
    alerts: int = 0  # alerts stored for those weeks
    new: list[Alert] = field(default_factory=list)  # not stored before
    updated: int = 0
    withdrawn: int = 0  # stored before, no longer raised
    seconds: float = 0.0
    found: list[Alert] = field(default_factory=list)  # the alerts of those weeks

    def summary(self) -> dict[str, Any]:
        return {"since": self.since.isoformat() if self.since else None,
                "alerts": self.alerts, "new": len(self.new), "updated": self.updated,
                "withdrawn": self.withdrawn, "seconds": round(self.seconds, 2)}


def touched_since(store: Store, doc_ids: list[str]) -> date | None:
    """The first week the documents touch: their binned events' dates (an event dated to a
    month or a year is in no series) and their publication dates (less the largest
    reporting lag). None: they touch nothing that is binned."""
    if not doc_ids:
        return None
    row = store.con.execute(
        """SELECT least(
               (SELECT min(e.date_start) FROM event_mentions em JOIN events e
                  ON e.id = em.event_id WHERE em.doc_id IN (SELECT unnest(?::VARCHAR[]))
                  AND e.precision IN (SELECT unnest(?::VARCHAR[]))),
               (SELECT min(published) FROM documents
                  WHERE id IN (SELECT unnest(?::VARCHAR[])) AND duplicate_of IS NULL)
                 - INTERVAL (?) DAY)""",
        [doc_ids, sorted(BINNED_PRECISIONS), doc_ids, MAX_LAG]).fetchone()
    first = row[0] if row else None
    if first is None:
        return None
    return bin_start(first.date() if isinstance(first, datetime) else first, "week")


def refresh_alerts(store: Store, doc_ids: list[str] | None = None) -> Refresh:
    """Recompute the stored alerts the documents ``doc_ids`` (just ingested) can change;
    all of them when ``doc_ids`` is None. Returns what changed."""
    t0 = time.monotonic()
    since = None if doc_ids is None else touched_since(store, doc_ids)
    if doc_ids is not None and since is None:
        return Refresh(None, seconds=time.monotonic() - t0)  # nothing binned was added
    if not _any_stored(store):
        since = None  # a store never refreshed: its history has no alerts stored yet
    out = Refresh(since)
    cfg = DetectorConfig.for_bins("week")
    series, events, label = series_for(store, "week")
    fresh: list[Alert] = []
    ends: dict[str, date | None] = {}
    for s, det, test in detections(series, cfg, "week"):
        if since is not None and s.bins[det.start] < since:
            ends[alert_id(s, det, test)] = s.bins[det.end] if det.end is not None else None
            continue
        alert = explain(store, s, det, events, label, test, cfg)
        if passes(alert, cfg):
            fresh.append(alert)
    _store(store, since, fresh, ends, out)
    out.seconds = time.monotonic() - t0
    return out


def _any_stored(store: Store) -> bool:
    row = store.con.execute("SELECT count(*) FROM alerts WHERE bin = 'week'").fetchone()
    return bool(row and row[0])


def _store(store: Store, since: date | None, fresh: list[Alert],
           ends: dict[str, date | None], out: Refresh) -> None:
    con = store.con
    where, args = ("bin = 'week'", []) if since is None else (
        "bin = 'week' AND raised >= ?", [since])
    stored = {r[0] for r in con.execute(f"SELECT id FROM alerts WHERE {where}", args)
              .fetchall()}
    now = datetime.now(UTC).replace(tzinfo=None)
    con.execute("BEGIN TRANSACTION")
    try:
        gone = sorted(stored - {a.id for a in fresh})
        if gone:  # the new data no longer raises them (a baseline filled in, a merge)
            con.execute("DELETE FROM alerts WHERE id IN (SELECT unnest(?::VARCHAR[]))",
                        [gone])
        for a in fresh:
            row = _row(a)
            if a.id in stored:  # figures and explanation anew; first_seen, acks kept
                con.execute(f"UPDATE alerts SET {', '.join(f'{c} = ?' for c in COLUMNS)} "
                            "WHERE id = ?", [*row, a.id])
            else:
                con.execute(f"INSERT INTO alerts (id, {', '.join(COLUMNS)}, first_seen) "
                            f"VALUES (?, {', '.join('?' * len(COLUMNS))}, ?)",
                            [a.id, *row, now])
        for aid, end in ends.items():  # an earlier episode that closed (or goes on)
            con.execute("UPDATE alerts SET episode_end = ? WHERE id = ? AND "
                        "episode_end IS DISTINCT FROM ?", [end, aid, end])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    out.alerts = len(fresh)
    out.found = sorted(fresh, key=lambda a: (-a.severity, a.p_value, str(a.raised), a.id))
    out.new = [a for a in fresh if a.id not in stored]
    out.updated = len(fresh) - len(out.new)
    out.withdrawn = len(gone)


COLUMNS = ("kind", "series", "label", "bin", "raised", "window_start", "window_end",
           "current_count", "baseline_count", "current_exposure", "baseline_exposure",
           "rate_ratio", "p_value", "intensity", "severity", "level", "actor_ids",
           "event_ids", "detail", "episode_end")


def _row(a: Alert) -> list[Any]:
    return [a.kind, a.key, a.label, a.by, a.raised, a.window[0], a.window[1],
            a.current_count, a.baseline_count, a.current_exposure, a.baseline_exposure,
            a.rate_ratio, a.p_value, a.intensity, a.severity, a.level,
            [x["id"] for x in a.actors], [e["id"] for e in a.events],
            json.dumps(a.to_json(), ensure_ascii=False), a.episode_end]
