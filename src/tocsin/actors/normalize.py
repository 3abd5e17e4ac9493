"""Transliteration-aware name keys for Arabic (and Persian) names written in Latin script.

Two spellings of one name must give the same key: Kata'ib Hizballah = Kataib Hezbollah,
Ayn al-Assad = Ain al-Asad, Sha'abi = Shaabi, Muhandis = Mohandes. The key is deliberately
lossy (vowels are folded) and is only used to *find* candidates; scoring compares the
surface forms too.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Marks that stand for ayn/hamza or are typographic apostrophes: dropped, not spaced.
_MARKS = re.compile(r"[\u02bb\u02bc\u02be\u02bf\u2018\u2019\u201b\u0060\u00b4'ʿʾ]")
# Arabic article forms, attached ("al-") or free ("al "): the article is dropped.
_ARTICLES = frozenset({"al", "el", "al-", "ad", "ar", "as", "ash", "at", "az", "an", "adh"})
_STOP = frozenset({"the"})
# Digraph and letter folds common to Arabic/Persian romanisations; order matters.
_FOLDS: tuple[tuple[str, str], ...] = (
    ("kh", "k"), ("gh", "g"), ("sh", "s"), ("th", "t"), ("dh", "d"), ("ph", "f"),
    ("ou", "u"), ("oo", "u"), ("ee", "i"), ("ei", "i"), ("ai", "i"), ("ay", "i"),
    ("ey", "i"), ("ie", "i"), ("aa", "a"), ("uu", "u"), ("ii", "i"), ("q", "k"),
    ("c", "k"), ("j", "j"), ("w", "u"), ("y", "i"), ("e", "i"), ("o", "u"),
)
_DOUBLE = re.compile(r"(.)\1+")
_NO_VOWELS = str.maketrans("", "", "aiu")  # (a deletion table: cheaper than a regex)


def ascii_fold(text: str) -> str:
    """Lowercase ASCII with diacritics removed and ayn/hamza marks dropped."""
    text = _MARKS.sub("", text)
    if not text.isascii():  # (ASCII has nothing to decompose and no combining marks)
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    return text.casefold()


_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]{1,5}\b")
_ATTACHED = re.compile(r"\b(al|el|ad|ar|as|ash|at|az|an|adh)-")
_NON_WORD = re.compile(r"[^a-z0-9#]+")


def tokens(text: str) -> list[str]:
    """Word tokens of a name without articles and 'the' ("al-Nujaba" -> ["nujaba"]).

    Acronyms ("KH", "KCK", "PMU") are kept verbatim with a leading '#', so that they are
    neither folded into each other nor matched by the lower-case word ("us" is not "US").
    """
    text = _ACRONYM.sub(lambda m: f" #{m.group(0).lower()} ", text)
    folded = ascii_fold(text)
    # Split attached articles such as "al-haq", "ash-sham", "el-din" before cleaning.
    folded = _ATTACHED.sub(" ", folded)
    words = _NON_WORD.sub(" ", folded).split()
    return [w for w in words if w not in _ARTICLES and w not in _STOP]


@lru_cache(maxsize=65536)
def fold_word(word: str) -> str:
    """A phonetic-ish key of one word: digraphs folded, doubled letters collapsed."""
    if word.startswith("#"):
        return word
    w = word
    for a, b in _FOLDS:
        w = w.replace(a, b)
    w = _DOUBLE.sub(r"\1", w)
    return w


@lru_cache(maxsize=65536)
def name_key(text: str) -> str:
    """The matching key of a name: folded words joined by single spaces."""
    return " ".join(fold_word(w) for w in tokens(text))


def skeleton(text: str) -> str:
    """A consonant skeleton, for fuzzy candidate generation (Hezbollah ~ Hizbullah)."""
    return " ".join(w if w.startswith("#") else (w.translate(_NO_VOWELS) or w)
                    for w in name_key(text).split())


def slug(text: str) -> str:
    """A readable deterministic id fragment for an actor not in the knowledge base."""
    return "-".join(t.lstrip("#") for t in tokens(text))[:60] or "unnamed"
