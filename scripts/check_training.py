"""Validate the event-model training files (training/data/*.jsonl) and print a summary.

Each line is one text written for tocsin (never copied from a data set):
  {"id": "...", "text": "...", "genre": "note|wire|news|telegram|report",
   "country": "...", "sub_event": "<ACLED sub-event>" or null,
   "events": [{"trigger": "<exact substring>", "nth": 1, "type": "ASSAULT",
               "mode": "firearms" or null, "main": true,
               "source": "<exact substring>" or null, "target": ..., "place": ...}]}
A text with no event (a non-conflict negative) has "events": [] and "sub_event": null.
Usage: python scripts/check_training.py [--overlap ACLED_DIR] [FILE ...]   (exit 1 on any error)

``--overlap``: also flag every text that shares a run of ``RUN`` words with an ACLED note
(the notes are evaluation data: a training text must not echo one, even by accident).
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

from tocsin.evaluate.acled import MODE_ALSO, SUB_EVENT
from tocsin.lexicon import get_lexicon
from tocsin.model import PLOVER_TYPES

ROOT = Path(__file__).resolve().parent.parent
# ACLED sub-events that no PLOVER type stands for: allowed, their main event unchecked.
UNCODED = frozenset({"change to group/activity", "other"})
GENRES = {"note", "wire", "news", "telegram", "report"}
KEYS = {"id", "text", "genre", "country", "sub_event", "events", "topic"}
EVENT_KEYS = {"trigger", "nth", "type", "mode", "main", "source", "target", "place"}


def modes() -> dict[str, set[str]]:
    lex = get_lexicon()
    return {t: set(lex.modes_of(t)) for t in PLOVER_TYPES}


def locate(text: str, needle: str, nth: int = 1) -> int:
    """Start offset of the nth occurrence of `needle`, or -1."""
    pos = -1
    for _ in range(nth):
        pos = text.find(needle, pos + 1)
        if pos < 0:
            return -1
    return pos


def check_record(rec: dict, mode_table: dict[str, set[str]]) -> list[str]:
    errs: list[str] = []
    extra = set(rec) - KEYS
    if extra:
        errs.append(f"unknown keys {sorted(extra)}")
    text = rec.get("text")
    if not isinstance(text, str) or len(text.strip()) < 20:
        return errs + ["text missing or shorter than 20 characters"]
    if rec.get("genre") not in GENRES:
        errs.append(f"genre {rec.get('genre')!r} not in {sorted(GENRES)}")
    if not rec.get("country"):
        errs.append("country missing")
    events = rec.get("events")
    if not isinstance(events, list):
        return errs + ["events must be a list"]
    sub = rec.get("sub_event")
    if sub is not None and str(sub).lower() not in SUB_EVENT.keys() | UNCODED:
        errs.append(f"sub_event {sub!r} is not an ACLED sub-event type")
    mains = [e for e in events if isinstance(e, dict) and e.get("main")]
    if events and len(mains) != 1:
        errs.append(f"{len(mains)} events marked main (want exactly 1)")
    for e in events:
        if not isinstance(e, dict):
            errs.append("event is not an object")
            continue
        bad = set(e) - EVENT_KEYS
        if bad:
            errs.append(f"event keys {sorted(bad)} unknown")
        typ, mode = e.get("type"), e.get("mode")
        if typ not in PLOVER_TYPES:
            errs.append(f"type {typ!r} unknown")
        elif mode is not None and mode not in mode_table.get(typ, set()):
            errs.append(f"mode {mode!r} is not a mode of {typ}")
        trig = e.get("trigger")
        nth = int(e.get("nth") or 1)
        if not isinstance(trig, str) or not trig or locate(text, trig, nth) < 0:
            errs.append(f"trigger {trig!r} (nth {nth}) not found in text")
        elif len(trig.split()) > 4:
            errs.append(f"trigger {trig!r} longer than 4 words")
        for role in ("source", "target", "place"):
            v = e.get(role)
            if v is not None and (not isinstance(v, str) or v not in text):
                errs.append(f"{role} {v!r} not found in text")
    if sub is not None and mains and str(sub).lower() in SUB_EVENT:
        want = SUB_EVENT[str(sub).lower()]
        m = mains[0]
        if m.get("type") != want[0]:
            errs.append(f"main event type {m.get('type')} disagrees with sub_event {sub}"
                        f" ({want[0]})")
        allowed = {want[1]} | MODE_ALSO.get(want, set())
        if want[1] is not None and m.get("mode") not in allowed:
            errs.append(f"main event mode {m.get('mode')} disagrees with sub_event {sub}"
                        f" ({sorted(str(x) for x in allowed)})")
    return errs


RUN = 8


def _runs(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i:i + RUN]) for i in range(len(words) - RUN + 1)}


def acled_runs(folder: Path) -> set[tuple[str, ...]]:
    from tocsin.evaluate.acled import load

    out: set[tuple[str, ...]] = set()
    for path in sorted(folder.glob("*.csv")):
        for g in load(path):
            out |= _runs(g.text)
    return out


def main(argv: list[str]) -> int:
    argv = list(argv)
    notes: set[tuple[str, ...]] = set()
    if "--overlap" in argv:
        at = argv.index("--overlap")
        notes = acled_runs(Path(argv[at + 1]))
        del argv[at:at + 2]
    files = [Path(a) for a in argv] or sorted((ROOT / "training" / "data").glob("*.jsonl"))
    mode_table = modes()
    n_err = 0
    ids: Counter[str] = Counter()
    texts: Counter[str] = Counter()
    subs: Counter[str] = Counter()
    types: Counter[str] = Counter()
    n = 0
    for f in files:
        for ln, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                print(f"{f.name}:{ln}: not JSON: {exc}")
                n_err += 1
                continue
            n += 1
            errs = check_record(rec, mode_table)
            shared = _runs(str(rec.get("text", ""))) & notes
            if shared:
                errs.append(f"shares {len(shared)} run(s) of {RUN} words with ACLED notes, "
                            f"e.g. {' '.join(sorted(shared)[0])!r}")
            ids[str(rec.get("id"))] += 1
            texts[str(rec.get("text", "")).strip().lower()] += 1
            subs[str(rec.get("sub_event"))] += 1
            for e in rec.get("events") or []:
                if isinstance(e, dict) and e.get("main"):
                    types[f"{e.get('type')}:{e.get('mode')}"] += 1
            for err in errs:
                print(f"{f.name}:{ln} ({rec.get('id')}): {err}")
            n_err += len(errs)
    for k, v in ids.items():
        if v > 1:
            print(f"duplicate id {k} ({v} times)")
            n_err += 1
    for k, v in texts.items():
        if v > 1:
            print(f"duplicate text ({v} times): {k[:80]}")
            n_err += 1
    print(f"{n} records, {n_err} errors")
    print("sub_event:", dict(subs.most_common()))
    print("main type:mode:", dict(types.most_common()))
    return 1 if n_err else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
