"""Near-duplicate documents: MinHash signatures over word shingles, with an LSH index.

A wire story republished with a new headline and a few edited words shares most of its
3-word shingles with the original; two outlets writing up the same strike in their own
words share few. The LSH finds candidates, the estimated Jaccard ranks them, and the
facts decide: short formulaic reports ("On 3 May, gunmen killed two people in X") share
most shingles with the next day's report of another event, so a near-duplicate must
state the same facts (`facts`: numbers, dates, names) as its original, word for word.
An outlet does not republish its own story under another id with other words: two texts
of one named source are duplicates only when their words are the same (an edited text of
the same outlet is another report: an update, or the next event told in the same words).
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datasketch import MinHash

NUM_PERM = 128
SCHEME = "affine32"  # datasketch >= 2.0: 32-bit hash values (half the storage of legacy)
SHINGLE = 3
THRESHOLD = 0.7  # estimated Jaccard at or above which a document is a near-duplicate
MIN_WORDS = 25  # shorter texts (posts, tweets) are too small to call near-duplicates
WORD = re.compile(r"\w+", re.UNICODE)
# Tokens for facts: words (with inner hyphens or apostrophes) and numbers ("1,200", "3.5").
TOKEN = re.compile(r"\d+(?:[.,]\d+)*|\w+(?:['’-]\w+)*", re.UNICODE)


@lru_cache(maxsize=1)
def _fact_words() -> tuple[dict[str, str], frozenset[str]]:
    """(counting, date and weekday words -> a normal form, capitalised non-names)."""
    from importlib import resources

    import yaml

    from tocsin.time.expressions import MONTHS, NUMBER_WORDS, WEEKDAYS

    path = resources.files("tocsin") / "data" / "store" / "facts.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    words: dict[str, str] = {w: f"month:{n}" for w, n in MONTHS.items()}
    words |= {w: f"day:{n}" for w, n in WEEKDAYS.items()}
    # "a"/"an" count one thing, but an edit between "a" and "one" changes no fact.
    words |= {w: f"num:{n}" for w, n in NUMBER_WORDS.items()
              if " " not in w and w not in ("a", "an")}
    words |= {w: f"num:{w}" for w in data["number_words"]}
    return words, frozenset(data["not_names"])


def facts(text: str) -> tuple[str, ...]:
    """What a report states that another report of the same text could get wrong: its
    numbers, dates and weekdays, counts in words, and capitalised words (names; a
    sentence's first word too, unless it is a function word: an added sentence is an added
    fact). Normalised, so that "Jan" and "January", "1,200" and "1200" are one fact; in
    their order, which says which town was attacked and which was only named."""
    words, not_names = _fact_words()
    out: list[str] = []
    for m in TOKEN.finditer(text):
        tok = m.group()
        low = tok.lower()
        if tok[0].isdigit():
            out.append("n:" + tok.replace(",", ""))
        elif low in words:
            out.append(words[low])
        elif tok[0].isupper() and low not in not_names:
            out.append("name:" + low.replace("’", "'"))
    return tuple(out)


def shingles(text: str, k: int = SHINGLE) -> set[bytes]:
    words = WORD.findall(text.lower())
    if len(words) < k:
        return {" ".join(words).encode("utf-8")} if words else set()
    return {" ".join(words[i:i + k]).encode("utf-8") for i in range(len(words) - k + 1)}


def words_digest(text: str) -> bytes:
    """The text's words (case, spacing and punctuation aside), as a digest."""
    return hashlib.sha1(" ".join(WORD.findall(text.lower())).encode("utf-8")).digest()


def signature(text: str) -> MinHash | None:
    """The document's MinHash, or None when it is too short to compare."""
    from datasketch import MinHash

    if len(WORD.findall(text)) < MIN_WORDS:
        return None
    m = MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME)
    m.update_batch(list(shingles(text)))
    return m


def to_bytes(m: MinHash) -> bytes:
    return m.hashvalues.astype("<u4").tobytes()


def from_bytes(data: bytes) -> MinHash:
    import numpy as np
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME,
                   hashvalues=np.frombuffer(data, dtype="<u4").astype(np.uint32))


class DedupIndex:
    """An in-memory LSH over the stored signatures (rebuilt from the database on open)."""

    def __init__(self) -> None:
        from datasketch import MinHashLSH

        # A lower LSH threshold than THRESHOLD, so that borderline pairs become candidates
        # and the exact estimate below makes the decision.
        self._lsh = MinHashLSH(threshold=0.5, num_perm=NUM_PERM)
        self._sigs: dict[str, MinHash] = {}
        self._facts: dict[str, tuple[str, ...]] = {}
        self._source: dict[str, tuple[str, bytes]] = {}  # (outlet, words' digest)

    def __len__(self) -> int:
        return len(self._sigs)

    def add(self, doc_id: str, m: MinHash, text: str, source: str | None = None) -> None:
        if doc_id not in self._sigs:
            self._lsh.insert(doc_id, m)
            self._sigs[doc_id] = m
            self._facts[doc_id] = facts(text)
            if source:
                self._source[doc_id] = (source, words_digest(text))

    def match(self, m: MinHash, text: str, exclude: str | None = None,
              source: str | None = None) -> tuple[str, float] | None:
        """The most similar stored document at or above THRESHOLD that states the same
        facts as `text` (ties: smallest id); of the same `source`, only the same words."""
        best: tuple[str, float] | None = None
        mine: tuple[str, ...] | None = None
        digest = words_digest(text) if source else b""
        for cand in sorted(self._lsh.query(m)):
            if cand == exclude:
                continue
            theirs = self._source.get(cand)
            if source and theirs and theirs[0] == source and theirs[1] != digest:
                continue
            sim = float(m.jaccard(self._sigs[cand]))
            if sim < THRESHOLD or (best is not None and sim <= best[1]):
                continue
            mine = facts(text) if mine is None else mine
            if self._facts[cand] == mine:
                best = (cand, sim)
        return best
