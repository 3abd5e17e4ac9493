"""The DuckDB store: idempotent ingest, kill -9 resume, queries, near-duplicates, merging."""

from __future__ import annotations

import math
import os
import signal
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from store_corpus import (
    QANDIL,
    SINJAR_A,
    SINJAR_B,
    SULAYMANIYAH,
    WIRE,
    WIRE_REPUBLISHED,
    write_subset,
)

from tocsin.model import Document
from tocsin.store import Store
from tocsin.store.merge import EventView, MergeRules, check
from tocsin.store.runner import ingest

TABLES = {  # table -> columns that identify its content (timestamps left out)
    "documents": "id, content_hash, title, published, source, duplicate_of",
    "actors": "id, name, type, country", "actor_aliases": "actor_id, alias, origin",
    "places": "id, name, lat, lon", "mentions": "id, doc_id, entity_id, start, \"end\"",
    "events": "id, type, date_start, date_end, place_id, fatalities, n_mentions, n_documents",
    "event_mentions": "id, event_id, doc_id, start, \"end\", merge_reason",
    "event_participants": "event_id, actor_id, role",
    "relations": "id, doc_id, type, subject, object", "minhashes": "doc_id, signature",
}


def snapshot(db: Path) -> dict[str, list[Any]]:
    with Store(db, read_only=True) as s:
        return {t: s.con.execute(f"SELECT {c} FROM {t} ORDER BY ALL").fetchall()
                for t, c in TABLES.items()}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_subset(tmp_path_factory.mktemp("corpus") / "subset.jsonl")


@pytest.fixture(scope="module")
def db(corpus: Path, pipeline: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("db") / "tocsin.duckdb"
    with Store(path) as store:
        rep = ingest(store, [str(corpus)], pipeline=pipeline)
    assert rep.added == 8 and not rep.errors
    return path


def test_reingest_adds_nothing(db: Path, corpus: Path, pipeline: Any) -> None:
    before = snapshot(db)
    with Store(db) as store:
        rep = ingest(store, [str(corpus)], pipeline=pipeline)
    assert (rep.added, rep.existing, rep.duplicates) == (0, 8, 0)
    assert snapshot(db) == before


def test_every_extracted_row_is_traceable(db: Path) -> None:
    with Store(db, read_only=True) as s:
        for table in ("mentions", "event_mentions", "relations"):
            bad = s.con.execute(
                f"SELECT count(*) FROM {table} WHERE doc_id IS NULL OR start IS NULL OR "
                "\"end\" IS NULL OR pipeline IS NULL OR extracted_at IS NULL").fetchone()
            assert bad == (0,), table
        # Spans point into the stored text.
        rows = s.con.execute("""SELECT m.text, substr(d.text, m.start + 1, m."end" - m.start)
            FROM mentions m JOIN documents d ON d.id = m.doc_id""").fetchall()
        assert rows and all(a == b for a, b in rows)


def test_kill_9_then_resume_gives_the_uninterrupted_rows(corpus: Path, tmp_path: Path
                                                          ) -> None:
    def command(db: Path) -> list[str]:
        return [sys.executable, "-m", "tocsin", "ingest", str(corpus), "--db", str(db), "-v",
                "--no-progress"]

    # The baseline runs the same way (a fresh process), so both runs use the same code;
    # transactions of 2 documents, so that the kill falls between two of them.
    env = {**os.environ, "TOCSIN_STORE_BATCH": "2"}
    baseline = tmp_path / "uninterrupted.duckdb"
    res = subprocess.run(command(baseline), capture_output=True, text=True, timeout=300,
                         env=env)
    assert res.returncode == 0, res.stderr
    target = tmp_path / "killed.duckdb"
    cmd = command(target)
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
                            text=True, env=env)
    assert proc.stderr is not None
    stored = 0
    for line in proc.stderr:
        if line.startswith("added "):
            stored += 1
            if stored == 3:
                os.kill(proc.pid, signal.SIGKILL)
                break
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    with Store(target, read_only=True) as s:
        n_docs = s.con.execute("SELECT count(*) FROM documents").fetchone()
    assert n_docs is not None and 3 <= n_docs[0] < 8
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env)
    assert res.returncode == 0, res.stderr
    assert snapshot(target) == snapshot(baseline)


def _haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


def test_event_queries(db: Path) -> None:
    with Store(db, read_only=True) as s:
        kh = s.events(actor="Kataib Hezbollah")
        assert kh and all("kataib-hezbollah" in (e["sources"] or []) + (e["targets"] or [])
                          for e in kh)
        assault = s.events(type="assault", since=date(2020, 1, 1))
        assert assault and all(e["type"] == "ASSAULT" and e["date_end"] >= date(2020, 1, 1)
                               for e in assault)
        near = s.events(near="Baghdad:50km")
        assert near and all(_haversine(33.34, 44.40, e["lat"], e["lon"]) <= 51 for e in near)
        located = [e for e in s.events() if e["lat"] is not None]
        far = [e for e in located if _haversine(33.34, 44.40, e["lat"], e["lon"]) > 60]
        assert far and not {e["id"] for e in far} & {e["id"] for e in near}
        assert s.events(near=(33.34, 44.40, 50.0)) == near


def test_actors_profile_and_stats(db: Path) -> None:
    with Store(db, read_only=True) as s:
        militias = s.actors(type="militia", country="IRQ")
        assert "kataib-hezbollah" in {a["id"] for a in militias}
        assert all(a["type"] == "militia" and a["country"] == "IRQ" for a in militias)
        prof = s.actor("Kata'ib Hizballah")
        assert prof is not None and prof["id"] == "kataib-hezbollah"
        assert prof["aliases"] and prof["events"] and prof["documents"]
        assert prof["designations"] and prof["kb_sources"]
        stats = s.stats()
        assert stats["counts"]["documents"] == 8 and stats["schema_version"] >= 2


def _add(store: Store, pipeline: Any, text: str, doc_id: str, source: str) -> Any:
    doc = Document(text=text, id=doc_id, published=date(2020, 3, 3), source=source)
    return store.add(pipeline.process(doc))


def test_near_duplicate_is_linked_not_counted(pipeline: Any, tmp_path: Path) -> None:
    with Store(tmp_path / "dup.duckdb") as s:
        first = _add(s, pipeline, WIRE, "wire-1", "Tigris Wire")
        assert first.status == "added" and first.events
        events = s.stats()["counts"]["event_mentions"]
        again = _add(s, pipeline, WIRE_REPUBLISHED, "paper-7", "Baghdad Evening Post")
        assert (again.status, again.duplicate_of) == ("duplicate", "wire-1")
        assert again.similarity is not None and 0.7 <= again.similarity < 1.0
        assert s.stats()["counts"]["event_mentions"] == events
        copy = _add(s, pipeline, WIRE, "wire-1-copy", "Aggregator")
        assert (copy.status, copy.duplicate_of, copy.similarity) == ("duplicate", "wire-1", 1.0)
        other = _add(s, pipeline, SINJAR_A, "kurd-1", "Kurdistan Daily")
        assert other.status == "added"
        docs = {d["id"]: d for d in s.documents()}
        assert docs["paper-7"]["duplicate_of"] == "wire-1"
        assert docs["kurd-1"]["duplicate_of"] is None


def test_two_outlets_one_event_with_explanation(pipeline: Any, tmp_path: Path) -> None:
    with Store(tmp_path / "merge.duckdb") as s:
        for n, (text, source) in enumerate([(SINJAR_A, "Kurdistan Daily"),
                                            (SINJAR_B, "Nineveh Herald"),
                                            (SULAYMANIYAH, "Sulaymaniyah Times"),
                                            (QANDIL, "Ankara Bulletin")]):
            _add(s, pipeline, text, f"doc-{n}", source)
        drone = [e for e in s.events(type="ASSAULT") if e["mode"] == "drone"]
        merged = [e for e in drone if e["n_documents"] == 2]
        assert len(merged) == 1
        ev = s.event(merged[0]["id"])
        assert ev is not None and {m["doc_id"] for m in ev["mentions"]} == {"doc-0", "doc-1"}
        assert ev["fatalities"] == 3 and ev["place"].startswith("Sinj")
        why = [m["merge_reason"] for m in ev["mentions"] if not m["merge_reason"]["founded"]]
        assert why and "turkish-air-force" in why[0]["shared_actors"]
        # Each report keeps what decided its event and how central it is to the report.
        for m in ev["mentions"]:
            assert m["why"]["decided_by"] and m["trigger"]
            assert m["salience"] is None or 0.0 <= m["salience"] <= 1.0
        # The strike near Sulaymaniyah (about 320 km away) stays its own event.
        far = [e for e in drone if "doc-2" in str(s.event(e["id"]))]
        assert far and far[0]["id"] != merged[0]["id"] and far[0]["n_documents"] == 1
        reasons = s.event(far[0]["id"])["mentions"][0]["merge_reason"]  # type: ignore[index]
        assert reasons["founded"] and any("km apart" in r["why"] for r in reasons["rejected"])
        # The unlocated air raid shares one actor but not the mode: not merged either.
        assert s.stats()["counts"]["merged_events"] == 1


def _view(**kw: Any) -> EventView:
    base: dict[str, Any] = dict(id="e", type="ASSAULT", negated=False, future=False,
                                date_start=date(2020, 1, 3), date_end=date(2020, 1, 3),
                                precision="day", place_id="p1", lat=33.26, lon=44.23,
                                feature="airport", country="IRQ", sources={"usa"},
                                targets={"kataib-hezbollah"}, mode="aerial")
    return EventView(**{**base, **kw})


def test_merge_rules_one_by_one() -> None:
    rules = MergeRules()
    old = _view(id="old")
    assert check(_view(), old, rules)["ok"]
    # The next day in the same place is another event (no reporting-lag slack).
    assert not check(_view(date_start=date(2020, 1, 4), date_end=date(2020, 1, 4)), old,
                     rules)["ok"]
    month = _view(id="m", date_start=date(2020, 1, 1), date_end=date(2020, 1, 31),
                  precision="month")
    assert check(_view(date_start=date(2020, 1, 20), date_end=date(2020, 1, 20)), month,
                 rules)["ok"]
    assert not check(_view(type="PROTEST"), old, rules)["ok"]
    assert not check(_view(negated=True), old, rules)["ok"]
    assert not check(_view(mode="firearms"), old, rules)["ok"]
    assert check(_view(mode="drone"), old, rules)["ok"]  # one act, two outlets' words
    assert not check(_view(place_id="p2", lat=36.34, lon=43.13), old, rules)["ok"]  # Mosul
    assert check(_view(place_id="p3", lat=33.31, lon=44.36, feature="city"), old,
                 rules)["ok"]  # central Baghdad, ~13 km
    assert not check(_view(place_id="p4", lat=33.31, lon=44.36, feature="village"), old,
                     rules)["ok"]  # another village 13 km away
    assert not check(_view(sources={"irn"}, targets={"usa-military"}), old, rules)["ok"]
    # The source of one is only the target of the other: two acts (an attack, a reply).
    reply = check(_view(sources={"kataib-hezbollah"}, targets={"usa"}), old, rules)
    assert not reply["ok"] and "only a target" in reply["why"]
    country = _view(place_id="irq", lat=33.0, lon=44.0, feature="country",
                    sources={"us-air-force"})
    assert not check(country, old, rules)["ok"]  # one shared actor besides a country
    ok = check(country, _view(id="o4", sources={"us-air-force"}), rules)  # two, same day
    assert ok["ok"] and set(ok["checks"]) >= {"type", "mode", "date", "place", "actors"}
    assert not check(_view(place_id="irq", feature="country", lat=33.0, lon=44.0,
                           targets={"pmu"}, mode=None), old, rules)["ok"]
    unknown = _view(place_id=None, lat=None, lon=None, feature=None,
                    sources={"us-air-force"})
    assert not check(_view(place_id=None, lat=None, lon=None, feature=None,
                           targets={"pmu"}), old, rules)["ok"]  # doubt: one shared actor
    assert not check(unknown, old, rules)["ok"]  # shares one actor besides a country
    assert check(unknown, _view(id="o3", sources={"us-air-force"}), rules)["ok"]
    # Two settlements a few km apart are one place only when one is the town the other
    # lies in (the gazetteer's populations): Mushin in Lagos, not Mushin and Shomolu.
    lagos, mushin, shomolu = (dict(place_id=f"geonames:{n}", lat=lat, lon=lon, feature="city",
                                   country="NGA", sources={"nga-police"}, targets=set(),
                                   mode="crowd-control")
                              for n, lat, lon in ((2332459, 6.454, 3.395),
                                                  (2329660, 6.528, 3.354),
                                                  (2323090, 6.539, 3.374)))
    assert check(_view(**mushin), _view(id="o5", **lagos), rules)["ok"]
    assert not check(_view(**mushin), _view(id="o6", **shomolu), rules)["ok"]
    # With a place unknown, two parties named together ("PDP and APC supporters
    # clashed") are not enough: only a shared source and a shared target are.
    parties = dict(sources={"pdp", "apc"}, targets=set(), mode="firearms")
    assert not check(_view(place_id=None, lat=None, lon=None, feature=None, **parties),
                     _view(id="o7", **parties), rules)["ok"]
    # Two outlets naming different parties on one side at one place and day: two acts.
    assert not check(_view(targets={"pmu"}), old, rules)["ok"]
    # A village the gazetteer lacks, placed at its district's point, is no district that
    # contains another report's village.
    dyad = dict(sources={"al-shabaab"}, targets={"sna"}, mode="firearms")
    assert not check(_view(place_id="local:adm2:d:mashalaay", feature="admin2", lat=1.9,
                           lon=44.9, spots=set(), **dyad),
                     _view(id="o9", place_id="geonames:1", feature="city", lat=1.95,
                           lon=44.95, spots={"awdheegle"}, **dyad), rules)["ok"]
    # A group and its own state's forces, named by the KB ("Somali National Army"), are
    # the conflict's main dyad: with a place unknown or only a region they tell nothing.
    dyad_som = dict(sources={"al-shabaab"}, targets={"som-armed-forces"}, mode="firearms",
                    country="SOM")
    assert not check(_view(place_id=None, lat=None, lon=None, feature=None, **dyad_som),
                     _view(id="o10", **dyad_som), rules)["ok"]
    assert not check(_view(place_id="adm1:SO-BN", feature="admin1", **dyad_som),
                     _view(id="o11", place_id="p9", feature="city", **dyad_som),
                     rules)["ok"]
    # Two villages without coordinates of their own (anchored on one point) are two places.
    assert not check(_view(place_id="local:a", feature="village"),
                     _view(id="o2", place_id="local:b", feature="village"), rules)["ok"]
    # Also when both texts name the district they lie in ("in Wadajir"), and the
    # villages, placed at their province, carry the province's feature.
    assert not check(_view(place_id="local:adm1:SO-BN:macalin nur village",
                           feature="admin1", spots={"wadajir"}),
                     _view(id="o8", place_id="local:adm1:SO-BN:cinema", feature="admin1",
                           spots={"wadajir"}), rules)["ok"]
    # One document: the same act told twice, never two acts of the same day.
    told = _view(id="t", doc=None, docs={"d1"})
    assert check(_view(doc="d1", place_id=None, lat=None, lon=None), told, rules)["ok"]
    assert not check(_view(doc="d1", place_id="p4", lat=33.31, lon=44.36,
                           feature="village"), told, rules)["ok"]


def test_remove_and_reprocess_rebuild_merged_events(pipeline: Any, tmp_path: Path) -> None:
    a = pipeline.process(Document(text=SINJAR_A, id="a", published=date(2020, 3, 3)))
    b = pipeline.process(Document(text=SINJAR_B, id="b", published=date(2020, 3, 3)))
    with Store(tmp_path / "re.duckdb") as s:
        s.add(a)
        s.add(b)
        merged = [e for e in s.events() if e["n_documents"] == 2]
        assert len(merged) == 1
        event_id = merged[0]["id"]
        assert s.remove("a") and not s.has_document("a")
        ev = s.event(event_id)
        assert ev is not None and ev["n_documents"] == 1
        assert {m["doc_id"] for m in ev["mentions"]} == {"b"}
        assert s.con.execute("SELECT count(*) FROM mentions WHERE doc_id = 'a'"
                             ).fetchone() == (0,)
        # An older pipeline's extraction is replaced only when asked to.
        b_old = pipeline.process(Document(text=SINJAR_A, id="a", published=date(2020, 3, 3)))
        b_old.pipeline = "tocsin 0.0.1"
        assert s.add(b_old).status == "added"
        assert s.add(a).status == "exists"
        assert s.add(a, reprocess=True).status == "added"
        assert s.stored_pipeline("a") == a.pipeline
        assert len([e for e in s.events() if e["n_documents"] == 2]) == 1
        s.remove("a")
        s.remove("b")
        assert s.stats()["counts"]["events"] == 0
        assert s.stats()["counts"]["event_participants"] == 0
