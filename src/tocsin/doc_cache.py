"""Values derived from a parsed document once and shared by the stages that read them.

spaCy rebuilds `Doc.text` from the tokens on every access, and several stages scan the
same document for the same thing (the curated site names: the actors stage blocks them,
the place finder takes them). Such values are kept in ``doc.user_data`` under one slot,
keyed by what they depend on besides the document (a resource object, when any), so a
changed resource never reads a stale value. Only values that the stages' later writes
cannot change belong here (the text, lexical attributes, resource matches).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any, TypeVar, cast

if TYPE_CHECKING:
    from spacy.tokens import Doc

T = TypeVar("T")
_SLOT = "tocsin.doc_cache"


def per_doc(doc: Doc, key: Hashable, make: Callable[[], T]) -> T:
    """``make()``, computed once per document and ``key``."""
    store: dict[Hashable, Any] | None = doc.user_data.get(_SLOT)
    if store is None:
        store = doc.user_data[_SLOT] = {}
    if key not in store:
        store[key] = make()
    return cast(T, store[key])


def doc_text(doc: Doc) -> str:
    """``doc.text``, joined from the tokens once per document instead of per access."""
    return per_doc(doc, "text", lambda: doc.text)
