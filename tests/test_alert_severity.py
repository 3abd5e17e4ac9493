"""Issue 20: what decides an alert's level, the area guard's reading of reports, and the
coded-surge rule the alerts are measured against."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tocsin.analysis.areas import admin1_forms, area_named
from tocsin.analysis.severity import Evidence, assess, legacy, ratio_lower
from tocsin.evaluate.surges import Scored, SurgeRule, admin_key, match, surges

WAVE = Evidence(documents=60, sources=6, confidence=0.85)


def test_a_wave_outranks_a_handful_of_events_on_an_empty_series() -> None:
    # 60 protests in three weeks against 30 in the year before, from six outlets, versus
    # four attacks in a county with none all year from two reports.
    wave = assess(60, 3.0, 30, 52.0, 5.0, 5.0, WAVE)
    few = assess(4, 3.0, 0, 52.0, 9.5, None, Evidence(2, 2, 0.8))
    assert wave.level == "high" and few.level != "high"
    assert wave.score > 2 * few.score
    # The old rule ranked them the other way round: that is the bug of issue 20.
    assert legacy(24.0, 1e-9, 5.0, 5.0)[0] < legacy(60.0, 1e-4, 9.5, None)[0]


def test_events_of_one_report_count_once() -> None:
    many_docs = assess(12, 3.0, 2, 52.0, 8.0, 8.0, Evidence(12, 4, 0.8))
    one_note = assess(12, 3.0, 2, 52.0, 8.0, 8.0, Evidence(3, 3, 0.8))
    assert many_docs.score > one_note.score and one_note.level == "low"


def test_more_sources_and_confidence_rank_higher() -> None:
    scores = [assess(20, 3.0, 10, 52.0, 7.0, 7.0, Evidence(20, s, c)).score
              for s, c in ((1, 0.5), (1, 0.9), (3, 0.9))]
    assert scores[0] < scores[1] < scores[2]
    one_source = assess(40, 3.0, 10, 52.0, 9.0, 9.0, Evidence(40, 1, 0.9))
    assert one_source.level == "medium" and "2 sources" in one_source.why


def test_why_names_the_figures_and_what_is_missing() -> None:
    s = assess(6, 3.0, 1, 52.0, 7.0, 7.0, Evidence(6, 3, 0.8))
    assert s.why.startswith(f"{s.level}: 6 events in 6 documents")
    assert "3 sources" in s.why and "below" in s.why and "10 events" in s.why


def test_rate_ratio_lower_bound_grows_with_evidence() -> None:
    # The same point estimate (x4) is surer with more events.
    assert ratio_lower(4, 1, 1, 1) < ratio_lower(40, 1, 10, 1) < 4.0
    assert ratio_lower(0, 1, 5, 1) == 0.0


# --- the area guard -------------------------------------------------------------------
def test_admin1_is_named_with_or_without_its_kind() -> None:
    assert "Taita" in admin1_forms("Taita/Taveta") and "Lagos" in admin1_forms("Lagos State")
    assert area_named("admin1", "KEN/Taita/Taveta", ["Herders clashed near Taveta town."])
    assert area_named("admin1", "KEN/Muranga", ["Youths rioted in Murang'a on Monday."])
    # "Lamu" read as the Maldives' Laamu atoll: Laamu is named by no report.
    assert not area_named("admin1", "MDV/Laamu", ["Gunmen attacked a bus near Lamu."])
    # A town names its admin1 when the reports name the country too.
    said = ["Traders marched in Eldoret.", "Kenyan police watched the march."]
    assert area_named("admin1", "KEN/Uasin Gishu", said, places=["Eldoret"])
    assert not area_named("admin1", "KEN/Uasin Gishu", said[:1], places=["Eldoret"])
    assert not area_named("admin1", "NGA/Delta", ["Police shot a man in Kwale."],
                          places=["Kwale"])


def test_country_is_named_by_name_demonym_force_or_a_named_admin1() -> None:
    assert area_named("country", "KEN", ["Kenyan police dispersed the crowd."])
    assert area_named("country", "SOM", ["A bomb went off in Mogadishu."])
    assert area_named("country", "KEN", ["Traders protested in Nakuru town."], ["Nakuru"])
    assert not area_named("country", "MDV", ["Gunmen attacked a bus near Lamu."], ["Laamu"])
    assert not area_named("country", "NGA", ["Police fired tear gas in Kisii."], ["Oyo"])


# --- the coded-surge rule -------------------------------------------------------------
MONDAY = date(2020, 1, 6)


def _weeks(counts: list[int]) -> dict[tuple[str, str], dict[date, int]]:
    return {("type", "PROTEST"): {MONDAY + timedelta(weeks=i): n
                                  for i, n in enumerate(counts)}}


def test_surge_needs_double_the_month_a_floor_and_a_minimum() -> None:
    last = MONDAY + timedelta(weeks=8)
    rule = SurgeRule()
    assert surges(_weeks([2, 2, 3, 1, 6, 2, 2, 2, 2]), MONDAY, last, rule) == {
        ("type", "PROTEST", MONDAY + timedelta(weeks=4))}
    assert surges(_weeks([0, 0, 1, 0, 6]), MONDAY, last, rule) == set()  # mean < 1
    assert surges(_weeks([1, 1, 1, 1, 4]), MONDAY, last, rule) == set()  # under 5 events
    assert surges(_weeks([1, 1, 1, 1, 4]), MONDAY, last,
                  SurgeRule(min_count=3)) != set()


def test_match_counts_recall_precision_lag_and_top_alerts() -> None:
    w = MONDAY + timedelta(weeks=4)
    found = {("type", "PROTEST", w), ("country", "KEN", w)}
    alerts = [Scored("type", "PROTEST", w + timedelta(weeks=1), 5.0),  # a week late
              Scored("admin1", "KEN/nakuru", w, 9.0),  # no surge there
              Scored("country", "KEN", w + timedelta(weeks=3), 1.0)]  # too late
    m = match(alerts, found, top=1)
    assert m["surge_recall"] == 0.5 and m["alert_precision"] == pytest.approx(1 / 3)
    assert m["median_lag_days"] == 7.0
    assert m["top1_precision"] == 0.0  # the month's first alert is the wrong one


def test_admin_names_match_across_gazetteers() -> None:
    assert admin_key("Nairobi Area") == admin_key("Nairobi")
    assert admin_key("Murang'a") == admin_key("Muranga")
    assert admin_key("Lagos State") == admin_key("Lagos")


def test_an_episode_still_open_covers_a_later_surge_only_in_recall_open() -> None:
    w = MONDAY + timedelta(weeks=6)
    found = {("country", "KEN", w)}
    early = Scored("country", "KEN", w - timedelta(weeks=2), 3.0)  # open to the end
    closed = Scored("country", "KEN", w - timedelta(weeks=2), 3.0, end=w)
    assert match([early], found)["surge_recall"] == 0.0
    assert match([early], found)["surge_recall_open"] == 1.0
    assert match([closed], found)["surge_recall_open"] == 0.0
