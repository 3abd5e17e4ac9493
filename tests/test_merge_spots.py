"""The place as a report's text names it (store/spots.py) and the checks of issue 17 that
read it: two names at one point are two places, a toll that contradicts is a doubt, and
an outlet's two texts with other words are two reports, never duplicates."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tocsin.model import Document, Event, Evidence, Modality, Place, Span, TimeValue
from tocsin.store import Store
from tocsin.store.merge import EventView, MergeRules, alike, check, tolls_contradict
from tocsin.store.spots import document_spots, spots


def _place(pid: str, name: str, text: str, precision: str, feature: str = "city") -> Place:
    mentions = []
    at = text.find(name)
    while at >= 0:
        mentions.append(Span(name, at, at + len(name)))
        at = text.find(name, at + 1)
    return Place(pid, name, 1.0, 2.0, "KEN", None, feature, mentions, precision=precision)


def _event(text: str, place: str, start: int = 0, end: int | None = None) -> Event:
    return Event("e", "ASSAULT", None, "18", [], [], TimeValue(None, None, "unknown"), place,
                 None, Modality(), Evidence(text[start:end], start, end or len(text)), 0.9)


@pytest.mark.parametrize(("text", "name", "precision", "expected"), [
    ("Gunmen raided Kalongwe (Mwingi, Kitui) on Monday.", "Mwingi", "town", {"kalongwe"}),
    # A village in front of a district and a county: the name before the bracket.
    ("Gunmen raided Kalongwe (Mwingi, Kitui) on Monday.", "Kitui", "admin1", {"kalongwe"}),
    # A spelling given in brackets is skipped over.
    ("Gunmen raided Kalongwe (Kalongwa) (Mwingi) on Monday.", "Mwingi", "town",
     {"kalongwe"}),
    ("Gunmen attacked Bula Sheikh, Mwingi district, on Monday.", "Mwingi", "admin2",
     {"bula sheikh"}),
    # A comma before a town is a list or a clause, not a village in it.
    ("Gunmen attacked Bula Sheikh, Mwingi and Kitui on Monday.", "Mwingi", "town", set()),
    ("Gunmen attacked Kurya in Shinkafi on Monday.", "Shinkafi", "town", {"kurya"}),
    ("Gunmen attacked Kurya village near Shinkafi.", "Shinkafi", "town", {"kurya"}),
    # "a Karen village" says who lives there: no village's name
    ("Soldiers burned a Karen village near Kalay on Monday.", "Kalay", "town", set()),
    ("Attackers hit Mogadishu-Hodan on Monday.", "Mogadishu", "town", {"hodan"}),
    # Containers are walked back over to the village written in front of them.
    ("Soldiers burned Htan Pin village in Kalay Township (Kalay, Sagaing) on Monday.",
     "Kalay", "admin2", {"htan pin"}),
    ("Soldiers burned Htan Pin village, in Kalay Township, Sagaing, on Monday.",
     "Sagaing", "admin1", {"htan pin"}),
    # A sentence's capitalised first word is no name.
    ("Residents in Shinkafi fled on Monday.", "Shinkafi", "town", set()),
    # Date words and openers name no place; nor does the place's own name.
    ("On Monday, Mwingi residents fled an attack.", "Mwingi", "admin2", set()),
    ("On 3 May 2021, Mwingi was attacked.", "Mwingi", "admin2", set()),
    ("Gunmen attacked Mwingi (Mwingi, Kitui).", "Mwingi", "admin2", set()),
    ("Gunmen attacked the market in Mwingi on Monday.", "Mwingi", "town", set()),
])
def test_spot_is_the_name_written_in_front_of_the_place(
        text: str, name: str, precision: str, expected: set[str]) -> None:
    place = _place("p", name, text, precision)
    assert spots(_event(text, "p"), {"p": place}, [], text) == expected


def test_a_recognised_place_in_front_is_no_spot() -> None:
    text = "Gunmen raided Kalongwe (Mwingi, Kitui) on Monday."
    places = {"p": _place("p", "Mwingi", text, "town"),
              "k": _place("k", "Kalongwe", text, "village", "village")}
    assert spots(_event(text, "p"), places, [], text) == set()


def test_a_place_without_a_point_takes_the_village_its_sentence_names() -> None:
    """A report placed at a name the gazetteer lacks ("a Karen village"), whose sentence
    writes a village in front of a district, is about that village."""
    text = "In Htan Pin village (Kalay, Sagaing), soldiers burned a Karen village."
    places = {"d": _place("d", "Kalay", text, "admin2", "admin2"),
              "local:adm1:X:karen": _place("local:adm1:X:karen", "Karen", text, "admin1",
                                           "village")}
    ev = _event(text, "local:adm1:X:karen")
    assert spots(ev, places, [], text) == {"htan pin"}
    # A gazetteer place of its own keeps its own name.
    places["t"] = _place("t", "Karen", text, "town", "city")
    assert spots(_event(text, "t"), places, [], text) == set()


def test_a_later_sentence_keeps_the_spot_of_its_place() -> None:
    text = "Gunmen raided Kalongwe (Mwingi, Kitui) on Monday. They also burned a car."
    places = {"p": _place("p", "Mwingi", text, "town")}
    cut = text.index("They")
    events = [_event(text, "p", 0, cut - 1), _event(text, "p", cut)]
    assert document_spots(events, places, [], text) == [{"kalongwe"}, {"kalongwe"}]


def _view(vid: str, place: str, spots_: set[str], doc: str, toll: int | None = None,
          sources: set[str] | None = None) -> EventView:
    """A report by Al-Shabaab against the police (or by `sources`, against civilians)."""
    d = date(2021, 5, 3)
    return EventView(vid, "ASSAULT", False, False, d, d, "day", place, 1.0, 2.0, "city",
                     "KEN", sources or {"al-shabaab"},
                     {"generic:civilians"} if sources else {"x:kenya-police"}, "firearms",
                     doc=doc, docs={doc}, spots=spots_, fatalities=toll)


def test_two_villages_at_one_point_are_two_places() -> None:
    rules = MergeRules()
    old = _view("old", "geonames:1", {"kalongwe"}, "a")
    out = check(_view("new", "geonames:1", {"ngomeni"}, "b"), old, rules)
    assert not out["ok"] and "different places named in the texts" in out["why"]
    # One village written two ways, or placed by one report at its own (local) point.
    assert check(_view("new", "geonames:1", {"kaalongwe"}, "b"), old, rules)["ok"]
    out = check(_view("new", "local:geonames:1:kalongwe", set(), "b"), old, rules)
    assert out["ok"] and "same place kalongwe" in out["why"]
    out = check(_view("new", "local:geonames:1:ngomeni", set(), "b"), old, rules)
    assert not out["ok"]


def test_only_the_container_named_is_a_doubt() -> None:
    rules = MergeRules()
    old = _view("old", "geonames:1", {"kalongwe"}, "a")
    out = check(_view("new", "geonames:1", set(), "b"), old, rules)
    assert out["ok"] and "weak" in out["checks"]["place"]
    # With another doubt (only a generic actor shared) it is no longer one event.
    vague = _view("new", "geonames:1", set(), "b", sources={"generic:gunmen"})
    assert not check(vague, old, rules)["ok"]


def test_contradicting_tolls_are_a_doubt() -> None:
    assert not tolls_contradict(5, 6) and not tolls_contradict(8, 9)
    assert not tolls_contradict(10, 12) and not tolls_contradict(None, 40)
    assert tolls_contradict(2, 5) and tolls_contradict(4, 2) and tolls_contradict(0, 3)
    rules = MergeRules()
    old = _view("old", "geonames:1", set(), "a", toll=2)
    out = check(_view("new", "geonames:1", set(), "b", toll=5), old, rules)
    assert out["ok"] and out["checks"]["toll"].startswith("weak")  # all else is sure
    vague = _view("new", "geonames:1", set(), "b", toll=5, sources={"generic:gunmen"})
    assert not check(vague, old, rules)["ok"]


def test_spellings_alike() -> None:
    assert alike({"changa"}, {"chianga"}) and alike({"belet xaawo"}, {"balet xaawo"})
    assert alike({"kalongwe"}, {"kaalongwe"})
    assert not alike({"mucojo"}, {"mucojuco"}) and not alike({"kalongwe"}, {"ngomeni"})


TEXT = ("Residents of Kalongwe said armed herders drove off two hundred goats on Sunday "
        "night and shot a watchman in the leg, and that police reached the village only "
        "on Monday morning after the raiders had crossed the river towards the hills.")


@pytest.mark.parametrize(("outlet_b", "duplicate"), [("Wire One", False),
                                                      ("Wire Two", True)])
def test_an_outlets_edited_text_is_another_report(
        pipeline: Any, tmp_path: Path, outlet_b: str, duplicate: bool) -> None:
    """Another outlet's copy with a word changed is a republication (a duplicate); the
    same outlet's is an update or the next event told alike: a report of its own."""
    edited = TEXT.replace("shot a watchman", "wounded a watchman")
    with Store(tmp_path / "dup.duckdb") as s:
        first = s.add(pipeline.process(Document(text=TEXT, id="one", source="Wire One",
                                                published=date(2021, 5, 4))))
        again = s.add(pipeline.process(Document(text=edited, id="two", source=outlet_b,
                                                published=date(2021, 5, 4))))
        same = s.add(pipeline.process(Document(text=TEXT + " ", id="three",
                                               source="Wire One",
                                               published=date(2021, 5, 4))))
    assert first.status == "added"
    assert (again.status == "duplicate") == duplicate
    assert same.status == "duplicate"  # the same words: the same text
