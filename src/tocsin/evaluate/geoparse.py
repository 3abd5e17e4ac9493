"""Geoparsing corpora (GeoWebNews, LGL, GeoVirus XML): recognition and resolution.

Recognition: gold toponyms against tocsin's place mentions, matched one-to-one by span
overlap (exact-span F1 is reported too). GeoWebNews counts toponyms that have
coordinates and are not ``nonLocational`` (its common-noun "Literal_Expression"
annotations have none). Resolution, over recognised toponyms with gold coordinates:
exact GeoNames id, acc@161 km, mean and median error km and the AUC of the error curve
(Gritta et al. 2018; lower is better).
"""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tocsin.evaluate.common import sample, scored
from tocsin.evaluate.metrics import (
    Counts,
    acc_at_km,
    error_auc,
    haversine_km,
    match_spans,
    median,
    safe_div,
    span_counts,
)
from tocsin.evaluate.report import ClassTable, Report
from tocsin.model import Extraction


@dataclass(slots=True)
class Toponym:
    start: int
    end: int
    name: str
    geonameid: str | None
    lat: float | None
    lon: float | None


@dataclass(slots=True)
class Gold:
    id: str
    text: str
    toponyms: list[Toponym] = field(default_factory=list)


def _f(el: ET.Element | None) -> float | None:
    try:
        return float(el.text) if el is not None and el.text else None
    except ValueError:
        return None


def _t(el: ET.Element, tag: str) -> str:
    found = el.find(tag)
    return (found.text or "").strip() if found is not None else ""


def load(path: Path) -> list[Gold]:
    """Any of the three layouts: GWN (<toponym> with <latitude>), LGL (<gaztag>),
    GeoVirus (<location>)."""
    root = ET.parse(path).getroot()
    out = []
    for i, art in enumerate(root.iter("article")):
        text = art.findtext("text") or ""
        gold = Gold(art.get("docid") or art.get("file") or str(i), text)
        for tp in art.iter("toponym"):
            if tp.find("gaztag") is not None:  # LGL
                gz = tp.find("gaztag")
                assert gz is not None
                gold.toponyms.append(Toponym(int(_t(tp, "start")), int(_t(tp, "end")),
                                             _t(tp, "phrase"), gz.get("geonameid"),
                                             _f(gz.find("lat")), _f(gz.find("lon"))))
            elif tp.find("extractedName") is not None:  # GWN
                lat, lon = _f(tp.find("latitude")), _f(tp.find("longitude"))
                if _t(tp, "nonLocational") == "Yes" or lat is None or lon is None:
                    continue
                gold.toponyms.append(Toponym(int(_t(tp, "start")), int(_t(tp, "end")),
                                             _t(tp, "extractedName"),
                                             _t(tp, "geonamesID") or None, lat, lon))
            elif tp.find("start") is not None:  # LGL toponym without a gaztag
                gold.toponyms.append(Toponym(int(_t(tp, "start")), int(_t(tp, "end")),
                                             _t(tp, "phrase"), None, None, None))
        for loc in art.iter("location"):  # GeoVirus
            gold.toponyms.append(Toponym(int(_t(loc, "start")), int(_t(loc, "end")),
                                         _t(loc, "name"), None, _f(loc.find("lat")),
                                         _f(loc.find("lon"))))
        gold.toponyms = [_align(text, t) for t in gold.toponyms]
        out.append(gold)
    return out


def _align(text: str, t: Toponym) -> Toponym:
    """Fix offsets that are off by a few characters (GeoVirus counts from 1) by finding
    the toponym's name nearest the given start."""
    if not t.name or text[t.start:t.end] == t.name:
        return t
    for d in sorted(range(-5, 6), key=abs):
        s = t.start + d
        if s >= 0 and text[s:s + len(t.name)] == t.name:
            t.start, t.end = s, s + len(t.name)
            break
    return t


def score(golds: Sequence[Gold], outputs: Sequence[Extraction | str], path: str = "",
          name: str = "geoparse") -> Report:
    rep = Report(name=name, path=path, records=len(golds))
    loose, exact = Counts(), Counts()
    errors: list[float] = []
    id_hits: list[bool] = []
    fallback = 0
    for g, ex in zip(golds, outputs, strict=True):
        pred: list[tuple[int, int]] = []
        pred_place = []
        if isinstance(ex, str):
            rep.failures += 1
        else:
            for p in ex.places:
                for m in p.mentions:
                    pred.append((m.start, m.end))
                    pred_place.append(p)
        gspans = [(t.start, t.end) for t in g.toponyms]
        loose.add(span_counts(gspans, pred, exact=False))
        exact.add(span_counts(gspans, pred, exact=True))
        matched = set()
        for gi, pi in match_spans(gspans, pred, exact=False):
            matched.add(gi)
            t, p = g.toponyms[gi], pred_place[pi]
            if t.geonameid:
                id_hits.append(p.id == f"geonames:{t.geonameid}")
            if t.lat is None or t.lon is None or p.lat is None or p.lon is None:
                continue
            if p.precision == "country" and p.feature != "country":
                # a name the gazetteer lacks, put at its country's point only so that an
                # event has a point (issue 18): unresolved as a toponym, as when it had no
                # point; counted apart
                fallback += 1
                continue
            err = haversine_km(t.lat, t.lon, p.lat, p.lon)
            errors.append(err)
            if err > 161:
                rep.worst.append({"id": g.id, "gold": f"{t.name} ({t.lat:.2f},{t.lon:.2f})",
                                  "pred": f"{p.name} {p.country} ({p.lat:.2f},{p.lon:.2f})",
                                  "text": g.text[max(0, t.start - 100):t.end + 100],
                                  "km": round(err)})
        for gi, t in enumerate(g.toponyms):
            if gi not in matched and len(rep.worst) < 400:
                rep.worst.append({"id": g.id, "gold": t.name, "pred": "not recognised",
                                  "text": g.text[max(0, t.start - 100):t.end + 100], "km": -1})
    rep.tables.append(ClassTable("toponym recognition", {"overlap": loose, "exact": exact}))
    rep.info["country_point_fallbacks"] = fallback
    rep.scores["recognition_f1"] = loose.f1
    rep.scores["recognition_precision"] = loose.precision
    rep.scores["recognition_recall"] = loose.recall
    rep.scores["acc_at_161km"] = acc_at_km(errors, 161.0)
    if id_hits:
        rep.scores["geonames_exact"] = safe_div(sum(id_hits), len(id_hits))
    rep.info["recognition_f1_exact"] = exact.f1
    rep.info["mean_error_km"] = safe_div(sum(errors), len(errors))
    rep.info["median_error_km"] = median(errors)
    rep.info["auc_error"] = error_auc(errors)
    rep.info["resolved_scored"] = len(errors)
    rep.info["gold_toponyms"] = loose.support
    rep.worst.sort(key=lambda w: -w["km"])
    rep.notes.append("resolution figures are over recognised toponyms only; AUC: lower is "
                     "better")
    return rep


def evaluate(path: Path, sample_n: int | None = None, seed: int = 0) -> Report:
    t0 = time.perf_counter()
    return scored(sample(load(path), sample_n, seed), score, path, t0,
                  name=f"geoparse:{path.stem}")
