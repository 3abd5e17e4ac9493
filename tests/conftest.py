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


@pytest.fixture()
def rules_only(monkeypatch: pytest.MonkeyPatch, rules_pipeline) -> None:  # type: ignore[no-untyped-def]
    """Pipelines built in the test have no event model: the rule coder decides alone.
    For the tests of the lexicon and the rules, whose reading is what the event model
    weighs (its `rule` candidates and features); what the model decides is tested in
    test_decision.py and measured by the gate."""
    import tocsin.api as api
    import tocsin.events.component as component

    monkeypatch.setattr(component, "get_model", lambda: None)
    monkeypatch.setattr(api, "get_pipeline", lambda model=None, coder="default": rules_pipeline)


@pytest.fixture(scope="session")
def rules_pipeline():  # type: ignore[no-untyped-def]
    """A session pipeline whose events are the rule coder's alone (see `rules_only`)."""
    from tocsin.events.decision.coders import RulesCoder
    from tocsin.pipeline import Pipeline

    return Pipeline.load(coder=RulesCoder())  # its own instance: the shared one keeps its model
