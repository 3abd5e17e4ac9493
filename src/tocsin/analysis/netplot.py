"""The actor network as a PNG: the top actors by weighted degree, labels that never overlap.

A whole store's network is hundreds of actors; drawn whole it is a hairball whose labels
cover each other. The picture keeps the ``max_nodes`` actors of highest weighted degree
(the centre always), labels the ``max_labels`` first of them, and places each label, in
that order, at the first of several spots around its node (above, below, beside, then
farther out) where its box overlaps no label already placed and no other node; a label
with no free spot is left out (and reported) rather than drawn over another.

Drawn with matplotlib's object API (no pyplot state), so the server may draw pictures
on several threads at once.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    import networkx as nx
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase
    from matplotlib.transforms import Bbox

# Colours of actor kinds, as on the web page (network.js).
KIND_COLOURS = {"state": "#4d4d4d", "government": "#878787", "military": "#4d7c3a",
                "police": "#6a8caf", "militia": "#b2182b", "rebel": "#d6604d",
                "party": "#762a83", "organization": "#8c510a", "person": "#2166ac",
                "civilians": "#e0a526", "media": "#35978f", "unknown": "#999999"}
Box = tuple[float, float, float, float]
# Spots around a node, as multiples of (its radius + a gap), tried in this order.
_SPOTS = [(0, 1), (0, -1), (1, 0), (-1, 0), (1, 1), (-1, 1), (1, -1), (-1, -1)]
_RINGS = (1.0, 1.9, 2.8, 3.8, 5.0)


def _short(name: str, limit: int = 28) -> str:
    return name if len(name) <= limit else name[:limit - 1] + "…"


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _hits_circle(box: Box, cx: float, cy: float, r: float) -> bool:
    nx_, ny_ = min(max(cx, box[0]), box[2]), min(max(cy, box[1]), box[3])
    return (nx_ - cx) ** 2 + (ny_ - cy) ** 2 < r * r


def _box(bb: Bbox, pad: float = 2.0) -> Box:
    return (bb.x0 - pad, bb.y0 - pad, bb.x1 + pad, bb.y1 + pad)


def place_labels(ax: Axes, renderer: RendererBase, pos: dict[str, Any],
                 radii: dict[str, float], texts: dict[str, str], bold: str | None = None
                 ) -> tuple[dict[str, Box], list[str]]:
    """Labels for ``texts`` (in its order) where none overlaps another or a node; returns
    each placed label's box in display pixels and the nodes left unlabelled."""
    to_px = ax.transData.transform
    centres: dict[str, tuple[float, float]] = {}
    for n in pos:
        x, y = to_px(pos[n])
        centres[n] = (float(x), float(y))
    frame = _box(ax.get_window_extent(renderer), 0.0)
    placed: dict[str, Box] = {}
    left_out: list[str] = []
    pt = ax.figure.dpi / 72.0
    for n, text in texts.items():
        r = radii[n] / pt  # offsets are in points
        for ring in _RINGS:
            found = None
            for dx, dy in _SPOTS:
                off = ((r + 4) * ring * dx, (r + 3) * ring * dy)
                t = ax.annotate(text, pos[n], xytext=off, textcoords="offset points",
                                fontsize=8.5, fontweight="bold" if n == bold else "normal",
                                ha="center" if dx == 0 else ("left" if dx > 0 else "right"),
                                va="center" if dy == 0 else ("bottom" if dy > 0 else "top"),
                                bbox={"boxstyle": "round,pad=0.15", "fc": "white",
                                      "ec": "none", "alpha": 0.85}, zorder=5)
                box = _box(t.get_window_extent(renderer))
                inside = (box[0] >= frame[0] and box[2] <= frame[2]
                          and box[1] >= frame[1] and box[3] <= frame[3])
                if inside and not any(_overlaps(box, b) for b in placed.values()) and not any(
                        _hits_circle(box, centres[m][0], centres[m][1], radii[m])
                        for m in pos if m != n):
                    found = box
                    break
                t.remove()
            if found:
                placed[n] = found
                if ring > 1:  # a label set apart from its node gets a leader line
                    inv = ax.transData.inverted().transform
                    cx, cy = centres[n]
                    end = inv((min(max(cx, found[0]), found[2]), min(max(cy, found[1]), found[3])))
                    ax.plot([pos[n][0], end[0]], [pos[n][1], end[1]], color="#777777", lw=0.6,
                            zorder=4)
                break
        else:
            left_out.append(n)
    return placed, left_out


def top_nodes(g: nx.Graph, max_nodes: int, centre: str | None = None) -> list[str]:
    degree = dict(g.degree(weight="weight"))
    return sorted(g, key=lambda n: (n != centre, -degree[n], n))[:max_nodes]


def network_png(g: nx.Graph, path: str | Path | IO[bytes], centre: str | None = None,
                title: str | None = None, max_nodes: int = 60, max_labels: int = 25,
                colour_by: str = "community") -> dict[str, Any]:
    """Draw the top ``max_nodes`` actors: size by weighted degree, colour by community
    (or by actor kind), red edges where one acted on the other (darker: more hostile),
    grey where they stood on the same side, dotted for knowledge-base ties."""
    import networkx as nx
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    fig = Figure(figsize=(12, 9), dpi=100)
    canvas = FigureCanvasAgg(fig)
    ax = fig.add_axes((0.01, 0.05, 0.98, 0.86))
    ax.axis("off")
    keep = top_nodes(g, max_nodes, centre)
    sub = g.subgraph(keep)
    fig.suptitle(title or "actor network", y=0.985)
    if not keep:
        ax.text(0.5, 0.5, "no actors", ha="center", transform=ax.transAxes)
    pos = _layout(sub) if keep else {}
    if pos:  # fixed limits: label boxes are measured against this frame
        xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
        mx, my = (max(xs) - min(xs)) * 0.12 + 0.05, (max(ys) - min(ys)) * 0.08 + 0.05
        ax.set_xlim(min(xs) - mx, max(xs) + mx)
        ax.set_ylim(min(ys) - my, max(ys) + my)
    degree = dict(sub.degree(weight="weight"))
    reds = _cmap("Reds")
    for kind, style in (("kb", ":"), ("co", "-"), ("hostile", "-")):
        edges = [(u, v) for u, v, d in sub.edges(data=True)
                 if (kind == "kb" and d.get("kb") and not d.get("co_acting")
                     and not d.get("interactions"))
                 or (kind == "co" and d.get("co_acting") and not d.get("interactions"))
                 or (kind == "hostile" and d.get("interactions"))]
        nx.draw_networkx_edges(
            sub, pos, edgelist=edges, ax=ax, style=style, alpha=0.75,
            width=[0.6 + 0.5 * min(math.log2(1 + sub.edges[e]["weight"]), 6) for e in edges],
            edge_color=["#9aa3a8" if kind != "hostile" else
                        reds(0.35 + 0.065 * sub.edges[e].get("hostility", 0)) for e in edges])
    top = max(degree.values(), default=1) or 1
    sizes = {n: 80 + 720 * math.sqrt(degree[n] / top) for n in keep}
    if colour_by == "community":
        tab = _cmap("tab10")
        colours = [tab(int(sub.nodes[n].get("community", 0)) % 10) for n in keep]
    else:
        colours = [KIND_COLOURS.get(str(sub.nodes[n].get("type") or "unknown"), "#999999")
                   for n in keep]
    nx.draw_networkx_nodes(sub, pos, nodelist=keep, node_size=[sizes[n] for n in keep],
                           node_color=colours, ax=ax,
                           edgecolors=["black" if n == centre else "white" for n in keep],
                           linewidths=[2.5 if n == centre else 1 for n in keep])
    pt = fig.dpi / 72.0  # node_size is an area in points²
    radii = {n: math.sqrt(sizes[n]) / 2 * pt for n in keep}
    texts = {n: _short(str(sub.nodes[n].get("name") or n)) for n in keep[:max_labels]}
    boxes, unlabelled = place_labels(ax, canvas.get_renderer(), pos, radii, texts,
                                     bold=centre)
    note = ("red: one acted on the other (darker = more hostile)   grey: same side of an "
            "event   dotted: knowledge-base tie   ")
    if colour_by == "community":
        note += "colour: community"
    elif keep:
        kinds = sorted({str(sub.nodes[n].get("type") or "unknown") for n in keep})
        fig.legend(handles=[Line2D([], [], marker="o", ls="", color=KIND_COLOURS.get(k, "#999"),
                                   label=k) for k in kinds], loc="upper center", fontsize=8,
                   frameon=False, ncol=min(len(kinds), 12), bbox_to_anchor=(0.5, 0.955))
    fig.text(0.01, 0.015, note + f"   {len(keep)} of {g.number_of_nodes()} actors, the "
             f"{len(boxes)} most connected labelled", fontsize=8, color="#555555")
    fig.savefig(path, format="png")
    return {"nodes": keep, "labels": {n: texts[n] for n in boxes}, "boxes": boxes,
            "unlabelled": unlabelled}


def _layout_one(g: nx.Graph) -> dict[str, tuple[float, float]]:
    """One component in the unit square: Kamada-Kawai on hops, then a few spring steps on
    log weights (hubs tied by hundreds of events would otherwise land on each other)."""
    import networkx as nx

    if len(g) == 1:
        return {next(iter(g)): (0.5, 0.5)}
    soft = nx.Graph()
    soft.add_nodes_from(g)
    soft.add_weighted_edges_from((u, v, 1 + math.log(d.get("weight", 1)))
                                 for u, v, d in g.edges(data=True))
    start = nx.kamada_kawai_layout(soft, weight=None) if len(soft) > 2 else None
    raw = nx.spring_layout(soft, pos=start, weight="weight", seed=7, iterations=30,
                           k=2.0 / len(soft) ** 0.5)
    xs, ys = [p[0] for p in raw.values()], [p[1] for p in raw.values()]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    return {n: ((p[0] - min(xs)) / span, (p[1] - min(ys)) / span) for n, p in raw.items()}


def _layout(g: nx.Graph) -> dict[str, tuple[float, float]]:
    """The largest component fills the frame; the small ones sit in rows beneath it, so
    that they do not stretch the frame and squeeze the core."""
    import networkx as nx

    comps = sorted(nx.connected_components(g), key=lambda c: (-len(c), min(c)))
    pos = _layout_one(g.subgraph(comps[0]))
    cols = 8
    for i, comp in enumerate(comps[1:]):
        row, col = divmod(i, cols)
        for n, (x, y) in _layout_one(g.subgraph(comp)).items():
            pos[n] = ((col + 0.2 + 0.6 * x) / cols, -0.08 - 0.16 * row - 0.1 * (1 - y))
    return pos


def _cmap(name: str) -> Any:
    import matplotlib

    return matplotlib.colormaps[name]
