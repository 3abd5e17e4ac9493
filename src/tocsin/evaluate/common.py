"""Helpers every evaluator shares: where the data is, running the pipeline, sampling."""

from __future__ import annotations

import hashlib
import os
import random
import re
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from tocsin.model import Actor, Document, Event, Extraction, Place

if TYPE_CHECKING:
    from tocsin.evaluate.report import Report

T = TypeVar("T")

def project_root() -> Path:
    """The project folder whose evaluation/ holds the gate's pins and local sets (and
    training/ the written texts): $TOCSIN_PROJECT_ROOT; else the current folder or the
    nearest parent with evaluation/baseline.json; else the checkout this package runs
    from. The evaluators themselves take file paths and need none of these."""
    env = os.environ.get("TOCSIN_PROJECT_ROOT")
    if env:
        return Path(env)
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "evaluation" / "baseline.json").is_file():
            return folder
    return Path(__file__).resolve().parents[3]


REPO_ROOT = project_root()


def eval_dir() -> Path:
    """The shared gold data: $TOCSIN_EVAL_DIR, else ../shared/eval beside the project."""
    env = os.environ.get("TOCSIN_EVAL_DIR")
    return Path(env) if env else REPO_ROOT.parent / "shared" / "eval"


def sha256_file(path: Path) -> str:
    """The sha256 of a file, or of a folder's files (sorted by relative path)."""
    h = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for f in files:
        if path.is_dir():
            h.update(str(f.relative_to(path)).encode("utf-8") + b"\0")
        with f.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    return h.hexdigest()


def sample(records: Sequence[T], n: int | None, seed: int) -> list[T]:
    """A fixed, seeded sample of `n` records in their original order (all when n is None)."""
    if n is None or n >= len(records):
        return list(records)
    idx = sorted(random.Random(seed).sample(range(len(records)), n))
    return [records[i] for i in idx]


def run_pipeline(docs: Sequence[Document]) -> list[Extraction | str]:
    """One Extraction per document, or the error message where the pipeline raised."""
    from tocsin.api import get_coder

    pipeline = get_coder()  # the local pipeline unless TOCSIN_CODER=llm
    out: list[Extraction | str] = []
    try:
        for item in pipeline.pipe(iter(docs)):
            out.append(item if isinstance(item, Extraction) else str(item.message))
    except Exception:  # a batch-level failure: fall back to one document at a time
        out = []
        for d in docs:
            try:
                out.append(pipeline.process(d))
            except Exception as exc:  # counted and reported per record
                out.append(f"{type(exc).__name__}: {exc}")
    return out


def scored(golds: Sequence[Any], score: Callable[..., Report], path: Path, t0: float,
           to_doc: Callable[[Any], Document] | None = None, **score_kw: Any) -> Report:
    """Run the pipeline over the gold records' texts and score them: the common tail of every
    evaluator (`t0` is when loading began, so that the report's time covers it)."""
    docs = [to_doc(g) if to_doc else Document(text=g.text, id=g.id) for g in golds]
    rep = score(golds, run_pipeline(docs), str(path), **score_kw)
    rep.seconds = time.perf_counter() - t0
    return rep


# --- reading an Extraction -------------------------------------------------------------

def actor_map(ex: Extraction) -> dict[str, Actor]:
    return {a.id: a for a in ex.actors}


def place_map(ex: Extraction) -> dict[str, Place]:
    return {p.id: p for p in ex.places}


def primary_event(events: Sequence[Event]) -> Event | None:
    """The event a one-label gold record is compared with: the report's main act (the
    event model's salience), then the most confident, then the first."""
    if not events:
        return None
    return max(enumerate(events), key=lambda ie: (ie[1].salience or 0.0, ie[1].confidence,
                                                  -ie[0]))[1]


def event_over(events: Sequence[Event], spans: Sequence[tuple[int, int]]) -> Event | None:
    """The most confident event whose trigger (else evidence) overlaps one of `spans`."""
    hits = []
    for e in events:
        s = (e.trigger.start, e.trigger.end) if e.trigger else None
        if s and any(a < s[1] and s[0] < b for a, b in spans):
            hits.append(e)
    return primary_event(hits)


def find_all(text: str, needle: str) -> Iterator[tuple[int, int]]:
    """Every case-insensitive occurrence of `needle` in `text` as (start, end)."""
    if not needle.strip():
        return
    for m in re.finditer(re.escape(needle.strip()), text, flags=re.IGNORECASE):
        yield m.start(), m.end()


def norm_name(s: str) -> str:
    from unidecode import unidecode

    s = unidecode(s).lower().replace("_", " ")
    s = re.sub(r"\b(province|governorate|district|region|state|oblast)\b", " ", s)
    return re.sub(r"[^a-z0-9]+", " ", s).strip()


def parse_day(value: str) -> date | None:
    """An ISO date, or ACLED's older '15 January 2023' style."""
    from datetime import datetime

    value = value.strip()
    for fmt in ("%Y-%m-%d", "%d %B %Y", "%d-%B-%Y", "%m/%d/%Y", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


# --- PLOVER <-> CAMEO ------------------------------------------------------------------

def quad_of_root(root: str | None) -> int:
    """Phoenix "pentaclass" of a CAMEO root: 01-02 -> 0 (statements and appeals), 03-05 -> 1,
    06-08 -> 2, 09-13 and 16 (reduce relations) -> 3, 14-15 and 17-20 -> 4. The ConfliBERT
    labels follow this grouping (its train split labels "urge/appeal" sentences 0 and
    "suspend" sentences 3), not GDELT's four quad classes."""
    if not root or not root[:2].isdigit():
        return 0
    r = int(root[:2])
    if r <= 2:
        return 0
    if r <= 5:
        return 1
    if r <= 8:
        return 2
    return 3 if r <= 13 or r == 16 else 4


# Used when an event carries no CAMEO root. REQUEST is CAMEO 02 (appeal, verbal coop) or
# 10 (demand, verbal conflict); without the root, tocsin's events lean to demands.
PLOVER_QUAD: dict[str, int] = {
    "AGREE": 1, "CONSULT": 1, "SUPPORT": 1, "COOPERATE": 2, "AID": 2, "CONCEDE": 2,
    "RETREAT": 2, "REQUEST": 3, "ACCUSE": 3, "REJECT": 3, "THREATEN": 3, "PROTEST": 4,
    "SANCTION": 4, "MOBILIZE": 4, "COERCE": 4, "ASSAULT": 4,
}


def load_cameo2plover(path: Path) -> dict[str, tuple[str, str | None]]:
    """CAMEO code -> (PLOVER type, mode or None) from CAMEO2PLOVER-2021.txt."""
    table: dict[str, tuple[str, str | None]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        m = re.match(r"^(\d{2,4}):\s*(.*)$", line)
        if not m:
            continue
        parts = [p.strip() for p in m.group(2).split(",")]
        if not parts or not parts[0]:
            continue
        code = m.group(1)
        if len(code) == 2 and code in table:  # "08: CONCEDE" and "08: RETREAT": keep first
            continue
        table[code] = (parts[0].upper(), (parts[1] or None) if len(parts) > 1 else None)
    return table


def cameo_to_plover(code: str, table: dict[str, tuple[str, str | None]]
                    ) -> tuple[str, str | None] | None:
    """The longest CAMEO prefix of `code` that the table knows."""
    for n in range(len(code), 1, -1):
        if code[:n] in table:
            return table[code[:n]]
    return None
