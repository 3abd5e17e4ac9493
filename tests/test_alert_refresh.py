"""Alerts kept current by every ingest (issue 22): the refresh of the weeks new documents
touch gives what a full recompute gives, and `tocsin ingest` stores alerts by itself."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from demo_store import DEMO, copy_of, demo_db
from typer.testing import CliRunner

LATER = [f"demo-0{n}" for n in range(26, 34)]  # the reports after 3 February 2020


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_db(tmp_path_factory)


def _table(store: Any) -> dict[str, tuple[Any, ...]]:
    return {r[0]: r[1:] for r in store.con.execute(
        "SELECT id, level, severity, current_count, baseline_count, episode_end, "
        "event_ids FROM alerts ORDER BY id").fetchall()}


def test_refresh_of_touched_weeks_equals_a_full_recompute(demo: Path, tmp_path: Path
                                                           ) -> None:
    from tocsin.analysis.refresh import refresh_alerts
    from tocsin.store import Store
    from tocsin.store.runner import ingest

    db = copy_of(demo, tmp_path)
    feed = tmp_path / "later.jsonl"
    feed.write_text("".join(line + "\n" for line in DEMO.read_text("utf-8").splitlines()
                            if json.loads(line)["id"] in LATER), encoding="utf-8")
    with Store(db) as store:
        for doc_id in LATER:  # the store as it stood on 3 February 2020
            assert store.remove(doc_id)
        first = refresh_alerts(store)
        before = _table(store)
        assert first.since is None and len(first.new) == len(before) > 0
        rep = ingest(store, [str(feed)])
        assert sorted(rep.added_ids) == LATER
        inc = refresh_alerts(store, rep.added_ids)
        after = _table(store)
        # Only the weeks from the new reports' first on were recomputed...
        assert inc.since is not None and inc.since >= date(2019, 6, 1)
        assert inc.since.weekday() == 0
        # ... and a recompute of every week changes nothing.
        full = refresh_alerts(store)
        assert (full.new, full.withdrawn) == ([], 0)
        assert _table(store) == after
    assert after != before  # the later reports did change the alerts
    raised_new = {a.id for a in inc.new}
    assert raised_new and raised_new == set(after) - set(before)
    assert all(a.raised >= inc.since for a in inc.new)


def test_refresh_keeps_first_seen_and_acknowledgement(demo: Path, tmp_path: Path) -> None:
    from tocsin.analysis.refresh import refresh_alerts
    from tocsin.store import Store

    db = copy_of(demo, tmp_path)
    with Store(db) as store:
        refresh_alerts(store)
        aid, seen = store.con.execute(
            "SELECT id, first_seen FROM alerts ORDER BY severity DESC LIMIT 1").fetchone()
        store.con.execute("UPDATE alerts SET acknowledged_at = now(), acknowledged_by = "
                          "'analyst' WHERE id = ?", [aid])
        # A stale copy of the alert (figures from before) is replaced, not duplicated.
        store.con.execute("UPDATE alerts SET level = 'stale', current_count = -1 "
                          "WHERE id = ?", [aid])
        again = refresh_alerts(store)
        row = store.con.execute("SELECT first_seen, acknowledged_by, level, current_count "
                                "FROM alerts WHERE id = ?", [aid]).fetchone()
    assert again.new == [] and again.updated > 0
    assert row[0] == seen and row[1] == "analyst"
    assert row[2] in ("low", "medium", "high") and row[3] >= 3


def test_cli_ingest_stores_alerts_without_the_alerts_command(tmp_path: Path) -> None:
    from tocsin.cli import app
    from tocsin.store import Store

    db = tmp_path / "fresh.duckdb"
    res = CliRunner().invoke(app, ["ingest", str(DEMO), "--db", str(db), "--no-progress"])
    assert res.exit_code == 0, res.output
    summary = json.loads(res.stdout.strip().splitlines()[-1])
    assert summary["added"] == 33 and summary["alerts"]["new"] > 0
    with Store(db, read_only=True) as store:
        rows = store.con.execute("SELECT kind, series, raised, detail FROM alerts"
                                 ).fetchall()
    assert len(rows) == summary["alerts"]["alerts"]
    nujaba = [r for r in rows if r[1].split("->")[0] == "nujaba"]
    assert nujaba and min(r[2] for r in nujaba) < date(2020, 2, 10), rows
    detail = json.loads(nujaba[0][3])
    # What the alerts page shows: the rule, the series up to the week raised, the why.
    assert detail["rule"].startswith(("escalation:", "surge:"))
    assert detail["series"][-1]["bin"] == str(nujaba[0][2])
    assert any(b["window"] for b in detail["series"]) and detail["why"]
    # A second run adds nothing and refreshes nothing.
    res = CliRunner().invoke(app, ["ingest", str(DEMO), "--db", str(db), "--no-progress"])
    assert json.loads(res.stdout.strip().splitlines()[-1])["alerts"] is None
