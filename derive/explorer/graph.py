"""The explorer's computational graph, as SVG: every neuron with its net input, output and delta (of
the first sample), every connection with its weight and its gradient, every number a live element
(derive.explorer.numbers) that the page rewrites as the values change. A connection is a button: it
takes the reader to its parameter's chain rule in the worked solution."""
from __future__ import annotations

from html import escape

from .. import keys
from ..spec import Spec
from .numbers import text

GAP, MARGIN, UNIT = 380.0, 30.0, 11.0  # pixels: between layers, around, a bias unit's radius
BOX_W, CHIP_W, PORT = 104.0, 150.0, 17.0  # a neuron's box, an edge label's, the distance between two ports
FILLS = ("#dbe9f6", "#fde2c8", "#d7f0d2")  # inputs, hidden layers, outputs
LINE = 12.5  # pixels between the lines of a box


def svg(spec: Spec, values: dict[str, float], title: str) -> str:
    """The graph of `spec` at `values` (derive's quantities by key). Each neuron's incoming connections
    end at ports on its left, one each (its bias first), where a label shows the parameter's value and
    gradient: labels never overlap, however many edges cross between the layers."""
    training = spec.learning_rate is not None
    into: dict[tuple[int, int], list] = {}  # (layer, neuron) -> its parameters, bias first
    for p in sorted(spec.parameters(), key=lambda p: (p.kind == "weight", p.src or 0)):
        for j in (range(len(spec.labels[p.layer])) if p.dest is None else [p.dest]):
            into.setdefault((p.layer, j), []).append(p)
    box = max(62.0, PORT * max(len(found) for found in into.values()) + 12)
    step = box + 34
    top = MARGIN + box / 2 + (40.0 if any(style != "none" for style in spec.bias) else 0.0)
    high = max(spec.layers)
    height = top + step * (high - 1) + box / 2 + MARGIN
    width = 2 * MARGIN + GAP * (len(spec.layers) - 1) + BOX_W

    def at(l: int, j: int) -> tuple[float, float]:
        return MARGIN + BOX_W / 2 + GAP * l, top + step * (high - len(spec.labels[l])) / 2 + step * j

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="graph" width="{width:.0f}" height="{height:.0f}" '
             f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-label="{escape(title)}">']
    chips = _edges(spec, into, at, values, training, parts)
    for l in range(1, len(spec.layers)):
        if spec.bias[l - 1] != "none":
            ux, uy = _unit(spec, l, at)
            parts.append(f'<circle cx="{ux:.1f}" cy="{uy:.1f}" r="{UNIT:.1f}" class="unit"/>'
                         f'<text x="{ux:.1f}" y="{uy:.1f}" class="name">1</text>')
    for l, group in enumerate(spec.labels):
        for j, label in enumerate(group):
            parts.append(_neuron(spec, l, label, at(l, j), box, values, training))
    return "\n".join([*parts, *chips, "</svg>"])


def _edges(spec: Spec, into: dict, at, values: dict[str, float], training: bool, parts: list[str]) -> list[str]:
    """Every connection's line (into `parts`) and its label at its port (returned, drawn last)."""
    chips = []
    for (l, j), found in into.items():
        x, y = at(l, j)
        left = x - BOX_W / 2
        for n, p in enumerate(found):
            port = y + PORT * (n - (len(found) - 1) / 2)
            if p.kind == "weight":
                sx, sy = at(l - 1, p.src)
                start = (sx + BOX_W / 2, sy)
            else:
                start = _unit(spec, l, at)
            parts.append(f'<line x1="{start[0]:.1f}" y1="{start[1]:.1f}" x2="{left - CHIP_W:.1f}" y2="{port:.1f}" '
                         f'class="{p.kind}"/>')
            chips.append(_chip(p.name, left - CHIP_W, port, values, training))
    return chips


def _neuron(spec: Spec, l: int, label: str, centre: tuple[float, float], box: float, values: dict[str, float],
            training: bool) -> str:
    """A unit's box: its label, then its input (an input unit), or its net input, output and delta."""
    x, y = centre
    fill = FILLS[0 if l == 0 else 2 if l == len(spec.labels) - 1 else 1]
    lines = ([("x", keys.x(0, label))] if l == 0 else
             [("in", keys.net(0, label)), ("out", keys.out(0, label))]
             + ([("\u03b4", keys.delta(0, label))] if training else []))
    first = y - LINE * len(lines) / 2
    return (f'<rect x="{x - BOX_W / 2:.1f}" y="{y - box / 2:.1f}" width="{BOX_W:.1f}" height="{box:.1f}" rx="8" '
            f'fill="{fill}" class="neuron"/><text x="{x:.1f}" y="{first - 1:.1f}" class="name">{escape(label)}</text>'
            + "".join(f'<text x="{x:.1f}" y="{first + LINE * (n + 1):.1f}" class="value">{name} = '
                      f'{text(key, values[key])}</text>' for n, (name, key) in enumerate(lines)))


def _unit(spec: Spec, l: int, at) -> tuple[float, float]:
    """Where the bias unit of layer l stands: above the previous layer, to the right of its boxes."""
    x, _ = at(l - 1, 0)
    return x + BOX_W / 2 + 30, MARGIN + UNIT


def _chip(name: str, x: float, y: float, values: dict[str, float], training: bool) -> str:
    """A parameter's label at the port its edge ends in: its value and gradient; a button to its chain
    rule."""
    row = f'{escape(name)} = {text(keys.param(name), values[keys.param(name)])}'
    if training and keys.gradient(name) in values:
        row += f' \u2202 {text(keys.gradient(name), values[keys.gradient(name)])}'
    return (f'<g class="edge" data-param="{escape(name)}" tabindex="0" role="button">'
            f'<rect x="{x:.1f}" y="{y - PORT / 2 + 1:.1f}" width="{CHIP_W - 2:.1f}" height="{PORT - 2:.1f}" rx="3"/>'
            f'<text x="{x + 4:.1f}" y="{y:.1f}" class="label">{row}</text></g>')
