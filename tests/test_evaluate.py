"""tocsin evaluate: metric arithmetic, each gold format's loader and scorer (on small gold
files written for these tests, with values computed by hand), the CLI and the gate."""

from __future__ import annotations

import json
import math
import shutil
from datetime import date
from pathlib import Path

import pytest

from tocsin.evaluate import (
    acled,
    conflibert,
    event_location,
    geoparse,
    isaf,
    petrarch,
    plover,
    re3d,
)
from tocsin.evaluate.common import cameo_to_plover, load_cameo2plover, quad_of_root, sample
from tocsin.evaluate.gate import GateSet, _ev, run_gate
from tocsin.evaluate.metrics import (
    Counts,
    acc_at_km,
    error_auc,
    haversine_km,
    macro_f1,
    per_class,
    span_counts,
)
from tocsin.model import (
    Actor,
    Document,
    Event,
    Evidence,
    Extraction,
    Modality,
    Place,
    Relation,
    Span,
    TimeValue,
)

DATA = Path(__file__).parent / "data" / "eval"


# --- building predictions by hand --------------------------------------------------------

def actor(id_: str, text: str, doc: str, type_: str = "state", country: str | None = None,
          name: str | None = None) -> Actor:
    s = doc.index(text)
    return Actor(id_, name or text, type_, country, True, [Span(text, s, s + len(text))])


def place(id_: str, text: str, doc: str, lat: float, lon: float, admin1: str | None = None,
          country: str | None = None) -> Place:
    s = doc.index(text)
    return Place(id_, text, lat, lon, country, admin1, "city", [Span(text, s, s + len(text))])


def event(type_: str, doc: str, trigger: str | None = None, mode: str | None = None,
          root: str = "19", conf: float = 0.8, source: tuple[str, ...] = (),
          target: tuple[str, ...] = (), place_id: str | None = None,
          start: date | None = None, fatalities: int | None = None) -> Event:
    trig = None
    if trigger:
        s = doc.index(trigger)
        trig = Span(trigger, s, s + len(trigger))
    tv = TimeValue(start, start, "day" if start else "unknown")
    return Event("e", type_, mode, root, list(source), list(target), tv, place_id, fatalities,
                 Modality(), Evidence(doc, 0, len(doc)), conf, trig)


def extraction(doc: str, actors: list[Actor] | None = None, places: list[Place] | None = None,
               events: list[Event] | None = None,
               relations: list[Relation] | None = None) -> Extraction:
    return Extraction(Document(text=doc), "test", actors or [], places or [], events or [],
                      relations or [])


# --- metrics -------------------------------------------------------------------------------

def test_counts_and_macro_f1() -> None:
    c = Counts(tp=3, fp=1, fn=2)
    assert c.precision == 0.75 and c.recall == 0.6
    assert c.f1 == pytest.approx(2 * 0.75 * 0.6 / 1.35)
    counts = per_class(["A", "A", "B", "C"], ["A", "B", "B", "NONE"])
    assert (counts["A"].tp, counts["A"].fn, counts["B"].tp, counts["B"].fp) == (1, 1, 1, 1)
    # A: P 1, R .5 -> 2/3; B: P .5, R 1 -> 2/3; C: 0  => macro over gold classes = 4/9
    assert macro_f1(counts) == pytest.approx(4 / 9)


def test_spans_distance_and_auc() -> None:
    gold = [(0, 5), (10, 20)]
    assert span_counts(gold, [(0, 5), (12, 15), (30, 31)], exact=True) == Counts(1, 2, 1)
    assert span_counts(gold, [(0, 5), (12, 15), (30, 31)], exact=False) == Counts(2, 1, 0)
    assert haversine_km(0, 0, 1, 0) == pytest.approx(111.19, abs=0.01)
    assert haversine_km(33.3, 44.4, 33.3, 44.4) == 0
    assert error_auc([0.0, 20039.0]) == pytest.approx(0.5)
    assert error_auc([0.0, 0.0, 0.0]) == 0.0
    assert error_auc([100.0]) == pytest.approx(math.log1p(100) / math.log1p(20039))
    assert acc_at_km([10, 160, 162, 5000]) == 0.5


def test_sample_is_seeded_and_ordered() -> None:
    a = sample(list(range(100)), 10, seed=7)
    assert a == sample(list(range(100)), 10, seed=7) and a == sorted(a) and len(a) == 10
    assert sample([1, 2, 3], None, 0) == [1, 2, 3]


def test_cameo_tables() -> None:
    table = load_cameo2plover(DATA / "plover" / "CAMEO2PLOVER-2021.txt")
    assert cameo_to_plover("195", table) == ("ASSAULT", "aerial")
    assert cameo_to_plover("1951", table) == ("ASSAULT", "aerial")
    assert cameo_to_plover("042", table) == ("CONSULT", "visit")
    assert [quad_of_root(r) for r in ("01", "02", "04", "07", "11", "16", "19")] == [
        0, 0, 1, 2, 3, 3, 4]


# --- PLOVER --------------------------------------------------------------------------------

def test_plover_load_maps_old_names() -> None:
    golds = plover.load(DATA / "plover" / "gold.json")
    assert [(g.type, g.mode) for g in golds] == [
        ("ASSAULT", "heavy-weapons"), ("REQUEST", None), ("PROTEST", "strike")]
    assert plover.map_gold("DISAPPROVE", None) == ("ACCUSE", "disapprove")
    assert plover.map_gold("PROTEST", "strike-hun") == ("PROTEST", "hunger")
    g = golds[0]
    assert [g.text[a:b] for a, b in g.triggers] == ["shelled"]


def test_plover_score_by_hand() -> None:
    golds = plover.load(DATA / "plover" / "gold.json")
    t0, t1 = golds[0].text, golds[1].text
    ex0 = extraction(t0, [actor("tur", "Turkish troops", t0, "military", "TUR")], events=[
        event("ACCUSE", t0, conf=0.9),  # more confident, but not on the gold trigger
        event("ASSAULT", t0, "shelled", "heavy-weapons", source=("tur",), conf=0.5)])
    ex1 = extraction(t1, events=[event("ACCUSE", t1, "demanded", root="11")])
    rep = plover.score(golds, [ex0, ex1, "RuntimeError: boom"])
    assert rep.failures == 1
    assert rep.scores["type_accuracy"] == pytest.approx(1 / 3)
    assert rep.scores["type_macro_f1"] == pytest.approx(1 / 3)  # ASSAULT 1, REQUEST 0, PROTEST 0
    assert rep.scores["mode_accuracy"] == 1.0  # only the ASSAULT record has the right type
    assert rep.scores["source_text"] == pytest.approx(1 / 3)
    assert rep.scores["source_country"] == pytest.approx(1 / 3)
    assert rep.scores["source_sector"] == pytest.approx(1 / 2)  # MIL yes, GOV no (EDU unscored)
    assert rep.confusion is not None and rep.confusion[("REQUEST", "ACCUSE")] == 1
    assert {w["id"] for w in rep.worst} == {"TEST-DEMAND-0001", "TEST-PROTEST-0001"}


# --- PETRARCH ------------------------------------------------------------------------------

def test_petrarch_score_by_hand() -> None:
    golds = petrarch.load(DATA / "petrarch" / "gold.xml")
    assert [len(g.codings) for g in golds] == [1, 1, 0]
    t0, t1, t2 = (g.text for g in golds)
    ex0 = extraction(t0, [actor("isr", "Israeli", t0, "state", "ISR"),
                          actor("syr", "Syrian army", t0, "military", "SYR")],
                     events=[event("ASSAULT", t0, "struck", root="19", source=("isr",),
                                   target=("syr",))])
    ex1 = extraction(t1, events=[event("CONSULT", t1, "visited", root="04")])
    ex2 = extraction(t2, events=[event("PROTEST", t2, root="14")])
    mapping = load_cameo2plover(DATA / "plover" / "CAMEO2PLOVER-2021.txt")
    rep = petrarch.score(golds, [ex0, ex1, ex2], mapping=mapping)
    assert rep.scores["root_accuracy"] == pytest.approx(2 / 3)  # NONE predicted as 14
    assert rep.scores["sentence_accuracy"] == pytest.approx(2 / 3)
    assert rep.scores["plover_type_recall"] == 1.0
    assert rep.scores["source_country"] == pytest.approx(1 / 2)  # ISR right, FRA no actor
    assert rep.scores["target_country"] == pytest.approx(1 / 2)


# --- re3d ----------------------------------------------------------------------------------

def test_re3d_score_by_hand() -> None:
    golds = re3d.load(DATA / "re3d")
    assert len(golds) == 1 and len(golds[0].relations) == 2  # CoLocated is not scored
    t = golds[0].text
    ex = extraction(t, [
        actor("kurd", "Kurdish", t, "militia"),  # shorter than the gold span
        actor("is", "Islamic State", t, "rebel"),
        actor("abdi", "Mazloum Abdi", t, "person"),
        actor("sdf", "Syrian Democratic Forces", t, "militia")],
        [place("geonames:163915", "Raqqa", t, 35.95, 39.01)],
        relations=[Relation("leader_of", "abdi", "sdf", Evidence(t, 0, len(t)))])
    rep = re3d.score(golds, [ex])
    assert rep.scores["organisation_f1_exact"] == pytest.approx(2 / 3)
    assert rep.scores["organisation_f1_overlap"] == 1.0
    assert rep.scores["person_f1_exact"] == 1.0 and rep.scores["location_f1_exact"] == 1.0
    assert rep.scores["relation_recall"] == 0.5
    assert rep.info["recall_InChargeOf"] == 1.0 and rep.info["recall_FightingAgainst"] == 0.0


def test_re3d_a_town_standing_for_its_state_is_a_location_only() -> None:
    golds = re3d.load(DATA / "re3d")
    t = golds[0].text
    town = place("geonames:163915", "Raqqa", t, 35.95, 39.01)
    syria = actor("syr", "Raqqa", t, "state", "SYR", name="Syria")  # "struck Raqqa" -> Syria
    rep = re3d.score(golds, [extraction(t, [syria], [town])])
    assert rep.scores["location_f1_exact"] == 1.0
    assert rep.scores["organisation_f1_overlap"] == 0.0  # not counted as an Organisation
    assert re3d.predicted_entities(extraction(t, [syria], [town]))["Organisation"] == []
    kurds = actor("kurd", "Kurdish", t, "militia")
    assert re3d.predicted_entities(extraction(t, [kurds], [town]))["Organisation"]


# --- geoparsing ----------------------------------------------------------------------------

def test_geoparse_loads_three_layouts() -> None:
    gwn = geoparse.load(DATA / "geoparsing" / "gwn.xml")[0]
    assert [t.name for t in gwn.toponyms] == ["Mosul", "Erbil"]  # "parts" has no coordinates
    lgl = geoparse.load(DATA / "geoparsing" / "lgl.xml")[0]
    assert lgl.toponyms[0].geonameid == "99532"
    gv = geoparse.load(DATA / "geoparsing" / "geovirus.xml")[0]
    t = gv.toponyms[0]
    assert gv.text[t.start:t.end] == "Amman"  # offsets one off in the file, realigned


def test_geoparse_score_by_hand() -> None:
    gold = geoparse.load(DATA / "geoparsing" / "gwn.xml")
    t = gold[0].text
    ex = extraction(t, places=[
        place("geonames:99072", "Mosul", t, 36.335, 43.11889),
        place("geonames:1", "Erbil", t, 36.19257 + 2, 44.01062),  # 2 degrees north
        place("geonames:2", "Monday", t, 0.0, 0.0)])
    rep = geoparse.score(gold, [ex])
    assert rep.scores["recognition_precision"] == pytest.approx(2 / 3)
    assert rep.scores["recognition_recall"] == 1.0
    assert rep.scores["acc_at_161km"] == 0.5 and rep.scores["geonames_exact"] == 0.5
    err = haversine_km(36.19257, 44.01062, 38.19257, 44.01062)
    assert rep.info["mean_error_km"] == pytest.approx(err / 2)
    assert rep.info["median_error_km"] == pytest.approx(err / 2)
    assert rep.info["auc_error"] == pytest.approx(error_auc([0.0, err]))


# --- event location ------------------------------------------------------------------------

def test_event_location_score_by_hand() -> None:
    golds = event_location.load(DATA / "event_location" / "labeled.jsonl")
    assert len(golds) == 4
    assert len(event_location.load(DATA / "event_location" / "labeled.jsonl", True)) == 3
    t0, t1, t2, t3 = (g.text for g in golds)
    exs: list[Extraction | str] = [
        extraction(t0, places=[place("p", "Kirkuk", t0, 35.47, 44.39)],
                   events=[event("ASSAULT", t0, "exploded", place_id="p")]),
        extraction(t1, places=[place("b", "Baghdad", t1, 33.3, 44.4)],  # the wrong place
                   events=[event("ASSAULT", t1, "killed", place_id="b")]),
        extraction(t2, events=[event("ASSAULT", t2, "attacked")]),  # no place: right
        "ValueError: bad"]
    rep = event_location.score(golds, exs)
    assert rep.scores["accuracy_overall"] == 0.5
    assert rep.scores["accuracy_RELABEL"] == pytest.approx(2 / 3)
    assert rep.scores["accuracy_with_location"] == pytest.approx(1 / 3)
    assert rep.scores["accuracy_without_location"] == 1.0
    assert rep.failures == 1
    assert rep.scores["location_f1"] == pytest.approx(2 * 0.5 * (1 / 3) / (0.5 + 1 / 3))


# --- ISAF ----------------------------------------------------------------------------------

def test_isaf_release_date() -> None:
    assert isaf.release_date("KABUL, Afghanistan (Jan. 25, 2013)\nAn operation") == date(
        2013, 1, 25)
    assert isaf.release_date("2011-05-S-020\nKABUL, Afghanistan (May 9)\n") == date(2011, 5, 9)
    assert isaf.release_date("2010-12-CA-001 KABUL, Afghanistan (Jan. 2) - A") == date(
        2011, 1, 2)
    assert isaf.release_date("A force detained a man.") is None
    assert isaf.province_key("Paktia") == isaf.province_key("paktya")
    assert isaf.province_key("Sar-e Pol") == isaf.province_key("sar_e_pul")


def test_isaf_score_by_hand() -> None:
    golds = isaf.load(DATA / "isaf" / "isaf.jsonl")
    assert [g.published for g in golds] == [date(2012, 3, 15), date(2011, 5, 9), None]
    t0, t1, t2 = (g.text for g in golds)
    ex0 = extraction(t0, places=[place("h", "Nad 'Ali district", t0, 31.6, 64.3, "Helmand")],
                     events=[event("COERCE", t0, "detained", place_id="h",
                                   start=date(2012, 3, 14))])
    ex1 = extraction(t1, places=[place("k", "Kandahar", t1, 31.6, 65.7, "Kandahar")],
                     events=[event("ASSAULT", t1, "killed", place_id="k",
                                   start=date(2011, 5, 8))])
    ex2 = extraction(t2, events=[event("COERCE", t2, "killed")])
    rep = isaf.score(golds, [ex0, ex1, ex2])
    assert rep.scores["date_exact"] == 0.5  # the undated third release is not scored
    assert rep.scores["type_accuracy"] == pytest.approx(2 / 3)
    assert rep.scores["province_accuracy"] == pytest.approx(2 / 3)


# --- ACLED ---------------------------------------------------------------------------------

def test_acled_load_and_actor_rules() -> None:
    golds = acled.load(DATA / "acled" / "acled.csv")
    assert [g.event_date for g in golds] == [date(2023, 3, 14), date(2023, 3, 15),
                                             date(2023, 3, 16)]
    doc = "Turkish troops and IS militants"
    tur = actor("tur", "Turkish troops", doc, "military", "TUR")
    isis = actor("isis", "IS militants", doc, "rebel", None, name="Islamic State")
    assert acled.actor_resolved("Military Forces of Turkey (2016-)", [tur])
    assert not acled.actor_resolved("Military Forces of Iraq (2022-)", [tur])
    assert acled.actor_resolved("Islamic State (Iraq)", [isis])
    assert not acled.actor_resolved("Civilians (Iraq)", [tur])


def test_acled_score_by_hand() -> None:
    golds = acled.load(DATA / "acled" / "acled.csv")
    t0, t1, t2 = (g.text for g in golds)
    ex0 = extraction(t0, [actor("tur", "Turkish", t0, "state", "TUR")],
                     [place("z", "Zakho", t0, 37.15, 42.68, "Duhok")],
                     [event("ASSAULT", t0, "strike", "drone", source=("tur",), place_id="z",
                            start=date(2023, 3, 14), fatalities=2)])
    ex1 = extraction(t1, places=[place("b", "Basra", t1, 31.5, 47.78, "Basra")],
                     events=[event("PROTEST", t1, "protested", "demo", root="14",
                                   place_id="b", start=date(2023, 3, 14))])
    rep = acled.score(golds, [ex0, ex1, "KeyError: x"])
    assert rep.scores["type_accuracy"] == pytest.approx(2 / 3)
    assert rep.scores["mode_accuracy"] == 1.0  # drone accepted for Air/drone strike
    assert rep.scores["actor1_resolved"] == pytest.approx(1 / 3)
    assert rep.scores["place_within_25km"] == pytest.approx(1 / 3)  # Basra 111 km off
    assert rep.scores["admin1_right"] == pytest.approx(2 / 3)
    assert rep.scores["date_exact"] == pytest.approx(1 / 3)
    assert rep.scores["fatalities_exact"] == pytest.approx(2 / 3)
    assert rep.info["fatalities_mae"] == 1.0


# --- ConfliBERT ----------------------------------------------------------------------------

def test_conflibert_score_by_hand() -> None:
    golds = conflibert.load(DATA / "conflibert" / "test.tsv")
    assert [g.label for g in golds] == [0, 1, 4, 3]
    t = [g.text for g in golds]
    exs: list[Extraction | str] = [
        extraction(t[0]),  # no event -> 0 (right)
        extraction(t[1], events=[event("AGREE", t[1], "agreed", root="03")]),
        extraction(t[2], events=[event("COERCE", t[2], "arrested", root="17")]),
        extraction(t[3], events=[event("ASSAULT", t[3], root="19")])]  # 4 for gold 3
    rep = conflibert.score(golds, exs)
    assert rep.scores["quad_accuracy"] == 0.75
    assert rep.scores["accuracy_when_event"] == pytest.approx(2 / 3)
    assert rep.worst[0]["gold"] == "3 verbal conflict"


# --- the real pipeline, end to end ---------------------------------------------------------

@pytest.mark.slow
def test_evaluators_run_the_pipeline(pipeline: object) -> None:
    reports = [
        plover.evaluate(DATA / "plover" / "gold.json"),
        petrarch.evaluate(DATA / "petrarch" / "gold.xml"),
        re3d.evaluate(DATA / "re3d"),
        geoparse.evaluate(DATA / "geoparsing" / "lgl.xml"),
        event_location.evaluate(DATA / "event_location" / "labeled.jsonl"),
        isaf.evaluate(DATA / "isaf" / "isaf.jsonl"),
        acled.evaluate(DATA / "acled" / "acled.csv"),
        conflibert.evaluate(DATA / "conflibert" / "test.tsv"),
    ]
    assert [r.records for r in reports] == [3, 3, 1, 1, 4, 3, 3, 4]
    for r in reports:
        assert r.failures == 0, r.name
        assert r.scores and all(0.0 <= v <= 1.0 for v in r.scores.values()), r.name
        json.dumps(r.to_json())


@pytest.mark.slow
def test_cli_writes_json(tmp_path: Path, pipeline: object) -> None:
    from typer.testing import CliRunner

    from tocsin.cli import app

    out = tmp_path / "report.json"
    res = CliRunner().invoke(app, ["evaluate", "conflibert",
                                   str(DATA / "conflibert" / "test.tsv"), "--json", str(out)])
    assert res.exit_code == 0, res.output
    data = json.loads(out.read_text())
    assert data["name"] == "conflibert" and "quad_accuracy" in data["scores"]
    assert "CAMEO quad class" in res.output


# --- the gate ------------------------------------------------------------------------------

def _sets() -> list[GateSet]:
    return [GateSet("conflibert", "conflibert/test.tsv", _ev("conflibert"))]


@pytest.mark.slow
def test_gate_pass_drop_missing_and_changed(tmp_path: Path, pipeline: object,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "eval"
    shutil.copytree(DATA, root)
    base = tmp_path / "baseline.json"
    assert run_gate(update=True, baseline=base, root=root, sets=_sets()) == 0
    pins = json.loads(base.read_text())
    pinned = pins["datasets"]["conflibert"]
    assert len(pinned["sha256"]) == 64 and "quad_accuracy" in pinned["scores"]

    assert run_gate(baseline=base, root=root, sets=_sets()) == 0
    assert "gate passed" in capsys.readouterr().out

    pinned["scores"]["quad_accuracy"] += 0.5  # a pin the pipeline cannot reach: a drop
    base.write_text(json.dumps(pins))
    assert run_gate(baseline=base, root=root, sets=_sets()) == 1
    assert "GATE FAILED" in capsys.readouterr().out

    with (root / "conflibert" / "test.tsv").open("a") as fh:
        fh.write("Syria and Iraq signed a trade agreement in Damascus.\t2\n")
    assert run_gate(baseline=base, root=root, sets=_sets()) == 1
    assert "CHANGED" in capsys.readouterr().out

    (root / "conflibert" / "test.tsv").unlink()
    assert run_gate(baseline=base, root=root, sets=_sets()) == 0
    assert "SKIPPED" in capsys.readouterr().out


def test_gate_without_shared_data_says_skipped(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    code = run_gate(baseline=tmp_path / "b.json", root=tmp_path / "absent", sets=_sets())
    out = capsys.readouterr().out
    assert code == 0 and "SKIPPED" in out and "No score was checked" in out


def test_plover_gold_actor_text_with_gaps_and_double_spaces() -> None:
    text = "U.S. and Russian negotiators met the Homeland Union (Conservatives) in Vilnius."
    spans = plover.gold_spans(text, "U.S. ... negotiators")
    assert [text[a:b] for a, b in spans] == ["U.S.", "negotiators"]
    spans = plover.gold_spans(text, "Homeland Union  (Conservatives)")
    assert [text[a:b] for a, b in spans] == ["Homeland Union (Conservatives)"]
    assert plover.gold_spans(text, "Kabul") == []


def test_project_root_is_found_from_the_working_folder(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The gate's pins are found from where it runs (a copy of the project, a CI
    checkout), not only from the folder the package was installed from."""
    from tocsin.evaluate.common import project_root

    project = tmp_path / "copy"
    (project / "evaluation").mkdir(parents=True)
    (project / "evaluation" / "baseline.json").write_text("{}", encoding="utf-8")
    (project / "docs").mkdir()
    monkeypatch.delenv("TOCSIN_PROJECT_ROOT", raising=False)
    monkeypatch.chdir(project / "docs")
    assert project_root() == project.resolve()
    monkeypatch.setenv("TOCSIN_PROJECT_ROOT", str(tmp_path))
    assert project_root() == tmp_path
