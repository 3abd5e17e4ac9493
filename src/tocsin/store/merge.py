"""Cross-article event merging: reports of one real event become one event.

Rules (all must hold; each decision is recorded as JSON on the event mention, so
`tocsin event ID` can show why reports were or were not merged):

1. same PLOVER type, and the same negation and future flags;
2. dates known and overlapping once each is widened to its precision (a month-precision
   report covers every day of that month), plus ``day_slack`` days for reporting lag;
3. at least one shared named actor (source or target, generic actors such as
   "civilians" do not count); a report naming no actor may join when rule 4 holds with a
   precise place match (both places known and within ``max_km``, both dates day-precise);
4. places within ``max_km`` when both have coordinates; a country- or province-level place
   only has to contain the other (same country); an unknown place does not contradict,
   but then the reports must agree more closely: two shared actors, or one shared actor
   and the same mode (drone, firearms, ...).

Among several compatible events the one with most shared actors, then nearest, then the
smallest id wins, so that the outcome depends only on the order of ingestion.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

COARSE_FEATURES = frozenset({"country", "admin1", "admin2", "region"})
PRECISION_RANK = {"day": 0, "week": 1, "month": 2, "year": 3, "unknown": 4}


@dataclass(frozen=True, slots=True)
class MergeRules:
    max_km: float = 25.0
    day_slack: int = 1


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

    @property
    def named_actors(self) -> set[str]:
        return {a for a in self.sources | self.targets if not a.startswith("generic:")}


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


def _place_check(new: EventView, old: EventView, rules: MergeRules
                 ) -> tuple[bool, str, float | None]:
    if new.place_id and new.place_id == old.place_id:
        return True, f"same place {new.place_id}", 0.0
    if new.lat is None or old.lat is None or new.lon is None or old.lon is None:
        return True, "a place is unknown (no contradiction)", None
    if new.feature in COARSE_FEATURES or old.feature in COARSE_FEATURES:
        if new.country and new.country == old.country:
            return True, f"coarse place contains the other (both in {new.country})", None
        return False, f"coarse places in different countries ({new.country}, {old.country})", None
    km = haversine_km(new.lat, new.lon, old.lat, old.lon)
    if km <= rules.max_km:
        return True, f"places {km:.1f} km apart (limit {rules.max_km:g} km)", km
    return False, f"places {km:.1f} km apart (over {rules.max_km:g} km)", km


def check(new: EventView, old: EventView, rules: MergeRules) -> dict[str, Any]:
    """Whether `new` reports the same real event as `old`, with the reasons either way."""
    out: dict[str, Any] = {"event": old.id, "ok": False}
    if new.type != old.type:
        out["why"] = f"type {new.type} differs from {old.type}"
        return out
    if (new.negated, new.future) != (old.negated, old.future):
        out["why"] = "different negation or future flags"
        return out
    w_new, w_old = _window(new, rules.day_slack), _window(old, 0)
    if w_new is None or w_old is None:
        out["why"] = "a date is unknown"
        return out
    if w_new[0] > w_old[1] or w_new[1] < w_old[0]:
        out["why"] = (f"dates do not overlap ({new.date_start}/{new.precision} vs "
                      f"{old.date_start}..{old.date_end}/{old.precision})")
        return out
    out["date"] = (f"{new.date_start}/{new.precision} overlaps {old.date_start}.."
                   f"{old.date_end}/{old.precision} (slack {rules.day_slack} d)")
    place_ok, place_why, km = _place_check(new, old, rules)
    out["place"], out["distance_km"] = place_why, None if km is None else round(km, 2)
    if not place_ok:
        out["why"] = place_why
        return out
    shared = sorted(new.named_actors & old.named_actors)
    out["shared_actors"] = shared
    if not shared:
        precise = (km is not None and new.precision == "day" and old.precision == "day")
        if new.named_actors and old.named_actors:
            out["why"] = "no shared actor"
            return out
        if not precise:
            out["why"] = "no shared actor, and place or date not precise enough without one"
            return out
        out["actors"] = "one report names no actor; place and day match"
    elif km is None and len(shared) < 2 and not (new.mode and new.mode == old.mode):
        out["why"] = ("place not comparable and only one shared actor with a different "
                      "or unknown mode")
        return out
    out["ok"] = True
    out["why"] = "same type, overlapping dates, compatible places" + (
        f", shared actors {', '.join(shared)}" if shared else "")
    return out


def best_match(new: EventView, candidates: list[EventView], rules: MergeRules
               ) -> tuple[EventView | None, dict[str, Any]]:
    """The event `new` merges into (or None) and the explanation to store."""
    # Only events of the same type are considered (and explained).
    results = [(c, check(new, c, rules)) for c in candidates if c.type == new.type]
    ok = [(c, r) for c, r in results if r["ok"]]
    if not ok:
        rejected = [{"event": r["event"], "why": r["why"]} for _, r in results][:5]
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
