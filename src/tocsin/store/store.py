"""The DuckDB store: idempotent writes of extractions, one transaction per batch.

Ids are deterministic (derived from the document id and spans), every insert ignores rows
it already has, and a batch of documents (store/batch.py; `add` is a batch of one) either
lands with all its rows or not at all, so that re-running an ingest, or resuming one
killed half-way, ends with exactly the same rows.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tocsin.model import Document, Extraction
from tocsin.store import dedup, queries
from tocsin.store.batch import APPEND_ONLY, BatchWriter, _Item, batch_times
from tocsin.store.events_writer import rebuild_events
from tocsin.store.merge import MergeRules
from tocsin.store.schema import migrate

if TYPE_CHECKING:
    import duckdb
    from datasketch import MinHash

DEFAULT_DB = "tocsin.duckdb"


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
        # Signatures `screen` made, by content hash, for the batch that stores those
        # documents next (a MinHash costs about as much as the rest of the look-up).
        self._sigs: dict[str, MinHash | None] = {}

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

    def screen(self, docs: Sequence[Document], version: str, reprocess: bool = False
               ) -> list[tuple[str, int]]:
        """What the ingest does with each of `docs` before extracting it, as `resolve`
        and `find_duplicate` one by one would say if each earlier document were stored;
        one query for all of them. Per document (a verdict, the index of the document it
        repeats or -1): "exists" (skip it), "duplicate" (store it as a link to a stored
        document, unextracted), "extract"; or, when it repeats an earlier one of `docs`
        that is extracted or linked, "same" (that one's id and text: it exists once that
        one is stored) or "copy" (its text under another id: a link to that one).
        """
        digests = [content_hash(d.text) for d in docs]
        self._sigs = {}
        ids = {d.id for d in docs} | {f"{d.id}~{h[:12]}" for d, h in zip(docs, digests,
                                                                          strict=True)}
        hashes = sorted(set(digests)) if self.near_duplicates else []
        by_id: dict[str, tuple[str, str]] = {}
        by_hash: dict[str, set[str]] = {}
        for doc_id, digest, pipeline in self.con.execute(
                "SELECT id, content_hash, coalesce(pipeline, '') FROM documents WHERE id IN "
                "(SELECT unnest($1::VARCHAR[])) OR content_hash IN (SELECT "
                "unnest($2::VARCHAR[]))", [sorted(ids), hashes]).fetchall():
            by_id[doc_id] = (digest, pipeline)
            by_hash.setdefault(digest, set()).add(doc_id)
        # The documents of `docs` to be stored, by (id, text) and by text: the first one.
        first_id: dict[tuple[str, str], int] = {}
        first_text: dict[str, int] = {}
        out: list[tuple[str, int]] = []
        for k, (doc, digest) in enumerate(zip(docs, digests, strict=True)):
            row = by_id.get(doc.id)  # as `resolve`
            doc_id = doc.id if row is None or row[0] == digest else f"{doc.id}~{digest[:12]}"
            stored = by_id[doc_id][1] if doc_id in by_id else None
            if stored is not None and (not reprocess or stored == version):
                out.append(("exists", -1))
            elif (doc_id, digest) in first_id:
                out.append(("same", first_id[doc_id, digest]))
            elif self.near_duplicates and digest in first_text:
                out.append(("copy", first_text[digest]))
            else:
                first_id[doc_id, digest] = k
                first_text.setdefault(digest, k)
                dup = self.near_duplicates and bool(by_hash.get(digest, set()) - {doc.id}
                                                    or self._near(doc, digest))
                out.append(("duplicate" if dup else "extract", -1))
        return out

    def _near(self, doc: Document, digest: str) -> bool:
        sig = self._sigs[digest] = dedup.signature(doc.text)
        return sig is not None and self._index().match(sig, doc.text, exclude=doc.id,
                                                       source=doc.source) is not None

    def signature(self, text: str, digest: str) -> MinHash | None:
        """The text's MinHash (`digest`: its content hash), made once per ingest chunk."""
        return self._sigs[digest] if digest in self._sigs else dedup.signature(text)

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
            self.remove_rows(doc_id)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            self._dedup = None
            raise
        return True

    def remove_rows(self, doc_id: str) -> None:
        """`remove` inside a transaction the caller holds."""
        con = self.con
        touched = [r[0] for r in con.execute(
            "SELECT DISTINCT event_id FROM event_mentions WHERE doc_id = ?",
            [doc_id]).fetchall()]
        for table in APPEND_ONLY:
            con.execute(f"DELETE FROM {table} WHERE doc_id = ?", [doc_id])
        con.execute("DELETE FROM minhashes WHERE doc_id = ?", [doc_id])
        con.execute("DELETE FROM documents WHERE id = ?", [doc_id])
        rebuild_events(con, touched)
        self._dedup = None  # rebuilt from the table on next use

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
        res = self._apply([ext], [origin], reprocess)[0]
        if isinstance(res, Exception):
            raise res
        return res

    def add_many(self, exts: Sequence[Extraction],
                 origins: Sequence[str | None] | None = None, reprocess: bool = False
                 ) -> list[AddResult | Exception]:
        """Store extractions in one transaction, exactly as `add` one by one in order
        would (the same rows, duplicate links, merges and reasons; store/batch.py).

        Per extraction, its AddResult, or the exception that kept it out: a batch that
        fails is rolled back and applied again one extraction at a time, so that a bad
        item loses only itself."""
        origins = list(origins) if origins is not None else [None] * len(exts)
        if not exts:
            return []
        try:
            return self._apply(exts, origins, reprocess)
        except Exception:  # noqa: S110 - applied again below, each with its own error
            pass
        return [self._apply([e], [o], reprocess)[0] for e, o in zip(exts, origins,
                                                                     strict=True)]

    def _apply(self, exts: Sequence[Extraction], origins: Sequence[str | None],
               reprocess: bool) -> list[AddResult | Exception]:
        """One transaction; a batch of one reports its error as its result."""
        items = [_Item(i, e, o, t) for i, (e, o, t) in enumerate(
            zip(exts, origins, batch_times(len(exts)), strict=True))]
        con = self.con
        with self.one_thread():
            con.execute("BEGIN TRANSACTION")
            try:
                results = BatchWriter(self, reprocess).run(items)
                con.execute("COMMIT")
            except Exception as exc:
                con.execute("ROLLBACK")
                self._dedup = None  # it holds documents of the batch: rebuilt on next use
                if len(items) > 1:
                    raise
                return [exc]
            except BaseException:
                con.execute("ROLLBACK")
                self._dedup = None
                raise
        return list(results)

    @contextmanager
    def one_thread(self) -> Iterator[None]:
        """DuckDB on one thread meanwhile: writing and the ingest's look-ups are many small
        statements, for which its worker threads only add hand-offs (twice slower on a
        busy 2-core machine). The setting is restored after."""
        row = self.con.execute("SELECT current_setting('threads')").fetchone()
        self.con.execute("SET threads = 1")
        try:
            yield
        finally:
            self.con.execute(f"SET threads = {int(row[0]) if row else 1}")
