"""re3d (dstl): entity spans for Organisation, Person, Location and relation recall.

tocsin's actors of type ``person`` are Person, its other actors (states, forces, groups;
not ``civilians``/``unknown``) are Organisation, and its place mentions are Location. A
town or site named as the state it stands for ("struck Baghdad" -> Iraq) is one span and
counts once, as a Location.
A re3d relation counts as recalled when tocsin states a relation of the mapped type whose
subject and object actors have mentions overlapping the gold source and target spans
(either direction). Only the relation types tocsin produces are scored.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tocsin.evaluate.common import actor_map, sample, scored
from tocsin.evaluate.metrics import Counts, overlaps, safe_div, span_counts
from tocsin.evaluate.report import ClassTable, Report
from tocsin.model import Extraction

CLASSES = ("Organisation", "Person", "Location")
# tocsin relation type -> re3d relation type
RELATIONS: dict[str, str] = {
    "leader_of": "InChargeOf", "member_of": "BelongsTo", "part_of": "BelongsTo",
    "spokesperson_of": "BelongsTo", "allied_with": "AlliesOf",
    "fighting": "FightingAgainst",
}
_NOT_ORG = frozenset({"person", "civilians", "unknown"})


@dataclass(slots=True)
class GoldRel:
    type: str
    source: tuple[int, int]
    target: tuple[int, int]
    text: str


@dataclass(slots=True)
class Gold:
    id: str
    text: str
    entities: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    relations: list[GoldRel] = field(default_factory=list)


def _jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def load(path: Path) -> list[Gold]:
    """Every `documents.json` under `path` (one folder per publisher), in path order."""
    out: list[Gold] = []
    for docs_file in sorted(path.rglob("documents.json")):
        folder = docs_file.parent
        golds = {d["_id"]: Gold(d["_id"], d["text"]) for d in _jsonl(docs_file)}
        for e in _jsonl(folder / "entities.json"):
            g = golds.get(e["documentId"])
            if g is not None and e["type"] in CLASSES:
                g.entities.setdefault(e["type"], []).append((e["begin"], e["end"]))
        for r in _jsonl(folder / "relations.json"):
            g = golds.get(r["documentId"])
            if g is not None and r["type"] in RELATIONS.values():
                g.relations.append(GoldRel(r["type"], (r["sourceBegin"], r["sourceEnd"]),
                                           (r["targetBegin"], r["targetEnd"]),
                                           f"{r['source']} -{r['type']}-> {r['target']}"))
        out.extend(golds.values())
    return out


def predicted_entities(ex: Extraction) -> dict[str, list[tuple[int, int]]]:
    pred: dict[str, list[tuple[int, int]]] = {c: [] for c in CLASSES}
    # A town or site named as the state it stands for ("struck Baghdad" -> Iraq) is one
    # span with one class, as re3d labels it: the Location, not an Organisation too.
    local = {(m.start, m.end) for p in ex.places if p.feature != "country"
             for m in p.mentions}
    for a in ex.actors:
        if a.type == "person":
            cls = "Person"
        elif a.type not in _NOT_ORG:
            cls = "Organisation"
        else:
            continue
        pred[cls].extend((m.start, m.end) for m in a.mentions
                         if cls != "Organisation" or (m.start, m.end) not in local)
    for p in ex.places:
        pred["Location"].extend((m.start, m.end) for m in p.mentions)
    return pred


def score(golds: Sequence[Gold], outputs: Sequence[Extraction | str], path: str = ""
          ) -> Report:
    rep = Report(name="re3d", path=path, records=len(golds))
    exact = {c: Counts() for c in CLASSES}
    loose = {c: Counts() for c in CLASSES}
    rel_hit: dict[str, list[bool]] = {}
    n_pred_rel = 0
    for g, ex in zip(golds, outputs, strict=True):
        if isinstance(ex, str):
            rep.failures += 1
            pred: dict[str, list[tuple[int, int]]] = {c: [] for c in CLASSES}
            rels = []
            amap = {}
        else:
            pred, rels, amap = predicted_entities(ex), ex.relations, actor_map(ex)
        for c in CLASSES:
            gold = g.entities.get(c, [])
            exact[c].add(span_counts(gold, pred[c], exact=True))
            loose[c].add(span_counts(gold, pred[c], exact=False))
        mapped = [(RELATIONS[r.type], r) for r in rels if r.type in RELATIONS]
        n_pred_rel += len(mapped)
        spans = {a.id: [(m.start, m.end) for m in a.mentions] for a in amap.values()}
        for gr in g.relations:
            hit = False
            for typ, r in mapped:
                if typ != gr.type:
                    continue
                s, o = spans.get(r.subject, []), spans.get(r.object, [])
                fwd = (any(overlaps(x, gr.source) for x in s)
                       and any(overlaps(x, gr.target) for x in o))
                back = (any(overlaps(x, gr.target) for x in s)
                        and any(overlaps(x, gr.source) for x in o))
                hit = hit or fwd or back
            rel_hit.setdefault(gr.type, []).append(hit)
            if not hit and len(rep.worst) < 200:
                rep.worst.append({"id": g.id, "gold": gr.text, "pred": "missed",
                                  "text": g.text[max(0, gr.source[0] - 80):gr.target[1] + 80]})
    rep.tables.append(ClassTable("entities, exact span", exact))
    rep.tables.append(ClassTable("entities, overlapping span", loose))
    for c in CLASSES:
        rep.scores[f"{c.lower()}_f1_exact"] = exact[c].f1
        rep.scores[f"{c.lower()}_f1_overlap"] = loose[c].f1
    all_hits = [h for v in rel_hit.values() for h in v]
    rep.scores["relation_recall"] = safe_div(sum(all_hits), len(all_hits))
    for t, v in sorted(rel_hit.items()):
        rep.info[f"recall_{t}"] = safe_div(sum(v), len(v))
        rep.info[f"n_{t}"] = len(v)
    rep.info["predicted_relations_mapped"] = n_pred_rel
    rep.notes.append("Person = actors of type person; Organisation = other actors except "
                     "civilians/unknown, less spans that are also sub-national place "
                     "mentions; Location = place mentions. Relations scored: "
                     + ", ".join(f"{k}->{v}" for k, v in RELATIONS.items()))
    return rep


def evaluate(path: Path, sample_n: int | None = None, seed: int = 0) -> Report:
    t0 = time.perf_counter()
    return scored(sample(load(path), sample_n, seed), score, path, t0)
