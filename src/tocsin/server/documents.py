"""Documents for reading: search over their text, and a document cut into the pieces the
page shows, its events' evidence sentences and trigger words marked.

Search is words, not a phrase: every word must occur in the title or the text (DuckDB
ILIKE; its full-text extension would need a download). Offsets are Python's (characters),
so the server cuts the text: the page never does index arithmetic on UTF-16 strings.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from tocsin.store.rows import DocumentDetail, DocumentHit, EventListRow, SnippetPart, fetch

if TYPE_CHECKING:
    from tocsin.server.state import Reader

SNIPPET = 90  # characters either side of the first match
MAX_WORDS = 8


def words(q: str) -> list[str]:
    return [w for w in re.findall(r"[\w'’-]+", q.lower()) if len(w) > 1][:MAX_WORDS]


def _like(word: str) -> str:
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def search(reader: Reader, q: str, source: str | None, limit: int, offset: int
           ) -> tuple[int, list[DocumentHit]]:
    """Documents with every word of ``q`` in their title or text, newest first, each with
    a snippet around its first match."""
    ws = words(q)
    where, args = ["TRUE"], []
    for w in ws:
        where.append("(title ILIKE ? ESCAPE '\\' OR text ILIKE ? ESCAPE '\\')")
        args += [_like(w), _like(w)]
    if source:
        where.append("source = ?")
        args.append(source)
    cond = " AND ".join(where)
    row = reader.con.execute(f"SELECT count(*) FROM documents WHERE {cond}", args).fetchone()
    cur = reader.con.execute(
        "SELECT id, title, published, source, url, n_chars, duplicate_of, text, "
        f"(SELECT count(DISTINCT event_id) FROM event_mentions em WHERE em.doc_id = d.id) "
        f"FROM documents d WHERE {cond} ORDER BY published DESC NULLS LAST, id "
        "LIMIT ? OFFSET ?", [*args, limit, offset])
    items: list[DocumentHit] = []
    for id_, title, pub, src, url, n, dup, text, n_events in cur.fetchall():
        items.append({"id": id_, "title": title, "published": pub, "source": src,
                      "url": url, "n_chars": n, "duplicate_of": dup, "n_events": n_events,
                      "snippet": snippet(text or "", ws)})
    return int(row[0]) if row else 0, items


def snippet(text: str, ws: list[str]) -> list[SnippetPart]:
    """The text around the first match, as parts (``match`` marks the words)."""
    low = text.lower()
    hits = [i for i in (low.find(w) for w in ws) if i >= 0]
    first = min(hits) if hits else 0
    lo, hi = max(0, first - SNIPPET), min(len(text), first + SNIPPET)
    piece = ("…" if lo else "") + text[lo:hi] + ("…" if hi < len(text) else "")
    if not ws:
        return [{"text": piece, "match": False}]
    pattern = re.compile("|".join(re.escape(w) for w in sorted(ws, key=len, reverse=True)),
                         re.IGNORECASE)
    parts: list[Any] = _split(piece, pattern, "match")  # {"text", "match"} each
    return parts


def _spans(reader: Reader, doc_id: str, n: int) -> list[dict[str, Any]]:
    """Evidence spans of the document's event reports, overlapping ones joined."""
    rows = reader.con.execute(
        """SELECT em.start, em."end", em.trigger, em.event_id, e.type, e.mode, e.date_start
           FROM event_mentions em JOIN events e ON e.id = em.event_id
           WHERE em.doc_id = ? AND em.start IS NOT NULL AND em."end" > em.start
           ORDER BY em.start, em."end", em.event_id""", [doc_id]).fetchall()
    spans: list[dict[str, Any]] = []
    for start, end, trigger, ev, typ, mode, day in rows:
        start, end = max(0, int(start)), min(n, int(end))
        if spans and start < spans[-1]["end"]:
            span = spans[-1]
            span["end"] = max(span["end"], end)
        else:
            span = {"start": start, "end": end, "events": [], "triggers": set()}
            spans.append(span)
        if ev not in [x["id"] for x in span["events"]]:
            span["events"].append({"id": ev, "type": typ, "mode": mode, "date": day})
        if trigger:
            span["triggers"].add(str(trigger))
    return spans


def view(reader: Reader, doc: DocumentDetail) -> list[dict[str, Any]]:
    """The text as segments: plain text, and evidence sentences (their trigger words as
    parts marked ``trigger``) with the events they report."""
    text = doc["text"] or ""
    out: list[dict[str, Any]] = []
    pos = 0
    for span in _spans(reader, str(doc["id"]), len(text)):
        if span["start"] > pos:
            out.append({"text": text[pos:span["start"]]})
        sentence = text[span["start"]:span["end"]]
        out.append({"parts": _triggers(sentence, span["triggers"]), "events": span["events"],
                    "start": span["start"], "end": span["end"]})
        pos = span["end"]
    if pos < len(text):
        out.append({"text": text[pos:]})
    return out


def _triggers(sentence: str, triggers: set[str]) -> list[dict[str, Any]]:
    if not triggers:
        return [{"text": sentence, "trigger": False}]
    # The trigger is the word as written; whole words only ("met" is not in "metre").
    pattern = re.compile(r"\b(?:" + "|".join(
        re.escape(t) for t in sorted(triggers, key=len, reverse=True)) + r")\b", re.IGNORECASE)
    return _split(sentence, pattern, "trigger")


def _split(text: str, pattern: re.Pattern[str], flag: str) -> list[dict[str, Any]]:
    """``text`` in pieces, each marked ``flag`` True where ``pattern`` matched."""
    parts: list[dict[str, Any]] = []
    pos = 0
    for m in pattern.finditer(text):
        if m.start() > pos:
            parts.append({"text": text[pos:m.start()], flag: False})
        parts.append({"text": m.group(0), flag: True})
        pos = m.end()
    if pos < len(text):
        parts.append({"text": text[pos:], flag: False})
    return parts


def events_by_id(reader: Reader, ids: list[str]) -> list[EventListRow]:
    """The events as the events list shows them (participants, first evidence), by date."""
    from tocsin.server.queries import BASE_COLS, SUMMARY_COLS, SummarisedRow, with_details

    if not ids:
        return []
    rows = fetch(reader.con.execute(
        f"SELECT {BASE_COLS}, {SUMMARY_COLS} FROM events e "
        "LEFT JOIN places p ON p.id = e.place_id "
        "LEFT JOIN event_summary s ON s.event_id = e.id "
        "WHERE e.id IN (SELECT unnest(?::VARCHAR[])) ORDER BY e.date_start, e.id", [ids]),
        SummarisedRow)
    return with_details(reader, rows)
