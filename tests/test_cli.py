"""`tocsin extract` as a user runs it: files, stdin, JSONL, bad input, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ARTICLE = ("Rockets hit the K-1 base near Kirkuk on Friday, killing a US contractor and "
           "wounding several American and Iraqi service members, officials said.\n")


def tocsin(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "tocsin", *args], input=stdin,
                          capture_output=True, timeout=300)


def test_extract_text_file(tmp_path: Path) -> None:
    f = tmp_path / "article.txt"
    f.write_text(ARTICLE, encoding="utf-8")
    res = tocsin("extract", str(f), "--published", "2019-12-28")
    assert res.returncode == 0, res.stderr.decode()
    out = json.loads(res.stdout)
    assert out["doc"]["published"] == "2019-12-28"
    ev = [e for e in out["events"] if e["type"] == "ASSAULT"]
    assert ev and ev[0]["date"]["start"] == "2019-12-27"
    assert ev[0]["fatalities"] == 1


def test_jsonl_with_bad_lines_reports_each_and_goes_on(tmp_path: Path) -> None:
    f = tmp_path / "corpus.jsonl"
    good = {"id": "a1", "text": ARTICLE, "published": "2019-12-28", "source": "Tigris Wire"}
    f.write_text("\n".join([json.dumps(good), "{not json", json.dumps({"id": "e1"}),
                            json.dumps({"id": "e2", "text": "   "}),
                            json.dumps({**good, "id": "a2"})]) + "\n", encoding="utf-8")
    res = tocsin("extract", str(f), "--format", "jsonl")
    assert res.returncode == 1
    lines = [json.loads(x) for x in res.stdout.decode().splitlines()]
    assert len(lines) == 5
    assert [("error" in x) for x in lines] == [False, True, True, True, False]
    assert "malformed JSON" in lines[1]["error"]
    assert "neither a 'text' nor an 'html'" in lines[2]["error"]
    assert "empty" in lines[3]["error"]
    assert lines[4]["doc"]["id"] == "a2" and lines[4]["doc"]["source"] == "Tigris Wire"


def test_binary_and_undecodable_inputs_fail_clearly(tmp_path: Path) -> None:
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Caf\xe9 attack".encode("latin-1"))
    good = tmp_path / "good.txt"
    good.write_text(ARTICLE, encoding="utf-8")
    res = tocsin("extract", str(binary), str(latin), str(good), "--format", "jsonl")
    assert res.returncode == 1
    lines = [json.loads(x) for x in res.stdout.decode().splitlines()]
    assert "binary" in lines[0]["error"]
    assert "UTF-8" in lines[1]["error"]
    assert "error" not in lines[2] and lines[2]["events"]


def test_html_on_stdin() -> None:
    html = ("<html><head><title>Strike near Baghdad</title></head><body><nav>Home | World"
            "</nav><article><h1>Strike near Baghdad</h1><p>" + ARTICLE + "</p><p>The "
            "Pentagon blamed Kataib Hezbollah for the attack, which it said was the "
            "eleventh on bases hosting coalition troops in two months.</p></article>"
            "<footer>Copyright</footer></body></html>")
    res = tocsin("extract", "-", "--published", "2019-12-28", "--include-text",
                 stdin=html.encode())
    assert res.returncode == 0, res.stderr.decode()
    out = json.loads(res.stdout)
    assert "Home | World" not in out["doc"]["text"]
    assert "kataib-hezbollah" in {a["id"] for a in out["actors"]}
    for a in out["actors"]:
        for m in a["mentions"]:
            assert out["doc"]["text"][m["start"]:m["end"]] == m["text"]


def test_usage_error_exit_code() -> None:
    res = tocsin("extract", "--published", "yesterday")
    assert res.returncode == 2
