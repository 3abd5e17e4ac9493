"""Shared fixtures: the real spaCy model and pipeline, loaded once per test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED_EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"


@pytest.fixture(scope="session", autouse=True)
def _cache_dir(tmp_path_factory: pytest.TempPathFactory) -> None:
    # Tests build the gazetteer index once, in their own cache, unless told where it is
    # (.ci/run points it at a fresh folder so that the build itself is tested).
    os.environ.setdefault("TOCSIN_CACHE", str(Path.home() / ".cache" / "tocsin-test"))


@pytest.fixture(scope="session")
def pipeline():  # type: ignore[no-untyped-def]
    from tocsin.api import get_pipeline

    return get_pipeline()


@pytest.fixture(scope="session")
def nlp():  # type: ignore[no-untyped-def]
    from tocsin.nlp import load_model

    return load_model()
