"""The temporal stage: finding expressions in sentences and resolving them to dates."""

from __future__ import annotations

from datetime import date

import pytest

from tocsin.time.expressions import find_time_expressions
from tocsin.time.resolve import (
    dateline_end,
    dateline_place_span,
    parse_dateline,
    publication_fallback,
    resolve,
)

D = date

# (expression, anchor, expected start, expected end, expected precision)
PAST_CASES: list[tuple[str, date | None, date | None, date | None, str]] = [
    # weekdays (2019-06-13 is a Thursday, 2020-01-05 a Sunday)
    ("on Tuesday", D(2019, 6, 13), D(2019, 6, 11), D(2019, 6, 11), "day"),
    ("Tuesday", D(2019, 6, 13), D(2019, 6, 11), D(2019, 6, 11), "day"),
    ("on Sunday", D(2020, 1, 5), D(2020, 1, 5), D(2020, 1, 5), "day"),  # same day
    ("late on Sunday", D(2020, 1, 5), D(2020, 1, 5), D(2020, 1, 5), "day"),
    ("late on Sunday", D(2020, 1, 7), D(2020, 1, 5), D(2020, 1, 5), "day"),
    ("last Sunday", D(2020, 1, 5), D(2019, 12, 29), D(2019, 12, 29), "day"),
    ("on Sunday night", D(2020, 1, 6), D(2020, 1, 5), D(2020, 1, 5), "day"),
    ("early on Friday", D(2020, 1, 3), D(2020, 1, 3), D(2020, 1, 3), "day"),
    ("early Friday", D(2020, 1, 4), D(2020, 1, 3), D(2020, 1, 3), "day"),
    ("on Saturday", D(2020, 1, 1), D(2019, 12, 28), D(2019, 12, 28), "day"),
    # relative days
    ("yesterday", D(2020, 1, 4), D(2020, 1, 3), D(2020, 1, 3), "day"),
    ("yesterday", D(2020, 3, 1), D(2020, 2, 29), D(2020, 2, 29), "day"),  # leap day
    ("today", D(2020, 1, 4), D(2020, 1, 4), D(2020, 1, 4), "day"),
    ("tonight", D(2020, 2, 5), D(2020, 2, 5), D(2020, 2, 5), "day"),
    ("tomorrow", D(2019, 12, 31), D(2020, 1, 1), D(2020, 1, 1), "day"),
    ("last night", D(2020, 1, 1), D(2019, 12, 31), D(2019, 12, 31), "day"),
    ("overnight", D(2020, 2, 5), D(2020, 2, 4), D(2020, 2, 5), "day"),
    ("the day before yesterday", D(2020, 1, 4), D(2020, 1, 2), D(2020, 1, 2), "day"),
    # absolute dates
    ("on January 3", D(2020, 1, 10), D(2020, 1, 3), D(2020, 1, 3), "day"),
    ("January 8", D(2020, 2, 1), D(2020, 1, 8), D(2020, 1, 8), "day"),
    ("Jan. 5", D(2020, 1, 3), D(2020, 1, 5), D(2020, 1, 5), "day"),  # scheduled, 2 days on
    ("Jan. 15", D(2020, 1, 3), D(2019, 1, 15), D(2019, 1, 15), "day"),  # > 7 days: last year
    ("Jan. 2", D(2019, 12, 28), D(2020, 1, 2), D(2020, 1, 2), "day"),  # across new year
    ("December 30", D(2020, 1, 3), D(2019, 12, 30), D(2019, 12, 30), "day"),
    ("Feb. 29", D(2021, 3, 1), D(2020, 2, 29), D(2020, 2, 29), "day"),  # last leap year
    ("on February 29", D(2020, 3, 5), D(2020, 2, 29), D(2020, 2, 29), "day"),
    ("3 January 2020", None, D(2020, 1, 3), D(2020, 1, 3), "day"),
    ("on the 3rd of January, 2020", None, D(2020, 1, 3), D(2020, 1, 3), "day"),
    ("2020-01-03", None, D(2020, 1, 3), D(2020, 1, 3), "day"),
    ("on Friday, January 3, 2020", D(2020, 5, 1), D(2020, 1, 3), D(2020, 1, 3), "day"),
    ("Sept. 11, 2019", None, D(2019, 9, 11), D(2019, 9, 11), "day"),
    ("January 3-5", D(2020, 1, 20), D(2020, 1, 3), D(2020, 1, 5), "week"),
    ("on the night of January 3", D(2020, 3, 1), D(2020, 1, 3), D(2020, 1, 3), "day"),
    ("14/09/2019", None, D(2019, 9, 14), D(2019, 9, 14), "day"),  # dateparser fallback
    # months
    ("in December", D(2020, 1, 10), D(2019, 12, 1), D(2019, 12, 31), "month"),
    ("in December", D(2020, 1, 2), D(2019, 12, 1), D(2019, 12, 31), "month"),
    ("in January", D(2020, 1, 20), D(2020, 1, 1), D(2020, 1, 31), "month"),  # current month
    ("in February", D(2020, 3, 1), D(2020, 2, 1), D(2020, 2, 29), "month"),
    ("in mid-January", D(2020, 2, 1), D(2020, 1, 11), D(2020, 1, 20), "month"),
    ("late May", D(2019, 6, 2), D(2019, 5, 21), D(2019, 5, 31), "month"),
    ("March of last year", D(2020, 2, 3), D(2019, 3, 1), D(2019, 3, 31), "month"),
    ("in March last year", D(2020, 2, 3), D(2019, 3, 1), D(2019, 3, 31), "month"),
    ("last March", D(2020, 3, 15), D(2019, 3, 1), D(2019, 3, 31), "month"),
    ("last March", D(2020, 5, 1), D(2020, 3, 1), D(2020, 3, 31), "month"),
    ("in January 2019", None, D(2019, 1, 1), D(2019, 1, 31), "month"),
    ("at the end of March", D(2020, 5, 1), D(2020, 3, 21), D(2020, 3, 31), "month"),
    # weeks and weekends (2020-01-06 is a Monday)
    ("over the weekend", D(2020, 1, 6), D(2020, 1, 4), D(2020, 1, 5), "week"),
    ("over the weekend", D(2020, 1, 4), D(2020, 1, 4), D(2020, 1, 5), "week"),
    ("last weekend", D(2020, 1, 5), D(2019, 12, 28), D(2019, 12, 29), "week"),
    ("last weekend", D(2020, 1, 8), D(2020, 1, 4), D(2020, 1, 5), "week"),
    ("last week", D(2020, 2, 3), D(2020, 1, 27), D(2020, 2, 2), "week"),
    ("last week", D(2020, 3, 4), D(2020, 2, 24), D(2020, 3, 1), "week"),  # across months
    ("this week", D(2020, 2, 5), D(2020, 2, 3), D(2020, 2, 9), "week"),
    ("earlier this week", D(2020, 2, 5), D(2020, 2, 3), D(2020, 2, 4), "week"),
    ("next week", D(2020, 2, 5), D(2020, 2, 10), D(2020, 2, 16), "week"),
    ("in the past week", D(2020, 2, 5), D(2020, 1, 29), D(2020, 2, 5), "week"),
    # rolling spans and "ago"
    ("in the last 48 hours", D(2020, 1, 6), D(2020, 1, 4), D(2020, 1, 6), "week"),
    ("over the past two days", D(2020, 1, 6), D(2020, 1, 4), D(2020, 1, 6), "week"),
    ("in recent days", D(2020, 1, 8), D(2020, 1, 1), D(2020, 1, 8), "week"),
    ("two days ago", D(2020, 2, 1), D(2020, 1, 30), D(2020, 1, 30), "day"),
    ("48 hours ago", D(2020, 2, 1), D(2020, 1, 30), D(2020, 1, 30), "day"),
    ("two weeks ago", D(2020, 2, 5), D(2020, 1, 20), D(2020, 1, 26), "week"),
    ("three months ago", D(2020, 2, 5), D(2019, 11, 1), D(2019, 11, 30), "month"),
    ("a year ago", D(2020, 2, 1), D(2019, 1, 1), D(2019, 12, 31), "year"),
    ("a few days ago", D(2020, 3, 1), D(2020, 2, 25), D(2020, 2, 28), "week"),
    # month and year relatives
    ("last month", D(2020, 1, 3), D(2019, 12, 1), D(2019, 12, 31), "month"),
    ("earlier this month", D(2020, 1, 20), D(2020, 1, 1), D(2020, 1, 19), "month"),
    ("late last month", D(2020, 3, 10), D(2020, 2, 21), D(2020, 2, 29), "month"),
    ("last year", D(2020, 2, 3), D(2019, 1, 1), D(2019, 12, 31), "year"),
    ("earlier this year", D(2020, 6, 15), D(2020, 1, 1), D(2020, 6, 14), "year"),
    ("at the end of last year", D(2020, 3, 1), D(2019, 9, 1), D(2019, 12, 31), "year"),
    # years, decades, seasons
    ("in 2018", None, D(2018, 1, 1), D(2018, 12, 31), "year"),
    ("in mid-2018", D(2020, 1, 1), D(2018, 5, 1), D(2018, 8, 31), "year"),
    ("between 2014 and 2017", None, D(2014, 1, 1), D(2017, 12, 31), "year"),
    ("in the 1990s", None, D(1990, 1, 1), D(1999, 12, 31), "year"),
    ("last summer", D(2020, 3, 1), D(2019, 6, 1), D(2019, 8, 31), "year"),
    # the eve of a dated event
    ("on the eve of Sunday's election", D(2020, 2, 4), D(2020, 2, 1), D(2020, 2, 1), "day"),
    ("on the eve of the January 8 vote", D(2020, 1, 20), D(2020, 1, 7), D(2020, 1, 7), "day"),
    # no anchor: relative forms stay unknown
    ("yesterday", None, None, None, "unknown"),
    ("on Tuesday", None, None, None, "unknown"),
    ("Jan. 5", None, None, None, "unknown"),
    ("in the last 48 hours", None, None, None, "unknown"),
]


@pytest.mark.parametrize(("expr", "anchor", "start", "end", "precision"), PAST_CASES)
def test_resolve_past(expr: str, anchor: date | None, start: date | None, end: date | None,
                      precision: str) -> None:
    tv = resolve(expr, anchor)
    assert tv is not None
    assert (tv.start, tv.end, tv.precision) == (start, end, precision)
    assert tv.text == expr
    assert tv.rule


FUTURE_CASES: list[tuple[str, date, date, date, str]] = [
    ("on Tuesday", D(2019, 6, 13), D(2019, 6, 18), D(2019, 6, 18), "day"),
    ("on Thursday", D(2019, 6, 13), D(2019, 6, 13), D(2019, 6, 13), "day"),
    ("in December", D(2020, 1, 10), D(2020, 12, 1), D(2020, 12, 31), "month"),
    ("in January", D(2020, 1, 10), D(2020, 1, 1), D(2020, 1, 31), "month"),
    ("Jan. 5", D(2020, 1, 10), D(2021, 1, 5), D(2021, 1, 5), "day"),
    ("over the weekend", D(2020, 1, 8), D(2020, 1, 11), D(2020, 1, 12), "week"),
    ("next Sunday", D(2020, 1, 5), D(2020, 1, 12), D(2020, 1, 12), "day"),
]


@pytest.mark.parametrize(("expr", "anchor", "start", "end", "precision"), FUTURE_CASES)
def test_resolve_future(expr: str, anchor: date, start: date, end: date,
                        precision: str) -> None:
    tv = resolve(expr, anchor, future=True)
    assert tv is not None
    assert (tv.start, tv.end, tv.precision) == (start, end, precision)


def test_rule_names() -> None:
    assert resolve("on Tuesday", D(2019, 6, 13)).rule == "weekday-past"  # type: ignore[union-attr]
    assert resolve("in December", D(2020, 1, 10)).rule == "month-name-past"  # type: ignore[union-attr]
    assert resolve("over the weekend", D(2020, 1, 6)).rule == "relative-weekend"  # type: ignore[union-attr]
    assert resolve("14/09/2019", None).rule == "dateparser"  # type: ignore[union-attr]


def test_anaphoric_years_need_context() -> None:
    assert resolve("that same year", D(2020, 1, 1)) is None
    tv = resolve("that same year", D(2020, 1, 1), context_year=2016)
    assert tv is not None and (tv.start, tv.end) == (D(2016, 1, 1), D(2016, 12, 31))
    tv = resolve("a year later", None, context_year=2016)
    assert tv is not None and tv.start == D(2017, 1, 1)


def test_not_a_time_expression() -> None:
    assert resolve("the militants", D(2020, 1, 1)) is None
    assert resolve("", D(2020, 1, 1)) is None


def test_results_are_copies() -> None:
    first = resolve("yesterday", D(2020, 1, 4))
    assert first is not None
    first.text = "changed"
    again = resolve("yesterday", D(2020, 1, 4))
    assert again is not None and again.text == "yesterday"


def _found(text: str) -> list[str]:
    return [text[a:b] for a, b in find_time_expressions(text)]


FINDER_CASES: list[tuple[str, list[str]]] = [
    ("A US drone strike killed the general early on Friday near Baghdad airport, the "
     "Pentagon said on January 3.", ["early on Friday", "on January 3"]),
    ("Gunmen attacked a checkpoint on Sunday night, two days ago, and shelled the town "
     "again over the weekend.", ["on Sunday night", "two days ago", "over the weekend"]),
    ("In the last 48 hours at least 12 people were killed; last week five died, and "
     "earlier this month three more.", ["In the last 48 hours", "last week",
                                        "earlier this month"]),
    ("The offensive began in March of last year and ended that same year.",
     ["in March of last year", "that same year"]),
    ("Parliament voted on 3 January 2020, a day after the 2020-01-03 strike was reported.",
     ["on 3 January 2020", "2020-01-03"]),
    ("Rockets hit the base overnight, and late on Sunday a drone was shot down.",
     ["overnight", "late on Sunday"]),
    ("Talks are planned for next week, on the eve of Sunday's election in Iraq.",
     ["next week", "on the eve of Sunday's election"]),
    ("Fighting that started in mid-January spread in December, as it had in 2018.",
     ["in mid-January", "in December", "in 2018"]),
    ("Since 2014 the group has lost ground; a year ago it still held Jan. 5 positions.",
     ["2014", "a year ago", "Jan. 5"]),
    ("The ministry said yesterday that today's convoy would leave tomorrow or tonight.",
     ["yesterday", "today", "tomorrow", "tonight"]),
    ("Protesters returned to the square on Tuesday, 48 hours ago, and this week.",
     ["on Tuesday", "48 hours ago", "this week"]),
]


@pytest.mark.parametrize(("text", "expected"), FINDER_CASES)
def test_finder(text: str, expected: list[str]) -> None:
    assert _found(text) == expected


@pytest.mark.parametrize("text", [
    "The militia may strike again if the government does not negotiate.",
    "May God protect the people of this city, the cleric said.",
    "They march on the capital with banners and flags.",
    "The Sunday Times reported that the convoy had been ambushed.",
    "Markets crashed in what traders called Black Monday.",
    "Relatives of victims of the September 11 attacks were present.",
    "The bill passed by 2000 votes after 3000 people marched.",
    "Jan Kubis, the UN envoy, met the prime minister.",
])
def test_finder_ignores_non_temporal(text: str) -> None:
    assert _found(text) == []


def test_finder_spans_are_offsets() -> None:
    text = "Clashes erupted on Tuesday in Kirkuk."
    (a, b), = find_time_expressions(text)
    assert (a, b) == (16, 26) and text[a:b] == "on Tuesday"


def test_found_expressions_resolve() -> None:
    text = ("Iraqi forces said on Monday that an air strike last week and another in "
            "December had killed 20 fighters.")
    got = [resolve(text[a:b], D(2020, 1, 8)) for a, b in find_time_expressions(text)]
    assert [(t.start, t.precision) for t in got if t] == [
        (D(2020, 1, 6), "day"), (D(2019, 12, 30), "week"), (D(2019, 12, 1), "month")]


@pytest.mark.parametrize(("text", "anchor", "expected"), [
    ("BAGHDAD, Jan. 5 (Reuters) - Iraqi lawmakers voted on Sunday.", D(2020, 1, 10),
     D(2020, 1, 5)),
    ("BAGHDAD, Jan. 5 (Reuters) - Iraqi lawmakers voted on Sunday.", None, None),
    ("KABUL, Afghanistan (Jan. 25, 2013) — A suicide bomber struck.", None, D(2013, 1, 25)),
    ("(Jan. 25, 2013) Insurgents attacked a police post.", None, D(2013, 1, 25)),
    ("Sanaa, 14 September 2019: Drones struck oil facilities.", None, D(2019, 9, 14)),
    ("Press release\nPublished: 3 March 2021\nThe ministry said.", None, D(2021, 3, 3)),
    ("Fighting continued in the north. On 3 March 2021 the army advanced.", None, None),
    ("No date appears in this opening line at all.", None, None),
])
def test_parse_dateline(text: str, anchor: date | None, expected: date | None) -> None:
    assert parse_dateline(text, anchor=anchor) == expected


# --- release headers, headline dates and undated events ----------------------------------

def test_past_24_hours_is_one_days_news() -> None:
    tv = resolve("over the past 24 hours", date(2011, 1, 24))
    assert tv is not None and tv.precision == "day" and tv.rule == "relative-span"
    assert (tv.start, tv.end) == (date(2011, 1, 23), date(2011, 1, 24))


@pytest.mark.parametrize(("text", "city", "rest"), [
    # a press release: header lines, then the dateline with its release date
    ("Insurgents Detained in Kandahar ISAF Joint Command - Afghanistan 2011-07-S-085 For "
     "Immediate Release  KANDAHAR, Afghanistan (July 31, 2011) - In Zharay district, "
     "a combined force detained two suspected insurgents.", "KANDAHAR", "In Zharay"),
    ("2012-09-S-014 For Immediate Release     KABUL, Afghanistan (Sept. 11, 2012) An Afghan "
     "and coalition security force detained numerous suspected insurgents.", "KABUL",
     "An Afghan"),
    ("SEVERN, Md. (ABC7) — A 55-year-old man was arrested on Tuesday.", "SEVERN", "A 55"),
    ("BAGHDAD (Reuters) - A rocket landed near the U.S. embassy on Sunday.", "BAGHDAD",
     "A rocket"),
])
def test_dateline_after_a_release_header(text: str, city: str, rest: str) -> None:
    span = dateline_place_span(text)
    assert span is not None and text[span[0]:span[1]] == city
    assert text[dateline_end(text):].lstrip().startswith(rest)


def test_upper_case_words_mid_text_are_not_datelines() -> None:
    text = "The alliance said NATO (the North Atlantic Treaty Organization) would respond."
    assert dateline_place_span(text) is None and dateline_end(text) == 0


def test_headline_date_is_the_release_not_the_event() -> None:
    text = ("May 2: Afghan-ISAF Operations in Kabul, Kandahar, Helmand. ISAF forces "
            "detained several suspected IED facilitators in Helmand yesterday.")
    assert text[dateline_end(text):].startswith(" Afghan-ISAF")
    assert parse_dateline(text, anchor=date(2010, 5, 2)) == date(2010, 5, 2)


def test_publication_fallback() -> None:
    tv = publication_fallback(date(2011, 7, 31))
    assert (tv.start, tv.end, tv.precision) == (date(2011, 7, 31), date(2011, 7, 31), "day")
    assert tv.rule == "publication-day-assumed"
    assert publication_fallback(None).precision == "unknown"
