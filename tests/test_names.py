"""Names, not ids: API responses, CLI tables and lists show actor names; generic actors
are qualified and listed apart from named ones (a real store and a real server)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from server_fixtures import build_db, serve

from tocsin.store.names import display_name

ID_LIKE = re.compile(r"^(generic|x):|^[a-z]{3}$")


@pytest.mark.parametrize(("actor_id", "name", "country", "shown"), [
    ("generic:irq-protesters", "Iraqi protesters", "IRQ", "Iraqi protesters"),
    ("generic:fighters", "fighters", None, "fighters (unidentified)"),
    ("generic:ken-police", "police", "KEN", "police (Kenya)"),
    ("x:allawi", None, None, "Allawi"),
    ("pmu", "Popular Mobilization Forces", "IRQ", "Popular Mobilization Forces"),
])
def test_display_name(actor_id: str, name: str | None, country: str | None,
                      shown: str) -> None:
    assert display_name(actor_id, name, country) == shown


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """One store for the server, a copy of it for the CLI (the server holds its file)."""
    served = build_db(tmp_path_factory.mktemp("names"))
    copy = served.with_name("cli.duckdb")
    shutil.copyfile(served, copy)
    return served, copy


@pytest.fixture(scope="module")
def db(stores: tuple[Path, Path]) -> Path:
    return stores[1]


@pytest.fixture(scope="module")
def api(stores: tuple[Path, Path]) -> Iterator[httpx.Client]:
    with serve(stores[0]) as url, httpx.Client(base_url=url, timeout=60) as c:
        c.served = stores[0]  # type: ignore[attr-defined]
        yield c


def test_event_items_carry_names_beside_ids(api: httpx.Client) -> None:
    res = api.get("/api/events", params={"limit": 200}).json()
    named = 0
    for ev in res["items"]:
        assert len(ev["source_names"]) == len(ev["sources"])
        assert len(ev["target_names"]) == len(ev["targets"])
        for name in ev["source_names"] + ev["target_names"]:
            assert not ID_LIKE.match(name), name
            named += 1
    assert named > 10
    one = api.get(f"/api/events/{res['items'][0]['id']}").json()
    assert one["source_names"] == res["items"][0]["source_names"]


def test_actor_lists_keep_generic_actors_apart(api: httpx.Client) -> None:
    named = api.get("/api/actors", params={"generic": "false", "limit": 100}).json()["items"]
    groups = api.get("/api/actors", params={"generic": "true", "limit": 100}).json()["items"]
    assert named and groups
    assert not any(a["id"].startswith("generic:") or a["generic"] for a in named)
    assert all(a["id"].startswith("generic:") and a["generic"] for a in groups)
    # Qualified: a country adjective, a country in brackets, or "(unidentified)".
    for a in groups:
        assert a["name"][:1].isupper() or a["name"].endswith(")"), a
    assert "fighters (unidentified)" in {a["name"] for a in groups}


def test_relations_and_profiles_name_every_actor(api: httpx.Client) -> None:
    rels = api.get("/api/relations", params={"limit": 50}).json()["items"]
    assert rels
    for r in rels:
        assert not ID_LIKE.match(r["subject_name"]) and not ID_LIKE.match(r["object_name"])
    prof = api.get("/api/actors/pmu").json()
    assert prof["actor_names"]["irq"] == "Iraq"  # its KB parent, by name
    for ev in prof["events"]:
        assert "Popular Mobilization Forces" in ev["source_names"] + ev["target_names"]


def test_cli_actors_table_shows_names_and_generic_apart(db: Path) -> None:
    res = subprocess.run([sys.executable, "-m", "tocsin", "actors", "--db", str(db),
                          "--limit", "5"], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    named, _, groups = res.stdout.partition("generic actors")
    assert "named actors" in named and "United States" in named
    assert "generic:" not in named and "generic:" in groups  # ids stay, in their column
    assert "(unidentified)" in groups or "Iraqi" in groups


def test_cli_read_of_a_served_store_says_how_to_read(api: httpx.Client) -> None:
    # `tocsin serve` holds the file: DuckDB's raw lock error used to reach the user.
    served = api.served  # type: ignore[attr-defined]
    for cmd in (["events", "--limit", "3"], ["stats"]):
        res = subprocess.run([sys.executable, "-m", "tocsin", *cmd, "--db", str(served)],
                             capture_output=True, text=True, timeout=300)
        assert res.returncode == 1, res.stderr
        assert "REST API" in res.stderr and "/api/events" in res.stderr
        assert "Conflicting lock" not in res.stderr and "Traceback" not in res.stderr
    assert api.get("/api/stats").status_code == 200  # the server was not disturbed
