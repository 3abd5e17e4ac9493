"""Limits on one document: length, tokens, time; and a tokenizer that stays linear.

Why: spaCy's tokenizer is quadratic in the length of a run without whitespace when it
strips affixes one at a time (16,000 emoji took 21 s, a 400 KB hyphenated word 101 s and
6.5 GB), and every later stage grows with the number of tokens. So long runs are cut into
pieces before tokenizing (the `Doc` text stays exactly the input text, so offsets hold),
and a document over `max_chars()` characters or `max_tokens()` tokens is an error value
for that document, never a failure of its batch.

The time limit: on the main thread a `SIGALRM` timer interrupts a document that runs too
long (Python code, and C code that checks for signals); everywhere, the pipeline checks
the deadline between its stages, so a limit hit is that document's error.
"""

from __future__ import annotations

import os
import re
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

MAX_CHARS = 500_000  # tokenizing this many takes about a second; longer texts: split
MAX_TOKENS = 40_000  # the full pipeline takes about 20 s for this many on one core
LONG_RUN = 100  # characters without whitespace: longer runs are cut into pieces
# Tokens without a sentence end (. ! ? ; or a line break) after which one is set: the
# event stages look at a trigger's whole sentence, so a 40,000-word sentence was
# quadratic (127 s); news sentences are far shorter, and the parser keeps preset ends.
MAX_SENTENCE = 250
SENTENCE_END = frozenset(".!?;…")
RUN = re.compile(rf"\S{{{LONG_RUN + 1},}}")


def max_chars() -> int:
    return int(os.environ.get("TOCSIN_MAX_CHARS") or MAX_CHARS)


def max_tokens() -> int:
    return int(os.environ.get("TOCSIN_MAX_TOKENS") or MAX_TOKENS)


class DocumentTooLong(ValueError):
    """A document over the character or token limit (the message says which)."""


class DocumentTimeout(Exception):
    """A document that outlasted its time limit."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"pipeline timed out (limit {seconds:g} s per document)")
        self.seconds = seconds


def check_length(text: str) -> None:
    limit = max_chars()
    if len(text) > limit:
        raise DocumentTooLong(f"text is {len(text):,} characters, over the {limit:,}-"
                              "character limit for one document (split it into parts, or "
                              "raise TOCSIN_MAX_CHARS)")


def make_doc(nlp: Language, text: str) -> Doc:
    """Tokenize `text` in linear time; the Doc's text is `text`, character for character.

    Runs of more than LONG_RUN characters without whitespace (symbol or emoji walls,
    hyphen chains, base64) are tokenized in LONG_RUN-character pieces joined without
    spaces, which bounds the tokenizer's affix loop per piece.
    """
    from spacy.tokens import Doc

    check_length(text)
    if RUN.search(text) is None:
        doc = nlp.make_doc(text)
    else:
        parts, pos = [], 0
        for m in RUN.finditer(text):
            parts.append(text[pos:m.start()])
            parts += [text[k:min(k + LONG_RUN, m.end())]
                      for k in range(m.start(), m.end(), LONG_RUN)]
            pos = m.end()
        parts.append(text[pos:])
        # from_docs keeps what the tokenizer set per token (norms of special cases).
        doc = Doc.from_docs([nlp.tokenizer(p) for p in parts if p], ensure_whitespace=False)
    limit = max_tokens()
    if len(doc) > limit:
        raise DocumentTooLong(f"text has {len(doc):,} tokens, over the {limit:,}-token limit "
                              "for one document (split it into parts, or raise "
                              "TOCSIN_MAX_TOKENS)")
    bound_sentences(doc)
    return doc


def bound_sentences(doc: Doc, longest: int = MAX_SENTENCE) -> None:
    """Start a sentence after every `longest` tokens that hold no sentence end."""
    run = 0
    for tok in doc:
        if run >= longest:
            tok.is_sent_start = True
            run = 0
        run += 1
        text = tok.text
        if text[-1:] in SENTENCE_END or "\n" in text or "\n" in tok.whitespace_:
            run = 0


def _can_alarm() -> bool:
    return hasattr(signal, "setitimer") and \
        threading.current_thread() is threading.main_thread()


@contextmanager
def deadline(seconds: float | None) -> Iterator[float]:
    """Raise `DocumentTimeout` in the body after `seconds` (main thread: by a timer
    signal); yields the monotonic deadline, for the checks between stages."""
    if not seconds or seconds <= 0:
        yield float("inf")
        return
    end = time.monotonic() + seconds
    if not _can_alarm():
        yield end
        return

    def _ring(signum: int, frame: object) -> None:
        raise DocumentTimeout(seconds)

    previous = signal.signal(signal.SIGALRM, _ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield end
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def check_deadline(end: float, seconds: float | None) -> None:
    if time.monotonic() > end:
        raise DocumentTimeout(seconds or 0.0)
