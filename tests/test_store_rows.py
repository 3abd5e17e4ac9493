"""The read side's declared rows (store/rows.py) against what the SQL really returns.

A store of the demo corpus, its alerts computed, is read through every read function of
the store and of the API (the API's routes called in process, their JSON encoder left
out, so that values keep their Python types). Every row must have each required key of
its TypedDict, no key the TypedDict lacks, and values of the declared runtime types
(``Literal`` values in their set, lists and dicts element by element, nested rows
recursively): a column added, renamed or retyped in a query without its declaration
fails here.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from demo_store import copy_of, demo_db

from tocsin.store import rows as R


def problems(value: Any, hint: Any, where: str = "row") -> list[str]:
    """What in ``value`` does not match the type ``hint`` (empty: it matches)."""
    if hint is Any:
        return []
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        found = [problems(value, a, where) for a in args]
        return [] if any(not p for p in found) else [
            f"{where}: {value!r} is none of {hint}"]
    if origin is typing.Literal:
        return [] if value in args else [f"{where}: {value!r} not in {args}"]
    if hint is type(None):
        return [] if value is None else [f"{where}: {value!r} is not None"]
    if typing.is_typeddict(hint):
        return typed_dict_problems(value, hint, where)
    if origin is list:
        if not isinstance(value, list):
            return [f"{where}: {type(value).__name__} is not a list"]
        return [p for i, v in enumerate(value) for p in problems(v, args[0], f"{where}[{i}]")]
    if origin is dict:
        if not isinstance(value, dict):
            return [f"{where}: {type(value).__name__} is not a dict"]
        return [p for k, v in value.items()
                for p in problems(k, args[0], f"{where} key") + problems(v, args[1],
                                                                         f"{where}[{k!r}]")]
    # Exact classes where Python's subclasses would hide a wrong column type: a bool is
    # not an int, a datetime is not a date, an int is not a float.
    exact = {int: (int,), float: (float,), date: (date,), datetime: (datetime,),
             bool: (bool,), str: (str,)}
    if hint in exact:
        return [] if type(value) in exact[hint] else [
            f"{where}: {value!r} ({type(value).__name__}) is not {hint.__name__}"]
    raise AssertionError(f"{where}: the checker does not know {hint}")


def typed_dict_problems(value: Any, shape: Any, where: str) -> list[str]:
    if not isinstance(value, dict):
        return [f"{where}: {type(value).__name__} is not a {shape.__name__}"]
    hints = typing.get_type_hints(shape)
    out = [f"{where}: {shape.__name__} lacks {k!r}"
           for k in sorted(shape.__required_keys__ - set(value))]
    out += [f"{where}: {k!r} is not declared in {shape.__name__}"
            for k in sorted(set(value) - set(hints))]
    for k, v in value.items():
        if k in hints:
            out += problems(v, hints[k], f"{where}[{k!r}]")
    return out


def check(rows: list[Any], shape: Any, what: str) -> None:
    assert rows, f"no {what} to check"
    found = [p for i, r in enumerate(rows) for p in problems(r, shape, f"{what}[{i}]")]
    assert not found, "\n".join(found[:20])


def test_the_checker_catches_drift() -> None:
    """The checker itself: a missing, an extra, a retyped key and a value outside a
    Literal set are each found."""
    ok: R.TimelineRow = {"month": "2020-01", "type": "ASSAULT", "n": 3}
    assert problems(ok, R.TimelineRow) == []
    assert problems({"month": "2020-01", "type": "ASSAULT"}, R.TimelineRow)
    assert problems({**ok, "extra": 1}, R.TimelineRow)
    assert problems({**ok, "n": 3.0}, R.TimelineRow)
    assert problems({**ok, "n": True}, R.TimelineRow)
    assert problems({**ok, "type": "ATTACK"}, R.TimelineRow)
    assert problems({"authority": "UN", "programme": None, "date": date(2020, 1, 1)},
                    R.KbDesignation)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo store with its alerts, and one event without a summary row (the API's
    safety net computes its details)."""
    from tocsin.analysis.refresh import refresh_alerts
    from tocsin.store import Store

    path = copy_of(demo_db(tmp_path_factory), tmp_path_factory.mktemp("rows"))
    with Store(path) as store:
        assert refresh_alerts(store).new
        store.con.execute("DELETE FROM event_summary WHERE event_id = "
                          "(SELECT min(id) FROM events)")
    return path


@pytest.fixture(scope="module")
def store(db: Path) -> Iterator[Any]:
    from tocsin.store import Store

    with Store(db, read_only=True) as s:
        yield s


@pytest.fixture(scope="module")
def api(store: Any) -> Iterator[tuple[Any, Any]]:
    """(routes_read, request): the API's read routes, answering Python objects."""
    from tocsin.server import routes_read
    from tocsin.server.state import Reader

    request = SimpleNamespace(app=SimpleNamespace(state=SimpleNamespace(
        tocsin=SimpleNamespace(reader=lambda: Reader(store.con), startup_job=None))))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(routes_read, "ok", lambda obj, status=200: obj)
        yield routes_read, request


def test_store_reads(store: Any) -> None:
    events = store.events(include_negated=True)
    check(events, R.EventListRow, "events")
    check([store.event(e["id"]) for e in events], R.EventDetail, "event")
    check(store.documents(), R.DocumentRow, "documents")
    actors = store.actors()
    check(actors, R.ActorRow, "actors")
    check(store.relations(), R.RelationRow, "relations")
    check([store.stats()], R.StoreStats, "stats")
    # Profiles: the most reported actors, a generic one, and a KB actor the store has not
    # seen (its head comes from the knowledge base).
    from tocsin.actors.kb import get_kb

    seen = {a["id"] for a in actors}
    unseen = next(i for i in sorted(get_kb().actors) if i not in seen)
    chosen = [a["id"] for a in actors[:12]] + [
        next(a["id"] for a in actors if a["generic"]), unseen]
    profiles = [store.actor(i) for i in chosen]
    check(profiles, R.ActorProfile, "profile")
    assert any("first_doc" in p for p in profiles) and any("roles" in p for p in profiles)
    assert "first_doc" not in profiles[-1]


def test_api_reads(api: tuple[Any, Any], store: Any) -> None:
    routes, request = api
    page = routes.events(request, routes.event_filter(include_negated=True), limit=1000,
                         offset=0, sort="-date")
    assert page["total"] == len(page["items"]) == len(store.events(include_negated=True))
    check(page["items"], R.EventListRow, "api events")
    assert all("source_names" in e for e in page["items"])
    details = [routes.event(request, e["id"]) for e in page["items"]]
    check(details, R.EventDetail, "api event")
    assert any(d["alerts"] for d in details)
    assert all("context_before" in m for d in details for m in d["mentions"])
    docs = routes.documents(request, None, None, limit=1000, offset=0)["items"]
    check(docs, R.DocumentPageRow, "api documents")
    check(routes.documents(request, "killed", None, limit=1000, offset=0)["items"],
          R.DocumentHit, "api document search")
    check([routes.document(request, d["id"]) for d in docs], R.DocumentDetail,
          "api document")
    actors = routes.actors(request, None, None, None, limit=1000, generic=None)["items"]
    check(actors, R.ActorRow, "api actors")
    check([routes.actor(request, a["id"], max_events=50) for a in actors[:12]],
          R.ApiActorProfile, "api profile")
    hits = [h for q in ("police", "Hezbollah", "protesters")
            for h in routes.search(request, q)["actors"]]
    check(hits, R.ActorHit, "api search")
    check(routes.places(request, None, None, limit=1000, offset=0)["items"], R.PlaceRow,
          "api places")
    check(routes.relations(request, None, None, limit=1000, offset=0)["items"],
          R.RelationRow, "api relations")
    check([routes.stats(request)], R.StoreStats, "api stats")
    alerts = routes.alerts(request, limit=1000, offset=0, unacknowledged=False, level=None,
                           region=None, type=None, actor=None, since=None, until=None,
                           open=False, sort="-raised")["items"]
    check(alerts, R.AlertRow, "api alerts")
    check([routes.alert(request, a["id"]) for a in alerts], R.AlertRow, "api alert")
