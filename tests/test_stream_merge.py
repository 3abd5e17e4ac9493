"""One event, one record (issue 17): a stream of notes written for the purpose
(tests/data/stream_notes.yaml), each a distinct event, some told again by a second outlet,
ingested in date order into one store. Stored events joining notes of different events
are at most 2% of the events with several reports, no distinct note is marked a
duplicate, and most second tellings still join their event.

The stream puts two attacks by one group in two villages of one district on one day again
and again: the villages are invented, so both fall back to the district's point, and only
the place as the texts name it tells them apart (store/spots.py)."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from tocsin.model import Document, Extraction
from tocsin.store import Store

DATA = yaml.safe_load((Path(__file__).parent / "data" / "stream_notes.yaml").read_text(
    encoding="utf-8"))
DAYS = 45
START = date(2021, 3, 1)


def _stream(seed: int = 17) -> list[tuple[str, str, date, str]]:
    """(doc id "e<event>-<a|b>", text, event day, outlet), in date order. Each day: two
    attacks in two villages of one district, one attack elsewhere, and a protest or an
    arrest; one attack in three is told again by a second outlet."""
    rng = random.Random(seed)
    notes: list[tuple[str, str, date, str]] = []
    n_event = 0

    def add(text: str, day: date, retell: str | None = None) -> None:
        nonlocal n_event
        notes.append((f"e{n_event:03d}-a", text, day, "Stream Wire"))
        if retell is not None:
            notes.append((f"e{n_event:03d}-b", retell, day, "Other Paper"))
        n_event += 1

    for d in range(DAYS):
        day = START + timedelta(days=d)
        when = f"{day.day} {day:%B %Y}"
        twin_place, other = rng.sample(DATA["districts"], 2)
        villages = rng.sample(twin_place["villages"], 2)
        attacks = [(twin_place, villages[0]), (twin_place, villages[1]),
                   (other, rng.choice(other["villages"]))]
        # The two attacks in one district are told alike: one template, close tolls.
        template = rng.choice(DATA["attacks"])
        tolls = rng.sample(range(2, 9), 2)
        for i, (place, village) in enumerate(attacks):
            slots = {"date": when, "village": village, "district": place["district"],
                     "province": place["province"], "actor": place["actor"],
                     "n": tolls[i] if i < 2 else rng.randrange(2, 12)}
            text = (template if i < 2 else rng.choice(DATA["attacks"])).format(**slots)
            retell = None
            if rng.random() < 1 / 3:
                retell = rng.choice(DATA["retellings"]).format(**slots)
            add(_capital(text), day, _capital(retell) if retell else None)
        town = rng.choice(DATA["towns"])
        kind = DATA["protests"] if d % 2 else DATA["arrests"]
        add(rng.choice(kind).format(date=when, town=town, n=rng.randrange(2, 30)), day)
    return notes


def _capital(text: str) -> str:
    return text[0].upper() + text[1:]


def _figures(store: Store) -> dict[str, Any]:
    events_of: dict[str, set[str]] = defaultdict(set)
    reports: dict[str, int] = defaultdict(int)
    for event_id, doc_id in store.con.execute(
            "SELECT event_id, doc_id FROM event_mentions").fetchall():
        events_of[event_id].add(doc_id.split("-")[0])
        reports[event_id] += 1
    multi = [e for e, n in reports.items() if n >= 2]
    conflated = [e for e in multi if len(events_of[e]) >= 2]
    dups = store.con.execute("SELECT count(*) FROM documents WHERE duplicate_of IS NOT NULL"
                             ).fetchone()
    joined = store.con.execute(
        """SELECT count(DISTINCT split_part(a.doc_id, '-', 1)) FROM event_mentions a
           JOIN event_mentions b ON a.event_id = b.event_id
           WHERE a.doc_id LIKE '%-a' AND b.doc_id = replace(a.doc_id, '-a', '-b')"""
    ).fetchone()
    return {"multi": len(multi), "conflated": len(conflated),
            "duplicates": dups[0] if dups else -1, "retellings_joined": joined[0] if joined
            else -1}


@pytest.fixture(scope="module")
def stream(pipeline: Any, tmp_path_factory: pytest.TempPathFactory
           ) -> tuple[list[tuple[str, str, date, str]], dict[str, Any], Path]:
    notes = _stream()
    docs = [Document(text=t, id=i, published=day + timedelta(days=1), source=outlet)
            for i, t, day, outlet in notes]
    path = tmp_path_factory.mktemp("stream") / "stream.duckdb"
    with Store(path) as store:
        for ext in pipeline.pipe(docs):
            assert isinstance(ext, Extraction)
            assert store.add(ext).status == "added", ext.doc.id
        figures = _figures(store)
    return notes, figures, path


def test_stream_is_sized_and_traps_are_set(
        stream: tuple[list[tuple[str, str, date, str]], dict[str, Any], Path]) -> None:
    notes, _, _ = stream
    assert 200 <= len(notes) <= 400
    assert len({t for _, t, _, _ in notes}) == len(notes)  # every note its own text


def test_no_distinct_note_is_a_duplicate(
        stream: tuple[list[tuple[str, str, date, str]], dict[str, Any], Path]) -> None:
    assert stream[1]["duplicates"] == 0


def test_different_events_are_not_joined(
        stream: tuple[list[tuple[str, str, date, str]], dict[str, Any], Path]) -> None:
    figures = stream[1]
    assert figures["multi"] >= 20, figures
    assert figures["conflated"] <= 0.02 * figures["multi"], figures


def test_second_tellings_join_their_event(
        stream: tuple[list[tuple[str, str, date, str]], dict[str, Any], Path]) -> None:
    notes, figures, _ = stream
    told_twice = sum(1 for i, *_ in notes if i.endswith("-b"))
    assert told_twice >= 20
    assert figures["retellings_joined"] >= 0.7 * told_twice, (figures, told_twice)


def test_why_two_villages_stay_apart_is_shown(
        stream: tuple[list[tuple[str, str, date, str]], dict[str, Any], Path]) -> None:
    """A report founding its own event beside another of its district names the reason:
    the two places the texts name."""
    with Store(stream[2]) as store:
        reasons = [r[0] for r in store.con.execute(
            "SELECT merge_reason FROM event_mentions WHERE merge_reason LIKE "
            "'%different places named in the texts%'").fetchall()]
    assert reasons
