"""The DuckDB store: idempotent writes of extractions, one transaction per document.

Ids are deterministic (derived from the document id and spans), every insert ignores rows
it already has, and a document either lands with all its rows or not at all, so that
re-running an ingest, or resuming one killed half-way, ends with exactly the same rows.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tocsin.model import Document, Extraction, stable_id
from tocsin.store import dedup, queries
from tocsin.store.events_writer import rebuild_events, write_events
from tocsin.store.merge import MergeRules
from tocsin.store.schema import migrate

if TYPE_CHECKING:
    import duckdb
    from datasketch import MinHash

DEFAULT_DB = "tocsin.duckdb"
# Tables whose rows belong to one document: written once, in that document's transaction,
# so they need no primary-key index (the documents table guards against re-insertion).
APPEND_ONLY = frozenset({"mentions", "event_mentions", "relations"})


@dataclass(slots=True)
class AddResult:
    doc_id: str
    status: str  # "added" | "exists" | "duplicate"
    duplicate_of: str | None = None
    similarity: float | None = None
    events: int = 0
    conflict: str | None = None  # its id was taken by other content: what was done


def content_hash(text: str) -> str:
    return hashlib.sha1(" ".join(text.split()).encode("utf-8")).hexdigest()


def _alias_like(text: str) -> bool:
    # Coreferent phrases ("the group", "Coalition spokesman") are mentions, not names.
    words = text.split()
    return bool(words) and all(w[:1].isupper() or not w[:1].isalpha() for w in words) \
        and words[0].lower() not in {"the", "a", "an", "this", "that"}


class StoreLocked(RuntimeError):
    """The database file is held by another process (DuckDB allows one writer process and
    no readers beside it): the message says how to read it instead."""


def locked_message(path: str | Path, exc: Exception) -> str:
    pid = re.search(r"PID (\d+)", str(exc))
    holder = f"process {pid.group(1)}" if pid else "another process"
    return (f"{path} is open in {holder} (typically `tocsin serve`), and DuckDB lets no "
            "other process open it meanwhile, even read-only. To read it now, use that "
            "server's REST API (e.g. GET /api/events, /api/actors, /api/stats; see /docs); "
            "or stop the server and run this command again (read commands open the file "
            "read-only, so several can then run at once).")


class Store(queries.QueryMixin):
    """A tocsin database file. ``Store(path)`` opens (creating and migrating) it."""

    def __init__(self, path: str | Path = DEFAULT_DB, read_only: bool = False,
                 rules: MergeRules | None = None, near_duplicates: bool = True) -> None:
        """`near_duplicates=False` stores every document in full, even repeated ones."""
        import duckdb

        self.path = Path(path)
        try:
            self.con: duckdb.DuckDBPyConnection = duckdb.connect(str(self.path),
                                                                 read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():  # DuckDB's raw text names a PID, not a remedy
                raise StoreLocked(locked_message(self.path, exc)) from None
            raise
        if not read_only:
            migrate(self.con)
        self.rules = rules or MergeRules()
        self.near_duplicates = near_duplicates
        self._dedup: dedup.DedupIndex | None = None

    @classmethod
    def open(cls, path: str | Path = DEFAULT_DB, **kwargs: Any) -> Store:
        return cls(path, **kwargs)

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- duplicates -------------------------------------------------------------------
    def _index(self) -> dedup.DedupIndex:
        if self._dedup is None:
            index = dedup.DedupIndex()
            for doc_id, blob, text, source in self.con.execute(
                    "SELECT m.doc_id, m.signature, d.text, d.source FROM minhashes m "
                    "JOIN documents d ON d.id = m.doc_id ORDER BY m.doc_id").fetchall():
                index.add(doc_id, dedup.from_bytes(blob), text, source)
            self._dedup = index
        return self._dedup

    def has_document(self, doc_id: str) -> bool:
        return self.con.execute("SELECT 1 FROM documents WHERE id = ?",
                                [doc_id]).fetchone() is not None

    def find_duplicate(self, doc: Document, sig: MinHash | None = None
                       ) -> tuple[str, float] | None:
        """The stored document this one repeats (same text, or a near-duplicate)."""
        if not self.near_duplicates:
            return None
        row = self.con.execute(
            "SELECT coalesce(duplicate_of, id) FROM documents WHERE content_hash = ? "
            "AND id <> ? ORDER BY id LIMIT 1", [content_hash(doc.text), doc.id]).fetchone()
        if row:
            return str(row[0]), 1.0
        sig = sig or dedup.signature(doc.text)
        return None if sig is None else self._index().match(sig, doc.text, exclude=doc.id,
                                                            source=doc.source)

    # --- writes -----------------------------------------------------------------------
    def resolve(self, doc: Document) -> tuple[str, str | None, str | None]:
        """(the id `doc` is stored under, that row's pipeline or None when it is new, a
        note when its own id is taken by other content).

        A record id is only unique within its file or feed: two CSVs both numbering rows
        1, 2 must not drop each other's rows. So a stored id counts as this document only
        when the content is the same; other content under the id is stored under the id
        with its content hash appended, the same id on every run.
        """
        digest = content_hash(doc.text)
        row = self.con.execute("SELECT content_hash, coalesce(pipeline, '') FROM documents "
                               "WHERE id = ?", [doc.id]).fetchone()
        if row is None:
            return doc.id, None, None
        if row[0] == digest:
            return doc.id, str(row[1]), None
        alt = f"{doc.id}~{digest[:12]}"
        note = (f"id {doc.id!r} is already stored with other content (another file or an "
                f"edited record); stored as {alt!r}")
        return alt, self.stored_pipeline(alt), note

    def stored_pipeline(self, doc_id: str) -> str | None:
        row = self.con.execute("SELECT coalesce(pipeline, '') FROM documents WHERE id = ?",
                               [doc_id]).fetchone()
        return None if row is None else str(row[0])

    def remove(self, doc_id: str) -> bool:
        """Delete a document and its rows; events it reported are rebuilt from the rest."""
        if not self.has_document(doc_id):
            return False
        con = self.con
        con.execute("BEGIN TRANSACTION")
        try:
            touched = [r[0] for r in con.execute(
                "SELECT DISTINCT event_id FROM event_mentions WHERE doc_id = ?",
                [doc_id]).fetchall()]
            for table in APPEND_ONLY:
                con.execute(f"DELETE FROM {table} WHERE doc_id = ?", [doc_id])
            con.execute("DELETE FROM minhashes WHERE doc_id = ?", [doc_id])
            con.execute("DELETE FROM documents WHERE id = ?", [doc_id])
            rebuild_events(con, touched)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        self._dedup = None  # rebuilt from the table on next use
        return True

    def unmerge(self, event_id: str, doc_id: str) -> str | None:
        """Split `doc_id`'s reports out of `event_id` into an event of their own, for good
        (re-ingesting either document keeps them apart); the new event's id, or None."""
        from tocsin.store.unmerge import unmerge

        return unmerge(self.con, event_id, doc_id)

    def add(self, ext: Extraction, origin: str | None = None,
            reprocess: bool = False) -> AddResult:
        """Store one extraction (idempotent): all its rows in one transaction.

        A stored document is left alone, unless `reprocess` is set and it was extracted
        by another pipeline version: then it is removed and stored again.
        """
        doc_id, stored, conflict = self.resolve(ext.doc)
        if doc_id != ext.doc.id:
            ext = replace(ext, doc=replace(ext.doc, id=doc_id))
        doc = ext.doc
        if stored is not None:
            if not reprocess or stored == ext.pipeline:
                return AddResult(doc.id, "exists", conflict=conflict)
            self.remove(doc.id)
        sig = dedup.signature(doc.text)
        dup = self.find_duplicate(doc, sig)
        sig = None if dup else sig
        now = datetime.now(UTC).replace(tzinfo=None)
        con = self.con
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(
                "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [doc.id, content_hash(doc.text), doc.title, doc.published, doc.source,
                 doc.url, doc.author, doc.language, origin or doc.origin, doc.text,
                 len(doc.text),
                 dup[0] if dup else None, round(dup[1], 4) if dup else None,
                 ext.pipeline, now, now])
            n_events = 0
            if dup is None:
                if sig is not None:
                    con.execute("INSERT INTO minhashes VALUES (?, ?)",
                                [doc.id, dedup.to_bytes(sig)])
                self._write_rows(ext, now)
                n_events = len(ext.events)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        if sig is not None:
            self._index().add(doc.id, sig, doc.text, doc.source)
        if dup:
            return AddResult(doc.id, "duplicate", dup[0], dup[1], conflict=conflict)
        return AddResult(doc.id, "added", events=n_events, conflict=conflict)

    def _insert(self, table: str, rows: list[list[Any]], key: int = 1) -> None:
        """Many rows in one statement; ``key`` leading columns identify a row."""
        if not rows:
            return
        conflict = "" if table in APPEND_ONLY else " ON CONFLICT DO NOTHING"
        if table not in APPEND_ONLY:  # one statement must not carry a key twice
            rows = list({json.dumps(r[:key], default=str): r for r in rows}.values())
        if len(rows) <= 4:
            one = "(" + ",".join("?" * len(rows[0])) + ")"
            self.con.execute(f"INSERT INTO {table} VALUES {','.join([one] * len(rows))}"
                             f"{conflict}", [v for r in rows for v in r])
            return
        # Through Arrow: DuckDB binds statement parameters one by one, which is slow for
        # hundreds of rows; an Arrow table is read in one go.
        import pyarrow as pa

        data = pa.table({f"c{i}": [r[i] for r in rows] for i in range(len(rows[0]))})
        self.con.register("_tocsin_rows", data)
        try:
            self.con.execute(f"INSERT INTO {table} SELECT * FROM _tocsin_rows{conflict}")
        finally:
            self.con.unregister("_tocsin_rows")

    def _write_rows(self, ext: Extraction, now: datetime) -> None:
        doc_id, pv = ext.doc.id, ext.pipeline
        actors, aliases, mentions, places = [], [], [], []
        for a in ext.actors:
            actors.append([a.id, a.name, a.type, a.country, a.in_kb, doc_id])
            names = {a.name: "name"} | {m.text: "text" for m in a.mentions
                                        if _alias_like(m.text)}
            aliases += [[a.id, alias, how] for alias, how in names.items()]
            mentions += [[stable_id(doc_id, "actor", a.id, m.start, m.end), doc_id, "actor",
                          a.id, m.text, m.start, m.end, pv, now] for m in a.mentions]
        for p in ext.places:
            places.append([p.id, p.name, p.lat, p.lon, p.country, p.admin1, p.feature])
            mentions += [[stable_id(doc_id, "place", p.id, m.start, m.end), doc_id, "place",
                          p.id, m.text, m.start, m.end, pv, now] for m in p.mentions]
        self._insert("actors", actors)
        self._insert("actor_aliases", aliases, key=2)
        self._insert("places", places)
        self._insert("mentions", mentions)
        write_events(self.con, self._insert, ext, self.rules, now)
        self._insert("relations", [
            [stable_id(doc_id, r.type, r.subject, r.object, r.evidence.start), doc_id, r.type,
             r.subject, r.object, r.start, r.evidence.sentence, r.evidence.start,
             r.evidence.end, pv, now] for r in ext.relations])
