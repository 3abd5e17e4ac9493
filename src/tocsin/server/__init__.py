"""`tocsin serve`: the REST API (FastAPI) and the web UI over one store.

The package is `tocsin.server` (not `tocsin.api`, which is the importable Python API).
The server process owns the DuckDB file: reads use per-thread cursors on its connection,
and every ingest runs in one writer thread, so reads keep answering during an ingest.
"""
