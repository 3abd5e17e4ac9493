"""The event store: DuckDB tables of documents, actors, mentions, events and relations."""

from __future__ import annotations

from tocsin.store.store import AddResult, Store

__all__ = ["AddResult", "Store"]
