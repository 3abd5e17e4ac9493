"""The DuckDB schema as numbered migrations; `migrate` applies the ones a file lacks.

A migration is never edited once released: a schema change is a new entry at the end, so
that an old database file upgrades in place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb

# Every extracted row carries doc_id, its span (start, end), pipeline and extracted_at.
# Per-document tables (mentions, event_mentions, relations) have deterministic ids but no
# primary-key index: a document's rows are written once, in its own transaction.
MIGRATIONS: list[tuple[int, str, str]] = [
    (1, "initial schema", """
CREATE TABLE documents (
    id VARCHAR PRIMARY KEY,
    content_hash VARCHAR NOT NULL,
    title VARCHAR, published DATE, source VARCHAR, url VARCHAR, author VARCHAR,
    language VARCHAR, origin VARCHAR,           -- the file, feed or export it came from
    text VARCHAR NOT NULL, n_chars INTEGER,
    duplicate_of VARCHAR,                        -- near-duplicate of this document id
    similarity DOUBLE,                           -- estimated Jaccard with duplicate_of
    pipeline VARCHAR, extracted_at TIMESTAMP, ingested_at TIMESTAMP NOT NULL
);
CREATE INDEX documents_hash ON documents(content_hash);
CREATE TABLE minhashes (doc_id VARCHAR PRIMARY KEY, signature BLOB NOT NULL);
CREATE TABLE actors (
    id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, type VARCHAR, country VARCHAR,
    in_kb BOOLEAN NOT NULL, first_doc VARCHAR
);
CREATE TABLE actor_aliases (
    actor_id VARCHAR NOT NULL, alias VARCHAR NOT NULL, origin VARCHAR NOT NULL,
    PRIMARY KEY (actor_id, alias)
);
CREATE TABLE places (
    id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, lat DOUBLE, lon DOUBLE,
    country VARCHAR, admin1 VARCHAR, feature VARCHAR
);
CREATE TABLE mentions (
    id VARCHAR NOT NULL, doc_id VARCHAR NOT NULL, kind VARCHAR NOT NULL,
    entity_id VARCHAR NOT NULL, text VARCHAR, start INTEGER, "end" INTEGER,
    pipeline VARCHAR, extracted_at TIMESTAMP
);
CREATE TABLE events (
    id VARCHAR PRIMARY KEY, type VARCHAR NOT NULL, mode VARCHAR, cameo_root VARCHAR,
    date_start DATE, date_end DATE, precision VARCHAR, place_id VARCHAR,
    lat DOUBLE, lon DOUBLE, fatalities INTEGER, injuries INTEGER,
    negated BOOLEAN, future BOOLEAN,
    n_mentions INTEGER NOT NULL, n_documents INTEGER NOT NULL, first_doc VARCHAR,
    confidence DOUBLE
);
CREATE TABLE event_mentions (
    id VARCHAR NOT NULL, event_id VARCHAR NOT NULL, doc_id VARCHAR NOT NULL,
    type VARCHAR NOT NULL, mode VARCHAR, cameo_root VARCHAR,
    source_ids VARCHAR[], target_ids VARCHAR[],
    date_start DATE, date_end DATE, precision VARCHAR, date_text VARCHAR,
    place_id VARCHAR, fatalities INTEGER, injuries INTEGER,
    negated BOOLEAN, hypothetical BOOLEAN, future BOOLEAN, claimed BOOLEAN,
    denied BOOLEAN, claimant VARCHAR,
    sentence VARCHAR, start INTEGER, "end" INTEGER, trigger VARCHAR, confidence DOUBLE,
    merge_reason VARCHAR,                        -- JSON: why it joined its event
    pipeline VARCHAR, extracted_at TIMESTAMP
);
CREATE TABLE event_participants (
    event_id VARCHAR NOT NULL, actor_id VARCHAR NOT NULL, role VARCHAR NOT NULL,
    PRIMARY KEY (event_id, actor_id, role)
);
CREATE TABLE relations (
    id VARCHAR NOT NULL, doc_id VARCHAR NOT NULL, type VARCHAR NOT NULL,
    subject VARCHAR NOT NULL, object VARCHAR NOT NULL, since VARCHAR,
    sentence VARCHAR, start INTEGER, "end" INTEGER,
    pipeline VARCHAR, extracted_at TIMESTAMP
);
"""),
    (2, "escalation alerts", """
CREATE TABLE alerts (
    id VARCHAR PRIMARY KEY,
    kind VARCHAR NOT NULL,                       -- series kind: actor, dyad, country, ...
    series VARCHAR NOT NULL, label VARCHAR, bin VARCHAR NOT NULL,
    raised DATE NOT NULL, window_start DATE, window_end DATE,
    current_count INTEGER, baseline_count INTEGER,
    current_exposure INTEGER, baseline_exposure INTEGER,
    rate_ratio DOUBLE, p_value DOUBLE, intensity DOUBLE, severity DOUBLE, level VARCHAR,
    actor_ids VARCHAR[], event_ids VARCHAR[],
    detail VARCHAR,                              -- JSON: the whole explained alert
    first_seen TIMESTAMP NOT NULL,
    episode_end DATE
);
CREATE INDEX alerts_raised ON alerts(raised);
"""),
    (3, "alert acknowledgements", """
ALTER TABLE alerts ADD COLUMN acknowledged_at TIMESTAMP;
ALTER TABLE alerts ADD COLUMN acknowledged_by VARCHAR;
"""),
    # Look-ups of one page of events (the API) and of an actor's events: without these,
    # each is a full scan of the per-report tables.
    (4, "event look-up indexes", """
CREATE INDEX event_mentions_event ON event_mentions(event_id);
CREATE INDEX event_participants_event ON event_participants(event_id);
CREATE INDEX event_participants_actor ON event_participants(actor_id);
"""),
    # What a list of events shows besides the events row (participants, outlets, first
    # evidence sentence), kept per event by the store's writer so that a page of events
    # is one look-up instead of one per table.
    (5, "event summaries", """
CREATE TABLE event_summary (
    event_id VARCHAR PRIMARY KEY,
    sources VARCHAR[] NOT NULL, targets VARCHAR[] NOT NULL,
    doc_sources VARCHAR[] NOT NULL,              -- outlets of the reporting documents
    evidence VARCHAR                             -- first sentence by (doc_id, start)
);
INSERT INTO event_summary
WITH ep AS (
    SELECT event_id,
           list(actor_id ORDER BY actor_id) FILTER (WHERE role = 'source') AS s,
           list(actor_id ORDER BY actor_id) FILTER (WHERE role = 'target') AS t
    FROM event_participants GROUP BY event_id),
em AS (
    SELECT em.event_id,
           list(DISTINCT d.source ORDER BY d.source)
               FILTER (WHERE d.source IS NOT NULL AND d.source <> '') AS ds,
           first(em.sentence ORDER BY em.doc_id, coalesce(em.start, 0), em.id) AS ev
    FROM event_mentions em LEFT JOIN documents d ON d.id = em.doc_id
    GROUP BY em.event_id)
SELECT e.id, coalesce(ep.s, []), coalesce(ep.t, []), coalesce(em.ds, []), em.ev
FROM events e LEFT JOIN ep ON ep.event_id = e.id LEFT JOIN em ON em.event_id = e.id;
"""),
    # What decided each report's event (the decision stage's trace, JSON) and how much
    # the report is about it (the event model's main-act probability).
    (6, "event decision trace", """
ALTER TABLE event_mentions ADD COLUMN salience DOUBLE;
ALTER TABLE event_mentions ADD COLUMN why VARCHAR;
"""),
    # Wrong merges split by hand (store/unmerge.py): two documents whose reports are
    # never merged again, recorded both ways, kept when either is removed or reprocessed.
    (7, "merge splits", """
CREATE TABLE IF NOT EXISTS merge_splits (
    doc_id VARCHAR NOT NULL, apart_from VARCHAR NOT NULL,
    event_id VARCHAR,                            -- the event that was split
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (doc_id, apart_from)
);
"""),
    # Dates past the report's publication day are clamped at store time (store/dates.py);
    # what was extracted is kept here (NULL: the date was not changed).
    (8, "dates clamped to publication", """
ALTER TABLE event_mentions ADD COLUMN IF NOT EXISTS unclamped_start DATE;
ALTER TABLE event_mentions ADD COLUMN IF NOT EXISTS unclamped_end DATE;
"""),
    # The place of a report as its text names it, finer than the gazetteer's point (a
    # village written in front of its district: store/spots.py), read by the merge.
    (9, "report spots", """
ALTER TABLE event_mentions ADD COLUMN IF NOT EXISTS spots VARCHAR[];
"""),
]


def current_version(con: duckdb.DuckDBPyConnection) -> int:
    con.execute("""CREATE TABLE IF NOT EXISTS schema_migrations (
        version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMP)""")
    row = con.execute("SELECT max(version) FROM schema_migrations").fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Apply missing migrations, each in its own transaction; returns the version."""
    version = current_version(con)
    for number, name, ddl in MIGRATIONS:
        if number <= version:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            for statement in ddl.split(";"):
                if statement.strip():
                    con.execute(statement)
            con.execute("INSERT INTO schema_migrations VALUES (?, ?, current_timestamp)",
                        [number, name])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        version = number
    return version
