"""PNG pictures (matplotlib, Agg backend): timelines with alert markers, actor networks
and the detector's validation grid. Each function returns the data it drew."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import networkx as nx

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


def network_png(g: nx.Graph, path: str | Path, centre: str | None = None,
                title: str | None = None, max_labels: int = 40) -> dict[str, Any]:
    """Nodes sized by weighted degree and coloured by community; edges red when hostile,
    grey for co-acting, dotted for knowledge-base ties."""
    import networkx as nx

    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(12, 9), dpi=100)
    if g.number_of_nodes() == 0:
        ax.text(0.5, 0.5, "no actors", ha="center")
    pos = nx.spring_layout(g, weight="weight", seed=7, k=1.8 / max(1, len(g)) ** 0.5)
    degree = dict(g.degree(weight="weight"))
    cmap = plt.get_cmap("tab10")
    for kind, style in (("kb", ":"), ("co", "-"), ("hostile", "-")):
        edges = [(u, v) for u, v, d in g.edges(data=True)
                 if (kind == "kb" and d.get("kb") and not d.get("co_acting")
                     and not d.get("interactions"))
                 or (kind == "co" and d.get("co_acting") and not d.get("interactions"))
                 or (kind == "hostile" and d.get("interactions"))]
        widths = [0.8 + 0.6 * min(g.edges[e]["weight"], 6) for e in edges]
        colours = ["#7f8c8d" if kind != "hostile" else
                   plt.get_cmap("Reds")(0.35 + 0.065 * g.edges[e].get("hostility", 0))
                   for e in edges]
        nx.draw_networkx_edges(g, pos, edgelist=edges, width=widths, edge_color=colours,
                               style=style, ax=ax, alpha=0.8)
    nodes = list(g)
    sizes = [200 + 180 * min(degree[n], 12) for n in nodes]
    colours = [cmap(int(g.nodes[n].get("community", 0)) % 10) for n in nodes]
    nx.draw_networkx_nodes(g, pos, nodelist=nodes, node_size=sizes, node_color=colours,
                           edgecolors=["black" if n == centre else "white" for n in nodes],
                           linewidths=[2.5 if n == centre else 1 for n in nodes], ax=ax)
    ranked = sorted(nodes, key=lambda n: (n != centre, -degree[n], n))[:max_labels]
    labels = {n: _short(str(g.nodes[n].get("name") or n)) for n in ranked}
    for n, text in labels.items():
        x, y = pos[n]
        ax.text(x, y + 0.045, text, fontsize=9, ha="center", va="bottom",
                fontweight="bold" if n == centre else "normal",
                bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none",
                      "alpha": 0.8})
    ax.set_title(title or "actor network")
    ax.text(0.01, 0.01, "red: one acted on the other (darker = more hostile)   grey: same "
            "side of an event   dotted: knowledge-base tie   colour: community",
            transform=ax.transAxes, fontsize=8, color="#555555")
    ax.axis("off")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return {"nodes": len(nodes), "labels": labels}


def _short(name: str, limit: int = 28) -> str:
    return name if len(name) <= limit else name[:limit - 1] + "…"


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
