"""HTML pages: main text and metadata through trafilatura."""

from __future__ import annotations

import re
from datetime import date

from tocsin.ingest.decode import BadInput, check_text
from tocsin.model import Document

HTML_START = re.compile(rb"^\s*(<!doctype html|<html|<head|<body|<article|<div|<p[ >])", re.I)


def looks_like_html(data: bytes) -> bool:
    return bool(HTML_START.match(data[:2048]))


def _date(value: object) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def read_html(html: str, name: str, published: date | None = None,
              url: str | None = None) -> Document:
    import trafilatura

    try:
        result = trafilatura.bare_extraction(html, url=url, with_metadata=True,
                                             include_comments=False, favor_recall=True)
    except RecursionError:
        raise BadInput(f"{name}: HTML nested too deeply to read") from None
    except Exception as exc:  # lxml and trafilatura reject some pages outright
        raise BadInput(f"{name}: unreadable HTML ({type(exc).__name__}: {str(exc)[:120]})"
                       ) from None
    if result is None:
        raise BadInput(f"{name}: no main text could be extracted from the HTML")
    meta = result.as_dict() if hasattr(result, "as_dict") else dict(result)
    text = (meta.get("text") or "").strip()
    if not text:
        raise BadInput(f"{name}: the HTML page has no main text")
    check_text(text, f"{name}: main text")
    return Document(
        text=text, title=meta.get("title"), published=_date(meta.get("date")) or published,
        source=meta.get("sitename") or meta.get("hostname"), url=meta.get("url") or url,
        author=meta.get("author"), language=meta.get("language"),
    )
