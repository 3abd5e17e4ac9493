"""PETRARCH2 validation records (PETR2_GSR_validation.xml): CAMEO root and actor countries.

Per gold coding, the compared prediction is the most confident event with the same CAMEO
root, else the most confident event (``NONE`` without one). A ``noevents`` record is right
when tocsin codes no event. Gold codes are also mapped to PLOVER with CAMEO2PLOVER-2021.txt
(looked for in ``../plover/`` beside the file, or given) to score the PLOVER type.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from tocsin.evaluate.common import (
    actor_map,
    cameo_to_plover,
    load_cameo2plover,
    primary_event,
    run_pipeline,
    sample,
)
from tocsin.evaluate.metrics import accuracy, confusion, per_class, safe_div
from tocsin.evaluate.report import ClassTable, Report
from tocsin.model import Document, Event, Extraction

_SENT = re.compile(r"<Sentence\s([^>]*?)/?>(.*?)</Sentence>", re.S)
_ATTR = re.compile(r'(\w+)="([^"]*)"')
_CODING = re.compile(r"<EventCoding\s([^>]*?)/?>")
_TEXT = re.compile(r"<Text>(.*?)</Text>", re.S)
CAMEO_ISO = {"JAP": "JPN", "ROM": "ROU", "SER": "SRB"}


@dataclass(slots=True)
class Coding:
    code: str
    source: str
    target: str


@dataclass(slots=True)
class Gold:
    id: str
    text: str
    published: str | None
    codings: list[Coding] = field(default_factory=list)


def load(path: Path) -> list[Gold]:
    out: list[Gold] = []
    for attrs, body in _SENT.findall(path.read_text(encoding="utf-8")):
        a = dict(_ATTR.findall(attrs))
        tm = _TEXT.search(body)
        if not tm:
            continue
        text = " ".join(tm.group(1).split())
        codings = []
        for c in _CODING.findall(body):
            ca = dict(_ATTR.findall(c))
            if ca.get("eventcode"):
                codings.append(Coding(ca["eventcode"], ca.get("sourcecode", ""),
                                      ca.get("targetcode", "")))
        out.append(Gold(a.get("id", str(len(out))), text, a.get("date"), codings))
    return out


def _country(code: str) -> str | None:
    import pycountry

    iso = CAMEO_ISO.get(code[:3].upper(), code[:3].upper())
    return iso if len(iso) == 3 and pycountry.countries.get(alpha_3=iso) else None


def _match(coding: Coding, events: Sequence[Event]) -> Event | None:
    same = [e for e in events if e.cameo_root == coding.code[:2]]
    return primary_event(same) or primary_event(events)


def score(golds: Sequence[Gold], outputs: Sequence[Extraction | str], path: str = "",
          mapping: dict[str, tuple[str, str | None]] | None = None) -> Report:
    rep = Report(name="petrarch", path=path, records=len(golds))
    groot: list[str] = []
    proot: list[str] = []
    sent_ok: list[bool] = []
    plover_ok: list[bool] = []
    country: dict[str, list[bool]] = {"source_country": [], "target_country": []}
    for g, ex in zip(golds, outputs, strict=True):
        if isinstance(ex, str):
            rep.failures += 1
            events: list[Event] = []
            amap = {}
        else:
            events, amap = list(ex.events), actor_map(ex)
        roots = {e.cameo_root for e in events}
        if not g.codings:
            groot.append("NONE")
            top = primary_event(events)
            proot.append(top.cameo_root if top else "NONE")
            sent_ok.append(not events)
        else:
            sent_ok.append(any(c.code[:2] in roots for c in g.codings))
        for c in g.codings:
            ev = _match(c, events)
            groot.append(c.code[:2])
            proot.append(ev.cameo_root if ev else "NONE")
            if mapping is not None:
                pl = cameo_to_plover(c.code, mapping)
                if pl is not None:
                    plover_ok.append(any(e.type == pl[0] for e in events))
            for role, code in (("source", c.source), ("target", c.target)):
                iso = _country(code) if code else None
                if iso is None:
                    continue
                ids = (ev.source if role == "source" else ev.target) if ev else []
                country[f"{role}_country"].append(
                    any(amap[i].country == iso for i in ids if i in amap))
        if not sent_ok[-1]:
            rep.worst.append({"id": g.id, "gold": ",".join(c.code for c in g.codings) or "none",
                              "pred": ",".join(f"{e.cameo_root}:{e.type}" for e in events)
                              or "none", "text": g.text})
    counts = per_class(groot, proot)
    rep.scores["root_accuracy"] = accuracy(groot, proot)
    rep.scores["sentence_accuracy"] = safe_div(sum(sent_ok), len(sent_ok))
    if mapping is not None:
        rep.scores["plover_type_recall"] = safe_div(sum(plover_ok), len(plover_ok))
    for k, v in country.items():
        rep.scores[k] = safe_div(sum(v), len(v))
        rep.info[f"n_{k}"] = len(v)
    rep.info["codings"] = sum(len(g.codings) for g in golds)
    rep.tables.append(ClassTable("CAMEO root (per coding; NONE = no event)", counts))
    rep.confusion = confusion(groot, proot)
    rep.notes.append("root_accuracy: per gold coding (and per noevents record), the event "
                     "with the same root else the most confident one; sentence_accuracy: "
                     "any gold root among tocsin's roots, or no event for noevents records")
    return rep


def evaluate(path: Path, sample_n: int | None = None, seed: int = 0,
             mapping_path: Path | None = None) -> Report:
    t0 = time.perf_counter()
    golds = sample(load(path), sample_n, seed)
    mp = mapping_path or path.parent.parent / "plover" / "CAMEO2PLOVER-2021.txt"
    mapping = load_cameo2plover(mp) if mp.exists() else None
    docs = []
    for g in golds:
        pub = None
        if g.published and len(g.published) == 8:
            try:
                pub = datetime.strptime(g.published, "%Y%m%d").date()
            except ValueError:
                pub = None
        docs.append(Document(text=g.text, id=g.id, published=pub))
    rep = score(golds, run_pipeline(docs), str(path), mapping)
    if mapping is None:
        rep.notes.append(f"no CAMEO2PLOVER table at {mp}: PLOVER type not scored")
    rep.seconds = time.perf_counter() - t0
    return rep
