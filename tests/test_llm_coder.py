"""The optional LLM coder against a small local chat-completions server (no real model).

The server answers like a model would: the contract's JSON for the text it was sent, in a
```json fence, with deliberately wrong offsets, which the coder must find again.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from tocsin.llm import LLMCoder, LLMConfigError
from tocsin.model import Document, Extraction, InputError

SCHEMA = json.loads((Path(__file__).resolve().parents[1] / "src" / "tocsin" / "schema"
                     / "extraction.schema.json").read_text(encoding="utf-8"))

REPORT = ("KHARKIV, March 4 - Russian forces shelled a residential district of Kharkiv on "
          "Sunday, killing three civilians, the regional governor said. Ukraine's foreign "
          "ministry accused Moscow of deliberately targeting homes.\n")


def canned_reply(text: str) -> dict[str, Any]:
    """One ASSAULT whose evidence is the first sentence, with offsets that are all wrong."""
    first = re.split(r"(?<=[.!?])\s+", text.strip())[0]
    return {
        "actors": [
            {"id": "rus_forces", "name": "Russian forces", "type": "military",
             "country": "RUS", "in_kb": False,
             "mentions": [{"text": "Russian forces", "start": 500, "end": 514}]},
            {"id": "civilians", "name": "civilians", "type": "civilians", "country": "UKR",
             "in_kb": False, "mentions": [{"text": "civilians", "start": 3, "end": 9}]},
            {"id": "bad", "name": "No type", "type": "warlord", "country": None,
             "in_kb": False, "mentions": []},
        ],
        "places": [{"id": "geonames:706483", "name": "Kharkiv", "lat": 49.98, "lon": 36.25,
                    "country": "UKR", "admin1": "Kharkiv", "feature": "city",
                    "mentions": [{"text": "Kharkiv", "start": 0, "end": 7}]}],
        "events": [
            {"id": "e1", "type": "ASSAULT", "mode": "artillery", "cameo_root": "19",
             "source": ["rus_forces"], "target": ["civilians", "ghost"],
             "date": {"start": "2023-03-05", "end": "2023-03-05", "precision": "day",
                      "text": "on Sunday"},
             "place": "geonames:706483", "fatalities": 3,
             "modality": {"negated": False, "hypothetical": False, "future": False},
             "evidence": {"sentence": first, "start": 999, "end": 1200},
             "trigger": {"text": "shelled", "start": 1, "end": 2}, "confidence": 0.9},
            {"id": "e2", "type": "ACCUSE", "cameo_root": "11", "source": [], "target": [],
             "evidence": {"sentence": "A sentence the text does not contain.",
                          "start": 0, "end": 10}},
        ],
        "relations": [],
    }


# What the stand-in model answers at the decision seam: the act words it knows, and two
# items a careless model might add (a sentence that is not there, an unknown type).
KNOWN_ACTS = {"shelled": ("ASSAULT", "heavy-weapons"), "accused": ("ACCUSE", "blame-shifting")}


def labels(numbered: str) -> dict[str, Any]:
    events: list[dict[str, Any]] = []
    for line in numbered.splitlines():
        n, _, sentence = line.partition("] ")
        for word, (typ, mode) in KNOWN_ACTS.items():
            if word in sentence.split():
                events.append({"sentence": int(n.lstrip("[")), "trigger": word,
                               "type": typ, "mode": mode})
    if events:
        events += [{"sentence": 99, "trigger": "shelled", "type": "ASSAULT", "mode": None},
                   {"sentence": 1, "trigger": "shelled", "type": "WARLORD", "mode": None}]
    return {"events": events}


class ChatServer(ThreadingHTTPServer):
    requests: int = 0


class Handler(BaseHTTPRequestHandler):
    server: ChatServer

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        self.server.requests += 1
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        user = body["messages"][-1]["content"]
        if "SENTENCES:\n" in user:  # the question of the coder at the decision seam
            content = json.dumps(labels(user.split("SENTENCES:\n", 1)[1]))
        elif self.path.startswith("/bad/"):
            content = "I am sorry, I can only describe the events in words."
        elif self.path.startswith("/fail/"):
            self.send_response(503)
            self.end_headers()
            return
        else:
            text = user.split("TEXT:\n", 1)[1]
            content = "```json\n" + json.dumps(canned_reply(text), indent=1) + "\n```"
        data = json.dumps({"id": "x", "object": "chat.completion", "model": body["model"],
                           "choices": [{"index": 0, "finish_reason": "stop",
                                        "message": {"role": "assistant",
                                                    "content": content}}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[ChatServer]:
    srv = ChatServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def base(srv: ChatServer, prefix: str = "") -> str:
    return f"http://127.0.0.1:{srv.server_address[1]}{prefix}/v1"


def test_reply_becomes_valid_extraction_with_offsets_found_in_text(
        server: ChatServer, tmp_path: Path) -> None:
    coder = LLMCoder(url=base(server), model="test-model", cache_dir=tmp_path)
    ex = coder.process(Document(text=REPORT, published=date(2023, 3, 6)))
    assert isinstance(ex, Extraction)
    out = ex.to_json()
    Draft202012Validator(SCHEMA).validate(out)
    assert out["doc"]["pipeline"].endswith("llm:test-model")
    # The actor with an invalid type and the event whose evidence is not there are dropped.
    assert {a["id"] for a in out["actors"]} == {"rus_forces", "civilians"}
    assert [e["type"] for e in out["events"]] == ["ASSAULT"]
    assert any(n.startswith("dropped an invalid actor") and "warlord" in n for n in coder.notes)
    ev = out["events"][0]
    s, e = ev["evidence"]["start"], ev["evidence"]["end"]
    assert REPORT[s:e] == ev["evidence"]["sentence"]
    assert ev["evidence"]["sentence"].startswith("KHARKIV, March 4")
    assert REPORT[ev["trigger"]["start"]:ev["trigger"]["end"]] == "shelled"
    assert s <= ev["trigger"]["start"] < e
    assert ev["target"] == ["civilians"]  # the unknown id "ghost" is removed
    assert ev["place"] == "geonames:706483" and ev["fatalities"] == 3
    for actor in out["actors"] + out["places"]:
        for m in actor["mentions"]:
            assert REPORT[m["start"]:m["end"]] == m["text"]


def test_second_call_is_served_from_the_disk_cache(server: ChatServer, tmp_path: Path) -> None:
    coder = LLMCoder(url=base(server), model="test-model", cache_dir=tmp_path)
    doc = Document(text=REPORT, published=date(2023, 3, 6))
    first = coder.process(doc).to_json()
    seen = server.requests
    again = LLMCoder(url=base(server), model="test-model", cache_dir=tmp_path).process(doc)
    assert server.requests == seen
    assert again.to_json() == first
    assert len(list(tmp_path.glob("*.json"))) == 1
    # Another publication date is another question: it is asked.
    coder.process(Document(text=REPORT, published=date(2023, 3, 7)))
    assert server.requests == seen + 1


def test_malformed_reply_and_server_error_become_input_errors(
        server: ChatServer, tmp_path: Path) -> None:
    docs: list[Document | InputError] = [Document(text=REPORT, id="r1"),
                                         InputError("unreadable line 2", id="r2")]
    bad = list(LLMCoder(url=base(server, "/bad"), cache_dir=tmp_path).pipe(iter(docs)))
    assert isinstance(bad[0], InputError) and bad[0].id == "r1"
    assert "llm reply unusable" in bad[0].message and "no JSON object" in bad[0].message
    assert isinstance(bad[1], InputError) and bad[1].message == "unreadable line 2"
    assert not list(tmp_path.glob("*.json"))  # a bad reply is not cached
    down = list(LLMCoder(url=base(server, "/fail"), cache_dir=tmp_path).pipe(iter(docs[:1])))
    assert isinstance(down[0], InputError) and "503" in down[0].message


def test_missing_url_is_a_clear_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TOCSIN_LLM_URL", raising=False)
    with pytest.raises(LLMConfigError, match="TOCSIN_LLM_URL"):
        LLMCoder()


def test_cli_extract_with_llm_coder(server: ChatServer, tmp_path: Path) -> None:
    env = {**os.environ, "TOCSIN_LLM_URL": base(server), "TOCSIN_LLM_MODEL": "test-model",
           "TOCSIN_CACHE": str(tmp_path)}
    res = subprocess.run([sys.executable, "-m", "tocsin", "extract", "--coder",
                          "llm-document", "--published", "2023-03-06"],
                         input=REPORT.encode(), env=env, capture_output=True, timeout=120)
    assert res.returncode == 0, res.stderr.decode()
    out = json.loads(res.stdout)
    Draft202012Validator(SCHEMA).validate(out)
    assert out["doc"]["pipeline"].endswith("llm:test-model")
    assert [e["type"] for e in out["events"]] == ["ASSAULT"]
    assert list((tmp_path / "llm").glob("*.json"))
    env.pop("TOCSIN_LLM_URL")
    res = subprocess.run([sys.executable, "-m", "tocsin", "extract", "--coder", "llm"],
                         input=REPORT.encode(), env=env, capture_output=True, timeout=120)
    assert res.returncode == 2 and b"TOCSIN_LLM_URL" in res.stderr


def test_llm_decides_at_the_seam_the_pipeline_keeps_the_rest(
        server: ChatServer, tmp_path: Path) -> None:
    from tocsin.events.decision.coders import EventCoder
    from tocsin.llm.events import LLMEventCoder
    from tocsin.pipeline import Pipeline

    coder = LLMEventCoder(url=base(server), model="test-model", cache_dir=tmp_path)
    assert isinstance(coder, EventCoder)  # the interface of the rules and learned coders
    pipeline = Pipeline.load(coder=coder)
    out = pipeline.process(Document(text=REPORT, published=date(2023, 3, 6))).to_json()
    Draft202012Validator(SCHEMA).validate(out)
    assert out["doc"]["pipeline"].endswith("llm:test-model")
    by_type = {e["type"]: e for e in out["events"]}
    assert set(by_type) == {"ASSAULT", "ACCUSE"}
    shelling = by_type["ASSAULT"]
    assert shelling["mode"] == "heavy-weapons" and shelling["why"]["decided_by"] == "llm"
    assert shelling["why"]["llm"]["said"]["trigger"] == "shelled"
    assert REPORT[shelling["trigger"]["start"]:shelling["trigger"]["end"]] == "shelled"
    # Actors, roles, date and place are the pipeline's own, not the model's.
    names = {a["id"]: a["name"] for a in out["actors"]}
    assert any("Russia" in names[i] for i in shelling["source"])
    assert shelling["date"]["start"] == "2023-03-05"
    assert shelling["place"] is not None
    # The careless items are dropped with a reason each.
    assert any("no such sentence" in n for n in coder.notes)
    assert any("unknown type 'WARLORD'" in n for n in coder.notes)


def test_what_the_llm_does_not_name_is_no_event(server: ChatServer, tmp_path: Path,
                                                rules_pipeline: Any) -> None:
    from tocsin.llm.events import LLMEventCoder
    from tocsin.pipeline import Pipeline

    # The rules read an act here; the stand-in model names none, and the coder decides.
    text = "Hundreds of teachers marched to parliament in Nairobi on Tuesday over pay."
    assert rules_pipeline.process(Document(text=text)).events
    pipeline = Pipeline.load(coder=LLMEventCoder(url=base(server), model="test-model",
                                                 cache_dir=tmp_path))
    assert pipeline.process(Document(text=text)).events == []


def test_cli_extract_with_llm_at_the_seam(server: ChatServer, tmp_path: Path) -> None:
    env = {**os.environ, "TOCSIN_LLM_URL": base(server), "TOCSIN_LLM_MODEL": "test-model",
           "TOCSIN_CACHE": str(tmp_path)}
    res = subprocess.run([sys.executable, "-m", "tocsin", "extract", "--coder", "llm",
                          "--published", "2023-03-06"], input=REPORT.encode(), env=env,
                         capture_output=True, timeout=120)
    assert res.returncode == 0, res.stderr.decode()
    out = json.loads(res.stdout)
    assert out["doc"]["pipeline"].endswith("llm:test-model")
    assert {e["why"]["decided_by"] for e in out["events"]} == {"llm"}
