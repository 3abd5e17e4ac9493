"""Splitting a wrong merge: one document's reports leave an event for one of their own.

The split is remembered as pairs of documents kept apart (table merge_splits, both ways),
which the writer reads before merging a document's reports (events_writer): re-ingesting
or reprocessing either document never joins them again.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from tocsin.store.events_writer import kept_apart, rebuild_events

__all__ = ["kept_apart", "unmerge"]

if TYPE_CHECKING:
    import duckdb


def unmerge(con: duckdb.DuckDBPyConnection, event_id: str, doc_id: str) -> str | None:
    """Move `doc_id`'s reports of `event_id` to an event of their own (its id is their
    first report's, as when a report founds an event); returns that id, or None when the
    event has no report of the document or no report of another one."""
    mentions = [r[0] for r in con.execute(
        "SELECT id FROM event_mentions WHERE event_id = ? AND doc_id = ? ORDER BY id",
        [event_id, doc_id]).fetchall()]
    others = [r[0] for r in con.execute(
        "SELECT DISTINCT doc_id FROM event_mentions WHERE event_id = ? AND doc_id <> ? "
        "ORDER BY 1", [event_id, doc_id]).fetchall()]
    if not mentions or not others:
        return None
    new_id = mentions[0]
    now = datetime.now(UTC).replace(tzinfo=None)
    reason = json.dumps({"founded": True, "unmerged_from": event_id,
                         "why": f"split by hand from {event_id}"}, sort_keys=True)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("INSERT INTO merge_splits VALUES "
                    + ",".join(["(?, ?, ?, ?)"] * (2 * len(others)))
                    + " ON CONFLICT DO NOTHING",
                    [v for o in others for v in (doc_id, o, event_id, now,
                                                 o, doc_id, event_id, now)])
        # The new event starts as a copy of the old row; rebuild_events then recomputes
        # both from the reports each keeps.
        con.execute("""INSERT INTO events SELECT ? AS id, * EXCLUDE (id) FROM events
                       WHERE id = ? ON CONFLICT DO NOTHING""", [new_id, event_id])
        con.execute("UPDATE event_mentions SET event_id = ?, merge_reason = ? "
                    "WHERE id IN (SELECT unnest(?::VARCHAR[]))", [new_id, reason, mentions])
        rebuild_events(con, [event_id, new_id])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return new_id
