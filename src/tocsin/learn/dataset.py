"""Training examples for the event model: texts with their gold acts, run through the
pipeline, and every candidate labelled by the gold act it overlaps.

Sources (all allowed for training; nothing from ``eval/acled``):
- ``training/data/*.jsonl``: reports written for tocsin, every act labelled
  (``training/README.md``); a candidate that overlaps no act is a true "no event";
- the PLOVER gold standard's train split (``evaluate/plover.py``): one labelled act per
  record, so a candidate overlapping nothing is unknown there and is left out of the label
  head (other acts of the record are not marked), but counts as "not the main act".
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from tocsin.model import Document

ORIGIN_RANK = {"rule": 0, "dropped": 1, "scan": 2}
# Verbal and cooperative types: the written texts label the conflict acts with care, the
# calls, accusations and meetings around them less so (non-conflict texts label none, yet
# "health officials urged residents to boil water" is a REQUEST in PLOVER). Taught as "no
# event" where unlabelled, "called for" stopped being a REQUEST in political reporting.
VERBAL = frozenset({"REQUEST", "CONSULT", "AGREE", "SUPPORT", "ACCUSE", "REJECT", "AID",
                    "COOPERATE"})


@dataclass(slots=True)
class GoldAct:
    start: int
    end: int
    type: str
    mode: str | None
    main: bool


@dataclass(slots=True)
class Example:
    id: str
    text: str
    acts: list[GoldAct]
    source: str  # the file or data set it came from
    complete: bool  # every act of the text is labelled
    country: str | None = None
    sub_event: str | None = None
    topic: str | None = None


@dataclass(slots=True)
class Row:
    """One candidate with its features and its gold outcome."""

    doc: str
    features: list[str]
    label: str | None  # "TYPE:mode", "NONE", or None (unknown: not used by the label head)
    main: bool
    origin: str
    rule: str | None
    gold_type: str | None = None  # the type of the act it overlaps


@dataclass(slots=True)
class Collected:
    rows: list[Row] = field(default_factory=list)
    missed: int = 0  # gold acts no candidate overlapped
    acts: int = 0


def _nth(text: str, needle: str, nth: int) -> int:
    at = -1
    for _ in range(max(nth, 1)):
        at = text.find(needle, at + 1)
        if at < 0:
            raise ValueError(f"trigger {needle!r} (occurrence {nth}) not in text")
    return at


def load_written(paths: Iterable[Path]) -> list[Example]:
    out = []
    for path in sorted(paths):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            r = json.loads(line)
            acts = []
            for e in r.get("events") or []:
                start = _nth(r["text"], e["trigger"], int(e.get("nth") or 1))
                acts.append(GoldAct(start, start + len(e["trigger"]), e["type"], e.get("mode"),
                                    bool(e.get("main"))))
            out.append(Example(r["id"], r["text"], acts, path.name, True, r.get("country"),
                               r.get("sub_event"), r.get("topic")))
    return out


def load_plover_train(path: Path) -> list[Example]:
    from tocsin.evaluate.plover import load
    from tocsin.evaluate.splits import in_split

    golds = in_split(load(path), lambda g: g.id, "train", other="train")
    out = []
    for g in golds:
        if not g.triggers:
            continue
        s, e = g.triggers[0]
        out.append(Example(f"plover-{g.id}", g.text, [GoldAct(s, e, g.type, g.mode, True)],
                           "plover-train", False))
    return out


def label_of(act: GoldAct) -> str:
    return f"{act.type}:{act.mode}"


def _align(ex: Example, cands: list[dict[str, Any]], out: Collected) -> None:
    """Each gold act is given to one overlapping candidate (the rules' own first, then the
    one starting nearest the trigger); other candidates overlapping an act are left out
    (they name the same act). The rest are "no event" when the text is fully labelled,
    except a word of a type the text's acts have: "Gunmen attacked the post. Two officers
    were killed." labels the attack, and the killing is the same act told again, not a
    counter-example (taught as one, "killed" would never be an event on its own). In a
    written text an unlabelled word of verbal types only is unknown too (``VERBAL``)."""
    gold_types = {a.type for a in ex.acts}
    owner: dict[int, int] = {}
    for k, act in enumerate(ex.acts):
        over = [i for i, c in enumerate(cands) if c["start"] < act.end and act.start < c["end"]]
        if not over:
            out.missed += 1
            continue
        best = min(over, key=lambda i: (ORIGIN_RANK[cands[i]["origin"]],
                                        abs(cands[i]["start"] - act.start)))
        owner[best] = k
        for i in over:
            owner.setdefault(i, -1)
    out.acts += len(ex.acts)
    for i, c in enumerate(cands):
        got = owner.get(i)
        if got == -1:
            continue
        if got is not None:
            act = ex.acts[got]
            out.rows.append(Row(ex.id, c["features"], label_of(act), act.main, c["origin"],
                                c["rule"], act.type))
        else:
            kinds = ({c["rule"].split(":", 1)[0]} if c["rule"] else
                     {f[3:] for f in c["features"] if f.startswith("lx=")})
            # (PLOVER records are not complete: only written texts teach "no event")
            quiet = ex.complete and not kinds & gold_types and not (kinds and kinds <= VERBAL)
            out.rows.append(Row(ex.id, c["features"], "NONE" if quiet else None, False,
                                c["origin"], c["rule"]))


def scan_words(examples: Sequence[Example]) -> frozenset[str]:
    """The trigger words of the gold acts (lowercased, single words of 3+ letters)."""
    words = set()
    for ex in examples:
        for a in ex.acts:
            for w in ex.text[a.start:a.end].lower().split():
                w = w.strip(".,;:'\"()")
                if w.isalpha() and len(w) >= 3:
                    words.add(w)
    return frozenset(words)


def collect(examples: Sequence[Example], words: frozenset[str]) -> Collected:
    """Run the pipeline (rules only, with ``words`` as the scan vocabulary) over the
    examples and label every candidate."""
    from tocsin.events.component import EventsComponent
    from tocsin.events.decision.coders import RulesCoder
    from tocsin.pipeline import Pipeline

    pipeline = Pipeline.load(coder=RulesCoder(scan_words=words))
    comp = next(c for c in pipeline.components if isinstance(c, EventsComponent))
    comp.collect = []
    by_doc: dict[str, list[dict[str, Any]]] = {}
    docs = [Document(ex.text, id=ex.id, published=date(2022, 6, 1)) for ex in examples]
    for item in pipeline.pipe(iter(docs)):
        if not hasattr(item, "events"):
            raise RuntimeError(f"pipeline failed on a training text: {item}")
    for c in comp.collect:
        by_doc.setdefault(c["doc"], []).append(c)
    out = Collected()
    for ex in examples:
        _align(ex, by_doc.get(ex.id, []), out)
    return out
