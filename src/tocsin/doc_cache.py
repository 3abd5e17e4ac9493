"""Values derived from a parsed document once and shared by the stages that read them.

spaCy rebuilds `Doc.text` from the tokens on every access and makes a new `Token` object
on every index and iteration, and several stages scan the same document for the same
thing (the curated site names: the actors stage blocks them, the place finder takes
them). Such values are kept in ``doc.user_data`` under one slot, keyed by what they
depend on besides the document (a resource object, when any), so a changed resource
never reads a stale value. Only values that the stages' later writes cannot change belong
here (the text, the tokens, lexical attributes, resource matches). `Pipeline` drops them
when a document's run ends (`release`).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar, cast

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

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
    return per_doc(doc, "text", lambda: "".join(t.text_with_ws for t in doc_tokens(doc)))


def next_true(flags: list[bool]) -> list[int]:
    """For each index, the first index at or after it whose flag is set (len: none), so
    that "any flag in [i, j)" is one comparison."""
    out = [len(flags)] * (len(flags) + 1)
    for k in range(len(flags) - 1, -1, -1):
        out[k] = k if flags[k] else out[k + 1]
    return out


def release(doc: Doc) -> None:
    """Drop the document's cached values (the token list refers back to the document:
    dropping it when a run ends lets the document go without waiting for the collector)."""
    doc.user_data.pop(_SLOT, None)


def doc_tokens(doc: Doc) -> list[Token]:
    """The document's tokens, created once: spaCy makes a new `Token` on every index and
    every iteration, and a dozen passes over each sentence pay that again and again."""
    return per_doc(doc, "tokens", lambda: list(doc))


def span_tokens(span: Span) -> list[Token]:
    """``list(span)`` from the document's shared tokens."""
    return doc_tokens(span.doc)[span.start:span.end]


@dataclass(frozen=True, slots=True)
class Columns:
    """Per-token values as plain lists: one pass over the tokens instead of a new `Token`
    object (and a new `Span`) per index a scan looks at."""

    text: list[str]
    idx: list[int]  # char offset of each token
    punct: list[bool]
    space: list[bool]
    sent_end: list[int]  # end (exclusive) of each token's sentence, as `Token.sent.end`

    def span_text(self, doc_text: str, start: int, end: int) -> str:
        """``doc[start:end].text``, cut from the text instead of joined from tokens."""
        return doc_text[self.idx[start]:self.idx[end - 1] + len(self.text[end - 1])]


def columns(doc: Doc) -> Columns:
    return per_doc(doc, "columns", lambda: _columns(doc))


def _columns(doc: Doc) -> Columns:
    from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, SENT_START

    n = len(doc)
    rows = doc.to_array([IDX, IS_PUNCT, IS_SPACE, SENT_START]).tolist() if n else []
    # Token.sent ends at the next token flagged as a sentence start, else at the doc's end
    sent_end = [n] * n
    if doc.has_annotation("SENT_START"):
        nxt = n
        for k in range(n - 1, -1, -1):
            sent_end[k] = nxt
            if rows[k][3] == 1:
                nxt = k
    return Columns([t.text for t in doc_tokens(doc)], [r[0] for r in rows],
                   [bool(r[1]) for r in rows], [bool(r[2]) for r in rows], sent_end)
