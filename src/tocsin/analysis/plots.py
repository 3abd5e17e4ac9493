"""PNG pictures (matplotlib, Agg backend): timelines with alert markers and the
detector's validation grid (the actor network: netplot.py). Each function returns the
data it drew."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from tocsin.analysis.alerts import Alert
    from tocsin.analysis.detect import Tests
    from tocsin.analysis.series import Series

LEVEL_COLOURS = {"high": "#c0392b", "medium": "#e67e22", "low": "#f1c40f"}


def _pyplot() -> Any:
    try:
        import matplotlib
    except ImportError:  # an optional dependency: say how to get it
        raise RuntimeError("pictures need matplotlib: pip install matplotlib") from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def timeline_png(s: Series, tests: Tests, alerts: list[Alert], path: str | Path,
                 title: str | None = None) -> dict[str, Any]:
    """Events per bin (bars), rate per 100 documents (line) and alert markers."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(11, 4.8), dpi=110)
    x = np.array(s.bins, dtype="datetime64[D]")
    width = 5.5 if s.by == "week" else 0.8
    ax.bar(x, s.counts, width=width, color="#34495e", label="events", align="edge")
    ax.set_ylabel("events per " + s.by)
    ax2 = ax.twinx()
    rate = s.rate()
    ax2.plot(x + np.timedelta64(3 if s.by == "week" else 0, "D"), rate, color="#2980b9",
             lw=1.4, marker=".", label="per 100 documents")
    ax2.set_ylabel("events per 100 documents", color="#2980b9")
    top = max(float(np.nanmax(s.counts)) if len(s.counts) else 1.0, 1.0)
    marks = []
    for a in alerts:
        colour = LEVEL_COLOURS.get(a.level, "#c0392b")
        day = np.datetime64(a.raised, "D")
        ax.axvline(day, color=colour, ls="--", lw=1.2)
        ax.plot([day], [top * 1.1], marker="v", ms=11, color=colour)
        ax.annotate(f"alert ({a.level}, x{a.rate_ratio:.0f})", (day, top * 1.17),
                    fontsize=8, ha="center", color=colour)
        marks.append({"raised": a.raised, "level": a.level, "id": a.id})
    ax.set_ylim(0, top * 1.3)
    ax.set_title(title or f"{s.kind}: {s.label}")
    ax.grid(axis="y", alpha=0.3)
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, loc="upper left", fontsize=8)
    fig.autofmt_xdate()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return {"bins": s.bins, "counts": s.counts.tolist(), "p": tests.p.tolist(),
            "alerts": marks}


def validation_png(result: dict[str, list[dict[str, Any]]], path: str | Path) -> None:
    """Detection within two weeks by jump size for each baseline rate; false alarms."""
    plt = _pyplot()
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2), dpi=110)
    rates = sorted({r["rate"] for r in result["changes"]})
    for rate in rates:
        rows = [r for r in result["changes"] if r["rate"] == rate]
        ax1.plot([r["jump"] for r in rows], [r["detection"] for r in rows], marker="o",
                 label=f"{rate:g}/week")
        ax1.plot([r["jump"] for r in rows], [r["detection_armed"] for r in rows],
                 marker=".", ls=":", color=ax1.lines[-1].get_color())
    ax1.axhline(0.9, color="grey", lw=0.8, ls="--")
    ax1.set_xlabel("rate multiplier at the change")
    ax1.set_ylabel("share alerted within 2 weeks")
    ax1.set_title("solid: all streams; dotted: no alert open at the change", fontsize=9)
    ax1.set_ylim(0, 1.02)
    ax1.legend(title="baseline", fontsize=8)
    fa = result["false_alarms"]
    idx = np.arange(len(fa))
    ax2.bar(idx - 0.27, [r["per_100_weeks"] for r in fa], 0.27, label="constant coverage")
    ax2.bar(idx, [r["coverage_varying"] for r in fa], 0.27, label="varying coverage")
    ax2.bar(idx + 0.27, [r["coverage_varying_raw_counts"] for r in fa], 0.27,
            label="varying coverage, raw counts")
    ax2.axhline(2, color="grey", lw=0.8, ls="--")
    ax2.set_xticks(idx, [f"{r['rate']:g}/week" for r in fa])
    ax2.set_ylabel("false alarms per 100 weeks")
    ax2.legend(fontsize=8)
    fig.suptitle("Rate-ratio detector on synthetic weekly streams")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
