"""Every demo article through `tocsin extract` gives valid contract JSON with exact spans."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import resources
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

DEMO = resources.files("tocsin") / "data" / "demo" / "articles.jsonl"
SCHEMA = json.loads((resources.files("tocsin") / "schema" / "extraction.schema.json")
                    .read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def outputs() -> list[dict[str, Any]]:
    res = subprocess.run([sys.executable, "-m", "tocsin", "extract", str(DEMO),
                          "--format", "jsonl", "--include-text"],
                         capture_output=True, timeout=600)
    assert res.returncode == 0, res.stderr.decode()[-2000:]
    return [json.loads(line) for line in res.stdout.decode().splitlines()]


def test_one_valid_object_per_demo_article(outputs: list[dict[str, Any]]) -> None:
    articles = [json.loads(x) for x in DEMO.read_text(encoding="utf-8").splitlines() if x]
    assert [o["doc"]["id"] for o in outputs] == [a["id"] for a in articles]
    validator = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)
    for obj in outputs:
        error = best_match(validator.iter_errors(obj))
        assert error is None, f"{obj['doc']['id']}: {error.message} at {list(error.path)}"


def test_spans_ids_and_references_are_consistent(outputs: list[dict[str, Any]]) -> None:
    for obj in outputs:
        text = obj["doc"]["text"]
        actor_ids = {a["id"] for a in obj["actors"]}
        place_ids = {p["id"] for p in obj["places"]}
        assert len(actor_ids) == len(obj["actors"])
        for item in obj["actors"] + obj["places"]:
            for m in item["mentions"]:
                assert text[m["start"]:m["end"]] == m["text"]
        for ev in obj["events"]:
            ev_text = text[ev["evidence"]["start"]:ev["evidence"]["end"]]
            assert ev_text == ev["evidence"]["sentence"]
            assert set(ev["source"]) <= actor_ids and set(ev["target"]) <= actor_ids
            assert ev["place"] is None or ev["place"] in place_ids
            if ev["date"]["start"]:
                assert ev["date"]["start"] <= ev["date"]["end"]
        for rel in obj["relations"]:
            assert {rel["subject"], rel["object"]} <= actor_ids
        assert obj["doc"]["pipeline"].startswith("tocsin ")


def test_demo_corpus_yields_the_events_analysts_expect(outputs: list[dict[str, Any]]) -> None:
    types = [e["type"] for o in outputs for e in o["events"]]
    assert types.count("ASSAULT") >= 20
    assert types.count("THREATEN") >= 8
    assert types.count("SANCTION") >= 2
    nujaba_threats = [e for o in outputs for e in o["events"]
                      if e["type"] == "THREATEN" and "nujaba" in e["source"]]
    assert len(nujaba_threats) >= 4
    assert all(e["modality"]["future"] for e in nujaba_threats)


def test_the_contract_page_is_the_schema() -> None:
    """docs/contract.md is generated from the JSON Schema: a schema change without the page
    fails here (run scripts/render_contract.py)."""
    import importlib.util
    import json
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    spec = importlib.util.spec_from_file_location("render_contract",
                                                  root / "scripts" / "render_contract.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    schema = json.loads((root / "src" / "tocsin" / "schema" / "extraction.schema.json")
                        .read_text(encoding="utf-8"))
    page = (root / "docs" / "contract.md").read_text(encoding="utf-8")
    assert page == mod.render(schema)
    assert "| `confidence` |" in page and "## event" in page
