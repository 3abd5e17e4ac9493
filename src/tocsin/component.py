"""What a pipeline stage is: the `State` it reads and writes, the `Component` base class
with its declared ``requires`` and ``assigns``, and the registry of named components.

It sits below the stage packages (actors, geo, time, events, relations), which register
their components here; `tocsin.pipeline` sits above them and assembles a pipeline by name.
So no stage imports the pipeline, and the pipeline is the only module that knows them all.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, ClassVar

from tocsin.model import Actor, Document, Event, Place, Relation

if TYPE_CHECKING:  # the handoffs' types, named for the checker only (they live in stages)
    from spacy.tokens import Doc

    from tocsin.actors.nouns import ActorMention
    from tocsin.geo.finder import PlaceMention


@dataclass(slots=True)
class State:
    """What the components know about one document so far."""

    document: Document
    doc: Doc | None = None
    anchor: date | None = None  # the date relative expressions resolve against
    actor_mentions: list[ActorMention] = field(default_factory=list)
    actors: dict[str, Actor] = field(default_factory=dict)
    token_actor: dict[int, str] = field(default_factory=dict)  # token index -> actor id
    place_links: list[tuple[PlaceMention, Place | None]] = field(default_factory=list)
    places: dict[str, Place] = field(default_factory=dict)
    time_spans: list[tuple[int, int]] = field(default_factory=list)
    dateline_end: int = 0  # char offset where an opening dateline ends (0: none)
    events: list[Event] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    done: set[str] = field(default_factory=set)


class Component(ABC):
    """A named pipeline stage. Subclasses set the class attributes and `__call__`."""

    name: ClassVar[str]
    requires: ClassVar[tuple[str, ...]] = ()
    assigns: ClassVar[tuple[str, ...]] = ()

    @abstractmethod
    def __call__(self, state: State) -> None:
        """Read what `requires` names from `state`, write what `assigns` names."""


REGISTRY: dict[str, Callable[..., Component]] = {}


def register(cls: type[Component]) -> type[Component]:
    REGISTRY[cls.name] = cls
    return cls
