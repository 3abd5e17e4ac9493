"""CSV/TSV files with one document per row and a text column."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date

from tocsin.ingest.decode import BadInput
from tocsin.model import Document, InputError

Item = Document | InputError
TEXT_COLUMNS = ("text", "body", "content", "article", "full_text", "message", "story")
FIELDS = {
    "id": ("id", "doc_id", "article_id", "guid"),
    "title": ("title", "headline"),
    "published": ("published", "date", "pubdate", "publication_date", "created_at",
                  "event_date"),
    "source": ("source", "outlet", "publisher", "site"),
    "url": ("url", "link"),
    "author": ("author", "byline"),
    "language": ("language", "lang"),
    "html": ("html",),
}


def _pick(header: list[str], names: tuple[str, ...]) -> str | None:
    lower = {h.strip().lower(): h for h in header}
    return next((lower[n] for n in names if n in lower), None)


def read_csv(text: str, name: str, published: date | None = None,
             text_column: str | None = None) -> Iterator[Item]:
    from tocsin.ingest import _id_of, from_record

    csv.field_size_limit(1 << 30)  # news articles overflow the 128 KB default
    # The header line decides (article texts are full of commas and semicolons).
    header_line = text.split("\n", 1)[0]
    delimiter = next((d for d in ("\t", ",", ";", "|") if d in header_line), ",")
    if name.lower().endswith(".tsv"):
        delimiter = "\t"
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = list(reader.fieldnames or [])
    col = text_column or _pick(header, TEXT_COLUMNS)
    if col is None or col not in header:
        yield InputError(f"{name}: no text column (looked for {', '.join(TEXT_COLUMNS)}; "
                         f"header is {', '.join(header)})")
        return
    cols = {k: _pick(header, v) for k, v in FIELDS.items()}
    try:
        last = reader.line_num
        for row in reader:
            # Errors name the line the record starts on (texts span several lines).
            n, last = last + 1, reader.line_num
            rec = {k: row.get(c) for k, c in cols.items() if c and row.get(c)}
            rec["text"] = row.get(col) or ""
            try:
                yield from_record(rec, f"{name}:{n}", published)
            except BadInput as exc:
                yield InputError(str(exc), id=_id_of(rec), origin=f"{name}:{n}")
    except csv.Error as exc:
        yield InputError(f"{name}: malformed CSV ({exc})", origin=name)
