"""KB tools: name matching, the time-aware actor graph, importers, user files, CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import yaml

from tocsin.actors.graph import brigades, graph_at, holder, neighbourhood, resolve_brigade
from tocsin.actors.imports import (
    import_ftm,
    import_petrarch,
    validate_user_file,
    write_import,
)
from tocsin.actors.kb import KBError, KnowledgeBase, get_kb, load_kb
from tocsin.actors.search import match_name

DATA = Path(__file__).parent / "data" / "kb"
PHOENIX = Path(__file__).resolve().parents[2] / "shared" / "eval" / "petrarch"


@pytest.fixture(autouse=True)
def user_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every test gets an empty user KB dir, and a KB cache that forgets it afterwards."""
    folder = tmp_path / "user-kb"
    monkeypatch.setenv("TOCSIN_KB_DIR", str(folder))
    get_kb.cache_clear()
    yield folder
    get_kb.cache_clear()


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_kb(user=False)


# --- matching -----------------------------------------------------------------------
@pytest.mark.parametrize("spelling", ["Abu Mahdi al-Muhandis", "Abu Mahdi al Mohandes",
                                      "Abu Mehdi el-Mohandis"])
def test_one_person_three_spellings(kb: KnowledgeBase, spelling: str) -> None:
    found = match_name(spelling, kb)
    assert found[0].actor_id == "muhandis"
    assert found[0].score >= 90
    assert found[1].score <= found[0].score - 10
    assert found[0].reasons


@pytest.mark.parametrize(("name", "actor_id"), [
    ("Hashd", "pmu"), ("Kataeb Hizbollah", "kataib-hezbollah"), ("Nujaba", "nujaba"),
    ("Popular Mobilisation Units", "pmu"), ("Qays al-Khazaali", "khazali"),
    ("Asa'ib Ahl el-Haq", "asaib-ahl-al-haq"), ("Hezbollah", "hezbollah"),
])
def test_variant_names_rank_the_right_actor_first(kb: KnowledgeBase, name: str,
                                                  actor_id: str) -> None:
    assert match_name(name, kb)[0].actor_id == actor_id


def test_reasons_explain_the_score(kb: KnowledgeBase) -> None:
    top = match_name("Abu Mahdi al Mohandes", kb)[0]
    assert "same key after transliteration: abu mahdi muhandis" in top.reasons
    assert any(r.startswith("fuzzy") or "aligned" in r or "partial" in r
               for c in match_name("Kataib Hezbolla", kb)[:3] for r in c.reasons)


def test_unrelated_name_scores_low(kb: KnowledgeBase) -> None:
    assert all(c.score < 60 for c in match_name("Manchester United Football Club", kb))


def test_ambiguous_short_name_gets_several_candidates(kb: KnowledgeBase) -> None:
    found = [c for c in match_name("Mousavi", kb) if c.score >= 80]
    assert len(found) >= 3
    assert all(c.type == "person" and c.reasons for c in found)
    assert any("ambiguous" in r or "partial" in r for c in found for r in c.reasons)


def test_country_and_date_context(kb: KnowledgeBase) -> None:
    iraq = match_name("Kataeb Hizbollah", kb, country="IRQ")
    assert iraq[0].actor_id == "kataib-hezbollah" and "country IRQ" in iraq[0].reasons
    late = match_name("Qasem Soleimani", kb, at=date(2021, 5, 1))[0]
    assert late.actor_id == "soleimani"
    assert any(r.startswith("no role on 2021-05-01") for r in late.reasons)


# --- graph ----------------------------------------------------------------------------
def test_leader_change_is_respected_by_date(kb: KnowledgeBase) -> None:
    before = holder(kb, "commander_of", "irgc-qf", date(2020, 1, 2))
    after = holder(kb, "commander_of", "irgc-qf", date(2020, 1, 4))
    assert "soleimani" in before and "qaani" not in before
    assert "qaani" in after and "soleimani" not in after


def test_graph_keeps_only_edges_valid_on_the_day(kb: KnowledgeBase) -> None:
    def edges(day: date) -> set[tuple[str, str, str]]:
        g = graph_at(kb, day)
        return {(u, v, d["type"]) for u, v, d in g.edges(data=True)}

    assert ("soleimani", "irgc-qf", "commander_of") in edges(date(2019, 6, 1))
    assert ("soleimani", "irgc-qf", "commander_of") not in edges(date(2020, 2, 1))
    assert ("qaani", "irgc-qf", "commander_of") in edges(date(2020, 2, 1))
    assert ("nujaba", "pmu", "part_of") in edges(date(2020, 2, 1))
    around = neighbourhood(graph_at(kb, date(2020, 2, 1)), "nujaba", depth=1)
    assert {"pmu", "kaabi", "kataib-hezbollah"} <= set(around.nodes)
    assert around.nodes["nujaba"]["designations"]


def test_brigade_numbers_resolve_to_groups(kb: KnowledgeBase) -> None:
    table = brigades(kb)
    assert table[12] == ["nujaba"]
    assert resolve_brigade("Brigade 12 of the PMU", kb) == "nujaba"
    assert resolve_brigade("fighters of the 45th Brigade", kb) == "kataib-hezbollah"
    assert resolve_brigade("Liwa 14 said", kb) == "kataib-sayyid-al-shuhada"
    assert resolve_brigade("Brigade 999", kb) is None
    assert resolve_brigade("Brigade 12 of the PMU") == "nujaba"  # default KB


# --- importers ------------------------------------------------------------------------
def test_ftm_import_merges_and_creates(kb: KnowledgeBase, user_dir: Path) -> None:
    res = import_ftm(DATA / "sample.ftm.jsonl", kb)
    assert set(res.extends) >= {"muhandis", "kataib-hezbollah", "pmu", "saraya-khorasani"}
    assert res.skipped == 1  # the membership pointing outside the file
    made = {e["name"]: e for e in res.entries}
    company = made["Muhandis General Company"]
    assert company["parents"] == ["pmu"] and company["country"] == "IRQ"
    assert company["designations"][0]["authority"] == "US Treasury OFAC"
    assert "https://www.opensanctions.org/entities/ofac-mgc/" in company["sources"]
    jazaeri = made["Hamid al-Jazaeri"]
    assert jazaeri["type"] == "person"
    assert jazaeri["roles"] == [{"type": "leader_of", "object": "saraya-khorasani",
                                 "start": "2013", "end": None}]
    # Written to the user dir, the import loads with the shipped KB.
    write_import(res, "ftm-sample")
    get_kb.cache_clear()
    merged = get_kb()
    assert any("opensanctions.org/entities/ofac-17431" in s
               for s in merged.actors["muhandis"].sources)
    assert jazaeri["id"] in holder(merged, "leader_of", "saraya-khorasani", date(2020, 1, 1))
    assert match_name("Abu Mahdi al-Mohandes", merged)[0].actor_id == "muhandis"
    assert [c.actor_id for c in match_name("Hamid al-Jazairi", merged)][:1] == [jazaeri["id"]]


def test_ftm_ids_are_deterministic(kb: KnowledgeBase) -> None:
    a = import_ftm(DATA / "sample.ftm.jsonl", kb)
    b = import_ftm(DATA / "sample.ftm.jsonl", kb)
    assert [e["id"] for e in a.entries] == [e["id"] for e in b.entries]


def test_petrarch_import(kb: KnowledgeBase) -> None:
    res = import_petrarch(DATA / "sample.actors.txt", kb)
    assert set(res.extends) >= {"kataib-hezbollah", "asaib-ahl-al-haq", "badr", "amiri",
                                "kadhimi"}
    assert res.skipped == 1  # the place list coded with a bare country code
    lih = next(e for e in res.entries if e["name"] == "Liwa al-Imam al-Hussein")
    assert (lih["type"], lih["country"]) == ("militia", "SYR")
    assert {"Imam Hussein Brigade", "LIH"} <= set(lih["aliases"])
    roles = res.extends["kadhimi"]["roles"]
    assert {"type": "member_of", "object": "irq", "start": "2020-05-07",
            "end": "2022-10-27"} in roles


@pytest.mark.skipif(not (PHOENIX / "Phoenix.MilNonState.actors.txt").exists(),
                    reason="shared eval data (Phoenix dictionaries) not present")
def test_phoenix_dictionary_import(kb: KnowledgeBase, user_dir: Path) -> None:
    res = import_petrarch(PHOENIX / "Phoenix.MilNonState.actors.txt", kb)
    print(f"Phoenix.MilNonState: {res.summary()}")
    assert res.created > 500 and res.merged >= 10
    assert "hamas" in res.extends
    write_import(res, "petrarch-phoenix-milnonstate")
    get_kb.cache_clear()
    assert len(get_kb().actors) == len(kb.actors) + res.created


# --- user files -----------------------------------------------------------------------
GOOD = """
- id: liwa-fatemiyoun-test-unit
  name: Test Unit of the Example Brigade
  type: militia
  country: SYR
  parents: [fatemiyoun]
  sources: [https://example.org/report]
"""


def test_user_file_is_loaded_after_shipped_files(user_dir: Path) -> None:
    user_dir.mkdir()
    (user_dir / "mine.yaml").write_text(GOOD, encoding="utf-8")
    get_kb.cache_clear()
    actor = get_kb().actors["liwa-fatemiyoun-test-unit"]
    assert actor.origin == "mine.yaml" and actor.parents == ("fatemiyoun",)


def test_duplicate_id_in_user_file_is_an_error(user_dir: Path) -> None:
    user_dir.mkdir()
    (user_dir / "dup.yaml").write_text(GOOD.replace("liwa-fatemiyoun-test-unit", "pmu"),
                                       encoding="utf-8")
    with pytest.raises(KBError, match="'pmu' is already defined in iraq_groups.yaml"):
        load_kb()


def test_validate_rejects_a_bad_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("- id: x-gang\n  name: X\n  type: gang\n  country: Iraq\n",
                   encoding="utf-8")
    with pytest.raises(KBError) as err:
        validate_user_file(bad)
    text = str(err.value)
    assert "type must be one of" in text and "'Iraq' is not an ISO 3166 alpha-3" in text
    assert "needs at least one source" in text


def _cli(*args: str, kb_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TOCSIN_KB_DIR": str(kb_dir)}
    return subprocess.run([sys.executable, "-m", "tocsin", *args], capture_output=True,
                          text=True, env=env, timeout=120)


def test_cli_kb_add(tmp_path: Path, user_dir: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("- id: orphan\n  name: Orphan Group\n  type: militia\n  country: IRQ\n"
                   "  parents: [no-such-id]\n  sources: [https://example.org]\n",
                   encoding="utf-8")
    out = _cli("kb", "add", str(bad), kb_dir=user_dir)
    assert out.returncode == 2
    assert "bad.yaml was not added" in out.stderr and "'no-such-id'" in out.stderr
    assert not (user_dir / "bad.yaml").exists()
    good = tmp_path / "good.yaml"
    good.write_text(GOOD, encoding="utf-8")
    out = _cli("kb", "add", str(good), kb_dir=user_dir)
    assert out.returncode == 0, out.stderr
    assert (user_dir / "good.yaml").exists()
    shown = _cli("kb", "show", "liwa-fatemiyoun-test-unit", "--json", kb_dir=user_dir)
    assert json.loads(shown.stdout)["origin"] == "good.yaml"


def test_cli_show_and_graph(tmp_path: Path, user_dir: Path) -> None:
    out = _cli("kb", "show", "Hashd al-Shaabi", kb_dir=user_dir)
    assert out.returncode == 0, out.stderr
    assert "Popular Mobilization Forces" in out.stdout and "(pmu;" in out.stdout
    graphml = tmp_path / "qf.graphml"
    out = _cli("graph", "Quds Force", "--depth", "1", "--at", "2020-01-04", "--json",
               "--graphml", str(graphml), kb_dir=user_dir)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    commanders = {e["source"] for e in data["edges"] if e["type"] == "commander_of"}
    assert "qaani" in commanders and "soleimani" not in commanders
    assert "<graphml" in graphml.read_text(encoding="utf-8")


def test_cli_match_json(user_dir: Path) -> None:
    out = _cli("kb", "match", "Kataeb Hizbollah", "--country", "IRQ", "--json",
               kb_dir=user_dir)
    found = json.loads(out.stdout)
    assert found[0]["actor_id"] == "kataib-hezbollah" and found[0]["reasons"]


def test_import_written_file_is_valid_yaml(kb: KnowledgeBase, user_dir: Path) -> None:
    path = write_import(import_petrarch(DATA / "sample.actors.txt", kb), "petrarch-sample")
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert all(("id" in e) != ("extend" in e) for e in entries)
    assert validate_user_file(path)
