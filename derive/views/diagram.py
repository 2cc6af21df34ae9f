"""The network diagram: its layout (every neuron, every connection labelled with its weight before
and after the step, the bias units), and that layout written as SVG text.

The SVG is written here, without matplotlib, so that a document without training (most documents)
never imports it: the diagram is circles, lines and text. derive.views.figures draws the same layout
with matplotlib for LaTeX's PDF twin.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

from .. import fmt
from ..ir import Derivation
from ..spec import Spec

LABEL_DIGITS = 4
GAP, STEP = 5.6, 1.5  # the distance between layers, between neurons
RADIUS, UNIT_RADIUS = 0.38, 0.25  # a neuron's circle, a bias unit's
FILLS = ("#dbe9f6", "#fde2c8", "#d7f0d2")  # inputs, hidden layers, outputs
SCALE = 44.0  # SVG pixels per unit of the layout
FONT = "DejaVu Sans, Verdana, Arial, sans-serif"
LABEL_SIZE = 8.5  # pixels, an edge label's


@dataclass(frozen=True)
class Edge:
    start: tuple[float, float]
    end: tuple[float, float]
    text: str
    fraction: float  # where along the edge its label sits
    color: str


@dataclass(frozen=True)
class Layout:
    """Everything the diagram shows, in layout units (y up)."""

    nodes: tuple[tuple[float, float, str, str], ...]  # x, y, label, fill
    units: tuple[tuple[float, float], ...]  # the bias units (each shows "1")
    edges: tuple[Edge, ...]
    bounds: tuple[float, float, float, float]  # x0, x1, y0, y1


def layout(spec: Spec, d: Derivation) -> Layout:
    layers = spec.layers
    biased = any(style != "none" for style in spec.bias)
    position = {}
    for l, labels in enumerate(spec.labels):
        top = STEP * (len(labels) - 1) / 2
        for j in range(len(labels)):
            position[(l, j)] = (l * GAP, top - STEP * j)
    high = STEP * (max(layers) - 1) / 2
    fills = [FILLS[0]] + [FILLS[1]] * (len(layers) - 2) + [FILLS[2]]
    nodes = tuple((x, y, spec.labels[l][j], fills[l]) for (l, j), (x, y) in position.items())
    edges: list[Edge] = []
    units = []
    for l in range(1, len(layers)):
        unit = (position[(l - 1, 0)][0], high + 1.3)
        edges += _connections(spec, d, l, position, unit)
        if spec.bias[l - 1] != "none":
            units.append(unit)
    bounds = (-0.6, (len(layers) - 1) * GAP + 0.6, -high - 0.6, high + (1.7 if biased else 0.6))
    return Layout(nodes, tuple(units), tuple(edges), bounds)


def _connections(spec: Spec, d: Derivation, l: int, position: dict, unit: tuple[float, float]) -> list[Edge]:
    """The edges into layer l, each labelled with its parameter, spread along the layer gap: level edges
    are labelled midway, the others alternately near the source's and the target's end, away from the
    middle where the edges of two layers cross."""
    rows = {(row.layer, row.dest, row.source): row for row in d.parameters}
    updated = {row.name: row.updated.value for row in d.summary}
    found = []
    for j, dest in enumerate(spec.labels[l]):
        if spec.bias[l - 1] != "none":
            found.append((unit, position[(l, j)], rows.get((l, dest, None)) or rows[(l, None, None)], "#b0b0b0"))
        for k, source in enumerate(spec.labels[l - 1]):
            found.append((position[(l - 1, k)], position[(l, j)], rows[(l, dest, source)], "#777777"))
    edges = []
    for i, (start, end, row, color) in enumerate(found):
        fraction = 0.5 if abs(start[1] - end[1]) < 1e-9 else 0.27 if i % 2 == 0 else 0.73
        text = f"{row.name} = {fmt.plain(row.value.value, LABEL_DIGITS)}"
        if row.name in updated:
            text += f" \u2192 {fmt.plain(updated[row.name], LABEL_DIGITS)}"
        edges.append(Edge(start, end, text, fraction, color))
    return edges


def svg(spec: Spec, d: Derivation) -> bytes:
    """The diagram as a standalone SVG file (deterministic: coordinates to two decimals)."""
    plan = layout(spec, d)
    x0, x1, y0, y1 = plan.bounds
    width, height = (x1 - x0) * SCALE, (y1 - y0) * SCALE

    def at(x: float, y: float) -> tuple[str, str]:
        return f"{(x - x0) * SCALE:.2f}", f"{(y1 - y) * SCALE:.2f}"

    parts = ['<?xml version="1.0" encoding="utf-8"?>',
             f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.2f}" height="{height:.2f}" '
             f'viewBox="0 0 {width:.2f} {height:.2f}" font-family="{FONT}">',
             f'<rect width="{width:.2f}" height="{height:.2f}" fill="#ffffff"/>']
    for e in plan.edges:
        (ax, ay), (bx, by) = at(*e.start), at(*e.end)
        parts.append(f'<line x1="{ax}" y1="{ay}" x2="{bx}" y2="{by}" stroke="{e.color}" stroke-width="1.1"/>')
    for e in plan.edges:
        (sx, sy), (ex, ey) = e.start, e.end
        x, y = at(sx + e.fraction * (ex - sx), sy + e.fraction * (ey - sy))
        angle = -math.degrees(math.atan2(ey - sy, ex - sx))
        # a white box under the label, as wide as its characters are on average (0.56 em in DejaVu Sans)
        w, h = len(e.text) * LABEL_SIZE * 0.56 + 4, LABEL_SIZE + 3
        parts.append(f'<g transform="rotate({angle:.2f} {x} {y})"><rect x="{float(x) - w / 2:.2f}" '
                     f'y="{float(y) - h / 2:.2f}" width="{w:.2f}" height="{h:.2f}" rx="2" fill="#ffffff"/>'
                     f'<text x="{x}" y="{y}" font-size="{LABEL_SIZE}" text-anchor="middle" '
                     f'dominant-baseline="central">{escape(e.text)}</text></g>')
    for x, y in plan.units:
        cx, cy = at(x, y)
        parts += [f'<circle cx="{cx}" cy="{cy}" r="{UNIT_RADIUS * SCALE:.2f}" fill="#eeeeee" stroke="#555555"/>',
                  f'<text x="{cx}" y="{cy}" font-size="12" text-anchor="middle" dominant-baseline="central">1</text>']
    for x, y, label, fill in plan.nodes:
        cx, cy = at(x, y)
        parts += [f'<circle cx="{cx}" cy="{cy}" r="{RADIUS * SCALE:.2f}" fill="{fill}" stroke="#333333"/>',
                  f'<text x="{cx}" y="{cy}" font-size="11" text-anchor="middle" '
                  f'dominant-baseline="central">{escape(label)}</text>']
    parts.append("</svg>")
    return ("\n".join(parts) + "\n").encode("utf-8")
