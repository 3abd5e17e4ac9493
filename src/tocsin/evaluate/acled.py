"""An export in ACLED's public column layout: tocsin reads ``notes`` and is compared with
the coded columns.

The publication date given to tocsin is ``event_date`` plus ``lag`` days (default 3), as
a report would appear. The compared event is tocsin's most confident one. Event type is
ACLED's sub-event type mapped by ``SUB_EVENT`` to a PLOVER type and mode (documented in
docs/evaluation.md); sub-events with no PLOVER counterpart are not scored.
"""

from __future__ import annotations

import csv
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from tocsin.evaluate.common import (
    actor_map,
    norm_name,
    parse_day,
    place_map,
    primary_event,
    run_pipeline,
    sample,
)
from tocsin.evaluate.metrics import confusion, haversine_km, per_class, safe_div
from tocsin.evaluate.report import ClassTable, Report
from tocsin.evaluate.splits import in_split, stratified
from tocsin.model import Actor, Document, Extraction

# ACLED sub_event_type -> (PLOVER type, mode or None)
SUB_EVENT: dict[str, tuple[str, str | None]] = {
    "armed clash": ("ASSAULT", "firearms"),
    "government regains territory": ("ASSAULT", None),
    "non-state actor overtakes territory": ("ASSAULT", None),
    "chemical weapon": ("ASSAULT", "unconventional"),
    "air/drone strike": ("ASSAULT", "aerial"),
    "suicide bomb": ("ASSAULT", "suicide-attack"),
    "shelling/artillery/missile attack": ("ASSAULT", "heavy-weapons"),
    "remote explosive/landmine/ied": ("ASSAULT", "explosives"),
    "grenade": ("ASSAULT", "explosives"),
    "sexual violence": ("ASSAULT", "sexual"),
    "attack": ("ASSAULT", None),
    "abduction/forced disappearance": ("ASSAULT", "abduct"),
    "peaceful protest": ("PROTEST", "demo"),
    "protest with intervention": ("PROTEST", "demo"),
    "excessive force against protesters": ("ASSAULT", "crowd-control"),
    "violent demonstration": ("PROTEST", "riot"),
    "mob violence": ("ASSAULT", None),
    "agreement": ("AGREE", None),
    "arrests": ("COERCE", "arrest"),
    "looting/property destruction": ("COERCE", None),
    "non-violent transfer of territory": ("RETREAT", None),
    "headquarters or base established": ("MOBILIZE", None),
    "disrupted weapons use": ("COERCE", "seize"),
}
# "drone" is a mode of its own in tocsin: an ACLED air/drone strike accepts either.
# ACLED's peaceful protests include strikes, boycotts, hunger strikes and sit-in blockades,
# which PLOVER names as modes of their own.
PROTEST_FORMS: set[str | None] = {"strike", "boycott", "hunger", "obstruct"}
MODE_ALSO: dict[tuple[str, str | None], set[str | None]] = {
    ("ASSAULT", "aerial"): {"drone"}, ("PROTEST", "demo"): PROTEST_FORMS}


@dataclass(slots=True)
class Gold:
    id: str
    text: str
    event_date: date | None
    sub_event: str
    actor1: str
    actor2: str
    admin1: str
    lat: float | None
    lon: float | None
    fatalities: int | None
    event_type: str = ""
    admin2: str = ""
    location: str = ""
    geo_precision: str = ""
    source: str = ""  # ACLED's source column (the publisher(s) of the report)
    country: str = ""


def _float(v: str | None) -> float | None:
    try:
        return float(v) if v not in (None, "") else None
    except ValueError:
        return None


def load(path: Path) -> list[Gold]:
    out = []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for i, row in enumerate(csv.DictReader(fh)):
            if not (row.get("notes") or "").strip():
                continue
            fat = _float(row.get("fatalities"))
            out.append(Gold(row.get("event_id_cnty") or str(i), row["notes"].strip(),
                            parse_day(row.get("event_date") or ""),
                            (row.get("sub_event_type") or "").strip().lower(),
                            row.get("actor1") or "", row.get("actor2") or "",
                            row.get("admin1") or "", _float(row.get("latitude")),
                            _float(row.get("longitude")),
                            None if fat is None else int(fat),
                            (row.get("event_type") or "").strip().lower(),
                            row.get("admin2") or "", row.get("location") or "",
                            row.get("geo_precision") or "", row.get("source") or "",
                            row.get("country") or ""))
    return out


def _plain(s: str) -> str:
    from unidecode import unidecode

    return re.sub(r"[^a-z0-9]+", " ", unidecode(s).lower()).strip()


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    from tocsin.geo.countries import countries

    table: dict[str, str] = {}
    for info in countries().values():
        for n in (info.name, *info.names):
            table.setdefault(norm_name(n), info.iso3)
    return table


def country_iso3(name: str) -> str | None:
    """ISO3 of a country name as ACLED writes it ("Turkey", "Democratic Republic of Congo")."""
    return _country_names().get(norm_name(name))


def _iso_of(name: str) -> str | None:
    """ISO3 of the country in an ACLED name's country part ("the United States", "Kenya
    Special Forces": the longest leading words that name a country)."""
    words = name.split()
    if words and words[0].lower() == "the":
        words = words[1:]
    for n in range(len(words), 0, -1):
        iso = country_iso3(" ".join(words[:n]))
        if iso:
            return iso
    return None


def actor_resolved(acled: str, actors: Sequence[Actor], event_type: str | None = None,
                   mode: str | None = None, role: str | None = None,
                   event_country: str | None = None) -> bool:
    """Whether one of `actors` is the ACLED actor. ACLED's generic forms ("Police Forces of
    Kenya", "Protesters (Kenya)", "Unidentified Armed Group (Kenya)") are matched with the
    naming rules of the ACLED export (`tocsin.actors.naming`): the same kind of actor (a
    state's forces, civilians, an unidentified armed group) of the same country. An actor
    without a country, or with another, never matches; nor does a named group match an
    unidentified one. Other names are matched by name or mention, never by a state's."""
    from rapidfuzz import fuzz

    from tocsin.actors.naming import acled_family, acled_name, actor_family

    fam = acled_family(acled)
    iso = _iso_of(fam[1]) if fam is not None and fam[1] else None
    if fam is not None and iso is not None:
        want = (fam[0], iso)
        return any(actor_family(a.id, a.name, a.type, a.country, a.in_kb, event_type, mode,
                                role=role, event_country=event_country)
                   == want for a in actors)
    if fam is not None and fam[0] != "state":
        return False  # "Civilians (International)": no one country to compare
    # A state is matched through ACLED's state forms only: its mentions are often the
    # places it was named by ("Kaduna"), which must not match "Kaduna Communal Militia".
    # (the name the ACLED export writes for the actor counts as one of its names)
    name = _plain(re.sub(r"\(.*?\)", " ", acled))
    return bool(name) and any(
        fuzz.token_set_ratio(name, _plain(re.sub(r"\(.*?\)", " ", x))) >= 90
        for a in actors if a.type != "state"
        for x in [a.name, *(s.text for s in a.mentions),
                  acled_name(a.id, a.name, a.type, a.country, a.in_kb)])


def score(golds: Sequence[Gold], outputs: Sequence[Extraction | str], path: str = ""
          ) -> Report:
    rep = Report(name="acled", path=path, records=len(golds))
    res: dict[str, list[bool]] = {k: [] for k in (
        "type_accuracy", "mode_accuracy", "subevent_accuracy", "actor1_resolved", "actor2_resolved",
        "place_within_25km", "admin1_right", "place_with_coordinates", "date_exact",
        "fatalities_exact")}
    gl: list[str] = []
    pl: list[str] = []
    abs_err: list[int] = []
    place_errors: list[dict[str, str]] = []
    for g, ex in zip(golds, outputs, strict=True):
        ev = None if isinstance(ex, str) else primary_event(ex.events)
        rep.failures += isinstance(ex, str)
        amap = {} if isinstance(ex, str) else actor_map(ex)
        want = SUB_EVENT.get(g.sub_event)
        if want:
            gl.append(want[0])
            pl.append(ev.type if ev else "NONE")
            res["type_accuracy"].append(bool(ev and ev.type == want[0]))
            mode_ok = ev is not None and (want[1] is None or ev.mode == want[1]
                                          or ev.mode in MODE_ALSO.get(want, set()))
            if want[1] and ev and ev.type == want[0]:
                res["mode_accuracy"].append(mode_ok)
            res["subevent_accuracy"].append(bool(ev and ev.type == want[0] and mode_ok))
        place = (place_map(ex).get(ev.place) if ev and ev.place and not isinstance(ex, str)
                 else None)
        for key, name, ids, role in (
                ("actor1_resolved", g.actor1, ev.source if ev else [], "source"),
                ("actor2_resolved", g.actor2, ev.target if ev else [], "target")):
            if name.strip():
                res[key].append(actor_resolved(name, [amap[i] for i in ids if i in amap],
                                               ev.type if ev else None,
                                               ev.mode if ev else None, role,
                                               place.country if place else None))
        has_xy = bool(place and place.lat is not None and place.lon is not None)
        km = (haversine_km(g.lat, g.lon, place.lat, place.lon)
              if place and has_xy and g.lat is not None and g.lon is not None
              and place.lat is not None and place.lon is not None else None)
        if g.lat is not None and g.lon is not None:
            res["place_within_25km"].append(km is not None and km <= 25)
        if g.admin1:
            res["admin1_right"].append(bool(place and norm_name(place.admin1 or "")
                                            == norm_name(g.admin1)))
        if ev is not None:  # an event placed nowhere on a map (issue 18: at most 2%)
            res["place_with_coordinates"].append(has_xy)
        if g.lat is not None and (km is None or km > 25):
            place_errors.append({
                "id": g.id, "kind": "place", "text": g.text,
                "gold": f"{g.location} ({g.admin2}, {g.admin1}) p{g.geo_precision}",
                "pred": (f"{place.name} ({place.admin1}) {place.feature}"
                         + (f" {km:.0f} km" if km is not None else " no coordinates"))
                if place else ("no event" if ev is None else "no place")})
        if g.event_date:
            res["date_exact"].append(bool(ev and ev.date.start == g.event_date))
        if g.fatalities is not None:
            got = (ev.fatalities or 0) if ev else 0
            res["fatalities_exact"].append(got == g.fatalities)
            abs_err.append(abs(got - g.fatalities))
        if want and not (ev and ev.type == want[0]):
            rep.worst.append({"id": g.id, "gold": f"{g.sub_event} -> {want[0]}",
                              "pred": ev.type if ev else "NONE", "text": g.text})
        elif want and ev and not mode_ok:  # the type right, the sub-event not
            rep.worst.append({"id": g.id, "gold": f"{g.sub_event} -> {want[0]}:{want[1]}",
                              "pred": f"{ev.type}:{ev.mode}", "text": g.text})
    for k, v in res.items():
        rep.scores[k] = safe_div(sum(v), len(v))
        rep.info[f"n_{k}"] = len(v)
    rep.info["fatalities_mae"] = safe_div(sum(abs_err), len(abs_err))
    rep.info["place_no_coordinates"] = 1.0 - rep.scores["place_with_coordinates"]
    rep.worst.extend(place_errors)  # after the type errors, which the table shows first
    rep.tables.append(ClassTable("PLOVER type from ACLED sub-event", per_class(gl, pl)))
    rep.confusion = confusion(gl, pl)
    return rep


STRATA: dict[str, Callable[[Gold], str]] = {"event-type": lambda g: g.event_type,
                                            "sub-event": lambda g: g.sub_event}


def evaluate(path: Path, sample_n: int | None = None, seed: int = 0, lag: int = 3,
             split: str = "all", stratify: str | None = None) -> Report:
    """Score `path`. ``split`` ("dev"/"test", by a hash of the event id; "all" for a
    user's own export) and ``stratify`` ("event-type": an even share per ACLED event type,
    the gate's choice; "sub-event": per sub-event type) choose which notes; only scored
    sub-event types are drawn when stratifying."""
    t0 = time.perf_counter()
    golds = in_split(load(path), lambda g: g.id, split)
    if stratify:
        if stratify not in STRATA:
            raise ValueError(f"stratify must be one of {sorted(STRATA)}")
        key = STRATA[stratify]
        golds = stratified([g for g in golds if g.sub_event in SUB_EVENT], sample_n, seed,
                           key)
    else:
        golds = sample(golds, sample_n, seed)
    docs = [Document(text=g.text, id=g.id,
                     published=g.event_date + timedelta(days=lag) if g.event_date else None)
            for g in golds]
    rep = score(golds, run_pipeline(docs), str(path))
    rep.notes.append(f"published = event_date + {lag} days; split {split}"
                     + (f"; stratified by {stratify}" if stratify else ""))
    rep.seconds = time.perf_counter() - t0
    return rep
