"""Event-count series from merged events, with the reporting volume they are read against.

A series counts merged events (one real event once, however many documents report it) per
day or ISO week (Monday start) for one key: an actor (either role), a dyad (source->target),
a place (country, or country/admin1), a PLOVER type or a type/mode. Next to the counts it
keeps the *exposure*: how many distinct documents (republications excluded) were published
in each bin, so that rates can be read per 100 documents of reporting.

Only events dated to the day or week are binned; month- and year-precision events (mostly
background: "in January ...") and negated events are left out.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from tocsin.store import Store

KINDS = ("actor", "dyad", "country", "admin1", "type", "mode")
BINNED_PRECISIONS = frozenset({"day", "week"})
INTENSITY_FILE = Path(__file__).resolve().parents[1] / "data" / "analysis" / "intensity.yaml"


@lru_cache(maxsize=1)
def intensity_weights() -> dict[str, Any]:
    """The hostility weights per PLOVER type and mode (data/analysis/intensity.yaml)."""
    import yaml

    return dict(yaml.safe_load(INTENSITY_FILE.read_text(encoding="utf-8")))


def hostility(type_: str, mode: str | None = None, fatalities: int | None = None) -> float:
    """One event's weight on the 0..10 hostility scale."""
    w = intensity_weights()
    value = float(w["modes"].get(f"{type_}/{mode}", w["types"].get(type_, 0.0)))
    if fatalities:
        value += float(w.get("fatal_bonus", 0.0))
    return min(10.0, value)


def bin_start(day: date, by: str) -> date:
    """The first day of the bin holding ``day``: itself, or the Monday of its ISO week."""
    if by == "day":
        return day
    if by == "week":
        return day - timedelta(days=day.weekday())
    raise ValueError(f"bin must be day or week, not {by!r}")


def bin_range(first: date, last: date, by: str) -> list[date]:
    step = timedelta(days=1 if by == "day" else 7)
    out, cur = [], bin_start(first, by)
    while cur <= last:
        out.append(cur)
        cur += step
    return out


@dataclass(slots=True)
class EventRow:
    """A merged event as the series see it."""
    id: str
    type: str
    mode: str | None
    day: date
    sources: list[str]
    targets: list[str]
    country: str | None
    admin1: str | None
    place: str | None
    fatalities: int | None
    evidence: str | None
    doc_sources: list[str]
    n_documents: int
    confidence: float | None = None
    doc_ids: tuple[str, ...] = ()  # the documents reporting it (republications excluded)
    leads: tuple[str, ...] = ()  # those of them whose first-told dated event it is

    @property
    def weight(self) -> float:
        return hostility(self.type, self.mode, self.fatalities)

    def series_keys(self) -> list[tuple[str, str]]:
        named = [a for a in (*self.sources, *self.targets) if not a.startswith("generic:")]
        out = [("actor", a) for a in dict.fromkeys(named)]
        out += [("dyad", f"{s}->{t}") for s in dict.fromkeys(self.sources)
                for t in dict.fromkeys(self.targets)
                if s != t and not s.startswith("generic:") and not t.startswith("generic:")]
        if self.country:
            out.append(("country", self.country))
            if self.admin1:
                out.append(("admin1", f"{self.country}/{self.admin1}"))
        out.append(("type", self.type))
        if self.mode:
            out.append(("mode", f"{self.type}/{self.mode}"))
        return out


@dataclass(slots=True)
class Series:
    kind: str
    key: str
    label: str
    by: str
    bins: list[date]
    counts: np.ndarray
    hostility: np.ndarray  # sum of event weights per bin
    exposure: np.ndarray  # documents published per bin (all reporting)
    event_ids: list[list[str]] = field(default_factory=list)
    # Distinct documents behind each bin's events: events read from one report are one
    # signal, not several (`counted`).
    reports: np.ndarray | None = None

    @property
    def name(self) -> str:
        return f"{self.kind}:{self.key}"

    def counted(self) -> np.ndarray:
        """Events per bin counted once per report: min(events, distinct documents)."""
        if self.reports is None:
            return self.counts
        return np.minimum(self.counts, self.reports)

    def rate(self) -> np.ndarray:
        """Events per 100 documents of reporting (NaN where nothing was published)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.exposure > 0, 100.0 * self.counts / self.exposure, np.nan)


def actor_info(store: Store) -> dict[str, tuple[str, str | None]]:
    """actor id -> (name, country) for every stored actor."""
    rows = store.con.execute("SELECT id, name, country FROM actors").fetchall()
    return {str(r[0]): (str(r[1]), r[2]) for r in rows}


def region_match(ev: EventRow, region: str, countries: dict[str, str | None]) -> bool:
    """Whether an event is in ``IRQ`` or ``IRQ/Kirkuk``; an unplaced event counts when
    one of its actors belongs to that country (threats rarely name a place)."""
    country, _, admin1 = region.upper().partition("/")
    if ev.country:
        if ev.country.upper() != country:
            return False
        return not admin1 or (ev.admin1 or "").upper() == admin1
    if admin1:
        return False
    return any((countries.get(a) or "").upper() == country
               for a in (*ev.sources, *ev.targets))


def load_events(store: Store, until: date | None = None, types: set[str] | None = None,
                region: str | None = None) -> list[EventRow]:
    """Merged, non-negated, day- or week-dated events (all of history up to ``until``)."""
    countries = {k: v[1] for k, v in actor_info(store).items()} if region else {}
    docs = event_documents(store)
    out = []
    for e in store.events(until=until):
        reports, leads = docs.get(e["id"], ((), ()))
        if e["precision"] not in BINNED_PRECISIONS or e["date_start"] is None:
            continue
        if types and e["type"] not in types:
            continue
        row = EventRow(
            id=e["id"], type=e["type"], mode=e["mode"], day=e["date_start"],
            sources=list(e["sources"] or []), targets=list(e["targets"] or []),
            country=e["country"], admin1=e["admin1"], place=e["place"],
            fatalities=e["fatalities"], evidence=e["evidence"],
            doc_sources=[s for s in e["doc_sources"] or [] if s],
            n_documents=int(e["n_documents"] or 0), confidence=e.get("confidence"),
            doc_ids=reports, leads=leads)
        if region and not region_match(row, region, countries):
            continue
        out.append(row)
    return out


def event_documents(store: Store) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """event id -> (the documents reporting it, those whose lead it is: the first event
    the document tells, of those dated to a day or week and not negated); republished
    near-duplicates are left out."""
    rows = store.con.execute(
        """WITH m AS (
             SELECT em.event_id, em.doc_id, em.start FROM event_mentions em
             JOIN documents d ON d.id = em.doc_id JOIN events e ON e.id = em.event_id
             WHERE d.duplicate_of IS NULL AND NOT coalesce(e.negated, FALSE)
               AND e.precision IN (SELECT unnest(?::VARCHAR[]))),
           lead AS (SELECT doc_id, arg_min(event_id, start) AS event_id FROM m GROUP BY 1)
           SELECT m.event_id, list(DISTINCT m.doc_id ORDER BY m.doc_id),
                  list(DISTINCT m.doc_id ORDER BY m.doc_id) FILTER (
                      WHERE l.event_id IS NOT NULL)
           FROM m LEFT JOIN lead l ON l.doc_id = m.doc_id AND l.event_id = m.event_id
           GROUP BY 1""", [sorted(BINNED_PRECISIONS)]).fetchall()
    return {str(r[0]): (tuple(r[1]), tuple(r[2] or ())) for r in rows}


def reporting_lag(store: Store) -> int:
    """Typical days from an event to its report (median over day-dated reports, 0..3):
    news of Friday's strike is Saturday's paper, so exposure is read that much earlier."""
    row = store.con.execute(
        """SELECT median(d.published - em.date_start) FROM event_mentions em
           JOIN documents d ON d.id = em.doc_id WHERE em.precision = 'day'
           AND d.published >= em.date_start""").fetchone()
    if not row or row[0] is None:
        return 1
    return int(min(3, max(0, round(float(row[0])))))


def document_days(store: Store, until: date | None = None, lag: int | None = None
                  ) -> dict[date, int]:
    """Distinct documents per day of the events they cover (published minus the reporting
    lag); republished duplicates are not counted."""
    lag = reporting_lag(store) if lag is None else lag
    sql = ("SELECT published, count(*) FROM documents WHERE duplicate_of IS NULL "
           "AND published IS NOT NULL")
    args: list[Any] = []
    if until:
        sql += " AND published <= ?::DATE"
        args.append(str(until + timedelta(days=lag)))
    rows = store.con.execute(sql + " GROUP BY 1", args).fetchall()
    return {r[0] - timedelta(days=lag): int(r[1]) for r in rows}


def documents_about(store: Store, kind: str, key: str) -> dict[date, int]:
    """Documents per day that mention an actor, or a place in a country (or admin1)."""
    if kind == "actor":
        sql = """SELECT d.published, count(DISTINCT d.id) FROM mentions m
                 JOIN documents d ON d.id = m.doc_id WHERE m.kind = 'actor'
                 AND m.entity_id = ? AND d.published IS NOT NULL GROUP BY 1"""
        args = [key]
    elif kind in ("country", "admin1"):
        country, _, admin1 = key.partition("/")
        sql = """SELECT d.published, count(DISTINCT d.id) FROM mentions m
                 JOIN places p ON p.id = m.entity_id JOIN documents d ON d.id = m.doc_id
                 WHERE m.kind = 'place' AND p.country = ? AND (? = '' OR p.admin1 = ?)
                 AND d.published IS NOT NULL GROUP BY 1"""
        args = [country, admin1, admin1]
    else:
        return {}
    return {r[0]: int(r[1]) for r in store.con.execute(sql, args).fetchall()}


def per_bin(days: dict[date, int], bins: list[date], by: str) -> np.ndarray:
    index = {b: i for i, b in enumerate(bins)}
    out = np.zeros(len(bins), dtype=float)
    for day, n in days.items():
        i = index.get(bin_start(day, by))
        if i is not None:
            out[i] += n
    return out


def labeller(store: Store) -> Any:
    names = {k: v[0] for k, v in actor_info(store).items()}

    def label(kind: str, key: str) -> str:
        if kind == "actor":
            return names.get(key, key)
        if kind == "dyad":
            s, _, t = key.partition("->")
            return f"{names.get(s, s)} -> {names.get(t, t)}"
        return key
    return label


def build_series(events: list[EventRow], doc_days: dict[date, int], by: str = "week",
                 kinds: tuple[str, ...] = KINDS, start: date | None = None,
                 end: date | None = None, label: Any = None,
                 only: set[tuple[str, str]] | None = None) -> dict[tuple[str, str], Series]:
    """One series per key seen in ``events`` (or only the keys in ``only``)."""
    days = [e.day for e in events] + [d for d, n in doc_days.items() if n]
    if not days:
        return {}
    first = start or min(days)
    last = end or max(days)
    bins = bin_range(first, last, by)
    index = {b: i for i, b in enumerate(bins)}
    exposure = per_bin({d: n for d, n in doc_days.items() if first <= d <= last}, bins, by)
    counts: dict[tuple[str, str], np.ndarray] = defaultdict(lambda: np.zeros(len(bins)))
    weights: dict[tuple[str, str], np.ndarray] = defaultdict(lambda: np.zeros(len(bins)))
    ids: dict[tuple[str, str], list[list[str]]] = defaultdict(
        lambda: [[] for _ in bins])
    docs: dict[tuple[str, str], list[set[str]]] = defaultdict(lambda: [set() for _ in bins])
    for ev in events:
        i = index.get(bin_start(ev.day, by))
        if i is None:
            continue
        for key in ev.series_keys():
            if key[0] not in kinds or (only is not None and key not in only):
                continue
            counts[key][i] += 1
            weights[key][i] += ev.weight
            ids[key][i].append(ev.id)
            docs[key][i].update(ev.doc_ids or (f"event:{ev.id}",))
    if only:
        for key in only:  # asked-for series exist even when empty
            counts[key] += 0
    name = label or (lambda kind, key: key)
    return {key: Series(key[0], key[1], name(*key), by, bins, counts[key].astype(int),
                        weights[key], exposure, ids[key],
                        np.array([len(d) for d in docs[key]], dtype=int))
            for key in sorted(counts)}


def crop(s: Series, since: date | None = None, until: date | None = None) -> Series:
    """The part of a series between two days (bins holding them included)."""
    keep = [i for i, b in enumerate(s.bins)
            if (since is None or b >= bin_start(since, s.by))
            and (until is None or b <= until)]
    if not keep:
        return Series(s.kind, s.key, s.label, s.by, [], s.counts[:0], s.hostility[:0],
                      s.exposure[:0], [], None if s.reports is None else s.reports[:0])
    lo, hi = keep[0], keep[-1] + 1
    return Series(s.kind, s.key, s.label, s.by, s.bins[lo:hi], s.counts[lo:hi],
                  s.hostility[lo:hi], s.exposure[lo:hi], s.event_ids[lo:hi],
                  None if s.reports is None else s.reports[lo:hi])
