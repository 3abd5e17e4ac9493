"""What a pipeline knows: the actor knowledge base, the event lexicon and the gazetteer.

A pipeline is built with its `Resources`; each is the packaged one, loaded lazily on first
use, unless given (a user's KB, a lexicon with extra triggers, another gazetteer index).
While the pipeline processes a document its resources are the active ones in that context
(the stages ask `get_kb()`, `get_lexicon()`, `get_gazetteer()`), so two pipelines with
different knowledge run side by side in one process without patching anything.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from tocsin.actors.kb import ACTIVE_KB
from tocsin.geo.gazetteer import ACTIVE_GAZETTEER
from tocsin.lexicon import ACTIVE_LEXICON

if TYPE_CHECKING:
    from tocsin.actors.kb import KnowledgeBase
    from tocsin.geo.gazetteer import Gazetteer
    from tocsin.lexicon import Lexicon

T = TypeVar("T")


@contextmanager
def _set(var: ContextVar[T | None], value: T) -> Iterator[None]:
    token = var.set(value)
    try:
        yield
    finally:
        var.reset(token)


@dataclass(frozen=True, slots=True)
class Resources:
    """The knowledge a pipeline reads; None: the packaged one."""

    kb: KnowledgeBase | None = None
    lexicon: Lexicon | None = None
    gazetteer: Gazetteer | None = None

    def version_tags(self) -> list[str]:
        """What the pipeline's version says of its knowledge (coded facts carry it)."""
        return [f"{name}:own" for name in ("kb", "lexicon", "gazetteer")
                if getattr(self, name) is not None]

    @contextmanager
    def active(self) -> Iterator[None]:
        """Make these the resources the stages read, for the duration of the block."""
        with ExitStack() as stack:
            if self.kb is not None:
                stack.enter_context(_set(ACTIVE_KB, self.kb))
            if self.lexicon is not None:
                stack.enter_context(_set(ACTIVE_LEXICON, self.lexicon))
            if self.gazetteer is not None:
                stack.enter_context(_set(ACTIVE_GAZETTEER, self.gazetteer))
            yield
