"""Word lists and code tables kept as data (data/lexicon/*.yaml, tocsin.lexicon_data).

Every list loads through its typed accessor, is non-empty and lowercase (the code compares
it with lowercased tokens and lemmas), no list is written twice (the same words under two
names or in two files), and no module in events/ or geo/ keeps an English word list of its
own instead of reading it from the data.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from tocsin import lexicon_data
from tocsin.lexicon import get_lexicon
from tocsin.lexicon_data import LexiconDataError, counts, load, ordered, table, words
from tocsin.model import PLACE_FEATURES, PLOVER_TYPES

SRC = Path(lexicon_data.__file__).resolve().parent
# The files written as flat word lists and tables for tocsin.lexicon_data.
FLAT_FILES = ("english", "roles", "cameo", "places", "place_names")
# Records, not word lists: trigger senses, mode cues and calibration bins.
NOT_WORD_LISTS = {("events", "triggers"), ("events", "modes"), ("confidence", "bins"),
                  ("actor_context", "classes"),  # tables of records, not word lists
                  ("actor_context", "acled_country_names")}  # ISO codes -> names
_CAMEO = re.compile(r"^(0[1-9]|1[0-9]|20)\d{1,2}$")
# Known slips in actor_nouns.yaml, left to the actors work that owns it (fixing the first
# changes behaviour and has to be measured): an unquoted `off` that YAML reads as False, so
# "off" is no locative preposition there, and "army" listed twice. Pinned exactly, so that
# any new slip fails.
KNOWN = {"actor_nouns:locative_preps": [False], "actor_nouns:state_nouns": ["army"]}


def _word_lists() -> dict[str, list[str]]:
    """Every word list in every lexicon file ("file:key" or "file:key.sub" -> items): the
    top-level lists and the lists one mapping down (actor_nouns' generic.civilians, ...);
    for a table, its keys."""
    out: dict[str, list[str]] = {}
    for name in lexicon_data.lexicon_files():
        for key, value in load(name).items():
            if (name, key) in NOT_WORD_LISTS:
                continue
            if isinstance(value, list):
                out[f"{name}:{key}"] = value
            elif isinstance(value, dict) and all(isinstance(v, list) for v in value.values()):
                out.update((f"{name}:{key}.{sub}", items) for sub, items in value.items())
            elif isinstance(value, dict):
                out[f"{name}:{key}"] = list(value)
    return out


def test_lexicon_files_found() -> None:
    names = lexicon_data.lexicon_files()
    assert set(FLAT_FILES) <= set(names)
    assert {"events", "modality", "actor_nouns"} <= set(names)


@pytest.mark.parametrize("name", FLAT_FILES)
def test_every_entry_loads_through_its_accessor(name: str) -> None:
    for key, value in load(name).items():
        if isinstance(value, list):
            assert ordered(name, key) and words(name, key) == frozenset(value)
        elif all(isinstance(v, int) for v in value.values()):
            assert counts(name, key) == value
        else:
            assert table(name, key) == value


def test_all_lexicon_files_parse_strictly() -> None:
    for name in lexicon_data.lexicon_files():
        assert load(name), name


def test_word_lists_are_non_empty_strings_without_repeats() -> None:
    problems = {}
    for where, items in _word_lists().items():
        assert items, f"{where} is empty"
        bad = [w for w in items if not (isinstance(w, str) and w and w.strip() == w)]
        bad += [w for w, n in Counter(items).items() if n > 1]
        if bad:
            problems[where] = bad
    assert problems == KNOWN


# Parts of names, compared case-folded and kept as written because they make surface forms.
CASED_NAME_PARTS = {"actor_nouns:country_force_words"}


def test_word_lists_are_lowercase() -> None:
    # The code compares these with token.lower_ or a lowercased lemma: a capital never matches.
    # The cameo tables are keyed by PLOVER types and checked below.
    for where, items in _word_lists().items():
        if where.startswith("cameo:") or where in CASED_NAME_PARTS:
            continue
        upper = [w for w in items if isinstance(w, str) and w != w.lower()]
        assert not upper, f"{where} has words that are not lowercase: {upper}"


def test_each_list_once() -> None:
    """The same words under two names (in one file or two) are one list written twice: the
    code should read the one list. Lists that differ, even slightly, are separate lists."""
    seen: dict[frozenset[str], str] = {}
    twice = []
    for where, items in _word_lists().items():
        key = frozenset(items)
        if key in seen and not where.startswith("cameo:"):
            twice.append((seen[key], where))
        seen.setdefault(key, where)
    assert not twice, f"word lists written twice: {twice}"


def test_tables_written_once() -> None:
    # cameo.yaml's tables share their keys (the cooperative types): compare whole tables.
    tables = [tuple(sorted(table("cameo", k).items())) for k in load("cameo")]
    assert len(tables) == len(set(tables))


def test_a_key_given_twice_is_refused() -> None:
    text = "report_nouns: [statement]\nother: [x]\nreport_nouns: [letter]\n"
    with pytest.raises(LexiconDataError, match="duplicate key 'report_nouns'"):
        yaml.load(text, Loader=lexicon_data._StrictLoader)  # noqa: S506


def test_unquoted_yaml_keywords_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    # "on" and "off" are booleans to YAML 1.1, 030 is a number: they must be quoted.
    fake = {"preps": ["in", True], "codes": {"AID": 33}, "nums": {"two": "2"}}
    monkeypatch.setattr(lexicon_data, "load", lambda name: fake)
    with pytest.raises(LexiconDataError, match="non-string"):
        words("x", "preps")
    with pytest.raises(LexiconDataError, match="non-string"):
        table("x", "codes")
    with pytest.raises(LexiconDataError, match="non-integer"):
        counts("x", "nums")
    with pytest.raises(LexiconDataError, match="has no 'missing'"):
        words("x", "missing")


def test_cameo_tables() -> None:
    modes = {t: {m for m, _ in get_lexicon().modes.get(t, ())} for t in PLOVER_TYPES}
    for key in load("cameo"):
        tab = table("cameo", key)
        if key == "coerce_threat_mode":
            assert set(tab) <= modes["COERCE"] and set(tab.values()) <= modes["THREATEN"]
            continue
        assert set(tab) <= set(PLOVER_TYPES), key
        if key.endswith("_cameo"):
            assert all(_CAMEO.match(code) for code in tab.values()), key
    assert set(table("cameo", "threat_mode").values()) <= modes["THREATEN"]
    assert set(table("cameo", "content_mode").values()) <= modes["REQUEST"] & modes["REJECT"]
    # the code of an intent (03), demand (10), appeal (02) or refusal (12) of an act
    for key, root in (("intent_cameo", "03"), ("demand_cameo", "10"), ("appeal_cameo", "02"),
                      ("reject_cameo", "12"), ("threat_cameo", "13")):
        assert all(c.startswith(root) for c in table("cameo", key).values()), key


def test_place_hints_are_known() -> None:
    hints = set(PLACE_FEATURES) | {"province", "district"}
    for key in ("after_cues", "facility_cues", "two_word_cues", "before_cues", "landmarks"):
        assert set(table("places", key).values()) <= hints, key
    assert all(len(k.split()) == 2 for k in table("places", "two_word_cues"))
    # "Of place_verbs, those that take a person as often as a place"
    assert words("places", "person_verbs") <= words("places", "place_verbs")


def test_gazetteer_build_hash_covers_the_name_lists(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    # The index keys are normalised with place_names.yaml: an edit to it must rebuild.
    from tocsin.geo import build

    before = build.build_hash()
    edited = tmp_path / "place_names.yaml"
    edited.write_bytes(build.NAMES_FILE.read_bytes() + b"\n# edited\n")
    monkeypatch.setattr(build, "NAMES_FILE", edited)
    assert build.build_hash() != before


# Structural vocabulary that may stay in code: spaCy dependency, entity and POS labels,
# PLOVER types, place features and hints, mention kinds.
_DEPS = {"acl", "acomp", "advcl", "advmod", "agent", "amod", "appos", "attr", "aux", "auxpass",
         "case", "cc", "ccomp", "compound", "conj", "csubj", "csubjpass", "dative", "dep", "det",
         "dobj", "expl", "intj", "mark", "meta", "neg", "nmod", "npadvmod", "nsubj", "nsubjpass",
         "nummod", "oprd", "parataxis", "pcomp", "pobj", "poss", "preconj", "predet", "prep",
         "prt", "punct", "quantmod", "relcl", "xcomp", "ROOT"}
_LABELS = {"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW",
           "LANGUAGE", "DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL",
           "VERB", "NOUN", "PROPN", "AUX", "ADJ", "ADV"}
_STRUCTURAL = (_DEPS | _LABELS | set(PLOVER_TYPES) | set(PLACE_FEATURES)
               | {"province", "district", "street", "kb", "anaphor", "ner", "generic"})
# Kept in code on purpose, with the reason.
_ALLOWED = {
    "lexicon.py:_SET_FIELDS", "lexicon.py:_BOOL_FIELDS", "lexicon.py:_KEYS",  # YAML schema
    "countries.py:KINDS",  # the kinds of country mention, a Literal's values
    "countries.py:_DATA_FILE",  # the path of the countries' data
    "resolve.py:_LIST_GAPS",  # the punctuation and conjunctions between listed places
    "component.py:_LOCAL_FEATURE",  # cue hint or entity label -> place feature
    "component.py:_STATE_TYPES",  # the contract's actor types of a state's own bodies
    "precision.py:ACLED_GEO_PRECISION",  # the precision vocabulary -> ACLED's codes
    "place_choice.py:REASONS",  # the event-place rules' names in the trace, and why
}


def _literal_strings(node: ast.expr) -> list[str] | None:
    """The string elements of a set/tuple/list/dict literal or a frozenset({...}) call."""
    if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "frozenset" and node.args:
        node = node.args[0]
    if isinstance(node, ast.Dict):
        elts: list[Any] = list(node.keys)
    elif isinstance(node, ast.Set | ast.Tuple | ast.List):
        elts = list(node.elts)
    else:
        return None
    if not elts or not all(isinstance(e, ast.Constant) and isinstance(e.value, str)
                           for e in elts):
        return None
    return [e.value for e in elts]


def test_no_word_list_left_in_code() -> None:
    """A module-level collection of English words or a CAMEO code table in events/ or geo/
    belongs in the lexicon data (events/decision/ is outside this rule for now; geo/build.py
    feeds the gazetteer's build hash and geo/imports.py holds GeoNames codes)."""
    files = [SRC / "lexicon.py", *(SRC / "events").glob("*.py")] + [
        p for p in (SRC / "geo").glob("*.py") if p.name not in {"build.py", "imports.py"}]
    assert len(files) > 10
    found = []
    for path in files:
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if not isinstance(node, ast.Assign | ast.AnnAssign) or node.value is None:
                continue
            target = node.targets[0] if isinstance(node, ast.Assign) else node.target
            name = f"{path.name}:{getattr(target, 'id', '?')}"
            strings = _literal_strings(node.value)
            if strings is None or name in _ALLOWED or len(strings) < 2:
                continue
            loose = [s for s in strings if s not in _STRUCTURAL]
            if isinstance(node.value, ast.Dict) and all(
                    isinstance(v, ast.Constant) and _CAMEO.match(str(v.value))
                    for v in node.value.values):
                loose = strings  # a CAMEO code table, keyed by event type
            if loose:
                found.append((name, loose[:5]))
    assert not found, f"word lists still in code (move them to data/lexicon): {found}"
