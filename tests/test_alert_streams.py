"""Issue 20 end to end: streams of reports we wrote, through the real pipeline into a real
DuckDB store, then alerts: a group's threats surging, the area guard on a geocoding slip,
causality (a week's alert only uses what was published by then) and the ACLED-layout
evaluator's command."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from alert_streams import SURGE_WEEK, THREATS, acled_layout_csv, threat_stream

from tocsin.store import Store


@pytest.fixture(scope="module")
def threat_db(tmp_path_factory: pytest.TempPathFactory, pipeline: Any) -> Path:
    from tocsin.model import Extraction

    db = tmp_path_factory.mktemp("threats") / "threats.duckdb"
    with Store.open(db) as store:
        for ext in pipeline.pipe(iter(threat_stream())):
            assert isinstance(ext, Extraction)
            store.add(ext)
    return db


def test_a_week_of_doubled_threats_alerts_on_the_groups_threaten_series(
        threat_db: Path) -> None:
    from tocsin.analysis.alerts import find_alerts

    with Store.open(threat_db, read_only=True) as store:
        alerts = find_alerts(store, types={"THREATEN"})
    mine = [a for a in alerts if a.kind == "actor" and a.key == "kataib-hezbollah"]
    assert mine, [a.summary() for a in alerts]
    a = mine[0]
    assert SURGE_WEEK <= a.raised <= SURGE_WEEK + timedelta(days=7)
    assert all(b.raised >= SURGE_WEEK for b in mine)  # nothing in the quiet weeks
    assert a.current_count >= 2 * max(1, a.baseline_count * a.current_exposure
                                      / max(1, a.baseline_exposure))
    # The statements themselves are the evidence, with their sources.
    said = {e["evidence"] for e in a.events if e["type"] == "THREATEN"}
    assert len(said) >= 4 and all(any(s in t for t in THREATS) for s in said)
    assert {r["source"] for e in a.events for r in e["reports"]} >= {"Tigris Wire"}
    assert a.why.startswith(a.level) and a.evidence["documents"] >= 4
    assert a.to_json()["why"] == a.why and "severity" in a.to_json()


def test_alerts_of_a_week_use_only_what_was_published_by_then(threat_db: Path) -> None:
    from tocsin.analysis.alerts import find_alerts

    cut = SURGE_WEEK + timedelta(days=6)
    with Store.open(threat_db, read_only=True) as store:
        full = {a.id: a for a in find_alerts(store, types={"THREATEN"})}
        then = find_alerts(store, types={"THREATEN"}, until=cut)
    assert then
    for a in then:  # every alert known at the cut is the alert the full history gives
        b = full[a.id]
        assert (a.current_count, a.baseline_count, a.severity, a.level) == (
            b.current_count, b.baseline_count, b.severity, b.level)


@pytest.fixture(scope="module")
def protest_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return acled_layout_csv(tmp_path_factory.mktemp("acled") / "protests.csv")


@pytest.fixture(scope="module")
def protest_db(tmp_path_factory: pytest.TempPathFactory, protest_csv: Path,
               pipeline: Any) -> Path:
    from tocsin.evaluate.acled_stream import ingest, select

    db = tmp_path_factory.mktemp("stream") / "protests.duckdb"
    stats = ingest(select(protest_csv), db, log=False)
    assert stats["failed"] == 0 and stats["ingested"] == stats["notes"]
    return db


def test_an_area_no_report_names_raises_no_alert(protest_db: Path, tmp_path: Path) -> None:
    import shutil

    from tocsin.analysis.alerts import find_alerts
    from tocsin.analysis.detect import DetectorConfig

    cfg = DetectorConfig(normalise=False)
    with Store.open(protest_db, read_only=True) as store:
        before = find_alerts(store, kinds=("country", "admin1"), cfg=cfg)
    assert any(a.key.startswith("KEN") for a in before), [a.summary() for a in before]
    # A geocoding slip: the Kenyan towns read as places in a region of another country.
    slipped = tmp_path / "slip.duckdb"
    shutil.copy(protest_db, slipped)
    with Store.open(slipped) as store:
        store.con.execute("UPDATE places SET country = 'TZA', admin1 = 'Arusha' "
                          "WHERE country = 'KEN'")
        unguarded = find_alerts(store, kinds=("country", "admin1"), cfg=cfg,
                                area_guard=False)
        guarded = find_alerts(store, kinds=("country", "admin1"), cfg=cfg)
    assert any(a.key.startswith("TZA") for a in unguarded)
    assert not any(a.key.startswith("TZA") for a in guarded)
    assert all(a.area_named for a in guarded)


def test_evaluate_alerts_command_scores_a_stream_against_its_coded_surges(
        protest_csv: Path, protest_db: Path, tmp_path: Path) -> None:
    import shutil

    from typer.testing import CliRunner

    from tocsin.cli import app

    db = tmp_path / "reuse.duckdb"
    shutil.copy(protest_db, db)  # the ingested notes are reused, not coded again
    out = tmp_path / "alerts.json"
    res = CliRunner().invoke(app, ["evaluate", "alerts", str(protest_csv), "--db", str(db),
                                   "--min-count", "5", "--json", str(out)])
    assert res.exit_code == 0, res.output
    rep = json.loads(out.read_text(encoding="utf-8"))
    assert rep["info"]["ingest_reused"] == rep["records"]
    assert rep["info"]["surges"] >= 2  # the wave week: the country, its county, protests
    assert rep["scores"]["after_surge_recall"] > 0
    assert 0 <= rep["scores"]["after_alert_precision"] <= 1
    assert any("count >= 2 x mean of previous 4 weeks" in n for n in rep["notes"])
    short = CliRunner().invoke(app, ["evaluate", "alerts", str(protest_csv), "--db",
                                     str(db), "--limit", "10", "--json", str(out)])
    assert short.exit_code == 0, short.output
    assert json.loads(out.read_text(encoding="utf-8"))["records"] == 10


def test_alerts_command_shows_why_each_level(threat_db: Path) -> None:
    from typer.testing import CliRunner

    from tocsin.cli import app

    res = CliRunner().invoke(app, ["alerts", "--db", str(threat_db), "--no-save",
                                   "--type", "THREATEN"])
    assert res.exit_code == 0, res.output
    assert "why" in res.output and "events in" in res.output and "sources" in res.output
