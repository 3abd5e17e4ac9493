"""The /network page in Debian's headless Chromium against a real server: vis-network
(vendored) draws the whole store's actors, the filters reload it, a click on an actor
opens its page; towns the extractor took for actors are never drawn."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from demo_store import copy_of, demo_db
from network_store import PERSON, TOWNS, add_place_actors
from server_fixtures import serve
from test_server_ui import SKIP, _open, _shot, browser_page

pytestmark = [pytest.mark.skipif(SKIP, reason="TOCSIN_SKIP_BROWSER is set"),
              pytest.mark.slow]
SETTLED = ("() => { const c = document.querySelector('#network-canvas'); "
           "return !!c && c.dataset.ready === '1' && !document.body.dataset.netLoading; }")


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = copy_of(demo_db(tmp_path_factory), tmp_path_factory.mktemp("net-ui"))
    add_place_actors(db)
    with serve(db) as url:
        yield url


@pytest.fixture(scope="module")
def page(base: str) -> Iterator[Any]:
    with browser_page() as pg:
        console: list[str] = []
        pg.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
        pg.console_errors = console
        yield pg


def _drawn(page: Any) -> list[dict[str, Any]]:
    return list(page.evaluate("() => T.netState.data.nodes"))


def _non_blank_pixels(page: Any) -> int:
    return int(page.evaluate("""() => {
        const c = document.querySelector('#network-canvas canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
        return n; }"""))


def test_network_page_draws_the_store(page: Any, base: str) -> None:
    urls: list[str] = []
    page.on("request", lambda r: urls.append(r.url))
    _open(page, base + "/network", "network")
    page.wait_for_function(SETTLED, timeout=30000)
    # vis-network drew it: one canvas with pixels on it, its zoom and pan buttons.
    assert page.locator("#network-canvas canvas").count() == 1
    assert page.locator("#network-canvas .vis-navigation .vis-zoomIn").count() == 1
    assert _non_blank_pixels(page) > 5000
    nodes = _drawn(page)
    ids = [n["id"] for n in nodes]
    assert len(ids) >= 20
    assert int(page.locator("#network-canvas").get_attribute("data-nodes")) == len(ids)
    assert page.evaluate("() => T.netState.nodes.length") == len(ids)
    # Names, not ids, as labels; the towns taken for actors are not drawn.
    labels = page.evaluate("() => T.netState.nodes.get().map((n) => n.label)")
    assert "United States" in labels and "Zaid Karim" in labels
    assert not any(x.startswith(("x:", "generic:")) for x in labels), labels
    assert PERSON[0] in ids and not set(TOWNS) & set(ids)
    assert "Kirkuk" in page.locator("#net-places").inner_text()
    assert page.locator("#net-top li a").first.inner_text() == "United States"
    # Nothing from another origin: the library comes from this server.
    assert all(u.startswith(base) or u.startswith("data:") for u in urls), urls
    assert any(u.endswith("/vendor/vis-network/vis-network.min.js") for u in urls)
    assert page.locator("nav a.active").inner_text() == "Network"
    _shot(page, "network")
    assert page.errors == [] and page.console_errors == []


def test_network_filters_by_kind_and_date(page: Any, base: str) -> None:
    _open(page, base + "/network", "network")
    page.wait_for_function(SETTLED, timeout=30000)
    everyone = _drawn(page)
    for box in page.locator("input.net-kind").all():
        if box.get_attribute("value") not in ("state", "militia"):
            box.uncheck()
    page.wait_for_function("() => location.search.includes('kind=')")
    page.wait_for_function(SETTLED, timeout=30000)
    kinds = _drawn(page)
    kind_ties = page.evaluate("() => T.netState.data.totals.edges")
    assert {n["type"] for n in kinds} == {"state", "militia"}
    assert len(kinds) < len(everyone)
    assert "kind=militia%2Cstate" in page.url or "kind=state%2Cmilitia" in page.url
    page.fill("#net-from", "2020-01-01")
    page.fill("#net-to", "2020-01-31")
    page.wait_for_function("() => location.search.includes('until=2020-01-31')")
    page.wait_for_function(SETTLED, timeout=30000)
    january = page.evaluate("() => T.netState.data")
    api = httpx.get(base + "/api/network", params={
        "since": "2020-01-01", "until": "2020-01-31", "kind": "state,militia"}).json()
    assert [n["id"] for n in january["nodes"]] == [n["id"] for n in api["nodes"]]
    assert 0 < january["totals"]["edges"] < kind_ties
    # The PNG link draws what the page shows.
    href = page.locator("#net-png").get_attribute("href")
    assert "since=2020-01-01" in href and "kind=" in href
    png = httpx.get(base + href, timeout=60)
    assert png.status_code == 200 and png.content[:4] == b"\x89PNG"
    # A reload keeps the filters (they are in the URL).
    page.reload()
    page.wait_for_function(SETTLED, timeout=30000)
    assert page.locator("#net-from").input_value() == "2020-01-01"
    assert page.locator("input.net-kind[value='person']").is_checked() is False
    assert [n["id"] for n in _drawn(page)] == [n["id"] for n in api["nodes"]]
    # Nothing matches: an empty picture that says so, not a page that waits forever.
    page.fill("#net-from", "2030-01-01")
    page.fill("#net-to", "2030-12-31")
    page.wait_for_function("() => location.search.includes('until=2030-12-31')")
    page.wait_for_function(SETTLED, timeout=30000)
    assert _drawn(page) == [] and "No actors match" in page.locator("#net-top").inner_text()
    assert page.errors == []


def test_network_click_opens_the_actor(page: Any, base: str) -> None:
    _open(page, base + "/network", "network")
    page.wait_for_function(SETTLED, timeout=30000)
    canvas = page.locator("#network-canvas canvas").bounding_box()
    # The first of the most connected actors whose dot is not under another one.
    target, at = None, None
    for node in _drawn(page)[:15]:
        at = page.evaluate("""(id) => { const n = T.netState.network;
            const p = n.canvasToDOM(n.getPosition(id));
            return n.getNodeAt(p) === id ? p : null; }""", node["id"])
        if at:
            target = node
            break
    assert target and at, "no actor could be clicked"
    page.mouse.click(canvas["x"] + at["x"], canvas["y"] + at["y"])
    page.wait_for_selector("body[data-page='actor']", timeout=30000)
    assert page.url.endswith("/actor/" + quote(target["id"], safe=""))
    assert page.locator("#actor-name").inner_text() == target["name"]
    page.go_back()
    page.wait_for_function(SETTLED, timeout=30000)
    assert page.errors == []
