"""Word lists and code tables kept as data (data/lexicon/*.yaml), with typed accessors.

Each file groups the lists of one concern (``roles.yaml``, ``places.yaml``, ``cameo.yaml``,
...) and each list lives in one file only: code reads it with ``words("roles",
"report_nouns")`` rather than keeping a copy. Files are parsed once per process. Loading is
strict so that a slip in the data fails loudly instead of silently changing what a rule
sees: a key given twice in a file, a list item that YAML reads as something other than a
string (an unquoted ``on``/``off``/``no`` is a boolean) or a CAMEO code written without
quotes (``030`` is a number) raise ``LexiconDataError``.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml


class LexiconDataError(ValueError):
    """A lexicon file is malformed: duplicate key, missing list or a non-string item."""


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses a mapping key given twice (PyYAML keeps the last one)."""


def _mapping(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise LexiconDataError(f"duplicate key {key!r} at line {key_node.start_mark.line + 1}")
        seen.add(key)
    return loader.construct_mapping(node)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def lexicon_files() -> list[str]:
    """The names (without ``.yaml``) of the packaged lexicon files."""
    folder = resources.files("tocsin") / "data" / "lexicon"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml"))


@cache
def load(name: str) -> dict[str, Any]:
    """The parsed file ``data/lexicon/<name>.yaml`` (shared: do not modify it)."""
    path = resources.files("tocsin") / "data" / "lexicon" / f"{name}.yaml"
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_StrictLoader)
    if not isinstance(data, dict):
        raise LexiconDataError(f"{name}.yaml: expected a mapping at the top level")
    return data


def _entry(name: str, key: str, kind: type) -> Any:
    try:
        value = load(name)[key]
    except KeyError:
        raise LexiconDataError(f"{name}.yaml has no {key!r}") from None
    if not isinstance(value, kind) or not value:
        raise LexiconDataError(f"{name}.yaml: {key!r} must be a non-empty {kind.__name__}")
    return value


def _strings(name: str, key: str, items: list[Any]) -> list[str]:
    bad = [w for w in items if not isinstance(w, str)]
    if bad:
        raise LexiconDataError(f"{name}.yaml: {key!r} has non-string items {bad!r} (quote them)")
    return items


def ordered(name: str, key: str) -> tuple[str, ...]:
    """A list in file order (for lists whose order matters, e.g. longest match first)."""
    return tuple(_strings(name, key, _entry(name, key, list)))


def words(name: str, key: str) -> frozenset[str]:
    """A word list as a set."""
    return frozenset(ordered(name, key))


def table(name: str, key: str) -> dict[str, str]:
    """A mapping of words (or type names) to strings: cue -> hint, type -> CAMEO code."""
    raw: dict[Any, Any] = _entry(name, key, dict)
    _strings(name, key, list(raw))
    _strings(name, key, list(raw.values()))
    return dict(raw)


def counts(name: str, key: str) -> dict[str, int]:
    """A mapping of words to integers ("two" -> 2)."""
    raw: dict[Any, Any] = _entry(name, key, dict)
    _strings(name, key, list(raw))
    bad = [v for v in raw.values() if not isinstance(v, int) or isinstance(v, bool)]
    if bad:
        raise LexiconDataError(f"{name}.yaml: {key!r} has non-integer values {bad!r}")
    return dict(raw)
