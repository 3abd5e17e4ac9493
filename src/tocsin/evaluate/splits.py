"""Fixed splits and stratified samples, so that what is tuned on is never what is reported.

A record's split is a pure function of its id (a salted sha1), so it never depends on the
order of a file, on a sample size or on a seed: the PLOVER records a model is trained on
and the ACLED notes errors are read from (``train``/``dev``) stay apart from the ones the
gate and the README report (``test``).
"""

from __future__ import annotations

import hashlib
import random
from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from typing import Literal, TypeVar

T = TypeVar("T")
Split = Literal["train", "dev", "test"]
SALT = "tocsin-split-v1"


def split_of(key: str, salt: str = SALT, test_share: float = 0.5,
             other: Split = "dev") -> Split:
    """``test`` for a fixed share of keys, else ``other`` (``train`` or ``dev``)."""
    h = hashlib.sha1(f"{salt}\x1f{key}".encode()).digest()
    return "test" if int.from_bytes(h[:8], "big") / 2**64 < test_share else other


def in_split(records: Sequence[T], key: Callable[[T], str], split: str | None,
             test_share: float = 0.5, other: Split = "dev") -> list[T]:
    """The records of one split (all records when ``split`` is None or "all")."""
    if split in (None, "all"):
        return list(records)
    return [r for r in records if split_of(key(r), test_share=test_share,
                                           other=other) == split]


def stratified(records: Sequence[T], n: int | None, seed: int,
               stratum: Callable[[T], Hashable]) -> list[T]:
    """A seeded sample of ``n`` records spread evenly over strata: each stratum gets an
    equal share, a stratum with fewer records gives its surplus to the others. Rare
    classes (arrests, agreements, territory changes) weigh as much as frequent ones, which
    is what an analyst needs from the coder. Records come back in their original order."""
    if n is None or n >= len(records):
        return list(records)
    groups: dict[Hashable, list[int]] = defaultdict(list)
    for i, r in enumerate(records):
        groups[stratum(r)].append(i)
    rng = random.Random(seed)
    order = sorted(groups, key=str)
    for k in order:
        rng.shuffle(groups[k])
    quota = dict.fromkeys(order, 0)
    left = n
    open_ = [k for k in order if groups[k]]
    while left > 0 and open_:
        share = max(1, left // len(open_))
        for k in list(open_):
            take = min(share, len(groups[k]) - quota[k], left)
            quota[k] += take
            left -= take
            if quota[k] >= len(groups[k]):
                open_.remove(k)
            if left == 0:
                break
    chosen = sorted(i for k in order for i in groups[k][:quota[k]])
    return [records[i] for i in chosen]
