"""The importable API the CLI is a thin layer over."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING

from tocsin.ingest import read_path
from tocsin.model import Document, Extraction, InputError
from tocsin.pipeline import Pipeline

if TYPE_CHECKING:
    from tocsin.llm import LLMCoder

# "default": the packaged model with its rules; "rules": the rules alone; "llm": a chat
# model decides at the same seam; "llm-document": a chat model writes the whole JSON.
CODERS = ("default", "rules", "llm", "llm-document")


@lru_cache(maxsize=4)
def get_pipeline(model: str | None = None, coder: str = "default") -> Pipeline:
    """The process-wide pipeline (the spaCy model and data load once per process), its
    events decided by ``coder`` (one of CODERS but "llm-document")."""
    if coder == "default":
        return Pipeline.load(model)
    if coder == "rules":
        from tocsin.events.decision.coders import RulesCoder

        return Pipeline.load(model, coder=RulesCoder())
    if coder == "llm":
        from tocsin.llm.events import LLMEventCoder

        return Pipeline.load(model, coder=LLMEventCoder())
    raise ValueError(f"unknown coder {coder!r}; known: {', '.join(CODERS)}")


def get_coder(name: str | None = None, model: str | None = None) -> Pipeline | LLMCoder:
    """What codes documents: the pipeline with the named event coder, or for
    "llm-document" the LLM coder that writes the whole extraction.

    Without a name, $TOCSIN_CODER decides. The LLM coders raise `LLMConfigError` when
    TOCSIN_LLM_URL is not set.
    """
    name = (name or os.environ.get("TOCSIN_CODER") or "default").strip().lower()
    if name == "llm-document":
        from tocsin.llm import LLMCoder

        return LLMCoder()
    if name not in CODERS:
        raise ValueError(f"unknown coder {name!r}; known: {', '.join(CODERS)}")
    return get_pipeline(model, name)


def extract(text: str, published: date | str | None = None, **meta: str) -> Extraction:
    """Extract actors, places, events and relations from one text."""
    if isinstance(published, str):
        published = date.fromisoformat(published)
    return get_pipeline().process(Document(text=text, published=published, **meta))


def extract_paths(paths: Iterable[str], published: date | None = None,
                  model: str | None = None, coder: str | None = None,
                  timeout: float | None = 120.0, on_input: Callable[[str], None] | None = None
                  ) -> Iterator[Extraction | InputError]:
    """Every document of every path, in order; bad items come out as `InputError`s, and
    so does a document over `timeout` seconds. `on_input(name)` is called as each input
    (file, URL) has been read, for progress."""
    from tocsin.progress import inputs

    pipeline = get_coder(coder, model)

    def items() -> Iterator[Document | InputError]:
        for path in inputs(paths):
            for item in read_path(path, published):
                item.origin = item.origin or path
                yield item
            if on_input is not None:
                on_input(path)

    yield from pipeline.pipe(items(), timeout=timeout)
