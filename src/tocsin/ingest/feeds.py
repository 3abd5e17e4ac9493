"""RSS/Atom feeds (files or URLs) and lists of URLs; feed items become documents.

When an item carries only a summary, its page is fetched (through the SSRF-guarded
`fetch`) and its main text extracted, keeping the feed's title, date and author.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

from tocsin.ingest.decode import BadInput, check_text
from tocsin.ingest.fetch import FetchError, FetchOptions, fetch
from tocsin.model import Document, InputError, stable_id

Item = Document | InputError
Skip = Callable[[str], bool]
FEED_START = re.compile(rb"<(rss|feed|rdf:RDF)[\s>]", re.I)
FULL_TEXT_CHARS = 600  # content this long is taken as the article, not a teaser
TRUNCATED = re.compile(r"(\.\.\.|…|\[…\]|\[\.\.\.\]|read more|continue reading)\s*$", re.I)
BLOCK_END = re.compile(r"(?i)<br\s*/?>|</(p|div|li|h[1-6]|blockquote|tr)>")


def looks_like_feed(data: bytes) -> bool:
    head = data[:4096].lstrip()
    return bool(FEED_START.search(head)) and not head[:200].lower().startswith(
        (b"<!doctype html", b"<html"))


def is_url(value: str) -> bool:
    return value.lower().startswith(("http://", "https://"))


def is_url_list(text: str) -> bool:
    lines = [x.strip() for x in text.splitlines() if x.strip() and not x.startswith("#")]
    return bool(lines) and all(is_url(x) and " " not in x for x in lines)


def html_to_text(fragment: str) -> str:
    """Text of an HTML fragment, one paragraph per line."""
    import lxml.html

    if "<" not in fragment:
        return fragment.strip()
    marked = BLOCK_END.sub(lambda m: m.group(0) + "\n", fragment)
    try:
        text = lxml.html.fromstring(f"<div>{marked}</div>").text_content()
    except Exception:  # lxml rejects some fragments; plain text is still worth keeping
        text = re.sub(r"<[^>]+>", " ", fragment)
    lines = [" ".join(x.split()) for x in text.splitlines()]
    return "\n".join(x for x in lines if x)


def _entry_date(entry: Any) -> date | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        t = entry.get(key)
        if t:
            return date(t.tm_year, t.tm_mon, t.tm_mday)
    return None


def _page_text(url: str, opts: FetchOptions) -> Document:
    from tocsin.ingest.decode import decode
    from tocsin.ingest.html import read_html

    resp = fetch(url, opts)
    return read_html(decode(resp.body, url), url, url=resp.url)


def _entry_doc(entry: Any, feed_meta: Any, name: str, published: date | None,
               opts: FetchOptions | None, skip: Skip | None) -> Item | None:
    """One feed item (`name` names the feed and the item) -> a Document, an error, or
    None when `skip` says it is stored already."""
    link = entry.get("link")
    key = entry.get("id") or link or f"{entry.get('title')}|{entry.get('published')}"
    doc_id = "feed-" + stable_id(key)
    if skip is not None and skip(doc_id):
        return None  # already stored: do not fetch its page again
    contents = [c.get("value", "") for c in entry.get("content") or []]
    body = max(contents, key=len) if contents else entry.get("summary", "")
    text = html_to_text(body or "")
    title = entry.get("title")
    meta = dict(title=title, url=link, author=entry.get("author"),
                published=_entry_date(entry) or published,
                source=feed_meta.get("title"), language=feed_meta.get("language"))
    if (len(text) < FULL_TEXT_CHARS or TRUNCATED.search(text)) and link and opts is not None:
        try:
            page = _page_text(link, opts)
            if len(page.text) > len(text):
                text = page.text
                meta["author"] = meta["author"] or page.author
                meta["language"] = meta["language"] or page.language
                meta["published"] = meta["published"] or page.published
        except (FetchError, BadInput) as exc:
            if not text:
                return InputError(f"{name}: {exc}", id=doc_id, title=_text(title),
                                  url=_text(link), origin=name)
    if not text.strip():
        return InputError(f"{name}: feed item has no text", id=doc_id, title=_text(title),
                          url=_text(link), origin=name)
    try:
        check_text(text, name)
    except BadInput as exc:
        return InputError(str(exc), id=doc_id, title=_text(title), url=_text(link),
                          origin=name)
    return Document(text=text, id=doc_id, origin=name, published=meta["published"],
                    **{k: _text(v) for k, v in meta.items() if k != "published"})


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def read_feed(data: bytes, name: str, published: date | None = None,
              opts: FetchOptions | None = None, skip: Skip | None = None) -> Iterator[Item]:
    """Every item of an RSS/Atom feed; `opts` None means never fetch item pages."""
    import feedparser

    if b"<!ENTITY" in data[:65536]:
        # Feeds never declare entities; a DTD that does is an expansion attack or junk.
        yield InputError(f"{name}: the feed declares XML entities (a DTD), refused",
                         origin=name)
        return
    try:
        parsed = feedparser.parse(data)
    except Exception as exc:  # the loose parser still fails on some bytes
        yield InputError(f"{name}: not a readable feed ({type(exc).__name__}: {exc})")
        return
    if not parsed.entries:
        why = parsed.get("bozo_exception") if parsed.bozo else None
        if not data.strip():
            why = "empty file"
        yield InputError(f"{name}: " + (f"not a readable feed ({why})" if why else
                                        "a feed without items (no <item> or <entry>)"),
                         origin=name)
        return
    for n, entry in enumerate(parsed.entries, 1):
        item = _entry_doc(entry, parsed.feed, f"{name}[{n}]", published, opts, skip)
        if item is not None:
            yield item


def read_url(url: str, published: date | None = None, opts: FetchOptions | None = None,
             skip: Skip | None = None) -> Iterator[Item]:
    """A feed URL (its items) or a page URL (one document)."""
    from tocsin.ingest import read_bytes

    opts = opts or FetchOptions()
    try:
        resp = fetch(url, opts)
    except FetchError as exc:
        yield InputError(str(exc), url=url)
        return
    if looks_like_feed(resp.body) or "xml" in resp.content_type and b"<rss" in resp.body[:4096]:
        yield from read_feed(resp.body, url, published, opts, skip)
        return
    page_id = "url-" + stable_id(resp.url)
    if skip is not None and skip(page_id):
        return
    for item in read_bytes(resp.body, url, published,
                           "html" if "html" in resp.content_type else None):
        if isinstance(item, Document):
            item.id, item.url = page_id, item.url or resp.url
        else:
            item.url = url
        yield item


def read_url_list(text: str, name: str, published: date | None = None,
                  opts: FetchOptions | None = None, skip: Skip | None = None
                  ) -> Iterator[Item]:
    for line in text.splitlines():
        url = line.strip()
        if url and not url.startswith("#"):
            yield from read_url(url, published, opts, skip)
