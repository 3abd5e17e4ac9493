"""Coverage-guided fuzzing of every reader with atheris (bounded by libFuzzer flags).

    python tests/fuzz_atheris.py -runs=3000 -max_total_time=40

The first input byte picks the reader; the rest is its input. An exception other than
the readers' own error values is a finding.
"""

from __future__ import annotations

import json
import sys

import atheris

with atheris.instrument_imports():
    from tocsin.ingest import read_bytes
    from tocsin.ingest.feeds import read_feed
    from tocsin.ingest.walk import read_special
    from tocsin.model import Document, InputError

KINDS = ("text", "html", "jsonl", "csv", "feed", "json")


def one(data: bytes) -> None:
    if not data:
        return
    kind, body = KINDS[data[0] % len(KINDS)], data[1:]
    if kind in ("text", "html", "jsonl"):
        items = read_bytes(body, f"fuzz.{kind}", kind=kind)
    elif kind == "feed":
        items = read_feed(body, "fuzz.rss", opts=None)
    else:
        items = read_special(f"fuzz.{kind}", body, kind, None, None, None)
    for it in items:
        assert isinstance(it, Document | InputError)
        if isinstance(it, Document):
            assert it.text.strip() and isinstance(it.id, str)
            json.dumps([it.title, it.source, it.url, it.author, it.language])


def main() -> None:
    atheris.Setup(sys.argv, one)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
