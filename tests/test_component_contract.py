"""The component contract is checked, not just declared: every component runs on the demo
corpus through a recording `State`, and the test fails when a component reads or writes a
field it did not declare, or declares one it never touches (so `Pipeline.analyze()` tells
the truth)."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

import pytest

from tocsin.demo import demo_documents
from tocsin.guard import make_doc
from tocsin.model import Document
from tocsin.pipeline import DEFAULT_COMPONENTS, Component, Pipeline, State

FIELDS = tuple(f.name for f in fields(State))
# Filled by the pipeline itself, not by a component: every component may read them.
GIVEN = frozenset({"document", "done"})


class RecordingState:
    """A `State` that notes which fields the running component reads or sets."""

    __slots__ = ("_real", "_reads", "_sets")

    def __init__(self, real: State) -> None:
        object.__setattr__(self, "_real", real)
        object.__setattr__(self, "_reads", set())
        object.__setattr__(self, "_sets", set())

    def __getattr__(self, name: str) -> Any:
        self._reads.add(name)
        return getattr(self._real, name)

    def __setattr__(self, name: str, value: Any) -> None:
        self._sets.add(name)
        setattr(self._real, name, value)


def _snapshot(state: State) -> dict[str, Any]:
    # repr of the model's dataclasses shows their fields, so in-place edits show too
    # (a list appended to, an actor renamed); the parse itself is compared by identity.
    return {f: id(state.doc) if f == "doc" else repr(getattr(state, f)) for f in FIELDS}


# Demo articles carry their date; a wire item without one is dated by its dateline.
UNDATED = Document(text="KISMAYO, March 3, 2025 (Wire) - Al-Shabaab fighters attacked a Jubaland "
                   "army post outside Kismayo overnight, a local commander said on Tuesday.")


def _touch(pipe: Pipeline, nlp: Any) -> dict[str, tuple[set[str], set[str]]]:
    """Per component, the fields it read and the fields it changed over the demo corpus."""
    seen: dict[str, tuple[set[str], set[str]]] = {c.name: (set(), set())
                                                  for c in pipe.components}
    for document in [*demo_documents(), UNDATED]:
        state = State(document=document, doc=nlp(make_doc(nlp, document.text)),
                      anchor=document.published)
        for comp in pipe.components:
            rec = RecordingState(state)
            before = _snapshot(state)
            comp(rec)  # type: ignore[arg-type]  # duck-typed: the components read attributes
            after = _snapshot(state)
            reads, writes = seen[comp.name]
            reads |= rec._reads
            writes |= rec._sets | {f for f in FIELDS if before[f] != after[f]}
            state.done.add(comp.name)
    return seen


@pytest.fixture(scope="module")
def touched(nlp: Any) -> tuple[list[Component], dict[str, tuple[set[str], set[str]]]]:
    pipe = Pipeline(nlp, DEFAULT_COMPONENTS)
    return pipe.components, _touch(pipe, nlp)


@pytest.mark.parametrize("name", DEFAULT_COMPONENTS)
def test_component_touches_only_what_it_declares(name: str, touched: Any) -> None:
    comps, seen = touched
    comp = next(c for c in comps if c.name == name)
    reads, writes = seen[name]
    declared = set(comp.requires) | set(comp.assigns)
    assert not (reads - declared - GIVEN), f"{name} reads undeclared fields"
    assert not (writes - set(comp.assigns)), f"{name} writes fields it does not assign"
    assert not (set(comp.requires) - reads), f"{name} requires fields it never reads"
    assert not (set(comp.assigns) - writes), f"{name} assigns fields it never writes"


def test_declared_fields_exist() -> None:
    """A declaration names a field of `State`: a typo would make the order check vacuous."""
    pipe_names = set(FIELDS)
    from tocsin.pipeline import REGISTRY, _load_components

    _load_components()
    for name, factory in REGISTRY.items():
        comp = factory()
        assert set(comp.requires) | set(comp.assigns) <= pipe_names, name


def test_no_module_over_500_lines() -> None:
    """One module per concern: a module past 500 lines holds two and should be split."""
    from pathlib import Path

    src = Path(__file__).resolve().parents[1] / "src" / "tocsin"
    long = {str(p.relative_to(src)): n for p in src.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 500}
    assert not long, f"modules over 500 lines: {long}"
