"""Event confidence: a feature score mapped to the precision it had on the gold sets.

``raw_score`` adds up what makes a coded act trustworthy (main clause, a verb rather than a
noun, a specific trigger sense, named source and target, no modality that weakens it).
``confidence`` maps it through an isotonic (monotone) fit of the observed precision of the
event type at that score (data/lexicon/confidence.yaml, written by ``fit``), plus a tiny
share of the raw score so that ties keep the raw order. Refit with

    TOCSIN_CACHE=... python -m tocsin.events.calibration  # writes the table and docs

whenever the coder changes; docs/confidence.md shows the reliability table.
"""

from __future__ import annotations

import sys
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from spacy.tokens import Token

from tocsin.events.coder import REPORT_NOUNS
from tocsin.events.lexicon import get_lexicon, lemma_forms
from tocsin.events.triggers import clause_depth

if TYPE_CHECKING:
    from tocsin.events.coder import CodedAct

_RAW_ONLY = False  # set while fitting: confidence is then the raw score


def raw_score(act: CodedAct, has_place: bool, dated: bool) -> float:
    depth = clause_depth(act.token)
    m = act.frame.modality
    score = 0.5
    score += 0.15 if depth == 0 else (0.05 if depth == 1 else 0.0)
    score += 0.0 if act.nominal else 0.05
    score += 0.1 if act.roles.source else 0.0
    score += 0.05 if act.roles.target else 0.0
    score += 0.03 if has_place else 0.0
    score += 0.02 if dated else 0.0
    score += 0.05 if act.token.sent.start == 0 else 0.0  # the lead reports the main act
    if m.negated:
        score -= 0.1
    if m.hypothetical:
        score -= 0.05
    verb = act.token if not act.nominal else act.token.head
    if verb.tag_ in {"VBZ", "VBP"} and not m.future:
        score -= 0.05  # "the leader organizes bombings": a habit described, not an act
    if act.broad and not act.nominal:
        score -= 0.1  # a broad verb sense ("targeted a compound") names less than a specific one
    if _outcome(act.token):
        score += 0.12  # "forces targeted a leader, detaining two": the operation's result
    if _perfect(verb):
        score -= 0.05  # "had conducted attacks": background to the reported act
    if _described(act.token):
        score -= 0.1  # "the weapons seized last year", "who had attacked": a description
    return round(max(0.05, min(score, 0.95)), 3)


def _outcome(tok: Token) -> bool:
    """A participial clause that tells what an act achieved ("..., detaining two")."""
    head = tok.head
    return (tok.dep_ == "advcl" and tok.tag_ == "VBG" and head.pos_ in {"VERB", "AUX"}
            and tok.i > head.i and not any(c.dep_ in {"mark", "aux"} for c in tok.children)
            and clause_depth(head) == 0 and not lemma_forms(head) & get_lexicon().speech_verbs)


def _perfect(verb: Token) -> bool:
    """Past perfect or perfect infinitive: "had attacked", "is believed to have fired"."""
    return verb.tag_ == "VBN" and any(
        c.dep_ == "aux" and c.lower_ in {"had", "have"} and (
            c.lower_ == "had" or any(t.dep_ == "aux" and t.lower_ == "to" for t in verb.children))
        for c in verb.children)


def _described(tok: Token) -> bool:
    """An act inside a relative clause or a participial modifier of a noun."""
    cur = tok if tok.pos_ in {"VERB", "AUX"} else tok.head
    for _ in range(3):
        if cur.dep_ == "relcl" or (cur.dep_ == "acl" and cur.tag_ in {"VBN", "VBG"}):
            # "issued a statement condemning the attack" reports the statement's act; a
            # finite verb parsed as "acl" is a misparsed main clause.
            return not (cur.tag_ == "VBG" and cur.head.lemma_.lower() in REPORT_NOUNS)
        if cur.dep_ == "acl":
            return False
        if cur.dep_ not in {"conj", "xcomp", "prep", "pobj"}:
            return False
        cur = cur.head
    return False


@cache
def _table() -> tuple[tuple[float, float], ...]:
    path = resources.files("tocsin") / "data" / "lexicon" / "confidence.yaml"
    try:
        data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return ()
    return tuple((float(r["upto"]), float(r["precision"])) for r in data["bins"])


def calibrate(raw: float) -> float:
    """The calibrated confidence of a raw score (the raw score without a table)."""
    table = _table()
    if _RAW_ONLY or not table:
        return raw
    precision = next((p for upto, p in table if raw <= upto), table[-1][1])
    # A hundredth of the raw score breaks ties between events of one step in raw order.
    return precision * 0.99 + raw / 100


def isotonic(points: list[tuple[float, int]]) -> list[tuple[float, float, int]]:
    """Pool-adjacent-violators over (score, correct) pairs -> [(upto, precision, n)]."""
    by_score: dict[float, list[float]] = {}
    for score, ok in points:
        agg = by_score.setdefault(score, [0.0, 0.0])
        agg[0] += ok
        agg[1] += 1
    blocks: list[list[float]] = []  # [upto, sum_correct, n]
    for score in sorted(by_score):
        blocks.append([score, *by_score[score]])
        while len(blocks) > 1 and blocks[-2][1] / blocks[-2][2] > blocks[-1][1] / blocks[-1][2]:
            upto, s, n = blocks.pop()
            blocks[-1] = [upto, blocks[-1][1] + s, blocks[-1][2] + n]
    # A prior of half an event at the overall precision keeps tiny bins off 0 and 1.
    mean = sum(b[1] for b in blocks) / max(1.0, sum(b[2] for b in blocks))
    out: list[tuple[float, float, int]] = []
    for upto, s, n in blocks:
        p = (s + 0.5 * mean) / (n + 0.5)
        out.append((upto, max(p, out[-1][1]) if out else p, int(n)))
    return out


def _gold_points() -> list[tuple[float, int]]:
    """(raw score, event type right) for every event coded on the PLOVER and PETRARCH gold
    records: right when the type is the record's (PLOVER) or the CAMEO root one of the
    record's codings (PETRARCH)."""
    from tocsin.evaluate import petrarch, plover
    from tocsin.evaluate.common import eval_dir, run_pipeline
    from tocsin.model import Document, Extraction

    points: list[tuple[float, int]] = []
    pl = plover.load(eval_dir() / "plover" / "PLOVER_GSR_CAMEO.json")
    for g, ex in zip(pl, run_pipeline([Document(text=g.text, id=g.id) for g in pl]),
                     strict=True):
        if isinstance(ex, Extraction):
            points += [(e.confidence, int(e.type == g.type)) for e in ex.events]
    pe = [g for g in petrarch.load(eval_dir() / "petrarch" / "PETR2_GSR_validation.xml")
          if g.codings]
    for g2, ex in zip(pe, run_pipeline([Document(text=g.text, id=g.id) for g in pe]),
                      strict=True):
        roots = {c.code[:2] for c in g2.codings}
        if isinstance(ex, Extraction):
            points += [(e.confidence, int(e.cameo_root in roots)) for e in ex.events]
    return points


def fit(out_yaml: Path, out_md: Path) -> list[tuple[float, float, int]]:
    import tocsin.events.calibration as mod  # the module the pipeline uses, not __main__

    mod._RAW_ONLY = True
    try:
        points = _gold_points()
    finally:
        mod._RAW_ONLY = False
    bins = isotonic(points)
    header = ("# Event confidence calibration: raw feature score (tocsin.events.calibration."
              "raw_score)\n# -> observed precision of the event type on the PLOVER and "
              "PETRARCH gold sets\n# (isotonic fit; written by `python -m "
              "tocsin.events.calibration`).\n")
    rows = [{"upto": u, "precision": round(p, 3), "n": n} for u, p, n in bins]
    out_yaml.write_text(header + yaml.safe_dump({"bins": rows}, sort_keys=False),
                        encoding="utf-8")
    _write_doc(out_md, points, bins)
    mod._table.cache_clear()
    return bins


def _write_doc(path: Path, points: list[tuple[float, int]],
               bins: list[tuple[float, float, int]]) -> None:
    lines = [
        "# Event confidence",
        "",
        "`Event.confidence` is the precision the event's type had on the public gold sets",
        "at the event's feature score (`tocsin.events.calibration`). The raw score adds:",
        "0.5, +0.15 main clause (+0.05 one clause down), +0.05 verb trigger, +0.1 named",
        "source, +0.05 target, +0.03 place, +0.02 explicit date, +0.05 first sentence,",
        "-0.1 negated, -0.05 hypothetical, -0.05 simple present, -0.1 a weak or broad",
        "verb sense (\"targeted a leader\"), +0.12 a participial",
        "result of a main-clause act (\"targeted a leader, detaining two\"), -0.05 past",
        "perfect or perfect infinitive (\"had attacked\"), -0.1 inside a relative clause",
        "or participial modifier (\"weapons seized last year\"). The evaluators take a",
        "record's most confident event, so these features also choose the main reported",
        "act of a multi-event text. An isotonic fit maps the raw score",
        "to the share of events whose type was right (PLOVER: the record's type;",
        "PETRARCH: one of the record's CAMEO roots). Events on other acts of a",
        "multi-act record count as wrong, so the figures are lower bounds.",
        "",
        f"Events scored: {len(points)}. Refit: `python -m tocsin.events.calibration`.",
        "",
        "## Reliability table (raw score bins of width 0.1)",
        "",
        "| raw score | events | observed precision | mean calibrated confidence |",
        "|---|---|---|---|",
    ]
    table = [(u, p) for u, p, _ in bins]

    def cal(raw: float) -> float:
        for upto, prec in table:
            if raw <= upto:
                return prec
        return table[-1][1]

    for lo in [x / 10 for x in range(0, 10)]:
        sel = [(s, ok) for s, ok in points if lo < s <= lo + 0.1]
        if not sel:
            continue
        prec = sum(ok for _, ok in sel) / len(sel)
        mean_cal = sum(cal(s) for s, _ in sel) / len(sel)
        lines.append(f"| {lo:.1f}–{lo + 0.1:.1f} | {len(sel)} | {prec:.2f} | {mean_cal:.2f} |")
    lines += ["", "## Isotonic steps", "", "| raw score up to | calibrated | events |",
              "|---|---|---|"]
    lines += [f"| {u:.3f} | {p:.3f} | {n} |" for u, p, n in bins]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":  # pragma: no cover - maintenance entry point
    root = Path(__file__).resolve().parents[3]
    steps = fit(Path(__file__).resolve().parent.parent / "data" / "lexicon" / "confidence.yaml",
                root / "docs" / "confidence.md")
    sys.stdout.write(f"{len(steps)} isotonic steps written\n")
