"""Finding temporal expressions in English news text.

Regex only (no NLP): it runs on every sentence. Month and weekday names must be
capitalised, and a bare month name ("May", "March") only counts after a temporal trigger
("in May", "since March", "late May"), so the modal "may" and the verb "march" never fire.
Overlapping candidates are resolved longest-first.
"""

from __future__ import annotations

import re

MONTHS: dict[str, int] = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
WEEKDAYS: dict[str, int] = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6,
}
NUMBER_WORDS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "twenty-four": 24,
    "thirty-six": 36, "forty-eight": 48, "seventy-two": 72, "a couple of": 2,
    "a couple": 2, "couple of": 2,
}
# Vague quantities as (low, high) bounds: "a few days ago" is 2-5 days back.
VAGUE_NUMBERS: dict[str, tuple[int, int]] = {
    "few": (2, 5), "a few": (2, 5), "several": (3, 7),
}

_MONTH_FULL = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November"
    r"|December)\b"
)
_MONTH_ABBR = r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b\.?"
_MONTH = rf"(?:{_MONTH_FULL}|{_MONTH_ABBR})"
_WD = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
_DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?\b"
_YEAR = r"(?:1[89]\d\d|20\d\d)\b"
_RANGE = r"(?:\s*[-–]\s*|\s+(?:to|and|through|until)\s+)"
_PART = r"(?:(?i:early|late)\s+|(?i:mid)[-\s]?)"
_NUM = (
    r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen"
    r"|twenty-four|thirty-six|forty-eight|seventy-two|twenty|thirty|forty|fifty"
    r"|a\s+few|few|several|a\s+couple\s+of|a\s+couple|couple\s+of)"
)
_UNIT = r"(?:hours?|days?|weeks?|months?|years?|decades?)\b"
# Prefixes a day expression may carry: "late on", "on the night of", "on".
_PRE_DAY = (
    r"(?:(?i:(?:early|late|later|earlier)\s+)?(?i:on\s+)?"
    r"(?i:the\s+(?:night|morning|evening|afternoon)\s+of\s+)?)"
)
# Triggers that license a bare month or year without being part of the span.
_TRIGGERS = ("since", "until", "till", "by", "before", "after", "from", "as of", "and")
_LB = "(?:" + "|".join(rf"(?<=\b(?i:{t}) )" for t in _TRIGGERS) + ")"
# Numbers after "in"/"by" that are counts, not years: "by 2000 votes".
_COUNT = (
    r"(?!\s+(?:people|persons|troops|soldiers|fighters|civilians|members|militants|men"
    r"|women|children|refugees|residents|km|kilometres|kilometers|miles|metres|meters"
    r"|dollars|rounds|vehicles|houses|homes|families|protesters|votes|deaths|casualties)\b)"
)
# Weekday names inside proper names: "Black Monday", "Bloody Sunday", "Sunday Times".
_WD_NOT_AFTER = "".join(
    f"(?<!{w} )" for w in (
        "Black", "Bloody", "Good", "Easter", "Holy", "Ash", "Palm", "Super", "Cyber",
        "Maundy", "Shrove", "Blue", "Giving", "News",
    )
)
_WD_NOT_BEFORE = (
    r"(?!\s+(?:Times|Telegraph|Express|Mirror|Post|Herald|Mail|Independent|Star|Tribune"
    r"|Observer|Sport|People|Business|Review|Magazine|Edition|Night\s+Live|School"
    r"|Bloody|Massacre|Accords?)\b)"
)
_SEASON = r"(?:spring|summer|autumn|fall|winter)"
_EVE_STOP = (
    r"(?:in|at|on|when|as|and|or|but|to|with|by|for|from|after|before|that|which|where"
    r"|while|was|were|is|are|has|had|have|said|killed|the)\b"
)

_PATTERNS: tuple[str, ...] = (
    # 2020-01-03, 03/01/2020
    r"\b(?:(?i:on)\s+)?\d{4}-\d{2}-\d{2}\b",
    r"\b(?:(?i:on)\s+)?\d{1,2}/\d{1,2}/\d{4}\b",
    # (on) (Friday,) January 3(-5)(, 2020)
    rf"\b{_PRE_DAY}(?:{_WD},?\s+)?{_MONTH}\s+{_DAY}(?:{_RANGE}{_DAY})?(?:,?\s+{_YEAR})?",
    # (on) (the) 3(rd) (of) January (2020)
    rf"\b{_PRE_DAY}(?:{_WD},?\s+)?(?:(?i:the)\s+)?{_DAY}(?:{_RANGE}{_DAY})?\s+(?:of\s+)?"
    rf"{_MONTH}(?:,?\s+{_YEAR})?",
    # (in) (mid-)January (of) 2020
    rf"\b(?:(?i:in|during|throughout|on)\s+)?{_PART}?{_MONTH}\s*,?\s+(?:of\s+)?{_YEAR}",
    # (in) March (of) last year
    rf"\b(?:(?i:in|during)\s+)?{_PART}?{_MONTH_FULL}\s+(?:(?i:of)\s+)?"
    r"(?i:last|this|next|the\s+previous|the\s+following)\s+(?i:year)\b",
    # last March, this May
    rf"\b(?:(?i:in)\s+)?(?i:last|this|next|past)\s+{_MONTH_FULL}",
    # in December, in mid-January, late May, since March (the lookahead spares the nine
    # lookbehinds at every position that starts no month name)
    rf"(?:\b(?i:in|during|throughout)\s+{_PART}?|\b{_PART}|(?={_MONTH_FULL}){_LB})"
    rf"{_MONTH_FULL}",
    # in 2018, in mid-2018, since 2014
    rf"(?:\b(?i:in|during|throughout)\s+{_PART}?|\b{_PART}|(?={_YEAR}){_LB}){_YEAR}{_COUNT}",
    # between 2014 and 2017, 2014-2017
    rf"\b(?i:between|from)\s+{_YEAR}\s+(?i:and|to|until|through)\s+{_YEAR}",
    rf"\b(?:(?i:in|during|from)\s+)?{_YEAR}\s*[-–]\s*(?:{_YEAR}|\d\d\b)",
    # in the 1990s
    r"\b(?:(?i:in|during|throughout)\s+)?(?i:the)\s+(?:(?i:early|late|mid)[-\s]?)?"
    r"(?:1[89]|20)\d0s\b",
    # that same year, the following year
    r"\b(?i:(?:(?:later|earlier|late|early)\s+)?(?:in\s+)?(?:that\s+same|the\s+same|that)"
    r"\s+year|the\s+(?:following|previous)\s+year|a\s+year\s+(?:later|earlier))\b",
    # (late on) Sunday (night), last Tuesday
    rf"\b(?:(?i:(?:early|late|later|earlier)\s+(?:on\s+)?|(?:on|last|this|next|overnight"
    rf"|(?:on\s+)?the\s+night\s+of)\s+))?{_WD_NOT_AFTER}{_WD}{_WD_NOT_BEFORE}"
    r"(?:\s+(?i:night|morning|afternoon|evening))?",
    # yesterday, today, overnight ...
    r"\b(?i:the\s+day\s+before\s+yesterday|(?:early|late|earlier|later)\s+(?:yesterday|today)"
    r"|yesterday(?:\s+(?:morning|afternoon|evening))?|today|tonight"
    r"|tomorrow(?:\s+(?:morning|afternoon|evening|night))?|last\s+night"
    r"|this\s+(?:morning|afternoon|evening)|overnight)\b",
    # over the weekend, last weekend
    r"\b(?i:(?:over|during|at|on)\s+the\s+(?:(?:past|last)\s+)?weekend"
    r"|(?:(?:over|during)\s+)?(?:last|this|past|next|the\s+coming)\s+weekend)\b",
    # last week, earlier this month, in the past year
    r"\b(?i:(?:(?:earlier|later|early|late)\s+)?(?:(?:in|during|over|throughout|within)\s+)?"
    r"(?:last|this|next|the\s+past|the\s+last|the\s+previous|the\s+coming|past)"
    r"\s+(?:week|month|year))\b",
    # in the last 48 hours
    rf"\b(?i:(?:(?:in|over|during|within|for|throughout)\s+)?the\s+(?:last|past|previous"
    rf"|preceding)\s+{_NUM}\s+{_UNIT})",
    r"\b(?i:(?:in|over|during)\s+recent\s+(?:days|weeks|months|years))\b",
    # two days ago
    rf"\b(?i:(?:(?:about|around|some|nearly|almost|roughly|more\s+than|less\s+than|over"
    rf"|just)\s+)?{_NUM}\s+{_UNIT}\s+ago)\b",
    # at the end of March, the beginning of last year
    rf"\b(?:(?i:at|by|until|towards?)\s+)?(?i:the)\s+(?i:end|beginning|start|middle)\s+(?i:of)"
    rf"\s+(?:{_MONTH_FULL}(?:\s+{_YEAR})?|{_YEAR}|(?i:last|this|next)\s+(?i:week|month|year))",
    # last summer, in the summer of 2019
    rf"\b(?:(?i:in|during|over|throughout)\s+)?(?i:(?:the\s+)?(?:(?:early|late)\s+)?{_SEASON}"
    rf"\s+(?:of\s+)?){_YEAR}",
    rf"\b(?:(?i:in|during|over|throughout)\s+)?(?i:(?:last|this|next|past)\s+{_SEASON})\b",
    # on the eve of Sunday's vote
    rf"\b(?i:on\s+the\s+eve\s+of)\s+(?:(?i:the|a|an|this|his|her|its|their)\s+)?"
    rf"(?!(?i:{_EVE_STOP}))[\w'’-]+(?:\s+(?!(?i:{_EVE_STOP}))[\w'’-]+){{0,3}}",
)
_COMPILED: tuple[re.Pattern[str], ...] = tuple(re.compile(p) for p in _PATTERNS)
# A part that every match of a pattern holds (pattern number -> the part's source, and
# whether it sits in a case-blind group): a text where no part matches skips the scan,
# which tries every position. The part must be a required piece of that very pattern.
_NEEDS: dict[int, tuple[str, bool]] = {
    2: (_MONTH, False), 3: (_MONTH, False), 4: (_MONTH, False), 5: (_MONTH_FULL, False),
    6: (_MONTH_FULL, False), 7: (_MONTH_FULL, False), 8: (_YEAR, False), 9: (_YEAR, False),
    10: (_YEAR, False), 12: ("year", True), 13: (_WD, False), 15: ("weekend", True),
    16: ("(?:week|month|year)", True), 17: (_UNIT, True), 18: ("recent", True),
    19: ("ago", True), 21: (_YEAR, False), 22: (_SEASON, True),
}
assert all(part in _PATTERNS[i] for i, (part, _) in _NEEDS.items())  # (kept in step)
_NEEDLES: dict[int, re.Pattern[str]] = {
    i: re.compile(f"(?i:{part})" if blind else part) for i, (part, blind) in _NEEDS.items()}
# "September 11 attacks" names an event, not a date in this text.
_NOT_A_DATE = re.compile(
    r"^(?:(?i:on)\s+)?Sept(?:ember|\.)?\s+11(?:th)?$|^9/11$"
)
_NOT_A_DATE_AFTER = re.compile(r"^\s*(?:attacks?|hijackers?|commission|terror)", re.I)


def find_time_expressions(text: str) -> list[tuple[int, int]]:
    """Character spans of temporal expressions in `text`, longest-first, no overlaps."""
    cands: list[tuple[int, int]] = []
    present: dict[str, bool] = {}  # needle source -> found (patterns share needles)
    for k, pat in enumerate(_COMPILED):
        needle = _NEEDLES.get(k)
        if needle is not None:
            if needle.pattern not in present:
                present[needle.pattern] = needle.search(text) is not None
            if not present[needle.pattern]:
                continue
        for m in pat.finditer(text):
            s, e = m.start(), m.end()
            while e > s and text[e - 1] in " \t'’-":
                e -= 1
            if e <= s:
                continue
            if _NOT_A_DATE.match(text[s:e]) and _NOT_A_DATE_AFTER.match(text[e:]):
                continue
            cands.append((s, e))
    cands.sort(key=lambda se: (se[0] - se[1], se[0]))
    chosen: list[tuple[int, int]] = []
    for s, e in cands:
        if all(e <= cs or s >= ce for cs, ce in chosen):
            chosen.append((s, e))
    return sorted(chosen)
