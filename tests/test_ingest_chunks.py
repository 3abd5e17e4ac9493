"""Serial ingest looks documents up in chunks (issue 23): whatever the chunk size, the
store, the counts and the notices are those of looking each document up after the ones
before it are stored (a chunk of one), and a document repeated within a chunk is not
extracted twice.

Written texts: the stream of test_stream_merge, with a wire story republished (an exact
copy under another id, a near copy), a record id reused by another text, and documents
given twice, right after themselves and a few documents later (across chunk boundaries),
and a copy of a document the pipeline fails on.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.store_corpus import WIRE, WIRE_REPUBLISHED
from tests.test_store_batch import _tables
from tests.test_stream_merge import _stream
from tocsin.model import Document, Extraction, InputError
from tocsin.store import Store
from tocsin.store.runner import ingest


class _Counting:
    """The pipeline, counting the documents it is given; it fails on "boom-1"."""

    def __init__(self, pipeline: Any) -> None:
        self.inner, self.version = pipeline, pipeline.version
        self.seen: Counter[tuple[str, str]] = Counter()

    def pipe(self, items: Iterable[Document | InputError], **kw: Any
             ) -> Iterator[Extraction | InputError]:
        from tocsin.pipeline import failure

        items = list(items)
        self.seen.update((d.id, d.text) for d in items if isinstance(d, Document))
        for d, res in zip(items, self.inner.pipe(items, **kw), strict=True):
            yield failure(d, RuntimeError("boom")) if d.id == "boom-1" else res


def _corpus(path: Path) -> Path:
    rows = [{"id": i, "text": t, "published": (day + timedelta(days=1)).isoformat(),
             "source": outlet} for i, t, day, outlet in _stream()[:30]]
    pub = date(2021, 3, 20).isoformat()
    wire = [{"id": "wire-1", "text": WIRE, "published": pub, "source": "Wire"},
            {"id": "wire-2", "text": WIRE_REPUBLISHED, "published": pub, "source": "Paper"},
            {"id": "wire-3", "text": WIRE, "published": pub, "source": "Paper"}]
    rows[5:5] = wire
    rows[9:9] = [rows[8], rows[8]]  # given twice in a row, then three times
    rows[14:14] = [{**rows[2], "text": "Police said on Sunday that " + rows[2]["text"]},
                   rows[3], wire[2]]  # an id reused by another text; repeats
    rows[20:20] = [rows[14], {**rows[14], "id": "copy-of-reused"}]
    # What a failed document's copy becomes: extracted after all (last, so that it keeps
    # its place whatever the chunks).
    boom = {**rows[-1], "text": "Gunmen killed 4 farmers near Bama (Borno State) on 9 "
            "March 2021, residents said."}
    rows += [{**boom, "id": "boom-1"}, {**boom, "id": "boom-2"}]
    with path.open("w", encoding="utf-8") as f:
        f.writelines(json.dumps(r) + "\n" for r in rows)
    return path


def _run(tmp: Path, corpus: Path, pipeline: Any, size: int,
         monkeypatch: pytest.MonkeyPatch) -> tuple[Any, ...]:
    monkeypatch.setenv("TOCSIN_STORE_BATCH", str(size))
    counting = _Counting(pipeline)
    with Store(tmp / f"chunks-{size}.duckdb") as store:
        rep = ingest(store, [str(corpus)], pipeline=counting)  # type: ignore[arg-type]
        summary = {k: v for k, v in rep.summary().items() if k != "seconds"}
        notices = [c["notice"] for c in rep.conflicts]
        return _tables(store), summary, notices, counting.seen


def test_chunks_equal_one_by_one(pipeline: Any, tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = _corpus(tmp_path / "corpus.jsonl")
    tables, summary, notices, seen = _run(tmp_path, corpus, pipeline, 1, monkeypatch)
    assert summary["duplicates"] >= 3 and summary["existing"] >= 4, summary
    assert notices and max(seen.values()) == 1 and summary["errors"] == 1
    for size in (3, 7, 64):
        got = _run(tmp_path, corpus, pipeline, size, monkeypatch)
        assert got[0] == tables, size
        assert got[1:3] == (summary, notices), size
        # Exact repeats wait for the next chunk; only a near copy within a chunk is
        # extracted, then stored as a link by add_many.
        assert max(got[3].values()) == 1, size
        assert set(got[3]) - set(seen) <= {("wire-2", WIRE_REPUBLISHED)}, size
