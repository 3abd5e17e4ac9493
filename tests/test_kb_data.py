"""Integrity checks on the shipped knowledge-base YAML files (src/tocsin/data/kb/).

Reads the files directly with yaml.safe_load, independent of the loader code, so that
a malformed entry is reported here with its file and id. ``countries.yaml`` has its own
schema (one entry per ISO3 code) and only contributes country ids and codes.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any

import pycountry
import pytest
import yaml

KB_DIR = Path(__file__).resolve().parents[1] / "src" / "tocsin" / "data" / "kb"
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
URL_RE = re.compile(r"^https?://[^\s/]+\.[^\s]+$")
TYPES = frozenset({
    "state", "government", "military", "police", "militia", "rebel", "party",
    "organization", "person", "civilians", "media", "unknown",
})
ROLE_TYPES = frozenset(
    {"leader_of", "deputy_of", "member_of", "spokesperson_of", "founded", "commander_of"}
)
MIN_ENTRIES = 300

Entry = tuple[str, dict[str, Any]]  # (file name, entry)


@lru_cache(maxsize=1)
def _load() -> tuple[tuple[Entry, ...], frozenset[str]]:
    """All actor entries, and the ISO3 codes declared by countries.yaml."""
    actors: list[Entry] = []
    declared: set[str] = set()
    for path in sorted(KB_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        assert isinstance(data, list), f"{path.name}: top level must be a list"
        for entry in data:
            assert isinstance(entry, dict), f"{path.name}: entry is not a mapping: {entry!r}"
            if "iso3" in entry and "id" not in entry:
                declared.add(str(entry["iso3"]).upper())
            else:
                actors.append((path.name, entry))
    return tuple(actors), frozenset(declared)


def _actors() -> tuple[Entry, ...]:
    return _load()[0]


def _iso3_codes() -> frozenset[str]:
    return frozenset(c.alpha_3 for c in pycountry.countries) | _load()[1]


def _where(fname: str, entry: dict[str, Any]) -> str:
    return f"{fname}: {entry.get('id')!r}"


def _date_bounds(value: Any) -> tuple[dt.date, dt.date] | None:
    """Earliest and latest day a partial ISO date can mean; None if malformed."""
    if isinstance(value, dt.date):
        return value, value
    m = DATE_RE.match(str(value))
    if not m:
        return None
    year = int(m.group(1))
    month = int(m.group(2)) if m.group(2) else None
    day = int(m.group(3)) if m.group(3) else None
    try:
        if month is None:
            return dt.date(year, 1, 1), dt.date(year, 12, 31)
        if day is None:
            last = calendar.monthrange(year, month)[1]
            return dt.date(year, month, 1), dt.date(year, month, last)
        exact = dt.date(year, month, day)
    except ValueError:
        return None
    return exact, exact


def test_kb_folder_has_actor_files() -> None:
    assert KB_DIR.is_dir()
    assert _actors(), "no actor entries found"


def test_required_fields_and_id_pattern() -> None:
    bad = []
    for fname, e in _actors():
        if not isinstance(e.get("id"), str) or not ID_RE.match(e["id"]):
            bad.append(f"{_where(fname, e)}: bad id")
        if not isinstance(e.get("name"), str) or not e["name"].strip():
            bad.append(f"{_where(fname, e)}: missing name")
        if e.get("type") not in TYPES:
            bad.append(f"{_where(fname, e)}: bad type {e.get('type')!r}")
    assert not bad, "\n".join(bad)


def test_ids_unique_across_files() -> None:
    counts = Counter(e.get("id") for _, e in _actors())
    dups = sorted(str(i) for i, n in counts.items() if n > 1)
    assert not dups, f"duplicate ids: {dups}"


def test_country_is_iso3_or_null() -> None:
    codes = _iso3_codes()
    bad = [
        f"{_where(f, e)}: country {e.get('country')!r}"
        for f, e in _actors()
        if e.get("country") is not None and e.get("country") not in codes
    ]
    assert not bad, "\n".join(bad)


def test_theatre_lists_iso3_codes() -> None:
    codes = _iso3_codes()
    bad = [
        f"{_where(f, e)}: theatre {e.get('theatre')!r}"
        for f, e in _actors()
        if not isinstance(e.get("theatre", []), list)
        or any(c not in codes for c in e.get("theatre", []))
    ]
    assert not bad, "\n".join(bad)


def test_list_fields_are_lists_of_strings() -> None:
    bad = []
    for fname, e in _actors():
        for key in ("aliases", "ambiguous_aliases", "parents", "allies", "sources"):
            value = e.get(key)
            if value is None:
                continue
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                bad.append(f"{_where(fname, e)}: {key} must be a list of strings")
    assert not bad, "\n".join(bad)


def test_references_exist() -> None:
    known = {str(e.get("id")) for _, e in _actors()} | {c.lower() for c in _iso3_codes()}
    bad = []
    for fname, e in _actors():
        refs = [*(e.get("parents") or []), *(e.get("allies") or [])]
        refs += [r.get("object") for r in e.get("roles") or [] if isinstance(r, dict)]
        bad += [f"{_where(fname, e)}: unknown reference {r!r}" for r in refs if r not in known]
        if e.get("id") in (e.get("parents") or []):
            bad.append(f"{_where(fname, e)}: is its own parent")
    assert not bad, "\n".join(bad)


def test_roles_well_formed_and_dated() -> None:
    bad = []
    for fname, e in _actors():
        roles = e.get("roles") or []
        if not isinstance(roles, list):
            bad.append(f"{_where(fname, e)}: roles must be a list")
            continue
        for r in roles:
            where = f"{_where(fname, e)} role {r!r}"
            if not isinstance(r, dict) or r.get("type") not in ROLE_TYPES:
                bad.append(f"{where}: bad role type")
                continue
            start, end = r.get("start"), r.get("end")
            sb = None if start is None else _date_bounds(start)
            eb = None if end is None else _date_bounds(end)
            if (start is not None and sb is None) or (end is not None and eb is None):
                bad.append(f"{where}: malformed date")
            elif sb and eb and sb[0] > eb[1]:
                bad.append(f"{where}: start after end")
    assert not bad, "\n".join(bad)


def test_designations_well_formed() -> None:
    bad = []
    for fname, e in _actors():
        for d in e.get("designations") or []:
            where = f"{_where(fname, e)} designation {d!r}"
            if not isinstance(d, dict) or not d.get("authority"):
                bad.append(f"{where}: missing authority")
            elif d.get("date") is not None and _date_bounds(d["date"]) is None:
                bad.append(f"{where}: malformed date")
    assert not bad, "\n".join(bad)


def test_every_entry_has_a_source_url() -> None:
    bad = []
    for fname, e in _actors():
        sources = e.get("sources") or []
        if not sources:
            bad.append(f"{_where(fname, e)}: no sources")
        bad += [f"{_where(fname, e)}: bad URL {s!r}" for s in sources
                if not URL_RE.match(str(s))]
    assert not bad, "\n".join(bad)


def test_no_alias_duplicated_within_an_entry() -> None:
    bad = []
    for fname, e in _actors():
        names = [e.get("name"), *(e.get("aliases") or []), *(e.get("ambiguous_aliases") or [])]
        counts = Counter(str(n).strip().casefold() for n in names if n)
        dups = sorted(n for n, c in counts.items() if c > 1)
        if dups:
            bad.append(f"{_where(fname, e)}: repeated names {dups}")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("fname", ["iraq_groups.yaml", "iraq_people.yaml",
                                   "iraq_state.yaml", "iran.yaml"])
def test_iraq_iran_files_present(fname: str) -> None:
    assert any(f == fname for f, _ in _actors()), f"{fname} missing or empty"


def test_key_iraq_iran_facts() -> None:
    by_id = {e["id"]: e for _, e in _actors()}
    for required in ("pmu", "kataib-hezbollah", "nujaba", "asaib-ahl-al-haq", "badr",
                     "kataib-sayyid-al-shuhada", "saraya-al-salam", "irgc", "irgc-qf",
                     "irgc-af", "muhandis", "soleimani", "qaani", "kaabi", "khazali"):
        assert required in by_id, required
    assert "pmu" in by_id["nujaba"]["parents"]
    assert "irgc" in by_id["irgc-qf"]["parents"]
    soleimani = {(r["type"], r["object"]): r for r in by_id["soleimani"]["roles"]}
    assert soleimani[("commander_of", "irgc-qf")]["end"] == "2020-01-03"
    qaani = {(r["type"], r["object"]): r for r in by_id["qaani"]["roles"]}
    assert qaani[("commander_of", "irgc-qf")]["start"] == "2020-01-03"
    kh = {d["programme"]: d["date"] for d in by_id["kataib-hezbollah"]["designations"]}
    assert kh["FTO"] == "2009-07-02"


def test_enough_entries_overall() -> None:
    # Fails until every KB writer has finished; that is expected during development.
    assert len(_actors()) >= MIN_ENTRIES, f"only {len(_actors())} entries"
