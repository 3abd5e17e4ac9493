"""The importable API the CLI is a thin layer over."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from functools import lru_cache

from tocsin.ingest import read_path
from tocsin.model import Document, Extraction, InputError
from tocsin.pipeline import Pipeline


@lru_cache(maxsize=2)
def get_pipeline(model: str | None = None) -> Pipeline:
    """The process-wide pipeline (the spaCy model and data load once per process)."""
    return Pipeline.load(model)


def extract(text: str, published: date | str | None = None, **meta: str) -> Extraction:
    """Extract actors, places, events and relations from one text."""
    if isinstance(published, str):
        published = date.fromisoformat(published)
    return get_pipeline().process(Document(text=text, published=published, **meta))


def extract_paths(paths: Iterable[str], published: date | None = None,
                  model: str | None = None) -> Iterator[Extraction | InputError]:
    """Every document of every path, in order; bad items come out as `InputError`s."""
    pipeline = get_pipeline(model)

    def items() -> Iterator[Document | InputError]:
        for path in paths:
            yield from read_path(path, published)

    yield from pipeline.pipe(items())
