"""The calendar rules behind tocsin.time.resolve.

Each ``rule_*`` function handles one family of normalised (lower-case, punctuation-free)
expressions and returns a TimeValue naming itself in ``rule``, or None when the form is
not its own. Precision follows the width of the resolved range (see docs/time.md).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from tocsin.model import Precision, TimeValue
from tocsin.time.expressions import MONTHS, NUMBER_WORDS, VAGUE_NUMBERS, WEEKDAYS


@dataclass(frozen=True, slots=True)
class Ctx:
    anchor: date | None
    future: bool
    context_year: int | None
    raw: str


Rule = Callable[[str, Ctx], TimeValue | None]

_M = "(?P<mon>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\b"
_MFULL = "(?P<mon>" + "|".join(k for k in MONTHS if len(k) > 3 or k == "may") + r")\b"
_WD = "(?P<wd>" + "|".join(WEEKDAYS) + r")\b"
_D = r"(?P<day>\d{1,2})"
_D2 = r"(?:(?: ?- ?| to | and | through | until )(?P<day2>\d{1,2}))?"
_Y = r"(?P<year>\d{4})"
_PART = r"(?:(?P<part>early|mid|late) ?)?"
_NUM = "(?P<num>" + "|".join(
    re.escape(k) for k in sorted([*NUMBER_WORDS, *VAGUE_NUMBERS], key=len, reverse=True)
) + r"|\d+)"
_UNIT = r"(?P<unit>hour|day|week|month|year|decade)s?"

LEAD = re.compile(
    r"^(?:on|in|at|during|throughout|since|until|till|by|before|after|as of|as early as"
    r"|as late as|(?:early|late|later|earlier) on|the (?:night|morning|evening|afternoon) of)"
    r" "
)
PATTERNS = {k: re.compile(v) for k, v in {
    "eve": r"^(?:on )?the eve of (?P<rest>.+)$",
    "iso": r"^(?P<year>\d{4})-(?P<m>\d\d)-(?P<day>\d\d)$",
    "years": r"^(?:between |from )?(?P<y1>\d{4}) ?(?:-|and|to|until|through) ?(?P<y2>\d{2,4})$",
    "decade": r"^the (?:(?P<part>early|mid|late) ?)?(?P<dec>\d{3})0s$",
    "anaphor": r"^(?:(?:later|earlier|late|early) )?(?:in )?(?P<which>that same|the same|that"
               r"|the following|the previous|a) year(?: (?P<dir>later|earlier))?$",
    "mdy": rf"^(?:{_WD} )?{_M} {_D}{_D2}(?: {_Y})?$",
    "dmy": rf"^(?:{_WD} )?(?:the )?{_D}{_D2}(?: of)? {_M}(?: {_Y})?$",
    "month_year": rf"^{_PART}{_M}(?: of)? {_Y}$",
    "month_rel_year": rf"^{_PART}{_MFULL}(?: of)? (?P<rel>last|this|next|the previous"
                      r"|the following) year$",
    "rel_month": rf"^(?P<rel>last|this|next|past) {_MFULL}$",
    "month": rf"^{_PART}{_MFULL}$",
    "year": rf"^{_PART}{_Y}$",
    "weekday": rf"^(?:(?:early|late|later|earlier) )?(?:(?P<rel>last|this|next|overnight) )?"
               rf"{_WD}(?: (?:night|morning|afternoon|evening))?$",
    "weekend": r"^(?:(?:over|during|at|on) )?(?:the )?(?:(?P<rel>past|last|this|next|coming) )?"
               r"weekend$",
    "rel_unit": r"^(?:(?P<mod>early|late|earlier|later) )?(?:(?:in|during|over|throughout"
                r"|within) )?(?P<the>the )?(?P<rel>last|this|next|past|previous|coming) "
                r"(?P<unit>week|month|year)$",
    "span": rf"^(?:(?:in|over|during|within|for|throughout) )?the (?:last|past|previous"
            rf"|preceding) {_NUM} {_UNIT}$",
    "recent": r"^(?:(?:in|over|during) )?recent (?P<unit>day|week|month|year)s$",
    "ago": rf"^(?:(?:about|around|some|nearly|almost|roughly|more than|less than|over|just) )?"
           rf"{_NUM} {_UNIT} ago$",
    "part_of": r"^(?:(?:at|by|until|toward|towards) )?the (?P<part>end|beginning|start|middle)"
               r" of (?P<rest>.+)$",
    "season_year": r"^(?:(?:in|during|over|throughout) )?(?:the )?(?:(?P<part>early|late) )?"
                   r"(?P<season>spring|summer|autumn|fall|winter) (?:of )?(?P<year>\d{4})$",
    "season_rel": r"^(?:(?:in|during|over|throughout) )?(?P<rel>last|this|next|past) "
                  r"(?P<season>spring|summer|autumn|fall|winter)$",
}.items()}
_RELATIVE_DAYS: dict[str, tuple[int, int]] = {
    "yesterday": (-1, -1), "the day before yesterday": (-2, -2), "last night": (-1, -1),
    "today": (0, 0), "tonight": (0, 0), "this morning": (0, 0), "this afternoon": (0, 0),
    "this evening": (0, 0), "tomorrow": (1, 1),
    "overnight": (-1, 0),
}
_SEASONS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}
_PART_WORDS = {"early": "early", "beginning": "early", "start": "early", "mid": "mid",
               "middle": "mid", "late": "late", "end": "late"}


# ---- calendar helpers -------------------------------------------------------------------

def _precision(start: date, end: date) -> Precision:
    n = (end - start).days
    return "day" if n <= 0 else "week" if n <= 7 else "month" if n <= 31 else "year"


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _shift_months(d: date, n: int) -> date:
    """The same day-of-month n months away, clamped to the month's last day."""
    y, m = divmod(d.year * 12 + d.month - 1 + n, 12)
    return date(y, m + 1, min(d.day, calendar.monthrange(y, m + 1)[1]))


def part_of_range(start: date, end: date, part: str | None) -> tuple[date, date]:
    """The early/mid/late third of a range: days 1-10/11-20/21-end of a calendar month,
    Jan-Apr/May-Aug/Sep-Dec of a calendar year, plain thirds of anything else."""
    part = _PART_WORDS.get(part or "")
    if part is None:
        return start, end
    idx = ("early", "mid", "late").index(part)
    if start.day == 1 and end == _month_end(start.year, start.month) and start.month == end.month:
        lo, hi = (1, 11, 21)[idx], (10, 20, end.day)[idx]
        return start.replace(day=lo), start.replace(day=hi)
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year:
        return date(start.year, 4 * idx + 1, 1), _month_end(start.year, 4 * idx + 4)
    third = ((end - start).days + 1) // 3
    if third == 0:
        return start, end
    bounds = ((start, start + timedelta(third - 1)),
              (start + timedelta(third), end - timedelta(third)),
              (end - timedelta(third - 1), end))
    return bounds[idx]


def make(rule: str, start: date, end: date, precision: Precision | None = None) -> TimeValue:
    return TimeValue(start, end, precision or _precision(start, end), rule=rule)


def unknown(rule: str) -> TimeValue:
    return TimeValue(None, None, "unknown", rule=rule)


def _month_tv(rule: str, y: int, m: int, part: str | None = None) -> TimeValue:
    return make(rule, *part_of_range(date(y, m, 1), _month_end(y, m), part))


def _year_tv(rule: str, y: int, part: str | None = None) -> TimeValue:
    return make(rule, *part_of_range(date(y, 1, 1), date(y, 12, 31), part))


def _number(word: str) -> tuple[int, int]:
    if word.isdigit():
        return int(word), int(word)
    if word in VAGUE_NUMBERS:
        return VAGUE_NUMBERS[word]
    n = NUMBER_WORDS[word]
    return n, n


def _monday(d: date) -> date:
    return d - timedelta(d.weekday())


# ---- rules ------------------------------------------------------------------------------

def rule_absolute(s: str, c: Ctx) -> TimeValue | None:
    if m := PATTERNS["iso"].match(s):
        try:
            d = date(int(m["year"]), int(m["m"]), int(m["day"]))
        except ValueError:
            return None
        return make("iso-date", d, d)
    if m := PATTERNS["years"].match(s):
        y1, y2s = int(m["y1"]), m["y2"]
        y2 = int(y2s) if len(y2s) == 4 else y1 // 100 * 100 + int(y2s)
        return make("year-range", date(y1, 1, 1), date(y2, 12, 31)) if y2 >= y1 else None
    if m := PATTERNS["decade"].match(s):
        y0 = int(m["dec"]) * 10
        lo, hi = {"early": (0, 3), "mid": (4, 6), "late": (7, 9)}.get(m["part"] or "", (0, 9))
        return make("decade", date(y0 + lo, 1, 1), date(y0 + hi, 12, 31))
    if m := PATTERNS["month_year"].match(s):
        return _month_tv("month-year", int(m["year"]), MONTHS[m["mon"]], m["part"])
    if m := PATTERNS["year"].match(s):
        return _year_tv("year", int(m["year"]), m["part"])
    return None


def rule_anaphor(s: str, c: Ctx) -> TimeValue | None:
    m = PATTERNS["anaphor"].match(s)
    if not m:
        return None
    if c.context_year is None:
        return None
    which, direction = m["which"], m["dir"]
    if which == "a" and not direction:
        return None
    shift = 1 if which == "the following" or direction == "later" else (
        -1 if which == "the previous" or direction == "earlier" else 0)
    return _year_tv("anaphoric-year", c.context_year + shift)


def _pick_year(m: int, d: int, anchor: date, future: bool) -> date | None:
    """The year that puts day-month at or before the anchor (tolerating 7 days ahead, for
    scheduled events), or at or after it when ``future``; Feb 29 walks to a leap year."""
    years = range(anchor.year, anchor.year + 9) if future else range(
        anchor.year + 1, anchor.year - 9, -1)
    for y in years:
        try:
            cand = date(y, m, d)
        except ValueError:
            continue
        if (cand >= anchor) if future else (cand <= anchor + timedelta(7)):
            return cand
    return None


def rule_day_month(s: str, c: Ctx) -> TimeValue | None:
    m = PATTERNS["mdy"].match(s) or PATTERNS["dmy"].match(s)
    if not m:
        return None
    mon, d1 = MONTHS[m["mon"]], int(m["day"])
    d2 = int(m["day2"]) if m["day2"] else d1
    if d2 < d1:
        return None
    if m["year"]:
        rule, y = "date-absolute", int(m["year"])
    elif c.anchor is None:
        return unknown("date-no-year")
    else:
        first = _pick_year(mon, d1, c.anchor, c.future)
        if first is None:
            return None
        rule, y = ("date-no-year-future" if c.future else "date-no-year-past"), first.year
    try:
        return make(rule, date(y, mon, d1), date(y, mon, d2))
    except ValueError:
        return None


def rule_month(s: str, c: Ctx) -> TimeValue | None:
    if m := PATTERNS["month_rel_year"].match(s):
        rel = m["rel"]
        if rel.startswith("the "):
            if c.context_year is None:
                return None
            base, rule = c.context_year, "month-context-year"
        elif c.anchor is None:
            return unknown("month-relative-year")
        else:
            base, rule = c.anchor.year, "month-relative-year"
        shift = {"last": -1, "the previous": -1, "this": 0, "next": 1, "the following": 1}[rel]
        return _month_tv(rule, base + shift, MONTHS[m["mon"]], m["part"])
    if m := PATTERNS["rel_month"].match(s):
        if c.anchor is None:
            return unknown("month-name-" + m["rel"])
        mon, a = MONTHS[m["mon"]], c.anchor
        y = a.year
        if m["rel"] in ("last", "past"):
            y -= mon >= a.month  # strictly before the anchor's month
        elif m["rel"] == "next":
            y += mon <= a.month
        return _month_tv("month-name-" + m["rel"], y, mon)
    if m := PATTERNS["month"].match(s):
        if c.anchor is None:
            return unknown("month-name")
        mon, a = MONTHS[m["mon"]], c.anchor
        if c.future:
            return _month_tv("month-name-future", a.year + (mon < a.month), mon, m["part"])
        return _month_tv("month-name-past", a.year - (mon > a.month), mon, m["part"])
    return None


def rule_weekday(s: str, c: Ctx) -> TimeValue | None:
    m = PATTERNS["weekday"].match(s)
    if not m:
        return None
    rel = m["rel"] if m["rel"] in ("last", "next") else None
    rule = "weekday-" + (rel or ("future" if c.future else "past"))
    if c.anchor is None:
        return unknown(rule)
    wd, a = WEEKDAYS[m["wd"]], c.anchor
    if rel == "next" or (rel is None and c.future):
        ahead = (wd - a.weekday()) % 7
        d = a + timedelta(ahead or (7 if rel else 0))
    else:
        back = (a.weekday() - wd) % 7
        d = a - timedelta(back or (7 if rel else 0))  # "on Sunday" on a Sunday is today
    return make(rule, d, d, "day")


def rule_relative_day(s: str, c: Ctx) -> TimeValue | None:
    key = re.sub(r"^(?:early|late|earlier|later) ", "", s)
    if key not in _RELATIVE_DAYS:
        key = re.sub(r"(?<=\w) (?:morning|afternoon|evening|night)$", "", key)
    if key not in _RELATIVE_DAYS:
        return None
    if c.anchor is None:
        return unknown("relative-day")
    lo, hi = _RELATIVE_DAYS[key]
    # A night spans two dates but is known to within a day: keep day precision.
    return make("relative-day", c.anchor + timedelta(lo), c.anchor + timedelta(hi), "day")


def rule_weekend(s: str, c: Ctx) -> TimeValue | None:
    m = PATTERNS["weekend"].match(s)
    if not m or (m["rel"] is None and not s.startswith(("over", "during", "at", "on", "the"))):
        return None
    if c.anchor is None:
        return unknown("relative-weekend")
    rel, a = m["rel"], c.anchor
    mon, in_weekend = _monday(a), a.weekday() >= 5
    if rel in ("last", "past"):
        sat = mon - timedelta(2)
    elif rel == "this":
        sat = mon + timedelta(5)
    elif rel in ("next", "coming") or c.future:
        sat = mon + timedelta(12 if in_weekend and rel else 5)
    else:  # "over the weekend": the weekend just gone, or the current one
        sat = mon + timedelta(5) if in_weekend else mon - timedelta(2)
    return make("relative-weekend", sat, sat + timedelta(1), "week")


def rule_rel_unit(s: str, c: Ctx) -> TimeValue | None:
    m = PATTERNS["rel_unit"].match(s)
    if not m:
        return None
    rule = "relative-" + m["unit"]
    if c.anchor is None:
        return unknown(rule)
    a, unit, rel, mod = c.anchor, m["unit"], m["rel"], m["mod"]
    if m["the"] and rel in ("last", "past") or rel == "past":  # rolling window to the anchor
        start = {"week": a - timedelta(7), "month": _shift_months(a, -1),
                 "year": _shift_months(a, -12)}[unit]
        return make(rule + "-rolling", start, a)
    step = {"last": -1, "previous": -1, "this": 0, "next": 1, "coming": 1}[rel]
    if unit == "week":
        start = _monday(a) + timedelta(7 * step)
        end = start + timedelta(6)
    elif unit == "month":
        start = _shift_months(a.replace(day=1), step)
        end = _month_end(start.year, start.month)
    else:
        start, end = date(a.year + step, 1, 1), date(a.year + step, 12, 31)
    if mod == "earlier" and step == 0:
        return make(rule, start, max(start, a - timedelta(1)))
    if mod == "later" and step == 0:
        return make(rule, min(a + timedelta(1), end), end)
    part = {"earlier": "early", "later": "late"}.get(mod or "", mod)
    return make(rule, *part_of_range(start, end, part))


def _back(a: date, unit: str, n: int) -> date:
    if unit == "hour":
        return a - timedelta(-(-n // 24))
    if unit in ("day", "week"):
        return a - timedelta(n * (7 if unit == "week" else 1))
    return _shift_months(a, -n * {"month": 1, "year": 12, "decade": 120}[unit])


def rule_counted(s: str, c: Ctx) -> TimeValue | None:
    if m := PATTERNS["span"].match(s):
        if c.anchor is None:
            return unknown("relative-span")
        n = _number(m["num"])[1]
        start = _back(c.anchor, m["unit"], n)
        # "the past 24 hours" spans two dates but one day's news, like "overnight"
        day = m["unit"] == "hour" and n <= 24
        return make("relative-span", start, c.anchor, "day" if day else None)
    if m := PATTERNS["recent"].match(s):
        if c.anchor is None:
            return unknown("recent")
        n = {"day": 7, "week": 28, "month": 6, "year": 5}[m["unit"]]
        unit = "day" if m["unit"] in ("day", "week") else m["unit"]
        return make("recent", _back(c.anchor, unit, n), c.anchor)
    m = PATTERNS["ago"].match(s)
    if not m:
        return None
    if c.anchor is None:
        return unknown("ago")
    a, unit = c.anchor, m["unit"]
    lo, hi = _number(m["num"])
    if unit == "hour":
        return make("ago", a - timedelta(-(-hi // 24)), a - timedelta(lo // 24))
    if lo == hi and unit == "week":
        start = _monday(a - timedelta(7 * lo))
        return make("ago", start, start + timedelta(6))
    if lo == hi and unit == "month":
        d = _shift_months(a, -lo)
        return _month_tv("ago", d.year, d.month)
    if lo == hi and unit in ("year", "decade"):
        return _year_tv("ago", a.year - lo * (10 if unit == "decade" else 1))
    return make("ago", _back(a, unit, hi), _back(a, unit, lo))


def _season(name: str, y: int) -> tuple[date, date]:
    s = _SEASONS[name]
    end = _shift_months(date(y, s, 1), 2)
    return date(y, s, 1), _month_end(end.year, end.month)


def rule_season(s: str, c: Ctx) -> TimeValue | None:
    if m := PATTERNS["season_year"].match(s):
        return make("season", *part_of_range(*_season(m["season"], int(m["year"])), m["part"]))
    m = PATTERNS["season_rel"].match(s)
    if not m:
        return None
    if c.anchor is None:
        return unknown("season")
    a, name = c.anchor, m["season"]
    options = [_season(name, y) for y in range(a.year - 2, a.year + 2)]
    if m["rel"] in ("last", "past"):
        return make("season", *[o for o in options if o[1] < a][-1])
    if m["rel"] == "next":
        return make("season", *[o for o in options if o[0] > a][0])
    current = [o for o in options if o[0] <= a <= o[1]]
    if current:
        return make("season", *current[0])
    return make("season", *_season(name, a.year))


def normalise(expr: str) -> str:
    s = expr.lower().replace("–", "-").replace("—", "-").replace("’", "'")
    s = re.sub(r"(?<=\d)(?:st|nd|rd|th)\b", "", s)
    s = re.sub(r"[.,;:!?()\"]", " ", s)
    s = re.sub(r"\bmid-(?=[a-z\d])", "mid ", s)
    s = " ".join(s.split())
    prev = None
    while prev != s:
        prev, s = s, LEAD.sub("", s)
    return s
