"""Readers for CSV, Telegram and X exports, directories, feeds and URL lists; the SSRF guard."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tocsin.ingest import read_path
from tocsin.ingest.fetch import FetchError, FetchOptions, fetch
from tocsin.model import Document, InputError

STRIKE = ("Rockets struck the K-1 base near Kirkuk on Friday, killing a US contractor and "
          "wounding several American and Iraqi service members, officials said.")
ARTICLE_HTML = """<!doctype html><html><head><title>Rocket attack on Balad air base</title>
<meta name="author" content="Layla Hassan"><meta property="article:published_time"
content="2020-01-12"></head><body><nav>Home | World | Iraq</nav><article>
<h1>Rocket attack on Balad air base</h1>
<p>Eight Katyusha rockets hit the Balad air base north of Baghdad on Sunday, wounding four
Iraqi air force personnel, the Iraqi military said in a statement.</p>
<p>Balad hosts a small number of American contractors who maintain Iraq's fleet of F-16
fighter jets; most had left the base in recent days amid rising tension between Washington
and Tehran, two security sources said.</p>
<p>Nobody has said who fired the rockets, the latest in a series of rocket strikes on
bases hosting US forces across Iraq since late October.</p></article>
<footer>Copyright Tigris Wire</footer></body></html>"""


def docs(items: Iterator[Document | InputError]) -> tuple[list[Document], list[InputError]]:
    got = list(items)
    return ([x for x in got if isinstance(x, Document)],
            [x for x in got if isinstance(x, InputError)])


def test_csv_with_text_column(tmp_path: Path) -> None:
    f = tmp_path / "reports.csv"
    f.write_text('"","date","text","source","headline"\n'
                 f'"1",2019-12-28,"{STRIKE}","Tigris Wire","Contractor killed"\n'
                 '"2",2019-12-29,"","Tigris Wire","empty"\n', encoding="utf-8")
    good, bad = docs(read_path(str(f)))
    assert len(good) == 1 and len(bad) == 1
    d = good[0]
    assert (d.text, d.published, d.source, d.title) == (
        STRIKE, date(2019, 12, 28), "Tigris Wire", "Contractor killed")
    nocol = tmp_path / "x.csv"
    nocol.write_text("a,b\n1,2\n", encoding="utf-8")
    assert "no text column" in docs(read_path(str(nocol)))[1][0].message


def test_json_array_of_records(tmp_path: Path) -> None:
    f = tmp_path / "records.json"
    f.write_text(json.dumps([{"id": "r1", "text": STRIKE, "published": "2019-12-28",
                              "author": "Staff", "language": "en"}, {"id": "r2"}]),
                 encoding="utf-8")
    good, bad = docs(read_path(str(f)))
    assert [d.id for d in good] == ["r1"] and good[0].author == "Staff" and len(bad) == 1


def test_telegram_desktop_export(tmp_path: Path) -> None:
    export = {"name": "Sabereen News", "type": "public_channel", "id": 1234567890,
              "messages": [
                  {"id": 1, "type": "service", "date": "2020-01-02T22:10:00",
                   "action": "pin_message", "text": ""},
                  {"id": 2, "type": "message", "date": "2020-01-03T01:05:12",
                   "from": "Sabereen News",
                   "text": ["Urgent: ", {"type": "bold", "text": "explosions"},
                            " heard near Baghdad airport, reports of a drone strike on a "
                            "convoy of the Popular Mobilization Forces."]},
                  {"id": 3, "type": "message", "date": "2020-01-03T01:06:00",
                   "photo": "photos/photo_1.jpg", "text": ""},
                  {"id": 4, "type": "message", "date": "2020-01-03T02:40:00",
                   "text": "PMF spokesman confirms deputy chief Abu Mahdi al-Muhandis was "
                           "killed in the strike."}]}
    f = tmp_path / "result.json"
    f.write_text(json.dumps(export), encoding="utf-8")
    good, bad = docs(read_path(str(f)))
    assert not bad and [d.id for d in good] == ["tg-1234567890-2", "tg-1234567890-4"]
    assert good[0].text.startswith("Urgent: explosions heard near Baghdad airport")
    assert good[0].published == date(2020, 1, 3)
    assert good[0].source == "Telegram: Sabereen News"


def test_x_api_v2_response(tmp_path: Path) -> None:
    page = {"data": [
        {"id": "1213330173736738817", "author_id": "7", "lang": "en",
         "created_at": "2020-01-03T01:32:00.000Z",
         "text": "The Pentagon says the US military killed Qassem Soleimani at Baghdad "
                 "airport at the direction of the President."},
        {"id": "1213330173736738999", "author_id": "8", "lang": "en",
         "created_at": "2020-01-03T02:00:00.000Z", "text": "Iran vows severe revenge…",
         "note_tweet": {"text": "Iran vows severe revenge for the killing of General "
                                "Soleimani, state television reports."}}],
        "includes": {"users": [{"id": "7", "username": "deskwatch", "name": "Desk Watch"}]},
        "meta": {"result_count": 2}}
    f = tmp_path / "search.json"
    f.write_text(json.dumps(page), encoding="utf-8")
    good, bad = docs(read_path(str(f)))
    assert not bad and len(good) == 2
    assert good[0].url == "https://x.com/deskwatch/status/1213330173736738817"
    assert good[0].author == "Desk Watch" and good[0].language == "en"
    assert good[1].text.startswith("Iran vows severe revenge for the killing")


def test_directory_walk_is_recursive_sorted_and_skips_media(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "2.txt").write_text(STRIKE, encoding="utf-8")
    (tmp_path / "1.html").write_text(ARTICLE_HTML, encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("secret notes " * 5, encoding="utf-8")
    (tmp_path / "a" / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0binary")
    good, bad = docs(read_path(str(tmp_path)))
    assert not bad and len(good) == 2
    assert "Balad" in good[0].text and good[1].text == STRIKE


class _Site:
    """A local HTTP server with fixed pages, counting requests per path."""

    def __init__(self) -> None:
        self.pages: dict[str, tuple[str, bytes]] = {}
        self.hits: dict[str, int] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                site.hits[self.path] = site.hits.get(self.path, 0) + 1
                if self.path == "/moved":
                    self.send_response(302)
                    self.send_header("Location", "/feed.xml")
                    self.end_headers()
                    return
                ctype, body = site.pages.get(self.path, ("text/plain", b""))
                self.send_response(200 if self.path in site.pages else 404)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture()
def site() -> Iterator[_Site]:
    s = _Site()
    s.pages["/balad.html"] = ("text/html; charset=utf-8", ARTICLE_HTML.encode())
    s.pages["/feed.xml"] = ("application/rss+xml", f"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>Tigris Wire</title><link>{s.base}/</link>
<language>en</language>
<item><title>Rocket attack on Balad air base</title><link>{s.base}/balad.html</link>
<guid>tw-balad-2020-01-12</guid><pubDate>Sun, 12 Jan 2020 18:00:00 GMT</pubDate>
<description>Eight rockets hit the Balad air base on Sunday...</description></item>
<item><title>Contractor killed near Kirkuk</title><link>{s.base}/k1.html</link>
<guid>tw-k1-2019-12-28</guid><pubDate>Sat, 28 Dec 2019 09:00:00 GMT</pubDate>
<description>{STRIKE}</description></item>
</channel></rss>""".encode())
    yield s
    s.server.shutdown()


def test_feed_items_fetch_full_text_for_summaries(site: _Site) -> None:
    opts = FetchOptions(allow_private=True)
    good, bad = docs(read_path(site.base + "/moved", opts=opts))  # a redirect to the feed
    assert [d.title for d in good] == ["Rocket attack on Balad air base",
                                      "Contractor killed near Kirkuk"]
    balad = good[0]
    assert "F-16" in balad.text and "Copyright" not in balad.text  # the page's main text
    assert balad.published == date(2020, 1, 12) and balad.source == "Tigris Wire"
    assert balad.url == site.base + "/balad.html"
    # The second item's page is missing (404): its summary is kept, not lost.
    assert good[1].text == STRIKE and not bad


def test_ssrf_guard_and_limits(site: _Site, tmp_path: Path) -> None:
    with pytest.raises(FetchError, match="non-public"):
        fetch(site.base + "/feed.xml")
    with pytest.raises(FetchError, match="only http and https"):
        fetch("file:///etc/passwd")
    with pytest.raises(FetchError, match="byte limit"):
        fetch(site.base + "/balad.html", FetchOptions(allow_private=True, max_bytes=100))
    for url in ("http://10.0.0.8/feed", "http://169.254.169.254/latest/meta-data/"):
        with pytest.raises(FetchError, match="non-public"):
            fetch(url)
    urls = tmp_path / "feeds.txt"
    urls.write_text(f"# feeds\n{site.base}/feed.xml\n", encoding="utf-8")
    good, bad = docs(read_path(str(urls)))  # default options: refused, reported per URL
    assert not good and len(bad) == 1 and "allow-private" in bad[0].message


def test_cli_ingest_feed_twice_fetches_pages_once(site: _Site, tmp_path: Path) -> None:
    db = tmp_path / "feeds.duckdb"
    cmd = [sys.executable, "-m", "tocsin", "ingest", site.base + "/feed.xml", "--db", str(db),
           "--allow-private", "--report", str(tmp_path / "errors.jsonl")]
    first = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout.splitlines()[-1])["added"] == 2
    second = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    summary = json.loads(second.stdout.splitlines()[-1])
    # Known items are not re-read (nor their pages fetched), and count as existing.
    assert (summary["added"], summary["existing"]) == (0, 2)
    assert site.hits["/feed.xml"] == 2 and site.hits["/balad.html"] == 1
    watch = subprocess.run([sys.executable, "-m", "tocsin", "watch", site.base + "/feed.xml",
                            "--db", str(db), "--allow-private", "--every", "0s",
                            "--times", "2"], capture_output=True, text=True, timeout=300)
    assert watch.returncode == 0, watch.stderr
    assert [json.loads(x)["added"] for x in watch.stdout.splitlines()] == [0, 0]
    assert site.hits["/feed.xml"] == 4 and site.hits["/balad.html"] == 1
    refused = subprocess.run(cmd[:-3], capture_output=True, text=True, timeout=300)
    assert refused.returncode == 1  # without --allow-private the local feed is refused
    assert json.loads(refused.stdout.splitlines()[-1])["errors"] == 1
    report = [json.loads(x) for x in (tmp_path / "errors.jsonl").read_text().splitlines()]
    assert report == []  # the report file of the successful second run
