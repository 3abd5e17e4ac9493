"""Every export format, read back with the library that consumes it."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import networkx as nx
import pyarrow.parquet as pq
import pytest
from store_corpus import write_subset

from tocsin.export import acled, ftm, geojson, graph, tabular
from tocsin.model import PLOVER_TYPES
from tocsin.store import Store
from tocsin.store.runner import ingest

ACLED_TYPES = {"Battles", "Explosions/Remote violence", "Violence against civilians",
               "Protests", "Riots", "Strategic developments"}
FTM_SCHEMATA = {"Person", "Organization", "PublicBody", "Event", "Sanction", "Membership",
                "Directorship", "Employment", "UnknownLink"}


@pytest.fixture(scope="module")
def db(pipeline: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("export")
    corpus = write_subset(folder / "subset.jsonl")
    path = folder / "tocsin.duckdb"
    with Store(path) as store:
        assert ingest(store, [str(corpus)], pipeline=pipeline).added == 8
    return path


@pytest.fixture()
def store(db: Path) -> Any:
    with Store(db, read_only=True) as s:
        yield s


def test_csv_jsonl_parquet_round_trip(store: Store, tmp_path: Path) -> None:
    rows = tabular.event_rows(store)
    assert rows
    tabular.write_csv(rows, tmp_path / "e.csv")
    with open(tmp_path / "e.csv", encoding="utf-8", newline="") as f:
        back = list(csv.DictReader(f))
    assert [r["id"] for r in back] == [r["id"] for r in rows]
    assert all(r["type"] in PLOVER_TYPES for r in back)
    tabular.write_jsonl(rows, tmp_path / "e.jsonl")
    lines = [json.loads(x) for x in (tmp_path / "e.jsonl").read_text().splitlines()]
    assert lines[0]["sources"] == rows[0]["sources"]
    tabular.write_parquet(rows, tmp_path / "e.parquet")
    table = pq.read_table(tmp_path / "e.parquet")
    assert table.num_rows == len(rows)
    assert table.column("id").to_pylist() == [r["id"] for r in rows]
    assert table.column("targets").to_pylist() == [r["targets"] for r in rows]


def test_geojson_is_rfc7946(store: Store, tmp_path: Path) -> None:
    rows = tabular.event_rows(store)
    n = geojson.write_geojson(rows, tmp_path / "e.geojson")
    fc = json.loads((tmp_path / "e.geojson").read_text())
    assert fc["type"] == "FeatureCollection" and len(fc["features"]) == n > 0
    by_id = {r["id"]: r for r in rows}
    for feat in fc["features"]:
        assert feat["type"] == "Feature" and feat["geometry"]["type"] == "Point"
        lon, lat = feat["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        row = by_id[feat["id"]]
        assert (round(row["lon"], 6), round(row["lat"], 6)) == (lon, lat)  # lon first
    assert n == sum(1 for r in rows if r["lat"] is not None)


def test_graphml_and_gexf(store: Store, tmp_path: Path) -> None:
    for fmt, reader in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        out = tmp_path / f"g.{fmt}"
        nodes, edges = graph.write_graph(store, fmt, out)
        g = reader(str(out))
        assert g.number_of_nodes() == nodes and g.number_of_edges() == edges and edges > 0
        assert g.nodes["kataib-hezbollah"]["type"] == "militia"
        kinds = {d["kind"] for _, _, d in g.edges(data=True)}
        assert "event" in kinds
        assert all(d["interaction"] for _, _, d in g.edges(data=True))


def test_followthemoney_entities(store: Store, tmp_path: Path) -> None:
    n = ftm.write_ftm(store, tmp_path / "e.ftm.json")
    ents = [json.loads(x) for x in (tmp_path / "e.ftm.json").read_text().splitlines()]
    assert len(ents) == n and len({e["id"] for e in ents}) == n
    ids = {e["id"] for e in ents}
    assert {e["schema"] for e in ents} <= FTM_SCHEMATA
    assert {"Event", "Organization", "Sanction"} <= {e["schema"] for e in ents}
    for e in ents:
        assert all(isinstance(v, list) and all(isinstance(x, str) for x in v)
                   for v in e["properties"].values())
        for prop in ("involved", "organizer", "entity", "member", "organization", "subject",
                     "object", "director", "employee", "employer"):
            assert set(e["properties"].get(prop, [])) <= ids  # references resolve
    kh = next(e for e in ents if e["id"] == ftm.actor_ref("kataib-hezbollah"))
    assert kh["properties"]["jurisdiction"] == ["iq"]
    assert any(e["schema"] == "Sanction" and e["properties"]["entity"] == [kh["id"]]
               for e in ents)


def test_acled_csv(store: Store, tmp_path: Path) -> None:
    n = acled.write_acled(store, tmp_path / "acled.csv")
    with open(tmp_path / "acled.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == n > 0
    required = {"event_date", "event_type", "sub_event_type", "actor1", "actor2", "admin1",
                "location", "latitude", "longitude", "notes", "fatalities", "source"}
    assert required <= set(rows[0])
    assert {r["event_type"] for r in rows} <= ACLED_TYPES
    assert all(r["plover_type"] not in ("ACCUSE", "CONSULT", "THREATEN") for r in rows)
    air = [r for r in rows if r["sub_event_type"] == "Air/drone strike"]
    assert air and all(r["event_type"] == "Explosions/Remote violence" for r in air)
    # every placed event says how precise its point is, as ACLED's geo_precision does
    placed = [r for r in rows if r["latitude"]]
    assert placed and all(r["geo_precision"] in ("1", "2", "3") for r in placed)
    assert all(r["geo_precision"] == "" for r in rows if not r["latitude"])


def test_cli_queries_and_exports(db: Path, tmp_path: Path) -> None:
    def tocsin(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "tocsin", *args, "--db", str(db)],
                              capture_output=True, text=True, timeout=120)

    res = tocsin("events", "--actor", "Kataib Hezbollah", "--near", "Baghdad:500km", "--json")
    assert res.returncode == 0, res.stderr
    assert [json.loads(x)["type"] for x in res.stdout.splitlines()]
    res = tocsin("export", "events", "--format", "geojson", "-o", str(tmp_path / "x.geojson"))
    assert res.returncode == 0, res.stderr
    assert json.loads((tmp_path / "x.geojson").read_text())["type"] == "FeatureCollection"
    res = tocsin("export", "graph", "--format", "graphml", "-o", str(tmp_path / "x.graphml"))
    assert res.returncode == 0 and nx.read_graphml(str(tmp_path / "x.graphml"))
    res = tocsin("actor", "nujaba")
    assert res.returncode == 0 and json.loads(res.stdout)["id"] == "nujaba"
    res = tocsin("stats")
    assert json.loads(res.stdout)["counts"]["documents"] == 8
    res = tocsin("events", "--near", "Xqzvbwtk:5km")
    assert res.returncode == 2 and "unknown place" in res.stderr
