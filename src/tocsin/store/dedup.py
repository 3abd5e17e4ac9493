"""Near-duplicate documents: MinHash signatures over word shingles, with an LSH index.

A wire story republished with a new headline and a few edited words shares most of its
3-word shingles with the original; two outlets writing up the same strike in their own
words share few. The LSH finds candidates; the estimated Jaccard decides.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datasketch import MinHash

NUM_PERM = 128
SCHEME = "affine32"  # datasketch >= 2.0: 32-bit hash values (half the storage of legacy)
SHINGLE = 3
THRESHOLD = 0.7  # estimated Jaccard at or above which a document is a near-duplicate
MIN_WORDS = 25  # shorter texts (posts, tweets) are too small to call near-duplicates
WORD = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, k: int = SHINGLE) -> set[bytes]:
    words = WORD.findall(text.lower())
    if len(words) < k:
        return {" ".join(words).encode("utf-8")} if words else set()
    return {" ".join(words[i:i + k]).encode("utf-8") for i in range(len(words) - k + 1)}


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

    def __len__(self) -> int:
        return len(self._sigs)

    def add(self, doc_id: str, m: MinHash) -> None:
        if doc_id not in self._sigs:
            self._lsh.insert(doc_id, m)
            self._sigs[doc_id] = m

    def match(self, m: MinHash, exclude: str | None = None) -> tuple[str, float] | None:
        """The most similar stored document at or above THRESHOLD (ties: smallest id)."""
        best: tuple[str, float] | None = None
        for cand in sorted(self._lsh.query(m)):
            if cand == exclude:
                continue
            sim = float(m.jaccard(self._sigs[cand]))
            if sim >= THRESHOLD and (best is None or sim > best[1]):
                best = (cand, sim)
        return best
