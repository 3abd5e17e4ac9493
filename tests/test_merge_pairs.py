"""Merging and de-duplication on reports written for the purpose (tests/data/
merge_pairs.yaml): two outlets telling one event in their own words are one event (at
least 90% of the pairs), two events alike but for the day, the town or the toll never are;
a republication is a duplicate, the same text with another date, town or number is not."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from tocsin.model import Document
from tocsin.store import Store
from tocsin.store.dedup import facts

PAIRS = yaml.safe_load((Path(__file__).parent / "data" / "merge_pairs.yaml").read_text(
    encoding="utf-8"))


def _merged(pipeline: Any, pair: dict[str, Any], path: Path) -> bool:
    """Whether one stored event holds reports of both texts."""
    day_b = pair.get("published_b", pair["published"])
    with Store(path) as s:
        for doc_id, text, day, outlet in (("a", pair["a"], pair["published"], "Outlet A"),
                                          ("b", pair["b"], day_b, "Outlet B")):
            res = s.add(pipeline.process(Document(text=text, id=doc_id, published=day,
                                                  source=outlet)))
            assert res.status == "added", (doc_id, res)
        rows = s.con.execute("SELECT count(*) FROM (SELECT event_id FROM event_mentions "
                             "GROUP BY event_id HAVING count(DISTINCT doc_id) = 2)"
                             ).fetchone()
    return bool(rows and rows[0])


@pytest.fixture(scope="module")
def outcomes(pipeline: Any, tmp_path_factory: pytest.TempPathFactory
             ) -> dict[str, list[bool]]:
    tmp = tmp_path_factory.mktemp("pairs")
    return {kind: [_merged(pipeline, p, tmp / f"{kind}-{i}.duckdb")
                   for i, p in enumerate(PAIRS[kind])] for kind in ("same", "different")}


def test_pairs_are_written_to_size() -> None:
    assert len(PAIRS["same"]) >= 20 and len(PAIRS["different"]) >= 20


def test_same_event_reports_merge(outcomes: dict[str, list[bool]]) -> None:
    same = outcomes["same"]
    missed = [PAIRS["same"][i]["a"][:60] for i, ok in enumerate(same) if not ok]
    assert sum(same) / len(same) >= 0.9, missed


def test_similar_but_different_events_never_merge(outcomes: dict[str, list[bool]]) -> None:
    wrong = [PAIRS["different"][i]["b"][:60] for i, ok in enumerate(outcomes["different"])
             if ok]
    assert not wrong


STORY = ("Two mortar rounds landed near the main market in Baidoa late on Thursday, "
         "wounding four traders, the district commissioner told reporters on Friday. "
         "Residents said the shells were fired from farmland east of the town, where "
         "militants have been seen in recent weeks. No group said it was responsible, "
         "and security forces closed the roads leading to the market for several hours.")


@pytest.mark.parametrize(("edit", "duplicate"), [
    # A republication: a new headline, a wire's spelling of the date, a few words.
    (lambda t: t.replace("told reporters", "said").replace("closed the roads", "shut the roads"),
     True),
    (lambda t: t.replace("landed near", "fell close to"), True),
    # Another town, day, number or actor: another report, however similar.
    (lambda t: t.replace("Baidoa", "Burhakaba"), False),
    (lambda t: t.replace("Thursday", "Wednesday"), False),
    (lambda t: t.replace("four traders", "six traders"), False),
    (lambda t: t.replace("No group said", "Al-Shabaab said"), False),
    (lambda t: t.replace("Two mortar rounds", "3 mortar rounds"), False),
])
def test_duplicates_differ_in_no_fact(pipeline: Any, tmp_path: Path, edit: Any,
                                      duplicate: bool) -> None:
    other = edit(STORY)
    assert other != STORY
    assert (facts(other) == facts(STORY)) == duplicate
    with Store(tmp_path / "dup.duckdb") as s:
        first = s.add(pipeline.process(Document(text=STORY, id="wire", title="Market hit",
                                                published=date(2021, 5, 7))))
        again = s.add(pipeline.process(Document(
            text=other, id="paper", title="Shells wound traders in Baidoa market",
            published=date(2021, 5, 7))))
        assert first.status == "added"
        if duplicate:
            # Linked to its original, whose events it reports: nothing is lost.
            assert (again.status, again.duplicate_of) == ("duplicate", "wire")
            doc = {d["id"]: d for d in s.documents()}["paper"]
            assert doc["duplicate_of"] == "wire" and first.events
        else:
            assert again.status == "added" and again.duplicate_of is None


def test_order_of_facts_is_a_fact() -> None:
    # Which town was attacked and which only named: the same words, other facts.
    a = "Gunmen attacked Mangu on Monday and then withdrew towards Bokkos, police said."
    b = "Gunmen attacked Bokkos on Monday and then withdrew towards Mangu, police said."
    assert facts(a) != facts(b)
    assert facts("Jan 9: 1,200 people fled.") == facts("January 9: 1200 people fled.")


def test_merge_reason_lists_each_check_and_unmerge_survives_reingest(
        pipeline: Any, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from tocsin.cli import app

    pair = PAIRS["same"][2]  # teachers marching in Nairobi
    exts = [pipeline.process(Document(text=pair[k], id=k, published=pair["published"],
                                      source=f"Outlet {k}")) for k in ("a", "b")]
    db = tmp_path / "split.duckdb"
    with Store(db) as s:
        for e in exts:
            s.add(e)
        [(event_id,)] = s.con.execute("SELECT event_id FROM event_mentions GROUP BY 1 "
                                      "HAVING count(DISTINCT doc_id) = 2").fetchall()
        ev = s.event(event_id)
        assert ev is not None
        joined = [m["merge_reason"] for m in ev["mentions"] if m["doc_id"] == "b"]
        assert set(joined[0]["checks"]) >= {"type", "mode", "date", "place", "actors"}
    # `tocsin event ID` shows why; `tocsin unmerge` splits, for good.
    shown = CliRunner().invoke(app, ["event", event_id, "--db", str(db)])
    assert shown.exit_code == 0 and '"checks"' in shown.output
    res = CliRunner().invoke(app, ["unmerge", event_id, "b", "--db", str(db)])
    assert res.exit_code == 0, res.output
    with Store(db) as s:
        def together() -> int:
            row = s.con.execute("SELECT count(*) FROM (SELECT event_id FROM event_mentions "
                                "GROUP BY 1 HAVING count(DISTINCT doc_id) = 2)").fetchone()
            return row[0] if row else -1

        assert together() == 0
        assert s.event(event_id)["n_documents"] == 1  # type: ignore[index]
        assert s.unmerge(event_id, "b") is None  # nothing left to split
        for doc in ("b", "a"):  # either document removed and ingested again
            s.remove(doc)
            s.add(exts[0] if doc == "a" else exts[1])
            assert together() == 0
    assert CliRunner().invoke(app, ["unmerge", "no-such-event", "b", "--db", str(db)]
                              ).exit_code != 0
