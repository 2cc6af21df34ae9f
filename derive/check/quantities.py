"""The quantities a walkthrough may print: every quantity of one step from the step engine, the small
intermediate numbers walkthroughs write (each term of a net input, 1 - out, e^-in, t - out, updates at
other learning rates), and with training the loss after every iteration and what the training's
cross-check computes; each with a readable name and a pattern of the symbols that name it. An index
sorted by value answers which of them a written number can be."""
from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass

import numpy as np

from ..crosscheck import check_training
from ..numeric import Arrays, engine, loop
from ..spec import Spec

@dataclass(frozen=True)
class Quantity:
    key: str
    name: str  # readable: out_h1, dE/dw5, w5+ (lr 0.5)
    value: float
    pattern: re.Pattern | None = None  # matches a normalized left-hand side that names this quantity


def norm(text: str) -> str:
    """A left-hand side reduced to letters and digits: {\\rm out}_{h_2} -> outh2, \\sigma_{O_1} -> sigmao1."""
    text = re.sub(r"\^\{\(\d+\)\}", "", text)  # a sample's superscript: (E_o1)^{(2)}
    text = re.sub(r"\\(rm|mathrm|text|mathit|left|right|,|;|!|quad|qquad)\b", "", text)
    text = re.sub(r"\\(partial)", "d", text)
    text = re.sub(r"\\([a-zA-Z]+)", r"\1", text)
    return re.sub(r"[^0-9a-z+'总/]", "", text.lower())


def _label(label: str) -> str:
    return re.escape(norm(label))


def quantities(spec: Spec, rates: tuple[float, ...] = ()) -> list[Quantity]:
    """Every quantity of one step of `spec` (and the updates at each rate in `rates`)."""
    values = engine.quantities(spec)
    several = spec.samples > 1
    found: list[Quantity] = []

    def add(key: str, name: str, value: float, pattern: str | None = None):
        found.append(Quantity(key, name, float(value), re.compile(pattern) if pattern else None))

    for key, value in values.items():
        parts = key.split(":")
        sample = ""
        if parts[0].isdigit():
            sample = f" (sample {int(parts[0]) + 1})" if several else ""
            parts = parts[1:]
        kind, rest = parts[0], parts[1:]
        if kind in ("x", "t", "in", "out", "E", "delta", "dE/dout", "dout/din") and len(rest) == 1:
            label = rest[0]
            lab = _label(label)
            pattern = {"x": rf"^{lab}$", "t": rf"^(t|target|o)?{lab}$", "in": rf"^(in|net|z){lab}$",
                       "out": rf"^(out|a|y){lab}$", "E": rf"^e(out)?{lab}$", "delta": rf"^(delta|sigma){lab}$",
                       "dE/dout": rf"^fracde(总|total|tot)?dout{lab}$", "dout/din": rf"^fracdout{lab}din{lab}$"}[kind]
            name = {"dE/dout": f"dE/dout_{label}", "dout/din": f"dout_{label}/din_{label}"}.get(kind, f"{kind}_{label}")
            add(key, name + sample, value, pattern)
        elif kind == "dout/din" and len(rest) == 2:  # a softmax layer's Jacobian entry
            add(key, f"dout_{rest[0]}/din_{rest[1]}{sample}", value,
                rf"^fracdout{_label(rest[0])}din{_label(rest[1])}$")
        elif kind == "E" and not rest:
            add(key, f"E_total{sample}", value, r"^e(总|total|tot)?$")
        elif kind == "param":
            add(key, rest[0], value, rf"^{_label(rest[0])}$")
        elif kind == "grad":
            add(key, f"dE/d{rest[0]}", value, rf"^fracde(总|total|tot)?d{_label(rest[0])}$")
        elif kind == "updated":
            add(key, f"{rest[0]}+ (lr {spec.learning_rate:g})", value,
                rf"^{_label(rest[0])}(\+|'|new|\^\+|\^new)$")
        elif kind == "path":  # delta of rest[1] times the weight from rest[0]: dE_o1/dout_h1 for an output o1
            add(key, f"path {rest[0]}->{rest[1]}{sample}", value,
                rf"^fracde(out)?{_label(rest[1])}d(out)?{_label(rest[0])}$")
        elif kind == "lr":
            add(key, f"learning rate {value:g}", value, r"^(alpha|eta|lr)$")
        elif kind == "dE/dp":  # one sample's gradient
            add(key, f"dE/d{rest[0]}{sample}", value, rf"^fracde(总|total|tot)?d{_label(rest[0])}$")
        elif kind in ("din/dout", "din/dp", "l2", "m", "reg", "objective", "unit"):
            add(key, key, value)
    # the small steps walkthroughs write out
    for key, value in values.items():
        parts = key.split(":")
        if len(parts) == 3 and parts[1] == "out":
            add(f"{key}:complement", f"1 - out_{parts[2]}", 1.0 - value)
        if len(parts) == 3 and parts[1] == "in":
            add(f"{key}:exp", f"e^-in_{parts[2]}", math.exp(-value) if value > -700 else math.inf)
            add(f"{key}:exp1", f"1 + e^-in_{parts[2]}", 1.0 + (math.exp(-value) if value > -700 else math.inf))
        if len(parts) == 3 and parts[1] == "t":
            out = values.get(f"{parts[0]}:out:{parts[2]}")
            if out is not None:
                add(f"{key}:error", f"t - out_{parts[2]}", value - out)
                add(f"{key}:error2", f"(t - out_{parts[2]})^2", (value - out) ** 2)
    arrays = Arrays.from_spec(spec)
    x = np.array(spec.inputs, dtype=np.float64)
    _, outs = engine.forward(spec, arrays, x)
    for p in spec.parameters():  # each term w * source of a net input
        if p.kind == "weight":
            for s in range(spec.samples):
                add(f"{s}:term:{p.name}", f"{p.name} x {spec.labels[p.layer - 1][p.src]}",
                    p.value * outs[p.layer - 1][s, p.src])
    if spec.iterations and spec.learning_rate is not None:
        found += _training(spec)
    for rate in rates:
        if rate != spec.learning_rate:
            add(f"lr@{rate:g}", f"learning rate {rate:g}", rate, r"^(alpha|eta|lr)$")
        for p in spec.parameters():
            if f"grad:{p.name}" in values and rate != spec.learning_rate:
                add(f"updated:{p.name}@{rate:g}", f"{p.name}+ (lr {rate:g})", p.value - rate * values[f"grad:{p.name}"],
                    rf"^{_label(p.name)}(\+|'|new|\^\+|\^new)$")
    return found


def _training(spec: Spec) -> list[Quantity]:
    """The numbers of training: the loss after every iteration, and what derive.crosscheck.check_training computes
    independently (losses at the checkpoints, final parameters and outputs, drops, accuracy), for the
    spec and for each network of its hidden-size comparison."""
    found = []
    for prefix, variant in [("train:", spec)] + [(f"train:hidden:{v.layers[1]}:", v) for v in spec.compare_hidden]:
        history = loop.run(variant)
        where = "" if variant is spec else f" ({variant.layers[1]} hidden)"
        found += [Quantity(f"{prefix}loss@{k}", f"E after {k} iterations{where}", loss)
                  for k, loss in enumerate(history.losses)]
        for key, value in check_training(variant, history).items():
            name = key[len("train:"):].replace(":", " ")
            found.append(Quantity(prefix + key[len("train:"):], f"{name} after training{where}", value))
    return found


class Index:
    """The quantities sorted by value, for the questions `_classify` asks of each number: which lie
    within a distance of a value (in list order), which is nearest relatively (the earlier one of a
    tie among the candidates), which a symbol names; in logarithmic instead of linear time, since a
    long training's document holds thousands of numbers and tens of thousands of quantities."""

    def __init__(self, known: list[Quantity]):
        known = [q for q in known if math.isfinite(q.value)]  # an overflowed e^-in is no number written
        self.known = known
        self.order = sorted(range(len(known)), key=lambda i: known[i].value)
        self.values = [known[i].value for i in self.order]
        self._named: dict[str, list[Quantity]] = {}

    def _span(self, low: float, high: float) -> list[int]:
        """Original positions of the quantities with low <= value <= high, in original order."""
        return sorted(self.order[bisect.bisect_left(self.values, low):bisect.bisect_right(self.values, high)])

    def within(self, value: float, distance: float) -> list[Quantity]:
        return [self.known[i] for i in self._span(value - distance, value + distance)]

    def nearest(self, value: float) -> Quantity:
        """The quantity of least |q - value| / max(|q|, 1e-12). That distance falls towards `value` from
        either side, and among values of the other sign it falls with |q|: so the least is among the
        neighbours of `value` in sorted order (every quantity equal to either) and the two extremes.
        For 0 every quantity beyond the floor is at distance 1, a tie the list order breaks: a scan."""
        if value == 0:
            return min(self.known, key=lambda q: abs(q.value) / max(abs(q.value), 1e-12))
        at = bisect.bisect_left(self.values, value)
        candidates = set()
        for k in (at - 1, at, 0, len(self.values) - 1):
            if 0 <= k < len(self.values):
                candidates.update(self._span(self.values[k], self.values[k]))
        below = bisect.bisect_left(self.values, -1e-12)  # every quantity within the floor around 0
        candidates.update(self.order[below:bisect.bisect_right(self.values, 1e-12)])

        def distance(q: Quantity) -> float:
            return abs(q.value - value) / max(abs(q.value), 1e-12)

        return min((self.known[i] for i in sorted(candidates)), key=distance)

    def named(self, symbol: str) -> list[Quantity]:
        if symbol not in self._named:
            normal = norm(symbol)
            self._named[symbol] = [q for q in self.known if q.pattern is not None and q.pattern.search(normal)]
        return self._named[symbol]
