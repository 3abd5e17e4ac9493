"""Series, timelines, the actor network and alert delivery on the demo corpus."""

from __future__ import annotations

import csv
import json
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import networkx as nx
import pytest
from demo_store import DEMO, copy_of, demo_db
from typer.testing import CliRunner

from tocsin.cli import app


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_db(tmp_path_factory)


def test_series_count_merged_events_per_week(demo: Path) -> None:
    from tocsin.analysis.alerts import series_for
    from tocsin.store import Store

    with Store(demo, read_only=True) as store:
        series, events, _ = series_for(store)
        docs = store.con.execute("SELECT count(*) FROM documents WHERE duplicate_of "
                                 "IS NULL AND published IS NOT NULL").fetchone()
    everything = sum(int(s.counts.sum()) for k, s in series.items() if k[0] == "type")
    assert everything == len(events)  # each merged event counted once, under its type
    s = series[("actor", "nujaba")]
    assert s.bins[0].weekday() == 0 and int(s.exposure.sum()) == docs[0]  # type: ignore[index]
    week = s.bins.index(date(2020, 2, 3))
    assert s.counts[week] >= 2 and s.rate()[week] > 50
    assert {("dyad", "nujaba->usa"), ("country", "IRQ"), ("type", "THREATEN")} <= set(series)


def test_timeline_png_and_csv_mark_the_alert(demo: Path, tmp_path: Path) -> None:
    png, out = tmp_path / "nujaba.png", tmp_path / "nujaba.csv"
    res = CliRunner().invoke(app, ["timeline", "nujaba", "--db", str(demo), "--type",
                                   "THREATEN", "--by", "week", "--png", str(png),
                                   "--csv", str(out)])
    assert res.exit_code == 0, res.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    flagged = [r for r in rows if r["alert"]]
    assert flagged and flagged[0]["bin"] < "2020-02-10"
    assert int(flagged[0]["events"]) >= 2 and float(flagged[0]["p_value"]) < 0.04
    assert json.loads(res.output)["label"] == "Harakat Hezbollah al-Nujaba"


def test_timeline_picture_holds_the_marker_data(demo: Path, tmp_path: Path) -> None:
    from tocsin.analysis.alerts import timeline
    from tocsin.analysis.plots import timeline_png
    from tocsin.store import Store

    with Store(demo, read_only=True) as store:
        s, tests, alerts = timeline(store, "Nujaba", types={"THREATEN"})
        country = timeline(store, "IRQ")[0]
    drawn = timeline_png(s, tests, alerts, tmp_path / "t.png")
    assert [m["raised"] for m in drawn["alerts"]] == [a.raised for a in alerts]
    assert alerts and alerts[0].raised < date(2020, 2, 10)
    assert (tmp_path / "t.png").stat().st_size > 20_000
    assert country.kind == "country" and country.counts.sum() > s.counts.sum()


def test_network_around_nujaba(demo: Path, tmp_path: Path) -> None:
    png, graphml, gexf = tmp_path / "net.png", tmp_path / "net.graphml", tmp_path / "n.gexf"
    res = CliRunner().invoke(app, ["network", "--db", str(demo), "--around", "nujaba",
                                   "--at", "2020-02-01", "--png", str(png), "--graphml",
                                   str(graphml), "--gexf", str(gexf)])
    assert res.exit_code == 0, res.output
    report = json.loads(res.output)
    assert report["centre"] == "nujaba" and report["nodes"] >= 5
    partners = {p["id"]: p for p in report["partners"]}
    assert any(p["interactions"] for p in partners.values())  # acted on someone
    assert any(p["kb"] for p in partners.values())  # and its KB ties on that date
    assert len(report["communities"]) >= 2 and report["brokers"]
    assert report["brokers"][0]["betweenness"] > 0
    g = nx.read_graphml(graphml)
    assert "nujaba" in g and g.nodes["nujaba"]["name"] == "Harakat Hezbollah al-Nujaba"
    assert nx.read_gexf(gexf).number_of_nodes() == g.number_of_nodes()
    assert png.stat().st_size > 40_000


def test_network_before_any_event_has_only_kb_ties(demo: Path) -> None:
    res = CliRunner().invoke(app, ["network", "--db", str(demo), "--around", "nujaba",
                                   "--at", "2018-01-01", "--days", "30"])
    assert res.exit_code == 0, res.output
    partners = json.loads(res.output)["partners"]
    assert partners and all(p["kb"] and not p["interactions"] for p in partners)
    unknown = CliRunner().invoke(app, ["network", "--db", str(demo), "--around", "zzqx"])
    assert unknown.exit_code == 2


class _Hook(BaseHTTPRequestHandler):
    received: list[dict[str, object]] = []

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Hook.received.append(json.loads(body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_watch_sends_alerts_as_new_items_arrive(demo: Path, tmp_path: Path) -> None:
    from tocsin.analysis.cli import emit_new_alerts
    from tocsin.store import Store

    db = copy_of(demo, tmp_path)
    later = [f"demo-0{n}" for n in range(26, 34)]
    with Store(db) as store:  # the store as it stood on 2020-02-03
        for doc_id in later:
            assert store.remove(doc_id)
    assert emit_new_alerts(str(db), None, None) >= 0  # history recorded, nothing sent
    feed = tmp_path / "new.jsonl"
    feed.write_text("".join(line + "\n" for line in DEMO.read_text("utf-8").splitlines()
                            if json.loads(line)["id"] in later[:4]), encoding="utf-8")
    out = tmp_path / "alerts.jsonl"
    server = HTTPServer(("127.0.0.1", 0), _Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/hook"
        args = ["watch", str(feed), "--db", str(db), "--times", "1", "--alerts-to",
                str(out), "--webhook", url]
        res = CliRunner().invoke(app, args)
        assert res.exit_code == 0, res.output
        sent = [json.loads(x) for x in out.read_text("utf-8").splitlines()]
        # Nujaba's escalation (its own series or its dyad with the US: which one crosses
        # the threshold depends on how many reports merging joins).
        assert any(a["key"].split("->")[0] == "nujaba" and a["raised"] < "2020-02-10"
                   for a in sent)
        assert len(_Hook.received) == len(sent)
        again = CliRunner().invoke(app, args)  # nothing new: nothing sent twice
        assert again.exit_code == 0
        assert len(out.read_text("utf-8").splitlines()) == len(sent)
    finally:
        server.shutdown()
        server.server_close()
