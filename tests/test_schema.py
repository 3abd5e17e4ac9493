"""The JSON Schema of the `tocsin extract` contract, and the bundled demo corpus."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from tocsin.model import (
    UNKNOWN_TIME,
    Actor,
    Document,
    Event,
    Evidence,
    Extraction,
    InputError,
    Modality,
    Place,
    Relation,
    Span,
    TimeValue,
    error_json,
)

Json = dict[str, Any]


@cache
def _schema() -> Json:
    path = resources.files("tocsin") / "schema" / "extraction.schema.json"
    loaded: Json = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def _validator() -> Draft202012Validator:
    # The format checker makes "format": "date" reject impossible dates such as 2020-02-30.
    return Draft202012Validator(_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)


def _errors(obj: Any) -> list[str]:
    return [e.message for e in _validator().iter_errors(obj)]


# The example object of CONTRACT.md, with its elided values filled in.
CONTRACT_EXAMPLE: Json = {
    "doc": {"id": "3f1c9a0e5b7d2c4a", "title": None, "published": "2020-02-03",
            "source": None, "url": None, "pipeline": "tocsin 0.3.0"},
    "actors": [
        {"id": "nujaba", "name": "Harakat Hezbollah al-Nujaba", "type": "militia",
         "country": "IRQ", "in_kb": True,
         "mentions": [{"text": "Nujaba", "start": 812, "end": 818}]}
    ],
    "places": [
        {"id": "geonames:94787", "name": "Kirkuk", "lat": 35.4681, "lon": 44.3922,
         "country": "IRQ", "admin1": "Kirkuk", "feature": "city",
         "mentions": [{"text": "Kirkuk", "start": 220, "end": 226}]}
    ],
    "events": [
        {"id": "9b2e41d07c6a5f38", "type": "ASSAULT", "mode": "aerial", "cameo_root": "19",
         "source": ["usa"], "target": ["soleimani", "muhandis"],
         "date": {"start": "2020-01-03", "end": "2020-01-03", "precision": "day",
                  "text": "early on Friday"},
         "place": "geonames:98182", "fatalities": 2,
         "modality": {"negated": False, "hypothetical": False, "future": False},
         "evidence": {"sentence": "A US drone strike near the airport killed Soleimani and "
                                  "al-Muhandis early on Friday.", "start": 1630, "end": 1780},
         "confidence": 0.87}
    ],
    "relations": [
        {"type": "leader_of", "subject": "kaabi", "object": "nujaba",
         "evidence": {"sentence": "Nujaba's secretary-general, Akram al-Kaabi, said the group "
                                  "would respond.", "start": 700, "end": 790}}
    ],
}


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    Draft202012Validator.check_schema(_schema())
    assert _schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_contract_example_validates() -> None:
    assert _errors(CONTRACT_EXAMPLE) == []


def test_model_fields_beyond_the_contract_validate() -> None:
    obj = copy.deepcopy(CONTRACT_EXAMPLE)
    obj["doc"]["text"] = "..."
    obj["places"][0]["confidence"] = 0.9
    ev = obj["events"][0]
    ev["injuries"] = None
    ev["trigger"] = {"text": "strike", "start": 1641, "end": 1647}
    ev["date"]["rule"] = "weekday_before_published"
    ev["modality"].update({"claimed": True, "denied": False, "claimant": "usa"})
    obj["relations"][0]["start"] = "2013-06-01"
    obj["relations"].append({"type": "fired_from", "subject": "a", "object": "b",
                             "evidence": {"sentence": "s", "start": 0, "end": 1}})
    assert _errors(obj) == []


def _drop_pipeline(o: Json) -> None:
    del o["doc"]["pipeline"]


def _set(path: str, value: Any) -> Callable[[Json], None]:
    """A mutation that sets one nested field; numeric parts index lists."""

    def mutate(o: Json) -> None:
        *head, last = path.split(".")
        cur: Any = o
        for part in head:
            cur = cur[int(part)] if part.isdigit() else cur[part]
        cur[int(last) if last.isdigit() else last] = value

    return mutate


BROKEN: dict[str, Callable[[Json], None]] = {
    "missing doc.pipeline": _drop_pipeline,
    "event type outside PLOVER": _set("events.0.type", "ATTACK"),
    "lower-case event type": _set("events.0.type", "assault"),
    "bad precision": _set("events.0.date.precision", "decade"),
    "negative mention offset": _set("actors.0.mentions.0.start", -1),
    "negative evidence offset": _set("events.0.evidence.end", -5),
    "offset as text": _set("places.0.mentions.0.end", "226"),
    "cameo root 21": _set("events.0.cameo_root", "21"),
    "cameo root without zero": _set("events.0.cameo_root", "9"),
    "alpha-2 country": _set("actors.0.country", "IQ"),
    "actor type outside the list": _set("actors.0.type", "terrorist"),
    "place feature outside the list": _set("places.0.feature", "town"),
    "non-numeric geonames id": _set("places.0.id", "geonames:kirkuk"),
    "day precision without a start": _set("events.0.date.start", None),
    "impossible date": _set("events.0.date.end", "2020-02-30"),
    "negative fatalities": _set("events.0.fatalities", -1),
    "fatalities as text": _set("events.0.fatalities", "two"),
    "modality flag as string": _set("events.0.modality.future", "no"),
    "relation type not snake_case": _set("relations.0.type", "Leader Of"),
    "source not a list": _set("events.0.source", "usa"),
    "confidence above one": _set("events.0.confidence", 1.5),
    "latitude out of range": _set("places.0.lat", 135.4),
    "in_kb as string": _set("actors.0.in_kb", "true"),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_objects_fail(name: str) -> None:
    obj = copy.deepcopy(CONTRACT_EXAMPLE)
    BROKEN[name](obj)
    assert _errors(obj), f"{name} should not validate"


@pytest.mark.parametrize("key", ["doc", "actors", "places", "events", "relations"])
def test_each_top_level_field_is_required(key: str) -> None:
    obj = copy.deepcopy(CONTRACT_EXAMPLE)
    del obj[key]
    assert _errors(obj)


def test_unknown_date_may_be_null_but_known_may_not() -> None:
    obj = copy.deepcopy(CONTRACT_EXAMPLE)
    obj["events"][0]["date"] = {"start": None, "end": None, "precision": "unknown", "text": None}
    assert _errors(obj) == []
    obj["events"][0]["date"]["precision"] = "month"
    assert _errors(obj)


def test_error_line_validates_and_is_exclusive() -> None:
    line = {"doc": {"id": "doc-7", "title": None, "published": None, "source": "feed.jsonl",
                    "url": None},
            "error": "line 7: not valid JSON (Expecting ',' delimiter)"}
    assert _errors(line) == []
    assert _errors({**line, "error": ""})
    assert _errors({"doc": line["doc"]})
    # A line carrying "error" is an error line, never an extraction, whatever else it holds.
    both = {**CONTRACT_EXAMPLE, "error": "boom"}
    only_extraction = {"$defs": _schema()["$defs"], "$ref": "#/$defs/extraction"}
    assert list(Draft202012Validator(only_extraction).iter_errors(both))
    assert _errors(both) == []


def test_model_error_json_validates() -> None:
    err = InputError("could not extract main text from HTML", id="page-3",
                     url="https://example.org/a")
    assert _errors(error_json(err)) == []
    assert _errors(error_json(InputError("empty input"))) == []


def _span(text: str, word: str) -> Span:
    start = text.index(word)
    return Span(word, start, start + len(word))


def _model_extraction() -> Extraction:
    text = ("BAGHDAD, Jan. 3 — A US drone strike near Baghdad airport killed Qasem Soleimani "
            "early on Friday. Nujaba threatened to respond.")
    cut = text.index(" Nujaba")
    first, second = Evidence(text[:cut], 0, cut), Evidence(text[cut + 1:], cut + 1, len(text))
    doc = Document(text=text, title="Strike", published=date(2020, 1, 3), source="Tigris Wire")
    usa = Actor("usa", "United States", "state", "USA", True, [_span(text, "US")])
    nujaba = Actor("nujaba", "Harakat Hezbollah al-Nujaba", "militia", "IRQ", True,
                   [_span(text, "Nujaba")])
    unknown = Actor("a1b2c3", "unidentified gunmen", "unknown", None, False)
    baghdad = Place("geonames:98182", "Baghdad", 33.34058, 44.40088, "IRQ", "Baghdad", "city",
                    [_span(text, "Baghdad")], confidence=0.8)
    day = TimeValue(date(2020, 1, 3), date(2020, 1, 3), "day", "early on Friday", "weekday")
    strike = Event("e1", "ASSAULT", "aerial", "19", ["usa"], [], day, baghdad.id, 1,
                   Modality(), first, 0.9, trigger=_span(text, "strike"))
    threat = Event("e2", "THREATEN", None, "13", ["nujaba"], ["usa"], UNKNOWN_TIME, None, None,
                   Modality(future=True, claimed=True, claimant="nujaba"), second, 0.6)
    rel = Relation("fighting", "nujaba", "usa", second)
    return Extraction(doc, "tocsin test", [usa, nujaba, unknown], [baghdad], [strike, threat],
                      [rel])


def test_model_extraction_to_json_validates() -> None:
    ext = _model_extraction()
    assert _errors(ext.to_json()) == []
    assert _errors(ext.to_json(include_text=True)) == []
    # A round trip through JSON text must not change the verdict.
    assert _errors(json.loads(json.dumps(ext.to_json()))) == []


# --- the bundled demo corpus ------------------------------------------------------------

DEMO_FIELDS = {"id", "title", "published", "source", "url", "text"}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@cache
def _demo_lines() -> tuple[str, ...]:
    path = resources.files("tocsin") / "data" / "demo" / "articles.jsonl"
    return tuple(ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip())


def _demo() -> list[Json]:
    return [json.loads(ln) for ln in _demo_lines()]


def test_demo_corpus_has_enough_articles() -> None:
    assert len(_demo_lines()) >= 25


def test_demo_articles_parse_and_have_required_fields() -> None:
    for n, line in enumerate(_demo_lines(), 1):
        art = json.loads(line)
        assert isinstance(art, dict), f"line {n} is not an object"
        assert set(art) >= DEMO_FIELDS, f"line {n} lacks {DEMO_FIELDS - set(art)}"
        assert re.fullmatch(r"demo-\d{3}", art["id"]), art["id"]
        for key in ("title", "source", "text"):
            assert isinstance(art[key], str) and art[key].strip(), f"{art['id']}: {key}"
        assert art["url"] is None or isinstance(art["url"], str)


def test_demo_dates_are_valid_iso_dates() -> None:
    for art in _demo():
        assert ISO_DATE.fullmatch(art["published"]), art["id"]
        published = date.fromisoformat(art["published"])
        assert date(2019, 1, 1) <= published <= date(2020, 12, 31), art["id"]


def test_demo_article_lengths() -> None:
    for art in _demo():
        words = len(art["text"].split())
        assert 100 <= words <= 400, f"{art['id']} has {words} words"


def test_demo_ids_are_unique() -> None:
    ids = [art["id"] for art in _demo()]
    assert len(ids) == len(set(ids))


def test_demo_escalation_thread_precedes_an_attack() -> None:
    # Nujaba items across four weeks before the rocket attack of the fifth (2020-02-10..16).
    thread = [a for a in _demo()
              if "Nujaba" in a["text"] and "2020-01-13" <= a["published"] <= "2020-02-09"]
    weeks = {date.fromisoformat(a["published"]).isocalendar()[1] for a in thread}
    assert len(thread) >= 6 and len(weeks) == 4
    attack = [a for a in _demo() if "2020-02-10" <= a["published"] <= "2020-02-16"
              and "rocket" in a["text"].lower() and "Nujaba" in a["text"]]
    assert attack, "no rocket attack article in the fifth week"
