"""Cross-report event merging: reports of one real event become one event, and reports
of two events never do.

Two event mentions are one event only when every check agrees (each is recorded as JSON
on the event mention, so `tocsin event ID` shows why reports were or were not merged):

1. type: the same PLOVER type, negation and future flags;
2. mode: the same mode, or one unknown, or two modes one act is given by different
   outlets (data/store/merge.yaml);
3. date: overlapping once each is widened to its precision (a month-precision report
   covers every day of that month), with ``day_slack`` days (none by default: the same
   town's report of the next day is another event);
4. place: the same place, or a town and a place a few km away that lies in it (a city's
   district named as the city: the town is ``contains_ratio`` times as populous; two
   neighbourhoods of one city are two places), or a region containing the other
   report's place (a doubt); two differently named local places (villages without
   coordinates of their own) are two places, also when both texts name their district. The place as
   the text names it (store/spots.py: "Litamanda (Macomia, Cabo Delgado)") decides over
   the point it falls back to: two different names are two places, a name in one report
   under the other's bare container a doubt;
5. actors: no contradiction (an actor that is a source of one report and only a target of
   the other), and a shared named actor unless one report names none;
6. toll: two death tolls that contradict ("two killed", "five killed") are a doubt.

Each check is strong or weak (a doubt): a date coarser than a day, an unknown place or
only a region (which also needs a shared source and target, neither the country the
places lie in, or, for a region, two shared named actors that are not countries: a
conflict's main dyad is party to most of its events), no shared actor but a country or
one report naming none, each side (sources, targets) filled with other named actors,
tolls that contradict; half a doubt: a mode one report leaves out, only a generic actor
shared.
One doubt is allowed when everything else is strong; more is not (when in doubt, do not
merge).
Two mentions of one document are one event only when they are the same act told twice:
the same day, no other place, no other named actors. Among several compatible events the
one with most shared actors, then nearest, then the smallest id wins, so that the outcome
depends only on the order of ingestion.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

COARSE_FEATURES = frozenset({"country", "admin1", "admin2", "region"})
SETTLEMENTS = frozenset({"city", "village"})
PRECISION_RANK = {"day": 0, "week": 1, "month": 2, "year": 3, "unknown": 4}
REGION_RANK = {"admin2": 1, "admin1": 2, "region": 3, "country": 4}  # the larger contains


@dataclass(frozen=True, slots=True)
class MergeRules:
    day_slack: int = 0
    max_km: float | None = None  # two named places; None: by feature (merge.yaml)


@dataclass(slots=True)
class EventView:
    """What merging needs to know about an event (stored) or an event mention (new)."""

    id: str
    type: str
    negated: bool
    future: bool
    date_start: date | None
    date_end: date | None
    precision: str
    place_id: str | None
    lat: float | None
    lon: float | None
    feature: str | None
    country: str | None
    sources: set[str] = field(default_factory=set)
    targets: set[str] = field(default_factory=set)
    mode: str | None = None
    doc: str | None = None  # a mention: its document
    docs: set[str] = field(default_factory=set)  # an event: documents merged this write
    spots: set[str] = field(default_factory=set)  # the place as named (store/spots.py)
    fatalities: int | None = None  # a mention's toll; an event's largest

    @property
    def named_actors(self) -> set[str]:
        """Named actors, and the states whose forces the KB names among them."""
        return _with_states({a for a in self.sources | self.targets
                             if not a.startswith("generic:")})


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    from importlib import resources

    import yaml

    path = resources.files("tocsin") / "data" / "store" / "merge.yaml"
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["modes"] = {frozenset(g) for g in data["compatible_modes"]}
    data["area"] = frozenset(data["area_words"])
    return data


@lru_cache(maxsize=1)
def _country_ids() -> frozenset[str]:
    from tocsin.geo.countries import countries

    return frozenset(c.id for c in countries().values())


def modes_compatible(a: str | None, b: str | None) -> bool:
    return a is None or b is None or a == b or frozenset((a, b)) in _data()["modes"]


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


def _window(v: EventView, slack: int) -> tuple[date, date] | None:
    if v.date_start is None or v.precision == "unknown":
        return None
    end = v.date_end or v.date_start
    return v.date_start - timedelta(days=slack), end + timedelta(days=slack)


def _near_km(a: EventView, b: EventView, rules: MergeRules) -> float:
    if rules.max_km is not None:
        return rules.max_km
    near = _data()["near_km"]
    return max(float(near.get(f or "", near["default"])) for f in (a.feature, b.feature))


def _coarse(v: EventView) -> bool:
    """A region, not a spot: a gazetteer region, or a local place named as an area (a
    local place's feature is its anchor's: "Mashalaay", placed at its district, is a
    village, not the district)."""
    words = (v.place_id or "").rsplit(":", 1)[-1].split()
    if v.place_id is not None and v.place_id.startswith("local:"):
        return bool(words) and words[-1] in _data()["area"]
    return v.feature in COARSE_FEATURES


def _spot(v: EventView) -> tuple[str, set[str]] | None:
    """(the point's place, the names of the place as the text names it): a local place
    is a name at its anchor's point, a place with spots the spots at its point."""
    if v.place_id is None:
        return None
    if v.place_id.startswith("local:"):
        anchor, _, key = v.place_id[len("local:"):].rpartition(":")
        return anchor or "-", set(v.spots) or {key}
    return v.place_id, set(v.spots)


def _local_key(v: EventView) -> str | None:
    """The name of a place the gazetteer lacks (a local place), unless it names an area."""
    if v.place_id is None or not v.place_id.startswith("local:") or _coarse(v):
        return None
    return v.place_id.rpartition(":")[2] or None


def alike(a: set[str], b: set[str]) -> bool:
    """Whether two sets of place names share one, up to a spelling variant ("Changa",
    "Chianga"; merge.yaml ``spelling``)."""
    from difflib import SequenceMatcher

    limit = float(_data()["spelling"])
    return bool(a & b) or any(SequenceMatcher(None, x, y).ratio() >= limit
                              for x in a for y in b)


def _place_check(new: EventView, old: EventView, rules: MergeRules
                 ) -> tuple[str, str, float | None]:
    """("strong" | "weak" | "no", why, km): one place (or two a few km apart), a place
    unknown or only a region containing the other (doubt), or two places. The place as
    the texts name it decides over the point: two different names at one point (two
    villages of one district, placed at its town) are two places, the same name one; a
    spot in one report only (the other names only its container) is a doubt, unless both
    are one document."""
    a, b = _spot(new), _spot(old)
    keys = [_local_key(v) for v in (new, old)]
    if keys[0] and keys[1] and not alike({keys[0]}, {keys[1]}):
        # Two unlisted places named apart ("Macalin Nur village", "the cinema") in one
        # district the texts both name: the district's name does not make them one.
        return "no", f"different places named in the texts ({keys[0]} / {keys[1]})", None
    if a and b and a[1] and b[1] and not any(_coarse(v) and not v.spots for v in (new, old)):
        # Two places named finer than any point of theirs: the names decide.
        if not alike(a[1], b[1]):
            return "no", (f"different places named in the texts ({', '.join(sorted(a[1]))}"
                          f" / {', '.join(sorted(b[1]))})"), None
        if a[0] == b[0]:
            return "strong", f"same place {min(a[1])} (at {a[0]})", 0.0
    elif a and b and a[0] == b[0] and a[1] and b[1] and alike(a[1], b[1]):
        return "weak", f"same region {min(a[1])} (not a precise place)", 0.0
    verdict, why, km = _point_check(new, old, rules)
    if verdict == "no" or not (new.spots or old.spots):
        return verdict, why, km
    if new.spots and old.spots:
        if not alike(new.spots, old.spots):
            return "no", (f"different places named in the texts ({', '.join(sorted(new.spots))}"
                          f" / {', '.join(sorted(old.spots))})"), km
        return verdict, f"{why}, both naming {min(new.spots)}", km
    if new.doc is not None and new.doc in old.docs:
        return verdict, why, km
    spot = ", ".join(sorted(new.spots or old.spots))
    return "weak", f"{why}, but only one report names {spot} there", km


def _point_check(new: EventView, old: EventView, rules: MergeRules
                 ) -> tuple[str, str, float | None]:
    """_place_check on the places' ids and points alone."""
    if new.place_id is None or old.place_id is None:
        return "weak", "a place is unknown", None
    coarse = [v for v in (new, old) if _coarse(v)]
    if new.place_id == old.place_id:
        if coarse:
            return "weak", f"same region {new.place_id} (not a precise place)", 0.0
        return "strong", f"same place {new.place_id}", 0.0
    located = None not in (new.lat, new.lon, old.lat, old.lon)
    km = haversine_km(new.lat, new.lon, old.lat, old.lon) if located else None  # type: ignore[arg-type]
    if coarse:
        if new.country and old.country and new.country != old.country:
            return "no", f"places in different countries ({new.country}, {old.country})", km
        big = max(coarse, key=lambda v: REGION_RANK.get(v.feature or "", 0))
        reach = _data()["contain_km"].get(big.feature or "")
        if big.feature == "country" or (km is not None and reach is not None
                                        and km <= float(reach)):
            return "weak", f"region {big.place_id} contains the other place", km
        return "no", f"{big.place_id} does not contain the other place", km
    if km is None or new.place_id.startswith("local:") or old.place_id.startswith("local:"):
        # A local place's coordinates are its anchor's: the distance says nothing.
        return "no", f"different named places ({new.place_id}, {old.place_id})", km
    limit = _near_km(new, old, rules)
    if km <= limit and not _one_in_other(new, old):
        # Two neighbourhoods of one city (Shomolu, Mushin) are two places; only the city
        # itself may name where a district of it is.
        return "weak", f"places {km:.1f} km apart, neither the town the other is in", km
    if km <= limit:
        return "strong", f"places {km:.1f} km apart (limit {limit:g} km)", km
    return "no", f"places {km:.1f} km apart (over {limit:g} km)", km


def _one_in_other(a: EventView, b: EventView) -> bool:
    """Whether one of two nearby places lies in the other: a site (an airport, a base) in
    the town beside it, or a settlement in a town ``contains_ratio`` times as populous
    (Mushin in Lagos; not Mushin and Shomolu, two districts of Lagos)."""
    from tocsin.geo.gazetteer import get_gazetteer

    if not {a.feature, b.feature} <= SETTLEMENTS:
        return True
    gaz = get_gazetteer()
    pops = [getattr(gaz.get(v.place_id or ""), "population", None) or 0 for v in (a, b)]
    return min(pops) > 0 and max(pops) >= float(_data()["contains_ratio"]) * min(pops)


def _named(actors: set[str]) -> set[str]:
    return {a for a in actors if not a.startswith("generic:")}


def _with_states(actors: set[str]) -> set[str]:
    """Actors plus the state whose forces a KB actor is ("mmr-air-force": Myanmar): one
    report's "Myanmar air force jets" and another's "the Myanmar military" share a state,
    as "Myanmar" and "Myanmar" did before either was a KB name."""
    return set(actors) | {s for a in actors if (s := _state_of(a)) is not None}


def _state_of(actor_id: str) -> str | None:
    """The state (lowercase ISO3) whose forces or government a KB actor is, if any."""
    from tocsin.actors.kb import get_kb

    actor = get_kb().get(actor_id)
    if actor is None or actor.origin == "countries" or not actor.country or (
            actor.type not in {"military", "police", "government"}):
        return None
    return actor.country.lower()


def _home_states(new: EventView, old: EventView, shared: list[str], unknown: bool
                 ) -> frozenset[str]:
    """The states a conflict is at home in: the places' countries, or with a place
    unknown the countries of the non-state actors both reports name (al-Shabaab's
    Somalia)."""
    from tocsin.actors.kb import get_kb

    if not unknown:
        return frozenset(c.lower() for c in (new.country, old.country) if c)
    kb = get_kb()
    out = set()
    for a in shared:
        actor = kb.get(a)
        if actor is not None and actor.country and _state_of(a) is None and (
                actor.origin != "countries"):
            out.add(actor.country.lower())
    return frozenset(out)


def _actor_check(new: EventView, old: EventView
                 ) -> tuple[float | None, str, list[str], list[str]]:
    """(doubt, or None for two acts; why; shared named actors; the roles both fill with
    different named actors). A contradiction (the
    source of one is only the target of the other) or two disjoint sets of named actors
    are two acts. A shared named actor that is not only a country (a country is party to
    most of its conflict's events) is no doubt, a shared generic actor ("herders") half
    of one, neither a whole one; each side (sources, targets) both reports fill with
    different named actors is one more (the air force of a country named as the country,
    an unknown name for a known one: in one document a doubt; across documents, two
    acts, see `check`)."""
    new = replace(new, sources=_with_states(new.sources), targets=_with_states(new.targets))
    old = replace(old, sources=_with_states(old.sources), targets=_with_states(old.targets))
    for a, b in ((new, old), (old, new)):
        both = sorted((a.sources & b.targets) - b.sources)
        if both:
            return None, f"{both[0]} is a source of one report and only a target of the " \
                         "other", [], []
    shared = sorted(new.named_actors & old.named_actors)
    if not shared and new.named_actors and old.named_actors:
        return None, "no shared actor", [], []
    # A generic actor ("gunmen", "protesters") is vaguer than a name: it agrees with any
    # actor; only two different sets of named actors in one role disagree.
    disagree = [role for role, x, y in (("sources", new.sources, old.sources),
                                        ("targets", new.targets, old.targets))
                if _named(x) and _named(y) and not x & y]
    # The state of the places, and its own forces as the KB names them (the Tatmadaw in
    # Myanmar), are party to most events there: sharing only them is sharing a country.
    home = {c.lower() for c in (new.country, old.country) if c}
    specific = [a for a in shared if a not in _country_ids() and _state_of(a) not in home]
    generic = sorted((new.sources | new.targets) & (old.sources | old.targets) - set(shared))
    if specific:
        doubt, why = 0.0, f"shared {', '.join(shared)}"
    elif generic:
        doubt, why = 0.5, f"shared only generic {', '.join(generic)}"
    else:
        doubt = 1.0
        why = (f"shared only a country or its forces {', '.join(shared)}" if shared
               else "one report names no actor")
    why += f", but {' and '.join(disagree)} differ" if disagree else ", no contradiction"
    return doubt + len(disagree), why, shared, disagree


def tolls_contradict(a: int | None, b: int | None) -> bool:
    """Two death tolls no two tellings of one act give (merge.yaml ``tolls``): both
    known, apart by ``min_diff`` or more and the larger over ``ratio`` times the smaller
    ("five killed" and "at least six" agree; "two killed" and "five killed" do not)."""
    if a is None or b is None:
        return False
    t = _data()["tolls"]
    lo, hi = sorted((a, b))
    return hi - lo >= int(t["min_diff"]) and hi > float(t["ratio"]) * lo


def check(new: EventView, old: EventView, rules: MergeRules) -> dict[str, Any]:
    """Whether `new` reports the same real event as `old`, with the reasons either way:
    ``checks`` lists each check with its strength, ``why`` the one that failed (or all)."""
    out: dict[str, Any] = {"event": old.id, "ok": False}
    checks: dict[str, str] = {}
    out["checks"] = checks
    doubt: dict[str, float] = {}  # what is not sure, and how much

    def no(why: str) -> dict[str, Any]:
        out["why"] = why
        return out

    if new.type != old.type:
        return no(f"type {new.type} differs from {old.type}")
    if (new.negated, new.future) != (old.negated, old.future):
        return no("different negation or future flags")
    checks["type"] = f"both {new.type}"
    if not modes_compatible(new.mode, old.mode):
        return no(f"modes differ ({new.mode}, {old.mode})")
    if new.mode is None or old.mode is None:
        doubt["mode"] = 0.5  # one outlet left out what the other said
        checks["mode"] = f"weak: {new.mode or old.mode or 'no mode'} (one or both unknown)"
    else:
        checks["mode"] = f"{new.mode} / {old.mode}"
    w_new, w_old = _window(new, rules.day_slack), _window(old, 0)
    if w_new is None or w_old is None:
        return no("a date is unknown")
    if w_new[0] > w_old[1] or w_new[1] < w_old[0]:
        return no(f"dates do not overlap ({new.date_start}/{new.precision} vs "
                  f"{old.date_start}..{old.date_end}/{old.precision})")
    out["date"] = (f"{new.date_start}/{new.precision} overlaps {old.date_start}.."
                   f"{old.date_end}/{old.precision} (slack {rules.day_slack} d)")
    same_day = (new.precision == old.precision == "day"
                and (new.date_start, new.date_end) == (old.date_start, old.date_end))
    if not same_day:
        doubt["date"] = 1.0
    checks["date"] = ("" if same_day else "weak: ") + out["date"]
    place, place_why, km = _place_check(new, old, rules)
    out["place"], out["distance_km"] = place_why, None if km is None else round(km, 2)
    if place == "no":
        return no(place_why)
    checks["place"] = ("" if place == "strong" else "weak: ") + place_why
    actors, actors_why, shared, disagree = _actor_check(new, old)
    out["shared_actors"] = shared
    if actors is None:
        return no(actors_why)
    if disagree and (new.doc is None or new.doc not in old.docs):
        # Two outlets naming different parties on one side ("attacked Somali forces",
        # "attacked an AMISOM base") at one place and day: two attacks, more often than
        # one attack named two ways.
        return no(actors_why)
    checks["actors"] = ("" if actors == 0 else "weak: ") + actors_why
    if actors:
        doubt["actors"] = actors
    if (new.doc is None or new.doc not in old.docs) and tolls_contradict(
            new.fatalities, old.fatalities):
        doubt["toll"] = 1.0
        checks["toll"] = f"weak: {new.fatalities} killed against {old.fatalities}"
    if new.doc is not None and new.doc in old.docs:
        # One document: the same act told twice (a later sentence often leaves out the
        # place), or two acts of one day.
        if not same_day or (place != "strong" and km is not None):
            return no("same document: another date or place is another act")
        if shared and new.named_actors - old.named_actors:
            return no("same document: other actors make another act")
        checks["document"] = "same document, the same act told twice"
    elif place != "strong":
        doubt["place"] = 1.0
        # No place to compare: only both sides named alike tell the act apart: two
        # shared named actors, not countries, or a shared source and a shared target,
        # neither the country the places lie in: a conflict's main dyad, "Al-Shabaab
        # against Somalia", is party to most of its events on any day in any region
        # (ACLED streams: Banaadir); a foreign state ("Nujaba threatens the US" in Iraq)
        # is as telling as a group. With a place unknown no country tells.
        countries = _country_ids()
        unknown = new.place_id is None or old.place_id is None
        home = _home_states(new, old, shared, unknown)

        def telling(a: str) -> bool:  # not the home state, nor its own forces
            if a in countries:
                return not unknown and a not in home
            return _state_of(a) not in home

        specific = [a for a in shared if a not in countries and telling(a)]
        roles = all({a for a in _named(x) & _named(y) if telling(a)}
                    for x, y in ((new.sources, old.sources), (new.targets, old.targets)))
        # With a place unknown, only the sides tell: two parties named together ("PDP
        # and APC supporters clashed") meet on many fronts on one day.
        if not specific or (not roles and (unknown or len(specific) < 2)):
            return no(f"{place_why}: needs both sides shared" + (
                "" if unknown else ", or two shared named actors") + " (not countries)")
    if sum(doubt.values()) > 1.0:
        # Doubt on more than one count: when in doubt, do not merge.
        return no(f"doubtful {', '.join(doubt)}: " + "; ".join(
            f"{k}: {v}" for k, v in checks.items() if v.startswith("weak")))
    out["ok"] = True
    out["why"] = "; ".join(f"{k}: {v}" for k, v in checks.items())
    return out


def best_match(new: EventView, candidates: list[EventView], rules: MergeRules
               ) -> tuple[EventView | None, dict[str, Any]]:
    """The event `new` merges into (or None) and the explanation to store."""
    # Only events of the same type are considered (and explained).
    results = [(c, check(new, c, rules)) for c in candidates if c.type == new.type]
    ok = [(c, r) for c, r in results if r["ok"]]
    if not ok:
        rejected = [{"event": r["event"], "why": r["why"]} for _, r in results[::-1]][:5]
        return None, {"founded": True, "considered": len(results), "rejected": rejected}

    def key(item: tuple[EventView, dict[str, Any]]) -> tuple[int, float, str]:
        c, r = item
        km = r.get("distance_km")
        return (-len(r.get("shared_actors", [])), 1e9 if km is None else km, c.id)

    chosen, reason = min(ok, key=key)
    return chosen, {"founded": False, "merged_into": chosen.id, "considered": len(results),
                    **{k: v for k, v in reason.items() if k not in ("ok", "event")}}


def finer(a: str, b: str) -> bool:
    """Whether precision `a` is strictly finer than `b`."""
    return PRECISION_RANK.get(a, 4) < PRECISION_RANK.get(b, 4)
