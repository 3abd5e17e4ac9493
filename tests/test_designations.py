"""Events filtered by who designated their source (`tocsin events --designated-by US`)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from tocsin.model import Document
from tocsin.store import Store

KH = ("Kataib Hezbollah fighters fired rockets at the K-1 base near Kirkuk on Friday, "
      "Iraqi officials said.")
SDF = ("Syrian Democratic Forces fighters attacked an Islamic State hideout near Deir "
       "ez-Zor on Friday, the group said.")
TEXT_DESIGNATION = ("The US Treasury sanctioned the Brigade of the Ninth Dawn on Monday. "
                    "The Brigade of the Ninth Dawn fired mortars at Camp Taji on Wednesday.")


def test_designated_by_filter_uses_kb_and_text(pipeline: Any, tmp_path: Path) -> None:
    store = Store(tmp_path / "d.duckdb")
    for n, text in enumerate((KH, SDF, TEXT_DESIGNATION)):
        store.add(pipeline.process(Document(text=text, id=f"d{n}",
                                            published=date(2019, 12, 28))))
    us = store.events(designated_by="US", type="ASSAULT")
    assert us, "no event by a US-designated actor"
    every = store.events(type="ASSAULT")
    assert len(us) < len(every)
    ids = set(store.designated_actors("US"))
    assert "kataib-hezbollah" in ids and "sdf" not in ids
    assert any(i.startswith("x:") for i in ids)  # designated in the text itself
    assert store.events(designated_by="Nobody At All") == []
    store.close()
