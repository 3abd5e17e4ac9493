"""PLOVER gold standard (PLOVER_GSR_CAMEO.json): event type, mode, source and target.

Scoring policy (one gold event per record, a document may yield several predictions):
the predicted event is the most confident one whose trigger overlaps a word the gold
markup tags as ``(EVT: ...)``; failing that, the most confident event of the record;
with no event the prediction is ``NONE``. Dates are placeholders (2000-01-01) and are not
scored. The gold's older type and mode names are mapped by ``OLD_TYPES``/``OLD_MODES``.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tocsin.evaluate.common import (
    actor_map,
    event_over,
    find_all,
    norm_name,
    primary_event,
    sample,
    scored,
)
from tocsin.evaluate.metrics import accuracy, confusion, macro_f1, per_class, safe_div
from tocsin.evaluate.report import ClassTable, Report
from tocsin.evaluate.splits import in_split
from tocsin.model import PLOVER_TYPES, Actor, Event, Extraction

# Older PLOVER type names in the GSR -> (current type, mode implied by the old name).
OLD_TYPES: dict[str, tuple[str, str | None]] = {
    "DEMAND": ("REQUEST", None),
    "DISAPPROVE": ("ACCUSE", "disapprove"),
    "INVESTIGATE": ("ACCUSE", "investigate"),
    "FIGHT": ("ASSAULT", None),
}
# Older mode names -> current ones; a mode the current type does not have becomes None.
OLD_MODES: dict[str, str] = {
    "strike-hun": "hunger", "strike-gen": "strike", "riot-spon": "riot",
    "demo-org": "demo", "demo-spon": "demo", "host": "visit", "detain": "arrest",
    "confiscate": "seize", "martial-law": "curfew",
}
# Per type, where the old mode lives under another current name.
TYPE_MODES: dict[tuple[str, str], str] = {
    ("THREATEN", "curfew"): "restrict", ("THREATEN", "martial-law"): "restrict",
}
# CAMEO sector codes in the gold -> tocsin actor types that count as the same sector.
SECTORS: dict[str, frozenset[str]] = {
    "GOV": frozenset({"government", "state"}), "MIL": frozenset({"military", "state"}),
    "COP": frozenset({"police"}), "SPY": frozenset({"government", "military"}),
    "REB": frozenset({"rebel", "militia"}), "INS": frozenset({"rebel", "militia"}),
    "UAF": frozenset({"militia", "rebel"}), "OPP": frozenset({"party", "rebel", "person"}),
    "PTY": frozenset({"party"}), "JUD": frozenset({"government"}),
    "LEG": frozenset({"government", "party"}), "MED": frozenset({"media"}),
    "JRN": frozenset({"media"}), "CVL": frozenset({"civilians"}),
    "REF": frozenset({"civilians"}), "BUS": frozenset({"organization"}),
    "NGO": frozenset({"organization"}), "IGO": frozenset({"organization"}),
}
CAMEO_ISO = {"JAP": "JPN", "UK": "GBR", "ROM": "ROU", "SER": "SRB", "BUL": "BGR"}
_MARK = re.compile(r"\((EVT|SRC|TAR|SRC/TAR|LOC)\s*:\s*([^()]*)\)")


def current_modes(type_: str) -> frozenset[str]:
    from tocsin.lexicon import get_lexicon

    return frozenset(get_lexicon().modes_of(type_))


def map_gold(event: str, mode: str | None) -> tuple[str, str | None]:
    """A gold (type, mode) in current PLOVER names; unknown old modes become None."""
    type_, implied = OLD_TYPES.get(event.upper(), (event.upper(), None))
    m = (mode or "").strip().lower() or None
    if m is not None:
        m = TYPE_MODES.get((type_, m), OLD_MODES.get(m, m))
        if m not in current_modes(type_):
            m = None
    return type_, implied or m


@dataclass(slots=True)
class Gold:
    id: str
    text: str
    type: str
    mode: str | None
    source: list[dict[str, str]] = field(default_factory=list)
    target: list[dict[str, str]] = field(default_factory=list)
    triggers: list[tuple[int, int]] = field(default_factory=list)


def _actors(value: Any) -> list[dict[str, str]]:
    return [a for a in value if isinstance(a, dict)] if isinstance(value, list) else []


def load(path: Path) -> list[Gold]:
    out = []
    for r in json.loads(path.read_text(encoding="utf-8")):
        if r.get("event") == "DOCUMENT" or not r.get("text"):
            continue
        type_, mode = map_gold(r["event"], r.get("mode"))
        text = r["text"]
        info = r.get("textInfo")
        markup = info.get("markup", "") if isinstance(info, dict) else str(info or "")
        trig = [s for kind, words in _MARK.findall(markup) if kind == "EVT"
                for s in find_all(text, words)]
        out.append(Gold(r["id"], text, type_, mode, _actors(r.get("source")),
                        _actors(r.get("target")), trig))
    return out


def gold_spans(text: str, actor_text: str) -> list[tuple[int, int]]:
    """Where a gold actor text occurs. The GSR marks discontinuous actors with ".." or
    "..." ("U.S. ... negotiators") and sometimes doubles a space: each piece is found on
    its own, with any run of whitespace matching any other."""
    out: list[tuple[int, int]] = []
    for piece in re.split(r"\.{2,}|\u2026", actor_text):
        words = piece.split()
        if not words:
            continue
        pattern = r"\s+".join(re.escape(w) for w in words)
        out += [(m.start(), m.end()) for m in re.finditer(pattern, text, re.IGNORECASE)]
    return out


def actor_matches(gold: dict[str, str], actors: Sequence[Actor], text: str
                  ) -> tuple[bool, bool | None, bool | None]:
    """(text overlap, country code match or None, sector match or None) for one gold actor."""
    gtext = gold.get("actorText", "")
    occ = gold_spans(text, gtext)
    gname = norm_name(gtext)
    text_ok = any(
        any(o[0] < m.end and m.start < o[1] for o in occ for m in a.mentions)
        or (gname and (gname == norm_name(a.name) or gname in norm_name(a.name)))
        for a in actors)
    code = (gold.get("code") or "").upper()[:3]
    country_ok: bool | None = None
    if code:
        import pycountry

        iso = CAMEO_ISO.get(code, code)
        if pycountry.countries.get(alpha_3=iso) is not None:
            country_ok = any(a.country == iso for a in actors)
    sector = (gold.get("sector") or "").upper()[:3]
    sector_ok = (any(a.type in SECTORS[sector] for a in actors)
                 if sector in SECTORS else None)
    return text_ok, country_ok, sector_ok


def chosen_event(gold: Gold, ex: Extraction) -> Event | None:
    return event_over(ex.events, gold.triggers) or primary_event(ex.events)


def score(golds: Sequence[Gold], outputs: Sequence[Extraction | str], path: str = ""
          ) -> Report:
    rep = Report(name="plover", path=path, records=len(golds))
    gtypes: list[str] = []
    ptypes: list[str] = []
    mode_hits: list[bool] = []
    roles: dict[str, list[bool]] = {}
    for g, ex in zip(golds, outputs, strict=True):
        if isinstance(ex, str):
            rep.failures += 1
            ev, amap = None, {}
        else:
            ev, amap = chosen_event(g, ex), actor_map(ex)
        ptype = ev.type if ev else "NONE"
        gtypes.append(g.type)
        ptypes.append(ptype)
        if g.mode is not None and ptype == g.type:
            mode_hits.append(ev is not None and ev.mode == g.mode)
        for role, gold_actors in (("source", g.source), ("target", g.target)):
            ids = (ev.source if role == "source" else ev.target) if ev else []
            pred = [amap[i] for i in ids if i in amap]
            for ga in gold_actors:
                t, c, s = actor_matches(ga, pred, g.text)
                roles.setdefault(f"{role}_text", []).append(t)
                # The same actor by span or by resolved code ("U.S. negotiator" = Paul
                # Nitze, USA), as CAMEO-coded evaluations compare actors.
                roles.setdefault(f"{role}_match", []).append(t or bool(c))
                if c is not None:
                    roles.setdefault(f"{role}_country", []).append(c)
                if s is not None:
                    roles.setdefault(f"{role}_sector", []).append(s)
        if ptype != g.type:
            rep.worst.append({"id": g.id, "gold": f"{g.type}/{g.mode}",
                              "pred": f"{ptype}/{ev.mode if ev else None}", "text": g.text,
                              "confidence": ev.confidence if ev else 0.0})
    counts = per_class(gtypes, ptypes)
    rep.scores["type_accuracy"] = accuracy(gtypes, ptypes)
    rep.scores["type_macro_f1"] = macro_f1(counts, [t for t in PLOVER_TYPES if t in gtypes])
    rep.scores["event_found"] = safe_div(sum(p != "NONE" for p in ptypes), len(ptypes))
    rep.scores["mode_accuracy"] = safe_div(sum(mode_hits), len(mode_hits))
    for k, v in sorted(roles.items()):
        rep.scores[k] = safe_div(sum(v), len(v))
        rep.info[f"n_{k}"] = len(v)
    rep.info["n_mode_scored"] = len(mode_hits)
    rep.tables.append(ClassTable("PLOVER event type", counts))
    rep.confusion = confusion(gtypes, ptypes)
    rep.worst.sort(key=lambda w: -w["confidence"])
    rep.notes.append("old names mapped: DEMAND->REQUEST, DISAPPROVE->ACCUSE/disapprove, "
                     "INVESTIGATE->ACCUSE/investigate, FIGHT->ASSAULT; dates not scored")
    rep.notes.append("mode accuracy is over records whose gold has a current mode and whose "
                     "type was right")
    rep.notes.append("<role>_text: a predicted actor overlaps the gold actor text; "
                     "<role>_match: that, or a predicted actor has the gold country code")
    return rep


def evaluate(path: Path, sample_n: int | None = None, seed: int = 0, split: str = "all"
             ) -> Report:
    """Score the records of ``split``: "train" (what the event model may learn from),
    "test" (what the gate reports; never trained or tuned on) or "all"."""
    t0 = time.perf_counter()
    golds = in_split(load(path), lambda g: g.id, split, other="train")
    rep = scored(sample(golds, sample_n, seed), score, path, t0)
    rep.notes.append(f"split {split}")
    return rep
