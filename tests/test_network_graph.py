"""The whole store's actor network: actors that are places told apart, the graph's
filters and cap, the /api/network routes, and the PNG (top actors, labels that do not
overlap, no places)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import date
from itertools import combinations
from pathlib import Path
from typing import Any

import duckdb
import httpx
import networkx as nx
import pytest
from demo_store import copy_of, demo_db
from network_store import PERSON, TOWNS, add_place_actors
from server_fixtures import serve
from typer.testing import CliRunner

from tocsin.analysis.store_graph import GraphQuery, graph_json, store_graph


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = copy_of(demo_db(tmp_path_factory), tmp_path_factory.mktemp("net"))
    add_place_actors(path)
    return path


@pytest.fixture(scope="module")
def con(db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    c = duckdb.connect(str(db), read_only=True)
    yield c
    c.close()


def test_place_names_told_apart() -> None:
    from tocsin.actors.nouns import actor_nouns
    from tocsin.analysis.place_actors import is_place_name
    from tocsin.geo.gazetteer import get_gazetteer

    gaz, nouns = get_gazetteer(), actor_nouns().generic
    assert is_place_name("Kano", set(), {"NGA"}, gaz, nouns)
    assert not is_place_name("Kano", set(), {"IRQ"}, gaz, nouns)  # only towns abroad
    assert is_place_name("ISTANBUL/QAMISHLI", set(), {"TUR", "SYR"}, gaz, nouns)
    assert not is_place_name("ISTANBUL/Nowhere Land", set(), {"TUR"}, gaz, nouns)
    assert is_place_name("Sabon Gari", {"sabon gari"}, set(), gaz, nouns)  # stored place
    assert not is_place_name("APC", {"apc"}, {"NGA"}, gaz, nouns)  # a party's letters
    # "Farmers" is also a US village's alternate name, but the lexicon's group noun.
    assert is_place_name("Farmers", set(), {"USA"}, gaz, ())
    assert not is_place_name("Farmers", set(), {"USA"}, gaz, nouns)
    assert not is_place_name("Mark Esper", set(), {"USA"}, gaz, nouns)


def test_place_actors_of_the_store(con: duckdb.DuckDBPyConnection) -> None:
    from tocsin.analysis.place_actors import place_actor_ids

    kb = {r[0] for r in con.execute("SELECT id FROM actors WHERE in_kb").fetchall()}
    # The extractor's own place actors on the demo corpus, and the two towns added.
    assert place_actor_ids(con) == {"x:ras-ain", "x:tal-abyad", "x:istanbul-qamishli",
                                    *TOWNS}
    assert not place_actor_ids(con, kb)  # KB actors (states too) are actors
    assert place_actor_ids(con, ["x:kirkuk", PERSON[0]]) == {"x:kirkuk"}


def _expected(con: duckdb.DuckDBPyConnection, keep: Callable[[Any], bool],
              actors: set[str]) -> dict[tuple[str, str], dict[str, int]]:
    """Ties counted the plain way, event by event: an independent check of the SQL."""
    rows = con.execute(
        "SELECT e.id, e.type, e.date_start, p.actor_id, p.role FROM events e JOIN "
        "event_participants p ON p.event_id = e.id WHERE NOT coalesce(e.negated, FALSE)"
    ).fetchall()
    by_event: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for eid, typ, day, actor, role in rows:
        if keep((typ, day)) and actor in actors:
            by_event[eid].append((actor, role))
    out: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for parts in by_event.values():
        ids = sorted({a for a, _ in parts})
        for a, b in combinations(ids, 2):
            ra = {r for x, r in parts if x == a}
            rb = {r for x, r in parts if x == b}
            out[(a, b)]["weight"] += 1
            out[(a, b)]["a_on_b"] += "source" in ra and "target" in rb
            out[(a, b)]["b_on_a"] += "target" in ra and "source" in rb
    return out


def _named_actors(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in con.execute("SELECT id FROM actors").fetchall()
            if not r[0].startswith("generic:")} - {"x:ras-ain", "x:tal-abyad",
                                                   "x:istanbul-qamishli", *TOWNS}


@pytest.mark.parametrize("q, keep", [
    (GraphQuery(top=500), lambda e: True),
    (GraphQuery(top=500, types=("ASSAULT", "THREATEN")), lambda e: e[0] in
     ("ASSAULT", "THREATEN")),
    (GraphQuery(top=500, since=date(2020, 1, 1), until=date(2020, 1, 31)),
     lambda e: e[1] is not None and date(2020, 1, 1) <= e[1] <= date(2020, 1, 31)),
])
def test_store_graph_counts_ties_as_the_events_say(con: duckdb.DuckDBPyConnection,
                                                    q: GraphQuery,
                                                    keep: Callable[[Any], bool]) -> None:
    g = store_graph(con, q)
    expected = _expected(con, keep, _named_actors(con))
    assert g.number_of_edges() == len(expected) > 3
    for (a, b), want in expected.items():
        got = g.edges[a, b]
        assert (got["weight"], got["a_on_b"] if a < b else got["b_on_a"]) == \
            (want["weight"], want["a_on_b"]), (a, b)
        assert got["co_acting"] + got["interactions"] == got["weight"]
        assert set(got["types"]) <= ({"ASSAULT", "THREATEN"} if q.types else set(got["types"]))
    if not q.types and not q.since:
        assert PERSON[0] in g
    assert not set(TOWNS) & set(g)


def test_store_graph_kinds_generic_and_cap(con: duckdb.DuckDBPyConnection) -> None:
    full = store_graph(con, GraphQuery(top=500))
    assert full.graph["places_left_out"] == ["Kirkuk", "Tal Afar"]
    assert full.nodes["usa"]["name"] == "United States"  # names, ids stay as keys
    assert not any(n.startswith("generic:") for n in full)
    states = store_graph(con, GraphQuery(kinds=("state", "militia"), top=500))
    assert {states.nodes[n]["type"] for n in states} == {"state", "militia"}
    assert set(states) < set(full)
    crowds = store_graph(con, GraphQuery(generic=True, top=500))
    assert any(crowds.nodes[n]["generic"] for n in crowds)
    degree = dict(full.degree(weight="weight"))
    ranked = sorted(full, key=lambda n: (-degree[n], -full.nodes[n]["events"], n))
    top5 = store_graph(con, GraphQuery(top=5))
    assert 1 < len(top5) <= 5 and set(top5) <= set(ranked[:5])
    strong = store_graph(con, GraphQuery(min_weight=3, top=500))
    assert strong.number_of_edges() and all(d["weight"] >= 3
                                            for _, _, d in strong.edges(data=True))
    out = graph_json(top5)
    assert out["totals"]["actors"] >= len(full) > out["totals"]["shown_actors"]
    assert [n["degree"] for n in out["nodes"]] == sorted(
        (n["degree"] for n in out["nodes"]), reverse=True)


def _no_overlap(boxes: dict[str, tuple[float, float, float, float]]) -> None:
    for (a, p), (b, q) in combinations(boxes.items(), 2):
        assert p[2] <= q[0] or q[2] <= p[0] or p[3] <= q[1] or q[3] <= p[1], (a, b)


def test_png_top_actors_labels_apart_no_places(con: duckdb.DuckDBPyConnection,
                                               tmp_path: Path) -> None:
    from tocsin.analysis.netplot import network_png

    g = store_graph(con, GraphQuery(top=500, generic=True))
    drawn = network_png(g, tmp_path / "n.png", max_nodes=45, max_labels=40,
                        colour_by="type")
    degree = dict(g.degree(weight="weight"))
    assert drawn["nodes"] == sorted(g, key=lambda n: (-degree[n], n))[:45]
    assert not set(TOWNS) & set(drawn["nodes"]) and PERSON[0] in g
    # The most connected are labelled, by name; none is drawn over another.
    assert set(drawn["labels"]) | set(drawn["unlabelled"]) == set(drawn["nodes"][:40])
    assert not set(drawn["labels"]) & set(drawn["unlabelled"])
    assert len(drawn["labels"]) >= 30 and drawn["labels"]["usa"] == "United States"
    assert set(drawn["labels"]) == set(drawn["boxes"])
    _no_overlap(drawn["boxes"])
    assert (tmp_path / "n.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    for colours in ("type", "community"):  # nothing matches: a picture that says so
        empty = network_png(nx.Graph(), tmp_path / "e.png", colour_by=colours)
        assert empty["nodes"] == [] and (tmp_path / "e.png").stat().st_size > 1000


def test_cli_network_png_has_no_places(db: Path, tmp_path: Path) -> None:
    from tocsin.cli import app

    png, graphml = tmp_path / "all.png", tmp_path / "all.graphml"
    res = CliRunner().invoke(app, ["network", "--db", str(db), "--days", "9000", "--png",
                                   str(png), "--graphml", str(graphml), "--top", "30",
                                   "--labels", "20"])
    assert res.exit_code == 0, res.output
    report = json.loads(res.output)
    assert report["drawn"] == {"actors": 30, "labelled": report["drawn"]["labelled"]}
    assert 15 <= report["drawn"]["labelled"] <= 20
    g = nx.read_graphml(graphml)
    assert PERSON[0] in g and not set(TOWNS) & set(g)
    assert png.stat().st_size > 40_000


@pytest.fixture(scope="module")
def client(db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    served = copy_of(db, tmp_path_factory.mktemp("served"))  # the server holds its file
    with serve(served) as url, httpx.Client(base_url=url, timeout=60) as c:
        yield c


def test_api_network_and_filters(client: httpx.Client) -> None:
    out = client.get("/api/network").json()
    ids = [n["id"] for n in out["nodes"]]
    assert out["nodes"][0]["name"] == "United States" and PERSON[0] in ids
    assert not set(TOWNS) & set(ids) and out["places_left_out"] == ["Kirkuk", "Tal Afar"]
    assert not set(TOWNS) & {x for e in out["edges"] for x in (e["source"], e["target"])}
    assert {"ASSAULT", "THREATEN"} <= set(out["available"]["types"])
    assert out["available"]["range"][1] >= "2020-01-01" and "militia" in out["available"]["kinds"]
    edge = next(e for e in out["edges"] if {e["source"], e["target"]} == {"nujaba", "usa"})
    assert edge["a_on_b"] > edge["b_on_a"] and edge["hostility"] > 3  # Nujaba on the US
    assert out["totals"]["shown_actors"] == len(ids) <= 80

    typed = client.get("/api/network", params={"type": "ASSAULT"}).json()
    assert typed["edges"] and all(set(e["types"]) == {"ASSAULT"} for e in typed["edges"])
    kinds = client.get("/api/network", params=[("kind", "state"), ("kind", "militia")]).json()
    assert {n["type"] for n in kinds["nodes"]} == {"state", "militia"}
    jan = client.get("/api/network", params={"since": "2020-01-01",
                                             "until": "2020-01-31"}).json()
    assert 0 < jan["totals"]["edges"] < out["totals"]["edges"]
    small = client.get("/api/network", params={"top": 6, "min_weight": 2}).json()
    assert len(small["nodes"]) <= 6 and all(e["weight"] >= 2 for e in small["edges"])
    crowds = client.get("/api/network", params={"generic": "true", "top": 500}).json()
    assert any(n["generic"] for n in crowds["nodes"])
    for bad in ({"type": "SHOUT"}, {"kind": "village"},
                {"since": "2020-02-01", "until": "2020-01-01"}):
        r = client.get("/api/network", params=bad)
        assert r.status_code == 400, bad
    assert client.get("/api/network", params={"top": 0}).status_code == 422
    # The actor page's own network leaves the towns out too.
    around = {n["id"] for n in client.get("/api/actors/usa/network").json()["nodes"]}
    assert PERSON[0] in around and not set(TOWNS) & around


def test_api_network_png_and_vendored_library(client: httpx.Client) -> None:
    r = client.get("/api/network.png", params={"type": "ASSAULT,THREATEN,SANCTION"})
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    assert r.content[:8] == b"\x89PNG\r\n\x1a\n" and len(r.content) > 30_000
    none = client.get("/api/network.png", params={"until": "2000-01-01"})
    assert none.status_code == 200 and none.content[:4] == b"\x89PNG"
    js = client.get("/vendor/vis-network/vis-network.min.js")
    assert js.status_code == 200 and "javascript" in js.headers["content-type"]
    assert "vis-network" in js.text[:2000] and "9.1.2" in js.text[:2000]
    assert client.get("/vendor/vis-network/vis-network.css").status_code == 200
    assert client.get("/vendor/vis-network/../../network.py").status_code == 404
    page = client.get("/network")
    assert page.status_code == 200 and "/static/network.js" in page.text
    spec = client.get("/openapi.json").json()["paths"]
    assert "/api/network" in spec and "/api/network.png" in spec
