"""The demo corpus ingested once per test session (not a test module): analysis tests
read copies of one DuckDB file instead of extracting the 33 articles again."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

DEMO = Path(__file__).resolve().parents[1] / "src" / "tocsin" / "data" / "demo" / "articles.jsonl"
_BUILT: dict[str, Path] = {}


def demo_db(factory: pytest.TempPathFactory) -> Path:
    """Path of a store holding the whole demo corpus (built on first use)."""
    if "db" not in _BUILT:
        from tocsin.store import Store
        from tocsin.store.runner import ingest

        path = factory.mktemp("demo-store") / "demo.duckdb"
        with Store(path) as store:
            rep = ingest(store, [str(DEMO)])
        assert rep.added == 33 and not rep.errors
        _BUILT["db"] = path
    return _BUILT["db"]


def copy_of(path: Path, dest: Path) -> Path:
    out = dest / path.name
    shutil.copy(path, out)
    return out
