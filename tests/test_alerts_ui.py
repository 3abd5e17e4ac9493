"""Alerts first (issue 22): a real server ingests a stream through its API, refreshes the
stored alerts itself, and the dashboard and the alerts page show them (headless
Chromium)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from alert_corpus import records
from server_fixtures import TOKEN, serve
from test_server_ui import SKIP, _open, _shot, browser_page

pytestmark = [pytest.mark.skipif(SKIP, reason="TOCSIN_SKIP_BROWSER is set"),
              pytest.mark.slow]
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def _post(base: str, docs: list[dict[str, Any]]) -> dict[str, Any]:
    job = httpx.post(base + "/api/ingest", headers=AUTH, timeout=300,
                     json={"wait": 240, "documents": docs}).json()
    assert job["status"] == "done", job
    return dict(job["summary"])


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("alerts-ui") / "stream.duckdb"
    with serve(db) as url:
        stream = records()
        first = [r for r in stream if not r["id"].startswith("nairobi")]
        # The server's ingest refreshes the alerts: no `tocsin alerts` anywhere.
        assert _post(url, first)["new_alerts"] >= 3
        # The protests come in a later job: only the weeks they touch are recomputed.
        assert _post(url, [r for r in stream if r["id"].startswith("nairobi")]
                     )["new_alerts"] >= 1
        yield url


@pytest.fixture(scope="module")
def page(base: str) -> Iterator[Any]:
    with browser_page() as pg:
        yield pg


def test_server_computes_the_alerts_of_an_older_store(tmp_path: Path) -> None:
    """A store filled without alerts (the store's own ingest, or a file from before
    ingests refreshed them) gets them when a server opens it."""
    import json

    from tocsin.store import Store
    from tocsin.store.runner import ingest

    src = tmp_path / "stream.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in records()), encoding="utf-8")
    db = tmp_path / "older.duckdb"
    with Store(db) as store:
        assert ingest(store, [str(src)]).added == len(records())
        assert store.con.execute("SELECT count(*) FROM alerts").fetchone() == (0,)
    with serve(db) as url:
        job = httpx.get(url + "/api/stats").json()["alerts_job"]
        deadline = time.monotonic() + 120
        while job["status"] in ("queued", "running") and time.monotonic() < deadline:
            time.sleep(0.2)
            job = httpx.get(url + f"/api/jobs/{job['id']}").json()
        assert job["status"] == "done" and job["summary"]["new_alerts"] >= 5, job
        levels = httpx.get(url + "/api/alerts").json()["facets"]["level"]
        assert levels["medium"] >= 1 and levels["low"] >= 1
    with serve(db) as url:  # once they are there, no recompute at start
        assert httpx.get(url + "/api/stats").json()["alerts_job"] is None


def test_api_filters_and_names(base: str) -> None:
    every = httpx.get(base + "/api/alerts", params={"limit": 100}).json()
    assert every["total"] == len(every["items"]) >= 5
    assert every["facets"]["level"]["medium"] >= 1 and every["facets"]["level"]["low"] >= 1
    got = httpx.get(base + "/api/alerts", params={
        "level": "medium", "region": "KEN/Mandera", "type": "ASSAULT",
        "actor": "Al-Shabaab", "sort": "top"}).json()
    assert got["items"] and all(a["level"] == "medium" for a in got["items"])
    for a in got["items"]:
        assert "KEN/Mandera" in a["regions"] and "ASSAULT" in a["types"]
        assert "al-shabaab" in a["actor_ids"] and "Al-Shabaab" in a["actor_names"]
        events = a["detail"]["events"]
        assert events and all(e["source_names"] for e in events)
        assert not any(n.startswith("generic:") for e in events for n in e["target_names"])
    protests = httpx.get(base + "/api/alerts", params={"type": "PROTEST"}).json()["items"]
    assert protests and all(a["raised"] == "2023-03-27" for a in protests)
    assert not any(a["level"] == "medium" for a in protests)
    assert httpx.get(base + "/api/alerts", params={"level": "urgent"}).status_code == 400
    one = httpx.get(base + f"/api/alerts/{got['items'][0]['id']}").json()
    assert one["id"] == got["items"][0]["id"] and one["detail"]["rule"]
    assert httpx.get(base + "/api/alerts/no-such-alert").status_code == 404


def test_dashboard_leads_with_the_top_alerts(page: Any, base: str) -> None:
    _open(page, base + "/", "dashboard")
    main = page.locator("main")
    # The alerts panel comes before the counts, and the most severe alert first.
    order = page.evaluate("[...document.querySelectorAll('main > *')].map(e => e.id || "
                          "e.className)")
    assert order.index("alerts") < order.index("stats"), order
    cards = page.locator("#alerts .alert")
    assert 1 <= cards.count() <= 5
    assert cards.first.get_attribute("data-level") == "medium"
    assert "No alerts" not in page.locator("#alerts").inner_text()
    assert "Why this level:" in cards.first.inner_text()
    # Evidence events are links to the event pages, labelled by date, type and names.
    links = page.locator("#alerts .alert-event a")
    assert links.count() >= 3
    for text in links.all_inner_texts():
        assert re.match(r"2023-03-\d\d · [A-Z]+", text), text
        assert "Al-Shabaab" in text or "→" in text
    assert "generic:" not in main.inner_text()
    _shot(page, "dashboard")
    links.first.click()
    page.wait_for_selector("body[data-page='event']")
    assert page.url.split("/event/")[1]
    assert page.errors == []


def _choose(page: Any, select: str, value: str) -> None:
    page.select_option(select, value)  # a filter applies on change
    page.wait_for_selector("body[data-page='alerts']")


def test_alerts_page_filters_and_explains(page: Any, base: str) -> None:
    total = httpx.get(base + "/api/alerts").json()["total"]
    _open(page, base + "/alerts", "alerts")
    cards = page.locator("#alert-list .alert")
    assert cards.count() == total
    first = cards.first
    text = first.inner_text()
    assert "Rule: escalation:" in text or "Rule: surge:" in text
    assert "Why this level: medium:" in text
    assert re.search(r"Evidence: 6 documents, 3 sources", text), text
    # The series plot: bars per week, the window's in their own colour.
    assert first.locator("svg.alert-series rect.win").count() >= 1
    assert first.locator("svg.alert-series rect.base").count() >= 8
    _shot(page, "alerts")

    _choose(page, "#a-level", "medium")
    assert page.url.endswith("?level=medium")
    levels = [cards.nth(i).get_attribute("data-level") for i in range(cards.count())]
    assert levels and set(levels) == {"medium"}

    _open(page, base + "/alerts", "alerts")
    _choose(page, "#a-region", "KEN/Nairobi")
    assert cards.count() >= 1
    assert all("Nairobi" in t for t in cards.all_inner_texts())
    assert not any("Mandera" in t for t in cards.all_inner_texts())

    _open(page, base + "/alerts", "alerts")
    _choose(page, "#a-type", "PROTEST")
    texts = cards.all_inner_texts()
    assert texts and all("2023-03-27" in t for t in texts)

    _open(page, base + "/alerts", "alerts")
    _choose(page, "#a-actor", "al-shabaab")
    assert page.locator("#a-actor option:checked").inner_text().startswith("Al-Shabaab")
    texts = cards.all_inner_texts()
    assert texts and all("Al-Shabaab" in t for t in texts)
    # The actors of an alert link to their pages, by name.
    actor = cards.first.locator(".alert-actors a").first
    assert actor.get_attribute("href") == "/actor/al-shabaab"
    assert actor.inner_text() == "Al-Shabaab"
    assert page.errors == []


def test_one_alert_page(page: Any, base: str) -> None:
    items = httpx.get(base + "/api/alerts", params={"level": "medium"}).json()["items"]
    most = max(items, key=lambda a: len(a["detail"]["events"]))
    n = len(most["detail"]["events"])
    assert n > 6
    _open(page, base + "/alerts?level=medium", "alerts")
    title = page.locator(f"#alert-list .alert[data-alert='{most['id']}'] .alert-title")
    name = title.inner_text()
    title.click()
    page.wait_for_selector("body[data-page='alert']")
    assert page.locator("h1").inner_text() == name
    # Six events shown, the rest folded under "N more events": all of them on the page.
    assert page.locator(".alert-event").count() == n
    assert page.locator("li.more summary").inner_text() == f"{n - 6} more events"
    assert page.locator(".alert-event:visible").count() == 6
    assert page.locator("nav a.active").inner_text() == "Alerts"


def test_document_search_and_page(page: Any, base: str) -> None:
    # Every word, anywhere in the text: two reports mention a bus, one a roadside bomb.
    found = httpx.get(base + "/api/documents", params={"q": "roadside Mandera"}).json()
    assert [d["id"] for d in found["items"]] == ["mandera-03"]
    marked = [p["text"].lower() for p in found["items"][0]["snippet"] if p["match"]]
    assert "roadside" in marked and "mandera" in marked
    assert httpx.get(base + "/api/documents", params={"q": "roadside Nairobi"}
                     ).json()["total"] == 0
    _open(page, base + "/documents", "documents")
    page.fill("#doc-q", "tuition fees")
    page.press("#doc-q", "Enter")
    page.wait_for_selector("body[data-page='documents']")  # the search is in the URL
    assert page.url.endswith("/documents?q=tuition%20fees")
    assert page.locator("#doc-results tbody tr").count() == 1
    assert page.locator("#doc-results mark").first.inner_text().lower() == "tuition"
    page.locator("a.doc-link").first.click()
    page.wait_for_selector("body[data-page='documents'] #doc-text")
    assert page.url.endswith("/documents/nairobi-02")
    # The evidence sentence is marked, its trigger word bold, its event linked.
    doc = httpx.get(base + "/api/documents/nairobi-02").json()
    marks = page.locator("#doc-text mark.evidence-sentence")
    assert marks.count() >= 1
    assert page.locator("#doc-text").inner_text().startswith(doc["text"][:40])
    assert page.locator("#doc-text b.trigger").first.inner_text() == "demonstrated"
    tag = marks.first.locator("a.ev-tag").first
    assert tag.inner_text() == "PROTEST" and tag.get_attribute("href") in (
        f"/event/{e}" for e in doc["events"])
    assert "Kenyan students" in page.locator("main table").inner_text()
    _shot(page, "document")
    tag.click()
    page.wait_for_selector("body[data-page='event']")
    # ... and the event page links back to the document.
    assert page.locator("a.doc-link").first.get_attribute("href") == "/documents/nairobi-02"
    assert page.errors == []


def test_event_and_actor_pages_link_their_alerts(page: Any, base: str) -> None:
    alert = httpx.get(base + "/api/alerts", params={"type": "ASSAULT", "sort": "top"}
                      ).json()["items"][0]
    event_id = alert["detail"]["events"][0]["id"]
    citing = [a for a in httpx.get(base + "/api/alerts", params={"limit": 100}).json()[
        "items"] if event_id in (a["event_ids"] or [])]
    _open(page, base + f"/event/{event_id}", "event")
    links = page.locator("#event-alerts a")
    assert links.count() == len(citing) >= 1
    assert {a.split("/alert/")[1] for a in
            (links.nth(i).get_attribute("href") for i in range(links.count()))} == {
        a["id"] for a in citing}
    _open(page, base + "/actor/al-shabaab", "actor")
    cards = page.locator("#actor-alerts .alert")
    assert 1 <= cards.count() <= 3
    assert "Al-Shabaab" in page.locator("#actor-alerts").inner_text()
    _open(page, base + "/actor/uga", "actor")  # Uganda signed an accord: no alert
    assert page.locator("#actor-alerts").count() == 0
    assert page.errors == []
