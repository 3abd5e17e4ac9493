"""A pipeline reads the knowledge it was built with: a user's KB (or lexicon, or
gazetteer) is a constructor argument, two pipelines with different knowledge run side by
side in one process, and nothing is patched."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tocsin.actors.kb import get_kb, load_kb
from tocsin.model import Document
from tocsin.pipeline import Pipeline
from tocsin.resources import Resources

# A made-up group, so that only the user's KB can know it.
USER_KB = """
- id: red-hand-brigade
  name: Red Hand Brigade
  type: militia
  country: KEN
  aliases: [RHB, Red Hand militia]
  description: Fictional militia written for this test.
  sources: [https://example.org/red-hand-brigade]
"""
TEXT = ("On 4 March 2024, Red Hand Brigade fighters attacked a police post near Garissa, "
        "officials said.")


@pytest.fixture(scope="module")
def user_pipeline(nlp: Any, tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    path = tmp_path_factory.mktemp("kb") / "mine.yaml"
    path.write_text(USER_KB, encoding="utf-8")
    return Pipeline(nlp, resources=Resources(kb=load_kb(extra=[Path(path)], user=False)))


def test_a_pipeline_reads_the_kb_it_was_given(user_pipeline: Pipeline, pipeline: Any) -> None:
    mine = user_pipeline.process(Document(text=TEXT))
    assert "red-hand-brigade" in {a.id for a in mine.actors}
    ev = next(e for e in mine.events if e.type == "ASSAULT")
    assert ev.source == ["red-hand-brigade"]
    assert "kb:own" in mine.pipeline
    # the packaged pipeline, in the same process, before and after, does not know it
    packaged = pipeline.process(Document(text=TEXT))
    assert "red-hand-brigade" not in {a.id for a in packaged.actors}
    assert get_kb().get("red-hand-brigade") is None


def test_resources_are_active_only_while_a_document_is_processed(
        user_pipeline: Pipeline) -> None:
    assert get_kb().get("red-hand-brigade") is None
    with user_pipeline.resources.active():
        assert get_kb().get("red-hand-brigade") is not None
    assert get_kb().get("red-hand-brigade") is None
