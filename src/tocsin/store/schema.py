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
