"""Pictures with matplotlib (Agg, no display): the network diagram, the loss curve, the decision
boundary, and boundaries for more and more hidden neurons.

Each figure is drawn into bytes once the numbers are verified, and written beside the document.
Output is deterministic for the same input and matplotlib version: SVG ids come from a fixed hash
salt and no figure records a date.
"""
from __future__ import annotations

import io

import numpy as np

from .. import numeric
from ..ir import Derivation, Figure
from ..spec import Spec
from . import diagram

MAX_DIAGRAM_EDGES = 12  # labelled connections between two layers (more cannot be read)
MAX_DIAGRAM_UNITS = 24  # neurons in all
CURVE_POINTS = 1000
GRID = 200
_STYLE = {"svg.hashsalt": "derive", "svg.fonttype": "path", "font.family": "DejaVu Sans", "font.size": 9,
          "axes.titlesize": 9, "figure.dpi": 100}
_CLASS_COLORS = ("#c8553d", "#2d7dd2")


def plan(spec: Spec, d: Derivation) -> tuple[Figure, ...]:
    """Which figures a document gets, with their file names (drawn by `draw`)."""
    kinds = []
    edges = [(a + (style != "none")) * b for a, b, style in zip(spec.layers, spec.layers[1:], spec.bias)]
    if max(edges) <= MAX_DIAGRAM_EDGES and sum(spec.layers) <= MAX_DIAGRAM_UNITS:
        kinds.append(("network", "svg"))
    if d.training:
        kinds.append(("loss", "svg"))
        if classifier_2d(spec):
            kinds.append(("boundary", "png"))
        if d.training.compared:
            kinds.append(("hidden", "png"))
    return tuple(Figure(kind, f"{spec.name}.{kind}.{ext}") for kind, ext in kinds)


def classifier_2d(spec: Spec) -> bool:
    """Two inputs and a classification loss: the decision boundary can be drawn in the input plane."""
    return spec.layers[0] == 2 and spec.loss in ("bce", "cross_entropy") and spec.layers[-1] <= 2


def needed(formats: tuple[str, ...] | None) -> tuple[bool, bool]:
    """Whether documents in `formats` (None: any) show the figures as drawn, and whether they print them
    (LaTeX and PDF, with an SVG's PDF twin)."""
    if formats is None:
        return True, True
    return bool({"md", "html"} & set(formats)), bool({"tex", "pdf"} & set(formats))


def draw(spec: Spec, d: Derivation, figure: Figure, trained: dict, ext: str | None = None) -> bytes:
    """The image of `figure` as its file's format (or `ext`: pdf, for LaTeX); `trained` holds (spec,
    trained parameters) by "final" and "hidden:<k>"."""
    if figure.kind == "network" and ext is None:
        return diagram.svg(spec, d)  # SVG text of its own: no matplotlib for a document without training
    import matplotlib  # here, not at the top: a document without figures does not wait for it

    with matplotlib.rc_context(_STYLE):
        if figure.kind == "network":
            fig = _network(spec, d)
        elif figure.kind == "loss":
            fig = _loss(d)
        elif figure.kind == "boundary":
            fig, ax = _subplots(figsize=(4.2, 4.2))
            _boundary(ax, *trained["final"])
        elif figure.kind == "hidden":
            fig = _hidden(d, trained)
        else:
            raise ValueError(figure.kind)
        return _save(fig, ext or figure.file.rsplit(".", 1)[-1])


def _subplots(rows: int = 1, columns: int = 1, *, figsize: tuple[float, float], squeeze: bool = True):
    """A figure of its own (matplotlib's object interface: no pyplot state, no display backend)."""
    from matplotlib.figure import Figure as Canvas

    fig = Canvas(figsize=figsize)
    return fig, fig.subplots(rows, columns, squeeze=squeeze)


def _save(fig, ext: str) -> bytes:
    buffer = io.BytesIO()
    metadata = {"Date": None} if ext == "svg" else {"CreationDate": None} if ext == "pdf" else {}
    fig.savefig(buffer, format=ext, metadata=metadata, bbox_inches="tight", dpi=110)
    return buffer.getvalue()


def _plain(text: str) -> str:
    """A user's label as literal text (no mathtext)."""
    return text.replace("$", r"\$")


def _network(spec: Spec, d: Derivation):
    """The network diagram of derive.views.diagram's layout, for LaTeX's PDF twin (the SVG is written
    by derive.views.diagram itself)."""
    from matplotlib.patches import Circle

    plan = diagram.layout(spec, d)
    x0, x1, y0, y1 = plan.bounds
    high = -y0 - 0.6  # half the height of the tallest layer
    size = (1.6 + 1.75 * (x1 - x0 - 1.2) / 2.2, 1.0 + 0.62 * (2 * high + (1.5 if plan.units else 0)))
    fig, ax = _subplots(figsize=size)
    ax.set_axis_off()
    for e in plan.edges:
        (sx, sy), (ex, ey) = e.start, e.end
        ax.plot([sx, ex], [sy, ey], color=e.color, linewidth=0.8, zorder=1)
        x, y = sx + e.fraction * (ex - sx), sy + e.fraction * (ey - sy)
        angle = np.degrees(np.arctan2(ey - sy, ex - sx))
        ax.text(x, y, e.text, fontsize=6, ha="center", va="center", rotation=angle, rotation_mode="anchor", zorder=3,
                bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"})
    for unit in plan.units:
        ax.add_patch(Circle(unit, diagram.UNIT_RADIUS, facecolor="#eeeeee", edgecolor="#555555", zorder=2))
        ax.text(*unit, "1", ha="center", va="center", zorder=4)
    for x, y, label, fill in plan.nodes:
        ax.add_patch(Circle((x, y), diagram.RADIUS, facecolor=fill, edgecolor="#333333", zorder=2))
        ax.text(x, y, _plain(label), ha="center", va="center", fontsize=8, zorder=4)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    return fig


def _loss(d: Derivation):
    training = d.training
    losses = np.array(training.losses)
    steps = np.unique(np.linspace(0, len(losses) - 1, min(CURVE_POINTS, len(losses))).round().astype(int))
    fig, ax = _subplots(figsize=(5.2, 3.2))
    ax.plot(steps, losses[steps], color="#2d7dd2", linewidth=1.2)
    marks = [c.iteration for c in training.checkpoints]
    ax.plot(marks, losses[marks], "o", color="#c8553d", markersize=3)
    if np.all(losses > 0):
        ax.set_yscale("log")
    ax.set_xlabel("k")
    ax.set_ylabel("E")
    ax.grid(True, which="both", linewidth=0.3, alpha=0.6)
    return fig


def _hidden(d: Derivation, trained: dict):
    runs = d.training.compared
    columns = len(runs) if len(runs) <= 3 else -(-len(runs) // 2)  # at most two rows
    rows = -(-len(runs) // columns)
    fig, axes = _subplots(rows, columns, figsize=(2.6 * columns, 2.75 * rows), squeeze=False)
    for ax in axes.ravel()[len(runs):]:
        ax.set_axis_off()
    for ax, run in zip(axes.ravel(), runs):
        _boundary(ax, *trained[f"hidden:{run.hidden}"])
        ax.set_title("-".join(map(str, run.layers)))
        ax.set_xlabel("")
        ax.set_ylabel("")
        ax.tick_params(labelsize=7)
    fig.tight_layout()
    return fig


def _boundary(ax, spec: Spec, arrays: numeric.Arrays) -> None:
    x = np.array(spec.inputs)
    t = np.array(spec.targets)
    low, high = x.min(axis=0), x.max(axis=0)
    pad = 0.1 * np.maximum(high - low, 1e-9)
    gx, gy = np.meshgrid(np.linspace(low[0] - pad[0], high[0] + pad[0], GRID),
                         np.linspace(low[1] - pad[1], high[1] + pad[1], GRID))
    with np.errstate(all="ignore"):
        _, outs = numeric.forward(spec, arrays, np.column_stack([gx.ravel(), gy.ravel()]))
    y = outs[-1]
    score = (y[:, -1] if y.shape[1] == 1 else y[:, 1] - y[:, 0] + 0.5).reshape(gx.shape)
    ax.contourf(gx, gy, score, levels=[-np.inf, 0.5, np.inf], colors=["#f6d5cc", "#d2e3f5"])
    ax.contour(gx, gy, score, levels=[0.5], colors="#333333", linewidths=1.0)
    label = t[:, -1] >= 0.5 if t.shape[1] == 1 else t[:, 1] > t[:, 0]
    for cls, marker in ((0, "x"), (1, "o")):
        chosen = label == bool(cls)
        ax.plot(x[chosen, 0], x[chosen, 1], marker, color=_CLASS_COLORS[cls], markersize=4, linestyle="none",
                label=f"class {cls}")
    ax.set_aspect("equal")
    ax.set_xlabel(_plain(spec.labels[0][0]))
    ax.set_ylabel(_plain(spec.labels[0][1]))
