"""Progress of a long `ingest` or `extract`: a total, a rate and what is left.

On a terminal, a rich progress bar on stderr; otherwise (a log file, a pipe, CI) one line
every `every` seconds on the log stream, so that a run of hours shows it is alive without
flooding a short one (which prints nothing).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any


def inputs(paths: Iterable[str]) -> list[str]:
    """The files (and URLs, and '-') the paths name, directories walked as the readers
    walk them: the progress total, and the unit it advances by."""
    from tocsin.ingest.walk import is_url, walk

    out: list[str] = []
    for path in paths:
        p = Path(path)
        if path != "-" and not is_url(path) and p.is_dir():
            out += [str(f) for f in walk(p)]
        else:
            out.append(path)
    return out


class Progress:
    """`advance()` per input finished, `count()` per document or error."""

    def __init__(self, total: int | None, unit: str = "inputs", tty: bool = False,
                 log: IO[str] | None = None, every: float = 30.0) -> None:
        self.total, self.unit, self.every = total, unit, every
        self.done = self.docs = self.errors = 0
        self.start = self.last = time.monotonic()
        self.log = log if log is not None else sys.stderr
        self.bar: Any = None
        if tty:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )
            from rich.progress import Progress as Bar

            self.bar = Bar(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                TextColumn("{task.fields[rate]}"), TimeElapsedColumn(),
                TimeRemainingColumn(), console=Console(file=sys.stderr), transient=False)
            self.bar.start()
            self.task = self.bar.add_task(unit, total=total, rate="")

    def rate(self) -> float:
        return self.docs / max(1e-9, time.monotonic() - self.start)

    def count(self, docs: int = 0, errors: int = 0) -> None:
        self.docs += docs
        self.errors += errors
        self._show()

    def advance(self, n: int = 1) -> None:
        self.done += n
        self._show()

    def line(self) -> str:
        elapsed = time.monotonic() - self.start
        of = f"/{self.total}" if self.total else ""
        left = ""
        if self.total and self.done:
            left = f", about {elapsed / self.done * (self.total - self.done):.0f} s left"
        return (f"progress: {self.done}{of} {self.unit}, {self.docs} documents, "
                f"{self.errors} errors, {self.rate():.2f} documents/s{left}")

    def _show(self) -> None:
        if self.bar is not None:
            self.bar.update(self.task, completed=self.done, rate=(
                f"{self.docs} docs, {self.errors} errors, {self.rate():.1f}/s"))
            return
        now = time.monotonic()
        if self.every and now - self.last >= self.every:
            self.last = now
            self.log.write(self.line() + "\n")
            self.log.flush()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
