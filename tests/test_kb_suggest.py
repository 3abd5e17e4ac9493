"""`tocsin kb suggest`: an unknown group seen in several reports gets a proposed entry."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

from tocsin.actors.kb import get_kb
from tocsin.analysis.kb_suggest import guess_type, suggest
from tocsin.model import Document
from tocsin.store import Store

REPORTS = [
    "The Saraya Thar al-Muhandis, a little-known faction close to Kataib Hezbollah, said "
    "it fired rockets at a US convoy near Baghdad on Monday.",
    "In a statement on Telegram, Saraya Thar al-Muhandis, which analysts link to Kataib "
    "Hezbollah, threatened more attacks on American forces in Iraq.",
    "Iraqi police in Basra said Saraya Thar al-Muhandis had claimed a roadside bomb that "
    "hit a logistics convoy on Thursday.",
]


def test_suggest_proposes_type_country_parent(pipeline: Any, tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    with Store(db) as store:
        for n, text in enumerate(REPORTS):
            store.add(pipeline.process(Document(text=text, id=f"r{n}",
                                                published=date(2020, 3, 20))))
        found = suggest(store, get_kb(), min_documents=2)
    names = {s.name: s for s in found}
    hit = next(s for n, s in names.items() if "Thar al-Muhandis" in n)
    assert hit.documents >= 2
    assert hit.type == "militia"
    assert hit.country == "IRQ"
    assert hit.parent == "kataib-hezbollah"
    assert hit.evidence and "Thar al-Muhandis" in hit.evidence[0]
    entry = hit.to_entry()
    assert entry["parents"] == ["kataib-hezbollah"] and entry["type"] == "militia"
    res = subprocess.run([sys.executable, "-m", "tocsin", "kb", "suggest", "--db", str(db),
                          "--json"], capture_output=True, timeout=300)
    assert res.returncode == 0, res.stderr.decode()
    rows = [json.loads(x) for x in res.stdout.decode().splitlines()]
    assert any("Thar al-Muhandis" in r["name"] for r in rows)


def test_type_cues() -> None:
    assert guess_type("Liwa Zulfiqar", "organization") == "militia"
    assert guess_type("Dijlah TV", "organization") == "media"
    assert guess_type("Nabil Hassan", "person") == "person"
