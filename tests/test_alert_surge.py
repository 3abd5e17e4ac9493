"""Issue 20, second step: what the weekly detector counts and which question it asks of
which series. Events count once per report; area and type series get the surge question
(the week against the four before it) and the year's only for new activity, actors and
dyads the year's as well; history starts with the reporting; each week is its own surge
question; a type alert needs reports that are about that type."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from alert_streams import START, riot_stream

from tocsin.analysis.alerts import detections
from tocsin.analysis.detect import SURGE, DetectorConfig, detect
from tocsin.analysis.series import EventRow, build_series
from tocsin.store import Store

MONDAY = date(2021, 1, 4)


def _event(i: int, day: date, docs: tuple[str, ...], type_: str = "ASSAULT",
           actor: str = "al-shabaab") -> EventRow:
    return EventRow(id=f"e{i}", type=type_, mode=None, day=day, sources=[actor],
                    targets=[], country="SOM", admin1="Bay", place="Baidoa",
                    fatalities=None, evidence=None, doc_sources=[], n_documents=len(docs),
                    doc_ids=docs, leads=docs[:1])


def _weekly(per_week: list[int], roundup_week: int | None = None) -> list[EventRow]:
    """Events a week, each from its own report, except in ``roundup_week``: one report
    telling all of them."""
    out = []
    for w, n in enumerate(per_week):
        for j in range(n):
            doc = "roundup" if w == roundup_week else f"r{w}-{j}"
            out.append(_event(len(out), MONDAY + timedelta(weeks=w, days=j % 5), (doc,)))
    return out


def _raised(events: list[EventRow], kind: str, key: str) -> list[tuple[date, str]]:
    series = build_series(events, {MONDAY + timedelta(days=d): 5 for d in range(0, 7 * 40)})
    cfg = DetectorConfig(normalise=False)
    return [(s.bins[d.start], test) for s, d, test in detections(series, cfg, "week")
            if (s.kind, s.key) == (kind, key)]


def test_events_of_one_report_count_once() -> None:
    quiet = [2] * 12
    wave = _weekly(quiet + [8], roundup_week=None)
    roundup = _weekly(quiet + [8], roundup_week=12)
    week = MONDAY + timedelta(weeks=12)
    assert (week, "surge") in _raised(wave, "admin1", "SOM/Bay")
    # The same eight attacks read from one report are one signal: no surge.
    assert not [w for w, _ in _raised(roundup, "admin1", "SOM/Bay") if w == week]
    s = build_series(roundup, {})[("admin1", "SOM/Bay")]
    assert s.counts[12] == 8 and s.counted()[12] == 1


def test_area_and_type_series_ask_the_surge_question_actors_also_the_years() -> None:
    # A slow climb after a quiet half-year (an attack a month): each week under twice the
    # month before, well above the year. An armed group's series alerts (against the
    # year); the area's and the type's, which sum everyone's activity, do not.
    climb = [1, 1, 2, 2, 3, 3, 4, 4]
    events = _weekly([1, 0, 0, 0] * 6 + climb)
    actor = _raised(events, "actor", "al-shabaab")
    assert actor and {t for _, t in actor} == {"escalation"}
    assert _raised(events, "admin1", "SOM/Bay") == _raised(events, "type", "ASSAULT") == []
    # After a year with nothing at all, the same climb is new activity there too.
    fresh = _weekly([0] * 24 + climb)
    assert [t for _, t in _raised(fresh, "admin1", "SOM/Bay")] == ["escalation"]


def test_history_starts_with_the_reporting() -> None:
    # Events told later about weeks nobody was reporting on are no quiet baseline.
    counts = np.array([0] * 10 + [3, 3, 2])
    unread = np.array([0.0] * 10 + [5.0] * 3)
    cfg = DetectorConfig(normalise=False)
    assert detect(counts, unread, cfg)[1] == []
    assert detect(counts, np.full(13, 5.0), cfg)[1]  # read all along: a new activity


def test_each_week_is_its_own_surge_question() -> None:
    # A surge, then a week that doubles the four weeks holding it: told again.
    counts = np.array([5, 5, 5, 5, 5, 5, 12, 30, 8])
    found = detect(counts, np.ones(len(counts)), SURGE)[1]
    assert [d.start for d in found] == [6, 7]
    assert found[0].end == 7 and found[1].end == 8


# --- a type alert needs reports about that type (end to end, texts written here) ------
@pytest.fixture(scope="module")
def riot_db(tmp_path_factory: pytest.TempPathFactory, pipeline: Any) -> Path:
    from tocsin.model import Extraction

    db = tmp_path_factory.mktemp("riots") / "riots.duckdb"
    with Store.open(db, near_duplicates=False) as store:
        for ext in pipeline.pipe(iter(riot_stream())):
            assert isinstance(ext, Extraction)
            store.add(ext)
    return db


def test_arrests_told_after_riots_are_the_riots_surge(riot_db: Path) -> None:
    from tocsin.analysis.alerts import find_alerts, series_for

    wave = START + timedelta(weeks=10)
    # Raw counts: the riot reports are all the coverage this stream has (per document,
    # the wave would cancel itself out, as it would in the ACLED evaluation).
    cfg = DetectorConfig(normalise=False)
    with Store.open(riot_db, read_only=True) as store:
        alerts = find_alerts(store, kinds=("type",), cfg=cfg)
        series, _, _ = series_for(store, kinds=("type",))
    riots = [a for a in alerts if a.key == "PROTEST" and a.raised == wave]
    assert riots and riots[0].test == "surge", [a.summary() for a in alerts]
    assert riots[0].evidence["leading"] >= 0.9
    # The arrests doubled too, and the surge test sees them ...
    assert any(s.key == "COERCE" and s.bins[d.start] == wave
               for s, d, _ in detections(series, cfg, "week"))
    # ... but no report leads with them: they are the riots' story, not a second alert.
    assert not [a for a in alerts if a.key == "COERCE"]
