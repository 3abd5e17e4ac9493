"""What an evaluation returns, and how it is shown: rich tables or machine-readable JSON."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tocsin.evaluate.metrics import Counts, macro_f1, micro


@dataclass(slots=True)
class ClassTable:
    """P/R/F1 per class, with the micro total and the macro F1 over supported classes."""

    title: str
    counts: dict[str, Counts]

    def to_json(self) -> dict[str, Any]:
        rows = {k: {"precision": c.precision, "recall": c.recall, "f1": c.f1,
                    "tp": c.tp, "fp": c.fp, "fn": c.fn, "support": c.support}
                for k, c in sorted(self.counts.items())}
        m = micro(self.counts)
        return {"title": self.title, "classes": rows,
                "micro": {"precision": m.precision, "recall": m.recall, "f1": m.f1},
                "macro_f1": macro_f1(self.counts)}


@dataclass(slots=True)
class Report:
    """One data set's evaluation.

    ``scores`` are the headline figures, all fractions where higher is better: these are
    what the gate pins. ``info`` holds figures of other scales (km, counts, AUC where
    lower is better) that are shown and written but not gated.
    """

    name: str
    path: str
    records: int = 0
    failures: int = 0  # records on which the pipeline raised
    scores: dict[str, float] = field(default_factory=dict)
    info: dict[str, float] = field(default_factory=dict)
    tables: list[ClassTable] = field(default_factory=list)
    confusion: Counter[tuple[str, str]] | None = None
    worst: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        conf = None
        if self.confusion is not None:
            conf = [{"gold": g, "pred": p, "n": n}
                    for (g, p), n in sorted(self.confusion.items())]
        return {
            "name": self.name, "path": self.path, "records": self.records,
            "failures": self.failures, "scores": self.scores, "info": self.info,
            "tables": [t.to_json() for t in self.tables], "confusion": conf,
            "worst_errors": self.worst, "notes": self.notes,
            "seconds": round(self.seconds, 2),
        }


def write_json(reports: list[Report], path: str | Path) -> None:
    data = [r.to_json() for r in reports]
    Path(path).write_text(json.dumps(data[0] if len(data) == 1 else data, indent=2,
                                     ensure_ascii=False) + "\n", encoding="utf-8")


def _fmt(v: float) -> str:
    if float(v).is_integer() and abs(v) >= 2:
        return f"{int(v):,}"
    return f"{v:.3f}" if abs(v) < 10 else f"{v:,.1f}"


def render(report: Report, max_worst: int = 10) -> None:
    """Print the report as rich tables on stdout."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    console.rule(f"[bold]{report.name}[/bold]  {report.path}")
    console.print(f"records {report.records}   pipeline failures {report.failures}   "
                  f"time {report.seconds:.1f}s")
    head = Table(title="headline scores")
    head.add_column("measure")
    head.add_column("value", justify="right")
    for k, v in report.scores.items():
        head.add_row(k, _fmt(v))
    for k, v in report.info.items():
        head.add_row(f"[dim]{k}[/dim]", _fmt(v))
    console.print(head)
    for t in report.tables:
        tab = Table(title=t.title)
        for col in ("class", "P", "R", "F1", "tp", "fp", "fn"):
            tab.add_column(col, justify="left" if col == "class" else "right")
        for k, c in sorted(t.counts.items(), key=lambda kv: (-kv[1].support, kv[0])):
            tab.add_row(k, _fmt(c.precision), _fmt(c.recall), _fmt(c.f1),
                        str(c.tp), str(c.fp), str(c.fn))
        m = micro(t.counts)
        tab.add_row("[bold]micro[/bold]", _fmt(m.precision), _fmt(m.recall), _fmt(m.f1),
                    str(m.tp), str(m.fp), str(m.fn))
        tab.add_row("[bold]macro F1[/bold]", "", "", _fmt(macro_f1(t.counts)), "", "", "")
        console.print(tab)
    if report.confusion:
        _render_confusion(console, report.confusion)
    if report.worst:
        tab = Table(title=f"worst errors (first {min(max_worst, len(report.worst))})",
                    show_lines=True)
        for col in ("id", "gold", "predicted", "text"):
            tab.add_column(col, overflow="fold")
        for w in report.worst[:max_worst]:
            tab.add_row(str(w.get("id", "")), str(w.get("gold", "")), str(w.get("pred", "")),
                        str(w.get("text", ""))[:300])
        console.print(tab)
    for n in report.notes:
        console.print(f"[dim]note:[/dim] {n}")


def _render_confusion(console: Any, conf: Counter[tuple[str, str]]) -> None:
    from rich.table import Table

    gold = sorted({g for g, _ in conf})
    pred = sorted({p for _, p in conf})
    tab = Table(title="confusion (rows gold, columns predicted)")
    tab.add_column("gold \\ pred")
    for p in pred:
        tab.add_column(p[:5], justify="right")
    for g in gold:
        cells = []
        for p in pred:
            n = conf.get((g, p), 0)
            cells.append(f"[bold]{n}[/bold]" if g == p and n else (str(n) if n else "."))
        tab.add_row(g, *cells)
    console.print(tab)
