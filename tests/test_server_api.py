"""The REST API against a real `tocsin serve` process on loopback (httpx)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from server_fixtures import TOKEN, XSS_TEXT, XSS_TITLE, build_db, serve
from store_corpus import DEMO

AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("api")
    path = build_db(tmp)
    import duckdb

    # One alert as the analysis module records them (the store's migration 2).
    con = duckdb.connect(str(path))
    con.execute("INSERT INTO alerts (id, kind, series, label, bin, raised, level, severity, "
                "current_count, baseline_count, rate_ratio, first_seen) VALUES ('a1', "
                "'actor', 'kataib-hezbollah', 'Kataib Hezbollah', 'week', DATE '2030-01-06', "
                "'high', 0.9, 6, 1, 4.5, TIMESTAMP '2030-01-06 10:00')")
    con.close()
    return path


@pytest.fixture(scope="module")
def base(db: Path) -> Iterator[str]:
    with serve(db) as url:
        yield url


@pytest.fixture(scope="module")
def client(base: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base, timeout=60) as c:
        yield c


def test_stats_and_openapi(client: httpx.Client) -> None:
    stats = client.get("/api/stats").json()
    assert stats["counts"]["documents"] == 11
    assert stats["counts"]["events"] > 20
    spec = client.get("/openapi.json").json()
    for path in ("/api/events", "/api/events/{event_id}", "/api/actors/{actor}",
                 "/api/actors/{actor}/network", "/api/places", "/api/relations",
                 "/api/alerts", "/api/documents", "/api/export/events.{fmt}",
                 "/api/ingest", "/api/actors/{actor}/aliases"):
        assert path in spec["paths"], path


def test_event_filters_pagination_and_sorting(client: httpx.Client) -> None:
    all_ = client.get("/api/events", params={"limit": 1000}).json()
    total = all_["total"]
    assert total == len(all_["items"]) > 10
    # every actor of the page has its name beside the ids (no "generic:..." in tables)
    named = all_["actor_names"]
    for ev in all_["items"]:
        assert set(ev["sources"] + ev["targets"]) <= set(named)
    assert not any(n.startswith("generic:") for n in named.values())
    page1 = client.get("/api/events", params={"limit": 5, "sort": "date"}).json()
    page2 = client.get("/api/events", params={"limit": 5, "offset": 5, "sort": "date"}).json()
    ids = [e["id"] for e in page1["items"] + page2["items"]]
    assert len(set(ids)) == 10 and page1["total"] == total
    dates = [e["date_start"] for e in page1["items"] + page2["items"] if e["date_start"]]
    assert dates == sorted(dates)
    # Alias resolution: "Hashd" is the PMU; Kataib Hezbollah by its acronym-free name.
    kh = client.get("/api/events", params={"actor": "Kataib Hezbollah", "type": "ASSAULT"})
    assert kh.status_code == 200 and kh.json()["total"] >= 1
    for ev in kh.json()["items"]:
        assert ev["type"] == "ASSAULT"
        assert "kataib-hezbollah" in ev["sources"] + ev["targets"]
    near = client.get("/api/events", params={"place": "Baghdad", "radius_km": 40}).json()
    assert near["total"] >= 1
    for ev in near["items"]:
        assert 32.9 < ev["lat"] < 33.8 and 43.9 < ev["lon"] < 44.9
    conf = client.get("/api/events", params={"min_confidence": 0.8, "sort": "-confidence"})
    confs = [e["confidence"] for e in conf.json()["items"]]
    assert confs == sorted(confs, reverse=True) and all(c >= 0.8 for c in confs)
    since = client.get("/api/events", params={"since": "2020-01-03", "until": "2020-01-03"})
    assert all(e["date_start"] <= "2020-01-03" <= e["date_end"]
               for e in since.json()["items"])
    designated = client.get("/api/events", params={"designated_by": "State Department"})
    assert designated.status_code == 200
    assert client.get("/api/events", params={"actor": "Nobody At All Xq"}).status_code == 400
    assert client.get("/api/events", params={"type": "DANCE"}).status_code == 400
    assert client.get("/api/events", params={"limit": 100000}).status_code == 422
    injected = client.get("/api/events", params={"actor": "x' OR '1'='1"})
    assert injected.status_code == 400  # a bound parameter, not SQL


def test_event_detail_has_evidence_context_and_merge_reason(client: httpx.Client) -> None:
    items = client.get("/api/events", params={"actor": "Soleimani", "limit": 50}).json()
    ev = client.get(f"/api/events/{items['items'][0]['id']}").json()
    m = ev["mentions"][0]
    assert m["sentence"] and "merge_reason" in m and isinstance(m["merge_reason"], dict)
    doc = client.get(f"/api/documents/{m['doc_id']}").json()
    assert doc["text"][m["start"]:m["end"]] == m["sentence"]
    assert doc["text"][:m["start"]].endswith(m["context_before"])
    assert client.get("/api/events/nope").status_code == 404


def test_actors_search_profile_network(client: httpx.Client) -> None:
    res = client.get("/api/search", params={"q": "Hashd"}).json()
    assert res["actors"][0]["id"] == "pmu"
    prof = client.get("/api/actors/Hashd").json()
    assert prof["id"] == "pmu" and "Hashd al-Shaabi" in prof["aliases"]
    kaabi = client.get("/api/actors/kaabi").json()
    assert any(d["authority"] == "US State Department" for d in kaabi["designations"])
    assert any(r["type"] == "leader_of" and r["object"] == "nujaba" for r in kaabi["roles"])
    net = client.get("/api/actors/kaabi/network", params={"at": "2020-01-15"}).json()
    ids = {n["id"] for n in net["nodes"]}
    assert "nujaba" in ids
    # Asaib Ahl al-Haq membership ended in 2013: not an edge in 2020.
    assert not any(e["target"] == "asaib-ahl-al-haq" and e["origin"] == "kb"
                   for e in net["edges"])
    old = client.get("/api/actors/kaabi/network", params={"at": "2010-06-01"}).json()
    assert any(e["target"] == "asaib-ahl-al-haq" for e in old["edges"])
    assert client.get("/api/actors", params={"limit": 3}).json()["items"]
    assert client.get("/api/places", params={"q": "Bagh"}).json()["items"]
    assert client.get("/api/relations").status_code == 200


def test_xss_text_is_returned_verbatim_as_json(client: httpx.Client) -> None:
    doc = client.get("/api/documents/xss-1")
    assert doc.headers["content-type"].startswith("application/json")
    assert doc.json()["title"] == XSS_TITLE and doc.json()["text"] == XSS_TEXT
    page = client.get("/event/x")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"


def test_exports_stream(client: httpx.Client) -> None:
    csv_ = client.get("/api/export/events.csv", params={"type": "ASSAULT"})
    assert csv_.status_code == 200 and csv_.text.startswith("id,type,mode")
    assert len(csv_.text.strip().splitlines()) >= 2
    gj = client.get("/api/export/events.geojson").json()
    assert gj["type"] == "FeatureCollection" and gj["features"]
    lon, lat = gj["features"][0]["geometry"]["coordinates"]
    assert -180 <= lon <= 180 and -90 <= lat <= 90
    gml = client.get("/api/export/graph.graphml")
    assert gml.status_code == 200 and "<graphml" in gml.text and "kataib-hezbollah" in gml.text


def test_tokens_limits_and_cors(client: httpx.Client) -> None:
    body = {"documents": [{"text": "Protesters rallied in Basra on Monday."}]}
    assert client.post("/api/ingest", json=body).status_code == 401
    assert client.post("/api/ingest", json=body,
                       headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.post("/api/actors/pmu/aliases", json={"alias": "x"}).status_code == 401
    assert client.post("/api/alerts/a1/ack").status_code == 401
    big = {"documents": [{"text": "word " * 1_200_000}]}
    assert client.post("/api/ingest", json=big, headers=AUTH).status_code == 413
    r = client.get("/api/stats", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in r.headers


def test_alerts_listed_and_acknowledgement(client: httpx.Client) -> None:
    alerts = client.get("/api/alerts", params={"limit": 1000}).json()
    assert alerts["available"] and alerts["items"][0]["id"] == "a1"  # newest first
    # Migration 3 gives the alerts table its acknowledgement columns.
    r = client.post("/api/alerts/a1/ack", headers=AUTH)
    assert r.status_code in (200, 404), r.text


def test_acknowledge_and_missing_table_on_plain_tables() -> None:
    import duckdb

    from tocsin.server.extras import acknowledge_alert, list_alerts
    from tocsin.server.state import Reader

    reader = Reader(duckdb.connect())
    assert list_alerts(reader, 10, 0) == {"available": False, "total": 0, "items": []}
    reader.con.execute("CREATE TABLE alerts (id VARCHAR, raised DATE, label VARCHAR, "
                       "acknowledged_at TIMESTAMP, acknowledged_by VARCHAR)")
    reader.con.execute("INSERT INTO alerts VALUES ('x', DATE '2020-01-01', 'KH', NULL, NULL)")
    assert list_alerts(reader, 10, 0, unacknowledged=True)["total"] == 1
    assert acknowledge_alert(reader, "x", "api-token") is True
    assert acknowledge_alert(reader, "nope", "api-token") is False
    assert list_alerts(reader, 10, 0, unacknowledged=True)["items"] == []


def test_add_alias_then_search_resolves(client: httpx.Client) -> None:
    r = client.post("/api/actors/nujaba/aliases", json={"alias": "Nujaba Movement HQ"},
                    headers=AUTH)
    assert r.status_code == 201 and r.json()["resolves_to"] == ["nujaba"]
    assert client.get("/api/search", params={"q": "Nujaba Movement HQ"}).json()[
        "actors"][0]["id"] == "nujaba"


def test_reads_answer_during_ingest(client: httpx.Client) -> None:
    lines = [x for x in DEMO.read_text(encoding="utf-8").splitlines()
             if x.strip() and json.loads(x)["id"] >= "demo-022"]
    docs = [json.loads(x) for x in lines]
    before = client.get("/api/stats").json()["counts"]["documents"]
    job = client.post("/api/ingest", headers=AUTH, json={"documents": [
        {k: d[k] for k in ("id", "text", "title", "published", "source") if d.get(k)}
        for d in docs]}).json()
    assert job["status"] in ("queued", "running")
    latencies, statuses, seen_running = [], [], False
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        t0 = time.perf_counter()
        r = client.get("/api/events", params={"limit": 20, "sort": "-date"})
        latencies.append(time.perf_counter() - t0)
        statuses.append(r.status_code)
        state = client.get(f"/api/jobs/{job['id']}").json()
        seen_running = seen_running or state["status"] == "running"
        if state["finished"]:
            break
        time.sleep(0.05)
    assert state["status"] == "done", state
    assert state["summary"]["added"] == len(docs)
    assert seen_running and len(statuses) >= 5 and set(statuses) == {200}
    assert max(latencies) < 5.0
    assert client.get("/api/stats").json()["counts"]["documents"] == before + len(docs)


def test_ingest_cli_posts_files_to_server(base: str, tmp_path: Path) -> None:
    f = tmp_path / "report.txt"
    f.write_text("MOSUL, Feb 2 — Iraqi police arrested four suspected Islamic State members "
                 "in western Mosul on Sunday, a security official said.", encoding="utf-8")
    env_py = [sys.executable, "-m", "tocsin", "ingest", str(f), "--server", base,
              "--published", "2020-02-02"]
    denied = subprocess.run(env_py, capture_output=True, text=True, timeout=120)
    assert denied.returncode == 1
    ok = subprocess.run([*env_py, "--token", TOKEN], capture_output=True, text=True,
                        timeout=300)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout.strip().splitlines()[-1])["added"] == 1
    docs = httpx.get(base + "/api/documents", params={"q": "Mosul on Sunday"}).json()
    assert docs["total"] == 1


@pytest.mark.slow
def test_schemathesis_read_endpoints(base: str, tmp_path: Path) -> None:
    exe = shutil.which("schemathesis") or str(Path(sys.executable).parent / "schemathesis")
    if not Path(exe).exists():
        pytest.skip("schemathesis is not installed")
    res = subprocess.run(
        [exe, "run", f"{base}/openapi.json", "--include-method", "GET",
         "--exclude-path-regex", "^/api/export/", "--max-examples", "30",
         "--checks", "not_a_server_error", "--seed", "1", "--no-color",
         "--request-timeout", "20"],
        capture_output=True, text=True, timeout=540, cwd=tmp_path)  # its cache stays out
    assert res.returncode == 0, res.stdout[-4000:] + res.stderr[-2000:]


def test_unmerge_needs_the_token_and_splits(client: httpx.Client) -> None:
    assert client.post("/api/events/x/unmerge", json={"doc": "d"}).status_code == 401
    assert client.post("/api/events/no-such/unmerge", json={"doc": "d"},
                       headers=AUTH).status_code == 404
    texts = {"split-a": "Thousands of dock workers marched through Basra on Tuesday to "
                        "demand the wages owed to them since spring, blocking the port road.",
             "split-b": "Dock workers angry about months of unpaid wages protested in Basra "
                        "on Tuesday and blocked the road to the port, witnesses said."}
    job = client.post("/api/ingest", headers=AUTH, json={"wait": 240, "documents": [
        {"id": k, "text": t, "published": "2031-05-07", "source": k}
        for k, t in texts.items()]}).json()
    assert job["status"] == "done", job
    ids = client.get("/api/documents/split-b").json()["events"]
    merged = [i for i in ids if client.get(f"/api/events/{i}").json()["n_documents"] == 2]
    assert merged, ids
    event_id = merged[0]
    r = client.post(f"/api/events/{event_id}/unmerge", json={"doc": "split-b"}, headers=AUTH)
    assert r.status_code == 201, r.text
    # The split is followed by a refresh of the alerts of the weeks it touches.
    deadline = time.monotonic() + 120
    while (job := client.get(f"/api/jobs/{r.json()['alerts_job']}").json())["status"] in (
            "queued", "running") and time.monotonic() < deadline:
        time.sleep(0.2)
    assert job["status"] == "done" and isinstance(job["summary"]["new_alerts"], int), job
    split = client.get(f"/api/events/{r.json()['split']}").json()
    assert {m["doc_id"] for m in split["mentions"]} == {"split-b"}
    assert {m["doc_id"] for m in client.get(f"/api/events/{event_id}").json()["mentions"]
            } == {"split-a"}


def test_map_rows_place_filter_and_basemap_layers(client: httpx.Client) -> None:
    data = client.get("/api/map/events").json()
    cols = data["columns"]
    assert cols[:7] == ["id", "type", "lat", "lon", "date", "fatalities", "place"]
    rows = [dict(zip(cols, p, strict=True)) for p in data["points"]]
    by_place: dict[str, int] = {}
    for r in rows:
        if r["place_id"]:
            by_place[r["place_id"]] = by_place.get(r["place_id"], 0) + 1
    pid, n = max(by_place.items(), key=lambda kv: kv[1])
    res = client.get("/api/events", params={"place_id": pid, "limit": 1000}).json()
    assert res["total"] == n and {e["place_id"] for e in res["items"]} == {pid}
    csv = client.get("/api/export/events.csv", params={"place_id": pid}).text
    import csv as csvlib
    import io

    got = list(csvlib.DictReader(io.StringIO(csv)))  # the export honours the same filter
    assert len(got) == n and {r["place_id"] for r in got} == {pid}
    # The offline basemap: Natural Earth layers as GeoJSON, no tile server.
    info = client.get("/api/basemap").json()
    assert set(info["layers_url"]) == {"admin0", "admin1", "places"}
    assert info["packages"]["world-atlas"]["version"] == "2.0.2"
    for layer, kind, least in (("admin0", "MultiPolygon", 150), ("admin1", "MultiLineString", 1),
                               ("places", "Point", 200)):
        r = client.get(f"/api/basemap/{layer}")
        assert r.status_code == 200 and r.headers["content-type"] == "application/geo+json"
        feats = r.json()["features"]
        assert len(feats) >= least and {f["geometry"]["type"] for f in feats} == {kind}
    assert client.get("/api/basemap/tiles").status_code == 422
    # Leaflet is served by this server, under its own content-security policy.
    js = client.get("/vendor/leaflet/leaflet.js")
    assert js.status_code == 200 and "Leaflet" in js.text[:400]
    assert client.get("/vendor/markercluster/leaflet.markercluster.js").status_code == 200
    assert "default-src 'self'" in js.headers["content-security-policy"]
