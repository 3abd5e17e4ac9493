"""Training the event model: logistic regression over the candidates' named features,
with the regularisation and the event threshold chosen by grouped cross-validation on the
training texts alone (no evaluation set is read).

Deterministic: the same data, seed and scikit-learn version give the same file
(``scripts/train_event_model.py`` runs it; the model card records all three).
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from tocsin.events.decision.model import (
    NONE,
    EventModel,
    Head,
    document_features,
    rule_prior,
)
from tocsin.learn.dataset import Collected, Example, Row

MIN_FEATURE = 2  # a feature seen fewer times is not in the vocabulary
MIN_CLASS = 6  # a type:mode seen fewer times is learnt as "TYPE:?" (mode from the rules)
HARM = frozenset({"ASSAULT", "PROTEST", "COERCE"})
C_GRID = (0.3, 1.0, 3.0)
BETAS = (0.0, 1.0, 2.0, 3.0)
# At most 0.5: the objective sees the main act and quiet news, not the recall of a report's
# other acts (a call, a claim, an arrest beside the attack), which a higher bar loses.
THRESHOLDS = (0.35, 0.5)
FALLBACKS = (0.05, 0.2)
QUIET = (0.0, 0.2, 0.35)
CALIBRATION_BINS = (0.5, 0.6, 0.7, 0.8, 0.9, 1.0)


@dataclass(slots=True)
class Matrix:
    vocab: dict[str, int]
    names: list[str]


def build_vocab(rows: Sequence[Row]) -> Matrix:
    counts: Counter[str] = Counter()
    for r in rows:
        counts.update(set(r.features))
    names = sorted(f for f, n in counts.items() if n >= MIN_FEATURE)
    return Matrix({n: i for i, n in enumerate(names)}, names)


def design(rows: Sequence[Row], m: Matrix) -> Any:
    from scipy.sparse import csr_matrix

    indptr, indices = [0], []
    for r in rows:
        cols = sorted({m.vocab[f] for f in r.features if f in m.vocab})
        indices += cols
        indptr.append(len(indices))
    data = np.ones(len(indices), dtype=np.float32)
    return csr_matrix((data, indices, indptr), shape=(len(rows), len(m.names)))


def class_labels(rows: Sequence[Row]) -> dict[str, str]:
    """Gold label -> learnt class: rare modes fold into their type ("TYPE:?")."""
    counts = Counter(r.label for r in rows if r.label is not None)
    out = {}
    for lab in counts:
        typ = lab.split(":", 1)[0]
        out[lab] = lab if lab == NONE or counts[lab] >= MIN_CLASS else f"{typ}:?"
    return out


def _fit(x: Any, y: list[str], c: float, seed: int) -> Any:
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(C=c, max_iter=3000, random_state=seed)
    clf.fit(x, y)
    return clf


def by_document(rows: Sequence[Row]) -> dict[str, list[Row]]:
    out: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        out[r.doc].append(r)
    return out


def _binary(clf: Any) -> Head:
    w = clf.coef_.T.astype(np.float32)  # binary: one column, the "1" side of a softmax
    return Head(["0", "1"], np.hstack([np.zeros_like(w), w]),
                np.array([0.0, float(clf.intercept_[0])], dtype=np.float32))


def doc_rows(rows: Sequence[Row]) -> list[Row]:
    """One pseudo-row per text: its candidates' text features pooled; "main" says whether
    the text reports any act."""
    return [Row(d, document_features([r.features for r in rs]), None,
                any(r.gold_type is not None for r in rs), "doc", None)
            for d, rs in by_document(rows).items()]


def fit_heads(rows: Sequence[Row], m: Matrix, c: float, seed: int
              ) -> tuple[Head, Head, Head]:
    classes = class_labels(rows)
    lab_rows = [r for r in rows if r.label is not None]
    lab = _fit(design(lab_rows, m), [classes[r.label] for r in lab_rows  # type: ignore[index]
                                     ], c, seed)
    main = _fit(design(rows, m), ["1" if r.main else "0" for r in rows], c, seed)
    docs = doc_rows(rows)
    report = _fit(design(docs, m), ["1" if r.main else "0" for r in docs], c, seed)
    label_head = Head([str(k) for k in lab.classes_], lab.coef_.T.astype(np.float32),
                      lab.intercept_.astype(np.float32))
    return label_head, _binary(main), _binary(report)


@dataclass(slots=True)
class Scored:
    """One candidate's outcome under a model."""

    row: Row
    p_event: float
    label: str
    p_type: float
    p_main: float
    p_report: float = 1.0


def outcome(z: np.ndarray, classes: list[str], rule_type: str | None, beta: float
            ) -> tuple[float, int, float]:
    """(probability of an event, best non-NONE class, probability of its type)."""
    z = z + rule_prior(classes, rule_type, beta)
    e = np.exp(z - z.max())
    p = e / e.sum()
    none_i = classes.index(NONE)
    q = p.copy()
    q[none_i] = -1.0
    best = int(q.argmax())
    typ = classes[best].split(":", 1)[0]
    p_type = float(sum(p[j] for j, c in enumerate(classes)
                       if j != none_i and c.split(":", 1)[0] == typ))
    return 1.0 - float(p[none_i]), best, p_type


@dataclass(slots=True)
class Logits:
    rows: list[Row]
    label: np.ndarray  # (n, classes) label-head scores
    main: np.ndarray  # (n,) probability of being the main act
    classes: list[str]
    report: dict[str, float]  # text -> probability that it reports an act

    def scored(self, beta: float) -> list[Scored]:
        out = []
        for i, r in enumerate(self.rows):
            rt = r.rule.split(":", 1)[0] if r.rule and r.origin == "rule" else None
            p_event, best, p_type = outcome(self.label[i], self.classes, rt, beta)
            out.append(Scored(r, p_event, self.classes[best], p_type, float(self.main[i]),
                              self.report.get(r.doc, 1.0)))
        return out


def _p1(x: Any, head: Head) -> np.ndarray:
    z = np.asarray(x @ head.weights + head.bias)
    out: np.ndarray = 1.0 / (1.0 + np.exp(-(z[:, 1] - z[:, 0])))
    return out


def logits(rows: Sequence[Row], m: Matrix, label: Head, main: Head, report: Head
           ) -> Logits:
    x = design(rows, m).tocsr()
    zl = np.asarray(x @ label.weights + label.bias)
    docs = doc_rows(rows)
    pr = _p1(design(docs, m).tocsr(), report)
    return Logits(list(rows), zl, _p1(x, main), label.classes,
                  {d.doc: float(p) for d, p in zip(docs, pr, strict=True)})


def reported(cands: Sequence[Scored], threshold: float, fallback: float, quiet: float = 0.0
             ) -> list[Scored]:
    """The candidates reported as events: none in a text the report head finds quiet
    (below ``quiet``); else those over the threshold; when none is and the text reads as a
    report of an act, its most likely main act if its event probability reaches
    ``fallback``."""
    if not cands or cands[0].p_report < quiet:
        return []
    events = [s for s in cands if s.p_event >= threshold]
    if events or cands[0].p_report < 0.5:
        return events
    best = max(cands, key=lambda s: s.p_event * s.p_main)
    return [best] if best.p_event >= fallback else []


def doc_metrics(examples: Sequence[Example], scored: Sequence[Scored], threshold: float,
                fallback: float = 1.0, quiet: float = 0.0) -> dict[str, float]:
    """Per text: the main event (the most salient decided candidate) against the gold main
    act, and, for texts with no act, whether any harm event was raised."""
    by_doc: dict[str, list[Scored]] = defaultdict(list)
    for s in scored:
        by_doc[s.row.doc].append(s)
    typ_ok, sub_ok, alarms, rule_ok, rule_alarm = [], [], [], [], []
    for ex in examples:
        events = reported(by_doc.get(ex.id, []), threshold, fallback, quiet)
        top = max(events, key=lambda s: s.p_main) if events else None
        rules = [s for s in by_doc.get(ex.id, []) if s.row.origin == "rule" and s.row.rule]
        rule_top = rules[0].row.rule.split(":", 1)[0] if rules and rules[0].row.rule else None
        gold = next((a for a in ex.acts if a.main), None)
        if gold is not None:
            typ_ok.append(top is not None and top.label.split(":", 1)[0] == gold.type)
            sub_ok.append(top is not None and top.label == f"{gold.type}:{gold.mode}")
            rule_ok.append(rule_top == gold.type)
        elif ex.complete:
            alarms.append(any(s.label.split(":", 1)[0] in HARM for s in events))
            rule_alarm.append(any((s.row.rule or "").split(":", 1)[0] in HARM for s in rules))
    mean = lambda v: round(float(np.mean(v)), 4) if v else 0.0  # noqa: E731
    return {"main_type": mean(typ_ok), "main_type_mode": mean(sub_ok),
            "false_alarm": mean(alarms), "rules_main_type": mean(rule_ok),
            "rules_false_alarm": mean(rule_alarm), "texts": float(len(typ_ok) + len(alarms))}


def calibration(scored: Sequence[Scored], threshold: float) -> list[list[float]]:
    """(upper bound of the type probability, precision of the type in cross-validation)."""
    table: list[list[float]] = []
    lo = 0.0
    for hi in CALIBRATION_BINS:
        hits = [s.row.gold_type == s.label.split(":", 1)[0] for s in scored
                if s.p_event >= threshold and s.row.label is not None and lo < s.p_type <= hi]
        # Laplace-smoothed, and never below the bin before: precision rises with probability.
        prec = (sum(hits) + 1) / (len(hits) + 2)
        if table:
            prec = max(prec, table[-1][1])
        table.append([hi, round(prec, 3)])
        lo = hi
    return table


@dataclass(slots=True)
class Choice:
    c: float
    beta: float
    threshold: float
    fallback: float
    quiet: float
    metrics: dict[str, float]
    scored: list[Scored]


def cross_validate(examples: Sequence[Example], col: Collected, folds: int, seed: int,
                   log: Any = print, c_grid: Sequence[float] = C_GRID
                   ) -> tuple[Choice, dict[str, Any]]:
    """Choose C, the rules' prior, the threshold and the fallback by grouped k-fold over
    the texts (a text's candidates stay in one fold)."""
    rng = np.random.default_rng(seed)
    ids = sorted({ex.id for ex in examples})
    fold_of = {d: int(f) for d, f in zip(ids, rng.permutation(len(ids)) % folds, strict=True)}
    best: Choice | None = None
    grid: dict[str, Any] = {}
    for c in c_grid:
        parts: list[Logits] = []
        for k in range(folds):
            train = [r for r in col.rows if fold_of[r.doc] != k]
            test = [r for r in col.rows if fold_of[r.doc] == k]
            m = build_vocab(train)
            label, main, report = fit_heads(train, m, c, seed)
            parts.append(logits(test, m, label, main, report))
        for beta in BETAS:
            scored = [s for part in parts for s in part.scored(beta)]
            for t in THRESHOLDS:
                for fb in (1.0, *FALLBACKS):
                    for q in QUIET:
                        res = doc_metrics(examples, scored, t, fb, q)
                        # What users feel: the main event right, quiet news left quiet.
                        objective = (res["main_type"] + (1.0 - res["false_alarm"])) / 2
                        key = f"C={c} beta={beta} threshold={t} fallback={fb} quiet={q}"
                        grid[key] = {**res, "objective": round(objective, 4)}
                        if best is None or objective > best.metrics["objective"]:
                            best = Choice(c, beta, t, fb, q, grid[key], scored)
        assert best is not None
        log(f"  after C={c}: best so far C={best.c} beta={best.beta} "
            f"threshold={best.threshold} fallback={best.fallback} quiet={best.quiet}: "
            f"{best.metrics}")
    assert best is not None
    top = dict(sorted(grid.items(), key=lambda kv: -kv[1]["objective"])[:8])
    return best, {"best_settings": top, "chosen": best.metrics}


def sha256_files(paths: Sequence[Path]) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()[:16] for p in sorted(paths)}


def train(examples: Sequence[Example], col: Collected, words: frozenset[str], folds: int,
          seed: int, sources: dict[str, Any], log: Any = print,
          c_grid: Sequence[float] = C_GRID) -> EventModel:
    import sklearn

    t0 = time.time()
    choice, cv = cross_validate(examples, col, folds, seed, log, c_grid)
    m = build_vocab(col.rows)
    label, main, report = fit_heads(col.rows, m, choice.c, seed)
    per_source = Counter(ex.source.split("-")[0] for ex in examples)
    card = {
        "what": "tocsin event decision model: label (NONE or TYPE:mode) and main-act heads",
        "trained_on": sources, "texts": dict(sorted(per_source.items())),
        "candidates": len(col.rows), "gold_acts": col.acts,
        "gold_acts_without_candidate": col.missed,
        "features": len(m.names), "classes": label.classes, "C": choice.c,
        "rule_prior": choice.beta, "threshold": choice.threshold,
        "fallback": choice.fallback, "quiet": choice.quiet, "seed": seed, "folds": folds,
        "cross_validation": cv,
        "calibration": calibration(choice.scored, choice.threshold),
        "trigger_words": sorted(words), "sklearn": sklearn.__version__,
        "seconds": round(time.time() - t0, 1),
    }
    return EventModel(m.vocab, m.names, label, main, card, report)
