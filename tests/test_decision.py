"""The event decision stage: candidates from rules, dropped acts and a scan; one model
decides; every event says why. Real spaCy pipeline, the packaged model file."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tocsin.events.decision.model import get_model, load_model, packaged_path
from tocsin.learn.dataset import Example, GoldAct, load_written
from tocsin.model import Document

MODEL = get_model()
needs_model = pytest.mark.skipif(MODEL is None, reason="no event model packaged")
HARM = {"ASSAULT", "PROTEST", "COERCE"}


def _events(pipeline, text: str):  # type: ignore[no-untyped-def]
    return pipeline.process(Document(text, id="t")).events


def _main(events):  # type: ignore[no-untyped-def]
    from tocsin.evaluate.common import primary_event

    return primary_event(events)


def test_packaged_model_is_small_and_says_what_it_learnt_from() -> None:
    path = packaged_path()
    assert path.exists(), "the package ships its event model"
    assert path.stat().st_size < 5_000_000
    card = load_model(path).card
    sources = json.dumps(card["trained_on"])
    assert "training/data" in sources and "acled" not in sources.lower()
    assert card["cross_validation"]["chosen"]["main_type"] > 0.7
    # Precision rises with the model's probability (the confidence users see).
    precisions = [p for _, p in card["calibration"]]
    assert precisions == sorted(precisions)


@needs_model
def test_every_event_carries_its_trace_and_salience(pipeline) -> None:  # type: ignore[no-untyped-def]
    events = _events(pipeline, "On 3 March 2023, gunmen attacked a police post in Damboa "
                               "(Borno), killing two officers. Troops later arrested four "
                               "suspects in a nearby village.")
    assert events
    for e in events:
        assert e.why is not None and e.why["decided_by"]
        assert e.why["candidate"] in {"rule", "dropped", "scan"}
        assert 0.0 <= (e.salience or 0.0) <= 1.0
        assert e.why["model"]["features"], "the features that weighed most are named"
    main = _main(events)
    assert main.type == "ASSAULT" and main.trigger.text == "attacked"


@needs_model
@pytest.mark.parametrize("text,trigger,typ", [
    # An acronym subject the small parser reads as a verb.
    ("IS fighters seized two villages east of Raqqa on Tuesday after a day of fighting "
     "with Kurdish-led forces.", None, "ASSAULT"),
    # A main clause parsed as a reduced relative under its subject.
    ("Three mortar rounds fired by al-Shabaab militants struck the AMISOM camp near "
     "Afgooye on Sunday, wounding two soldiers.", None, "ASSAULT"),
    # A fresh act with a phrase that reads like a habit.
    ("For the second time this month, bandits abducted passengers on the Abuja-Kaduna "
     "highway on Friday.", "abducted", "ASSAULT"),
])
def test_misparsed_reports_keep_their_event(pipeline, text, trigger, typ) -> None:  # type: ignore[no-untyped-def]
    main = _main(_events(pipeline, text))
    assert main is not None and main.type == typ
    if trigger:
        assert main.trigger.text == trigger


@needs_model
@pytest.mark.parametrize("text", [
    "A gas cylinder exploded in a restaurant kitchen in Ikeja on Monday, killing three "
    "workers, the Lagos fire service said.",
    "Flash floods swept through low-lying parts of Beledweyne overnight, destroying "
    "hundreds of homes and killing at least seven people.",
    "A minibus collided with a fuel tanker on the Mombasa highway near Mariakani on "
    "Saturday, killing eleven passengers, police said.",
    # An animal or a hazard as the doer: the verbs of an attack, no conflict.
    "A crocodile attacked a woman drawing water from the Tana river near Garsen on "
    "Tuesday; she was taken to hospital with leg wounds.",
    "A tropical storm tore through fishing villages on the coast of Sofala, where the wind "
    "destroyed hundreds of homes.",
])
def test_quiet_news_raises_no_conflict_event(pipeline, text) -> None:  # type: ignore[no-untyped-def]
    assert not [e for e in _events(pipeline, text) if e.type in HARM]


@needs_model
def test_a_habit_or_a_retelling_is_never_an_event_of_its_own(pipeline) -> None:  # type: ignore[no-untyped-def]
    # The habit: a pattern in the present perfect, whatever the model makes of "bombed".
    habit = _events(pipeline, "Turkey has repeatedly bombed villages in the Qandil "
                              "mountains, local officials say, and residents have left.")
    assert not [e for e in habit if e.type == "ASSAULT"]
    # The retelling: "the strike" adds detail to the airstrike already reported.
    told = _events(pipeline, "A drone strike hit a car near Jilib on Monday, the army said. "
                             "The strike killed two senior commanders of the group.")
    assault = [e for e in told if e.type == "ASSAULT"]
    assert len(assault) == 1 and assault[0].trigger.text in {"strike", "hit"}


@needs_model
def test_violence_next_to_a_protest_makes_it_a_riot(pipeline) -> None:  # type: ignore[no-untyped-def]
    # The manner comes a sentence later: the protest is a violent demonstration.
    told_later = _events(pipeline, "Traders protested the new market levy in Onitsha on "
                                   "Monday. Later in the day the crowd set the council "
                                   "office on fire.")
    protest = next(e for e in told_later if e.type == "PROTEST")
    assert protest.mode == "riot"
    # the model reads the fire itself, or the rule makes the protest a riot
    assert protest.why and (protest.why["model"]["label"] == "PROTEST:riot"
                            or "rules: protest form" in protest.why["decided_by"])
    # Riots in a clause about the place's past are not this protest's manner.
    background = _events(pipeline, "About 200 nurses demonstrated on Friday in Kaduna, "
                                   "where riots killed 12 people two years ago.")
    assert [e.mode for e in background if e.type == "PROTEST"] == ["demo"]


@pytest.mark.parametrize(("text", "main"), [
    # a peaceful march met with live fire: the force is the report's act
    ("On 4 May 2021, hundreds of teachers marched peacefully through Kisii town to demand "
     "unpaid arrears. Police opened fire on the marchers, killing two teachers and wounding "
     "five.", ("ASSAULT", "crowd-control")),
    # the crowd's own violence makes it a violent demonstration, whatever the police did
    ("On 9 June 2022, traders protested a new market levy in Bauchi town. The protesters "
     "pelted police with stones and set tyres ablaze on the main road; police fired live "
     "rounds and one trader died.", ("PROTEST", "riot")),
    # tear gas and arrests: a protest the police dispersed
    ("On 2 March 2023, students demonstrated outside the education ministry in Mogadishu "
     "over exam fees. Police dispersed them with tear gas and arrested six students.",
     ("PROTEST", "demo")),
])
def test_force_against_protesters_decides_the_main_act(pipeline, text, main  # type: ignore[no-untyped-def]
                                                       ) -> None:
    from tocsin.evaluate.common import primary_event

    ev = primary_event(pipeline.process(Document(text=text)).events)
    assert ev is not None and (ev.type, ev.mode) == main
    assert "rules: force against protesters" in ev.why["decided_by"]


def test_the_rules_coder_decides_alone_and_says_so(rules_pipeline) -> None:  # type: ignore[no-untyped-def]
    events = _events(rules_pipeline, "Police fired tear gas at students marching in Kisumu "
                                     "on Tuesday.")
    assert events
    assert all(e.why and e.why["decided_by"] == "rules (the rules coder was chosen)"
               for e in events)
    assert all(e.salience is None for e in events)
    assert rules_pipeline.version.endswith("coder:rules")


@needs_model
def test_model_file_round_trips(tmp_path: Path) -> None:
    assert MODEL is not None
    out = tmp_path / "m.npz"
    MODEL.save(out)
    again = load_model(out)
    feats = ["o=rule", "w=attack", "r=ASSAULT", "lx=ASSAULT", "p=VERB"]
    assert np.allclose(MODEL.label.proba(MODEL.rows(feats)),
                       again.label.proba(again.rows(feats)), atol=1e-4)
    assert again.card == MODEL.card and again.names == MODEL.names


def test_training_is_reproducible_on_a_small_set(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    from tocsin.learn import train as T
    from tocsin.learn.dataset import collect, scan_words

    data = Path(__file__).resolve().parents[1] / "training" / "data"
    examples: list[Example] = []
    for name in ("vio-01.jsonl", "neg-01.jsonl", "dem-01.jsonl"):
        examples += load_written([data / name])[:25]
    words = scan_words(examples)
    col = collect(examples, words)
    assert col.missed <= col.acts // 10, "almost every gold act has a candidate"
    models = []
    for _ in range(2):
        saved = (T.C_GRID, T.BETAS, T.THRESHOLDS, T.FALLBACKS)
        T.C_GRID, T.BETAS, T.THRESHOLDS, T.FALLBACKS = (1.0,), (0.0,), (0.5,), ()
        try:
            models.append(T.train(examples, col, words, 3, 0, {}, log=lambda s: None))
        finally:
            T.C_GRID, T.BETAS, T.THRESHOLDS, T.FALLBACKS = saved
    a, b = models
    assert a.names == b.names and np.array_equal(a.label.weights, b.label.weights)
    # It learnt something: the candidates that are acts score above those that are not.
    m = T.Matrix(a.vocab, a.names)
    assert a.report is not None
    scored = T.logits(col.rows, m, a.label, a.main, a.report).scored(0.0)
    acts = [s.p_event for s in scored if s.row.label not in (None, "NONE")]
    quiet = [s.p_event for s in scored if s.row.label == "NONE"]
    assert np.mean(acts) > np.mean(quiet) + 0.3


def test_gold_acts_align_to_one_candidate_each() -> None:
    from tocsin.learn.dataset import Collected, _align

    text = "Militants exchanged fire with soldiers in Marte."
    ex = Example("x", text, [GoldAct(10, 24, "ASSAULT", "firearms", True)], "t", True)
    cands = [
        {"start": 10, "end": 19, "origin": "scan", "rule": None, "features": ["a"]},
        {"start": 20, "end": 24, "origin": "rule", "rule": "ASSAULT:None", "features": ["b"]},
        {"start": 42, "end": 47, "origin": "scan", "rule": None, "features": ["c"]},
    ]
    out = Collected()
    _align(ex, cands, out)
    labels = {r.features[0]: (r.label, r.main) for r in out.rows}
    assert labels == {"b": ("ASSAULT:firearms", True), "c": ("NONE", False)}


def test_feature_names_with_any_character_survive_the_file(tmp_path: Path) -> None:
    from tocsin.events.decision.model import EventModel, Head

    names = ["L1=\n\n", "w=attack", "s=a\tb"]
    w = np.arange(6, dtype=np.float32).reshape(3, 2)
    model = EventModel({n: i for i, n in enumerate(names)}, names,
                       Head(["NONE", "ASSAULT:None"], w, np.zeros(2, np.float32)),
                       Head(["0", "1"], w, np.zeros(2, np.float32)), {"what": "t"})
    model.save(tmp_path / "m.npz")
    again = load_model(tmp_path / "m.npz")
    assert again.names == names and again.rows(["w=attack"]) == [1]


def test_training_texts_are_valid_and_echo_no_acled_note() -> None:
    """Every training text checks out, and none shares a run of eight words with an ACLED
    note (the notes are evaluation data; an echo would leak them into the model)."""
    import subprocess
    import sys

    from tocsin.evaluate.common import eval_dir

    acled = eval_dir() / "acled"
    if not acled.is_dir():
        pytest.skip("the shared ACLED notes are not here")
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, str(root / "scripts" / "check_training.py"),
                           "--overlap", str(acled)], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stdout[-2000:]
    assert " 0 errors" in done.stdout


def test_test_texts_echo_no_acled_note() -> None:
    """Test texts are written here too: none shares a run of eight words with a note."""
    import re
    import sys

    from tocsin.evaluate.common import eval_dir

    acled = eval_dir() / "acled"
    if not acled.is_dir():
        pytest.skip("the shared ACLED notes are not here")
    root = Path(__file__).resolve().parents[1]
    sys.path.insert(0, str(root / "scripts"))
    from check_training import _runs, acled_runs

    notes = acled_runs(acled)
    echoes = {}
    for path in sorted([*(root / "tests").glob("*.py"), *(root / "tests" / "data").glob(
            "*.yaml")]):
        text = " ".join(re.findall(r'"((?:[^"\\]|\\.)*)"', path.read_text(encoding="utf-8")))
        shared = _runs(text) & notes
        if shared:
            echoes[path.name] = sorted(" ".join(r) for r in shared)[:3]
    assert not echoes
