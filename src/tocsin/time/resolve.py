"""Resolving temporal expressions to date ranges against a publication date.

Past-oriented by default, because news reports what already happened; ``future=True``
turns weekday and month names forward. The calendar rules live in ``rules``; this module
adds the rules that recurse, the dateparser fallback for complete dates the rules do not
know, caching, and dateline parsing.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from tocsin.model import TimeValue
from tocsin.time.expressions import find_time_expressions
from tocsin.time.rules import (
    LEAD,
    PATTERNS,
    Ctx,
    Rule,
    make,
    normalise,
    part_of_range,
    rule_absolute,
    rule_anaphor,
    rule_counted,
    rule_day_month,
    rule_month,
    rule_rel_unit,
    rule_relative_day,
    rule_season,
    rule_weekday,
    rule_weekend,
    unknown,
)


def rule_eve(s: str, c: Ctx) -> TimeValue | None:
    m = PATTERNS["eve"].match(s)
    if not m:
        return None
    tail = c.raw[c.raw.lower().find("eve of") + 6:]
    for a, b in find_time_expressions(tail):
        inner = resolve(tail[a:b], c.anchor, future=c.future, context_year=c.context_year)
        if inner and inner.precision == "day" and inner.start and inner.end:
            return make("eve-of", inner.start - timedelta(1), inner.start - timedelta(1))
        if inner and inner.precision == "unknown":
            return unknown("eve-of")
    return None


def rule_part_of(s: str, c: Ctx) -> TimeValue | None:
    m = PATTERNS["part_of"].match(s)
    if not m:
        return None
    inner = _resolve_norm(m["rest"], c)
    if inner is None or inner.start is None or inner.end is None:
        return inner
    return make("part-of", *part_of_range(inner.start, inner.end, m["part"]))


def rule_dateparser(s: str, c: Ctx) -> TimeValue | None:
    """Last resort for complete dates in forms the rules miss ("03/01/2020", "3rd Jan 2020")."""
    if not re.search(r"\d", s):
        return None  # strict parsing needs a year; skip the slow call
    import dateparser  # lazy: slow to import

    settings: dict[str, Any] = {
        "PREFER_DATES_FROM": "future" if c.future else "past", "STRICT_PARSING": True,
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    if c.anchor is not None:
        settings["RELATIVE_BASE"] = datetime(c.anchor.year, c.anchor.month, c.anchor.day)
    text = LEAD.sub("", " ".join(c.raw.lower().split()))
    try:
        parsed = dateparser.parse(text, languages=["en"], settings=settings)
    except (ValueError, OverflowError):
        return None
    if parsed is None:
        return None
    return make("dateparser", parsed.date(), parsed.date())


_RULES: tuple[Rule, ...] = (
    rule_eve, rule_absolute, rule_anaphor, rule_day_month, rule_month, rule_weekday,
    rule_relative_day, rule_weekend, rule_rel_unit, rule_counted, rule_part_of, rule_season,
)


def _resolve_norm(s: str, c: Ctx) -> TimeValue | None:
    s = normalise(s)
    if not s:
        return None
    for rule in _RULES:
        out = rule(s, c)
        if out is not None:
            return out
    return None


@lru_cache(maxsize=8192)
def _resolve_cached(expr: str, anchor: date | None, future: bool,
                    context_year: int | None) -> TimeValue | None:
    c = Ctx(anchor, future, context_year, expr)
    out = _resolve_norm(expr, c) or rule_dateparser(normalise(expr), c)
    return None if out is None else replace(out, text=expr.strip())


def resolve(expr: str, anchor: date | None, *, future: bool = False,
            context_year: int | None = None) -> TimeValue | None:
    """Resolve one temporal expression against the publication date ``anchor``.

    Returns None for text that is not a temporal expression this module understands, and
    for anaphoric years ("that same year") without ``context_year``. Relative expressions
    without an anchor come back with precision "unknown"; absolute dates always resolve.
    """
    out = _resolve_cached(expr, anchor, future, context_year)
    return None if out is None else replace(out)  # a copy: callers may edit theirs


# ---- datelines --------------------------------------------------------------------------

_DL_DATE = re.compile(
    r"(?:(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?\s+)?(?:"
    r"(?:January|February|March|April|May|June|July|August|September|October|November"
    r"|December|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b\.?)\s+\d{1,2}"
    r"(?:st|nd|rd|th)?\b(?:,?\s+\d{4}\b)?"
    r"|\d{1,2}(?:st|nd|rd|th)?\s+(?:January|February|March|April|May|June|July|August"
    r"|September|October|November|December|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov"
    r"|Dec)\b\.?)(?:,?\s+\d{4}\b)?"
    r"|\d{4}-\d\d-\d\d\b)"
)
_DL_PLACE = re.compile(r"^[\s\W]*[A-Z][^\n.:;]{0,60}?,\s*$")
_DL_KEYWORD = re.compile(
    r"(?:published|posted|released|updated|issued|dated|date|release date)(?:\s+on)?\s*:?\s*$",
    re.I,
)
_DL_AFTER = re.compile(r"^\s*(?:\(|[-–—:]|\)|$)")


def parse_dateline(text: str, *, anchor: date | None = None) -> date | None:
    """The date in an opening dateline or release-date line, from the first 200 characters:
    "BAGHDAD, Jan. 5 (Reuters) -", "(Jan. 25, 2013)", "Sanaa, 14 September 2019:".
    A dateline without a year needs ``anchor`` to choose the year; otherwise None."""
    head = text[:200]
    for m in _DL_DATE.finditer(head):
        line_start = head.rfind("\n", 0, m.start()) + 1
        before, after = head[line_start:m.start()], head[m.end():]
        line_end = after.find("\n")
        rest_of_line = after if line_end < 0 else after[:line_end]
        ok = (
            before.rstrip().endswith("(") and rest_of_line.lstrip().startswith(")")
            or bool(_DL_KEYWORD.search(before))
            or (bool(_DL_PLACE.match(before)) and bool(_DL_AFTER.match(after)))
            or (not before.strip() and not rest_of_line.strip())
            or (not before.strip() and after.startswith(":"))  # "May 2: Operations in ..."
        )
        if not ok:
            continue
        tv = resolve(m.group(0), anchor)
        if tv is not None and tv.precision == "day" and tv.start is not None:
            return tv.start
    return None


_DL_CITY = re.compile(r"^\s*([A-Z][A-Z'’.\-]+(?:\s+[A-Z][A-Z'’.\-]+){0,3})"
                      r"(?=\s*(?:,|\(|[-–—]))")
# A dateline after a headline or release header: "...For Immediate Release  KABUL,
# Afghanistan (July 31, 2011) –". Needs the "(date" or ", Country (" shape, since an upper-case
# word mid-text is otherwise just emphasis.
_DL_CITY_LATER = re.compile(r"(?:\n|\s{2}|^)\s*([A-Z][A-Z'’.\-]{2,}(?:\s+[A-Z][A-Z'’.\-]+){0,3})"
                            r"(?=(?:,\s*[A-Z][\w.]+(?:\s+[A-Z][\w.]+)?)?\s*\()")
_DL_PAREN = re.compile(r"(?:,\s*[A-Z][\w.]+(?:\s+[A-Z][\w.]+)?)?\s*\([^)\n]{1,40}\)")


def dateline_place_span(text: str) -> tuple[int, int] | None:
    """The upper-case place that opens a dateline ("BAGHDAD, Jan. 5 -"): a location, never
    an actor, although the parser often takes it for the subject of the first verb. Found
    at the start of the text, or after a release header within the first 400 characters."""
    m = _DL_CITY.match(text[:80])
    if m is not None and len(m.group(1)) >= 3:
        return m.start(1), m.end(1)
    m = _DL_CITY_LATER.search(text[:400])
    if m is None:
        return None
    return m.start(1), m.end(1)


_DL_DASH = re.compile(r"\s(?:—|–|--?)\s|—|–")


def dateline_end(text: str) -> int:
    """Where the dateline ("KIRKUK, Iraq, Dec. 28 —", "KABUL, Afghanistan (Feb. 8, 2013)")
    ends, or 0 without one. Its date is the report's, not an event's; its city is where the
    report was filed."""
    place = dateline_place_span(text)
    if place is None:
        # a release headed by its date ("May 2: Afghan-ISAF Operations in Helmand")
        m = _DL_DATE.match(text)
        return m.end() + 1 if m and text[m.end():m.end() + 1] == ":" else 0
    end = place[1]
    paren = _DL_PAREN.match(text, end)
    if paren is not None:
        end = paren.end()
        dash = re.match(r"\s*(?:—|–|--?)", text[end:end + 8])
        return end + dash.end() if dash else end
    m = _DL_DASH.search(text, end, min(len(text), end + 80))
    return m.end() if m else end


def publication_fallback(anchor: date | None, *, threat: bool = False) -> TimeValue:
    """The date of an event no expression dates: the publication day itself.

    Wire reports and press releases mostly report the day's or the night's events, so the
    publication day is the single most likely date; the rule name says it was assumed.
    (A week-wide range ending at publication is the cautious alternative.)"""
    if anchor is None:
        return TimeValue(None, None, "unknown")
    return TimeValue(anchor, anchor, "day", None,
                     "publication-date" if threat else "publication-day-assumed")
