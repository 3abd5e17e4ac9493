"""Common English words as KB aliases: never unrestricted ("It", "people"), and an
acronym spelled like one ("WHO", "US") names its actor only in that spelling."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tocsin.actors.kb import common_words, load_kb

KB_DIR = Path(__file__).resolve().parents[1] / "src" / "tocsin" / "data" / "kb"


def test_no_shipped_alias_is_an_unrestricted_common_word() -> None:
    # Reads the YAML itself: an entry adding "It" or "forces" as a plain alias fails here
    # even though the loader would drop it.
    common = common_words()
    assert {"it", "who", "people", "forces", "protesters", "demonstrators"} <= common
    bad = []
    for path in sorted(KB_DIR.glob("*.yaml")):
        if path.name == "countries.yaml":
            continue
        for entry in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            for alias in [entry.get("name", ""), *(entry.get("aliases") or [])]:
                if str(alias).strip().casefold() in common and not str(alias).isupper():
                    bad.append(f"{path.name}: {entry.get('id')}: {alias!r}")
    assert bad == [], "common words as unrestricted aliases (make them ambiguous_aliases " \
                      "or drop them): " + "; ".join(bad)


@pytest.mark.parametrize(("written", "actor", "found"), [
    ("WHO", "who", True), ("who", "who", False), ("Who", "who", False),
    ("US", "usa", True), ("us", "usa", False),
])
def test_acronyms_that_spell_common_words_are_case_bound(written: str, actor: str,
                                                         found: bool) -> None:
    kb = load_kb(user=False)
    assert (actor in {h.actor_id for h in kb.lookup(written)}) is found


def test_user_file_common_word_aliases_are_not_indexed(tmp_path: Path) -> None:
    extra = tmp_path / "mine.yaml"
    extra.write_text(yaml.safe_dump([{
        "id": "north-bank-brigade", "name": "North Bank Brigade", "type": "militia",
        "aliases": ["It", "people", "Forces", "NBB"]}]), encoding="utf-8")
    kb = load_kb(extra=[extra], user=False)
    for word in ("It", "it", "people", "Forces", "forces"):
        assert "north-bank-brigade" not in {h.actor_id for h in kb.lookup(word)}, word
    assert {h.actor_id for h in kb.lookup("NBB")} == {"north-bank-brigade"}
    assert {h.actor_id for h in kb.lookup("North Bank Brigade")} == {"north-bank-brigade"}
