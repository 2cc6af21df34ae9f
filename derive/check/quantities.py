"""The quantities a walkthrough may print: every quantity of one step from the step engine, the small
intermediate numbers walkthroughs write (each term of a net input, 1 - out, e^-in, t - out, each
update's step learning rate x gradient, updates at other learning rates, the forward pass after the
update), and with training the loss after every iteration and what the training's
cross-check computes; each with a readable name and a pattern of the symbols that name it. An index
sorted by value answers which of them a written number can be."""
from __future__ import annotations

import bisect
import dataclasses
import math
import re
from dataclasses import dataclass

import numpy as np

from .. import keys
from ..crosscheck import check_training
from ..numeric import Arrays, engine, loop
from ..spec import Spec
from ..spec.parse import MAX_ITERATIONS
from ..spec.schedule import percent_drop, tail_start
from ..spec.size import TRAINING_WORK


@dataclass(frozen=True)
class Quantity:
    key: str  # derive.keys; reports name it by keys.readable
    value: float
    pattern: re.Pattern | None = None  # matches a normalized left-hand side that names this quantity
    spread: float = 0.0  # how far float64's rounding moves it: a trained number's distance to its shadow runs'


def norm(text: str) -> str:
    """A left-hand side reduced to letters and digits: {\\rm out}_{h_2} -> outh2, \\sigma_{O_1} -> sigmao1."""
    # a sample's superscript, after a group: (E_o1)^{(2)}, {out_h1}^{(2)}; after a letter, a^{(2)}_1 is
    # Ng's layer 2 and stays
    text = re.sub(r"(?<=[})])\^\{\(\d+\)\}", "", text)
    text = re.sub(r"\\(rm|mathrm|text|mathit|left|right|,|;|!|quad|qquad)\b", "", text)
    text = re.sub(r"\\(partial)", "d", text)
    text = re.sub(r"\\([a-zA-Z]+)", r"\1", text)
    return re.sub(r"[^0-9a-z+'总/]", "", text.lower())


def _label(label: str) -> str:
    return re.escape(norm(label))


# kind -> how a walkthrough's left-hand side names the quantity (normalized by `norm`), {0} and {1} the
# key's arguments; the quantities of the other kinds are found by value only
_TOTAL = "(总|total|tot)?"
_PATTERNS = {
    "x": "^{0}$", "t": "^(t|target|o)?{0}$", "in": "^(in|net|z){0}$", "out": "^(out|a|y){0}$",
    "E": "^e(out)?{0}$", "E0": f"^e{_TOTAL}$", "delta": "^(delta|sigma){0}$", "dE/dout": f"^fracde{_TOTAL}dout{{0}}$",
    "dout/din": "^fracdout{0}din{0}$", "dout/din2": "^fracdout{0}din{1}$", "param": "^{0}$",
    "grad": f"^fracde{_TOTAL}d{{0}}$", "dE/dp": f"^fracde{_TOTAL}d{{0}}$", "updated": r"^{0}(\+|'|new|\^\+|\^new)$",
    "path": "^fracde(out)?{1}d(out)?{0}$", "lr": "^(alpha|eta|lr)$",
}


def _pattern(key: str, places: dict[str, tuple[int, int]] | None = None) -> re.Pattern | None:
    r"""What names the quantity `key`: its labels in derive's own patterns and, with `places` (a label's
    layer and index), the layer-and-index names of the other notations (a^2_1, z^{(2)}_1, \delta^2_1,
    w^2_{12}, \Theta^{(1)}_{12}), whatever the spec's labels."""
    k = keys.parse(key)
    kind = k.form
    pattern = _PATTERNS.get(kind)
    if not pattern:
        return None
    alternatives = [pattern.format(*map(_label, k.args))]
    if places:
        alternatives += _structural(kind, k.args, places)
    return re.compile("|".join(f"(?:{a})" for a in alternatives))


_NEURON_NAMES = {"in": "z", "out": "a", "delta": "delta"}


def _structural(kind: str, args: tuple[str, ...], places: dict[str, tuple[int, int]]) -> list[str]:
    """Nielsen's and Ng's names of a neuron's quantity (layers counted from the input's 1) or a parameter."""
    if kind in _NEURON_NAMES and args and args[0] in places:
        layer, j = places[args[0]]
        return [f"^{_NEURON_NAMES[kind]}{layer}{j}$"]
    if kind == "param" and args[0] in places:
        layer, j, k = places[args[0]]
        if k:  # a weight: w^l_{jk} (into layer l), Theta^(l-1)_{jk}
            return [f"^w{layer}{j}{k}$", f"^theta{layer - 1}{j}{k}$"]
        return [f"^b{layer}{j}$", f"^theta{layer - 1}{j}0$"]
    return []


def _places(spec: Spec) -> dict[str, tuple]:
    """Each neuron label's (layer, index) and each parameter's (layer, neuron, source), all counted from 1
    with the input layer as layer 1."""
    places: dict[str, tuple] = {label: (l + 1, j + 1) for l, group in enumerate(spec.labels) if l
                                for j, label in enumerate(group)}
    for p in spec.parameters():
        if p.dest is not None:
            places[p.name] = (p.layer + 1, p.dest + 1, (p.src + 1) if p.kind == "weight" else 0)
    return places


def quantities(spec: Spec, rates: tuple[float, ...] = ()) -> list[Quantity]:
    """Every quantity of one step of `spec` (and the updates at each rate in `rates`)."""
    values = engine.quantities(spec)
    places = _places(spec)
    found = [Quantity(key, float(value), _pattern(key, places)) for key, value in values.items()]
    found += _steps(spec, values)
    if spec.learning_rate is not None:
        found += _after(spec, values)
    if spec.iterations and spec.learning_rate is not None:
        found += _training(spec, _places(spec))
    for rate in (spec.learning_rate, *rates) if spec.learning_rate is not None else rates:
        other = rate != spec.learning_rate
        if other:
            found.append(Quantity(keys.learning_rate(rate), rate, _pattern(keys.LEARNING_RATE)))
        for p in spec.parameters():
            if keys.gradient(p.name) in values:
                gradient = values[keys.gradient(p.name)]
                found.append(Quantity(keys.step(p.name, rate if other else None), rate * gradient))
                if other:
                    found.append(Quantity(keys.updated(p.name, rate), p.value - rate * gradient,
                                          _pattern(keys.updated(p.name))))
    return found


def _after(spec: Spec, values: dict[str, float]) -> list[Quantity]:
    """The second forward pass, at the updated parameters: walkthroughs show the error going down."""
    arrays = Arrays.from_spec(spec)
    updated = arrays.replaced({p: values[keys.updated(p.name)] for p in spec.parameters()
                               if keys.updated(p.name) in values})
    with np.errstate(all="ignore"):
        nets, outs = engine.forward(spec, updated, np.array(spec.inputs, dtype=np.float64))
    found = []
    for l, group in enumerate(spec.labels[1:]):
        for j, label in enumerate(group):
            for s in range(spec.samples):
                found += [Quantity(keys.derived(keys.net(s, label), "after"), float(nets[l][s, j])),
                          Quantity(keys.derived(keys.out(s, label), "after"), float(outs[l + 1][s, j]))]
    return found


def _steps(spec: Spec, values: dict[str, float]) -> list[Quantity]:
    """The small steps walkthroughs write out: 1 - out, e^-in, 1 + e^-in, t - out, (t - out)^2, and
    each term w * source of a net input."""
    found = []
    for s in range(spec.samples):
        for label in spec.labels[-1]:
            error = values[keys.target(s, label)] - values[keys.out(s, label)]
            found += [Quantity(keys.derived(keys.out(s, label), "error"), error),
                      Quantity(keys.derived(keys.out(s, label), "error2"), error ** 2)]
        for group in spec.labels[1:]:
            for label in group:
                net = values[keys.net(s, label)]
                exp = math.exp(-net) if net > -700 else math.inf
                found += [Quantity(keys.derived(keys.net(s, label), "exp"), exp),
                          Quantity(keys.derived(keys.net(s, label), "exp1"), 1.0 + exp),
                          Quantity(keys.derived(keys.out(s, label), "complement"), 1.0 - values[keys.out(s, label)])]
    _, outs = engine.forward(spec, Arrays.from_spec(spec), np.array(spec.inputs, dtype=np.float64))
    for p in spec.parameters():
        if p.kind == "weight":
            found += [Quantity(keys.term(s, p.name, spec.labels[p.layer - 1][p.src]),
                               float(p.value * outs[p.layer - 1][s, p.src])) for s in range(spec.samples)]
    return found


def _training(spec: Spec, places: dict[str, tuple]) -> list[Quantity]:
    """The numbers of training: the loss after every iteration, and what
    derive.crosscheck.check_training computes independently (losses at the checkpoints, final
    parameters and outputs, drops, accuracy), for the spec and for each network of its hidden-size
    comparison. Each with its spread, the farthest its shadow runs (derive.numeric.loop.run's nudges)
    end from it: another float64 implementation's number may differ from derive's by about that."""
    found = []
    for variant in (spec, *spec.compare_hidden):
        hidden = None if variant is spec else variant.layers[1]
        history = loop.run(variant)
        shadows = [loop.run(variant, nudge=seed) for seed in loop.SHADOWS]
        found += [Quantity(keys.trained_loss(k, hidden), loss, None, _spread(loss, [s.losses[k] for s in shadows]))
                  for k, loss in enumerate(history.losses)]
        theirs = [_trained(variant, s) for s in shadows]
        for key, value in check_training(variant, history).items():
            spread = _spread(value, [t.get(key, value) for t in theirs])
            if hidden is None:  # a trained parameter is named like the parameter (w1 = ... after training)
                found.append(Quantity(key, value, _pattern(key, places) if key.startswith("train:param:") else None,
                                      spread))
            else:
                found.append(Quantity(keys.for_hidden(key, hidden), value, None, spread))
    return found


# a number counts as a trained quantity within this many times the quantity's spread (a document prints
# one digit fewer than its shadow runs share: derive.fmt.shared_digits)
SPREAD = 10.0


def _spread(value: float, others: list[float]) -> float:
    """The farthest of `others` from `value`, at most a tenth of it: where a shadow run diverged (or
    moved it further), a number's sign and size are all that training settles."""
    far = max((abs(value - other) if math.isfinite(other) else math.inf for other in others), default=0.0)
    return min(far, 0.1 * abs(value))


def _trained(spec: Spec, history: loop.History) -> dict[str, float]:
    """A training run's numbers under the keys of derive.crosscheck.check_training, read off the run."""
    n, losses = history.iterations, history.losses
    found = {keys.trained_loss(k): loss for k, loss in enumerate(losses)}
    found |= {keys.trained_param(name): value for name, value in loop.trained(spec, history).items()}
    found |= {keys.trained_out(s, label): y for s, row in enumerate(history.outputs)
              for label, y in zip(spec.labels[-1], row)}
    return found | {keys.drop(): percent_drop(losses[0], losses[n]), keys.tail(): percent_drop(losses[tail_start(n)],
                                                                                             losses[n])}


class Index:
    """The quantities sorted by value, for the questions `_classify` asks of each number: which lie
    within a distance of a value (in list order), which is nearest relatively (the earlier one of a
    tie among the candidates), which a symbol names; in logarithmic instead of linear time, since a
    long training's document holds thousands of numbers and tens of thousands of quantities."""

    def __init__(self, known: list[Quantity]):
        known = [q for q in known if math.isfinite(q.value)]  # an overflowed e^-in is no number written
        self.known = known
        self.spread = max((q.spread for q in known), default=0.0)
        self.order = sorted(range(len(known)), key=lambda i: known[i].value)
        self.values = [known[i].value for i in self.order]
        self._named: dict[str, list[Quantity]] = {}

    def _span(self, low: float, high: float) -> list[int]:
        """Original positions of the quantities with low <= value <= high, in original order."""
        return sorted(self.order[bisect.bisect_left(self.values, low):bisect.bisect_right(self.values, high)])

    def within(self, value: float, distance: float) -> list[Quantity]:
        """The quantities within `distance` of `value`, or within it and SPREAD times their spread."""
        reach = distance + SPREAD * self.spread
        return [self.known[i] for i in self._span(value - reach, value + reach)
                if abs(self.known[i].value - value) <= distance + SPREAD * self.known[i].spread]

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


_TRAINING = re.compile(r"(\d[\d,]*)\s*(?:iterations|epochs|training steps|rounds|次迭代|次训练|轮)"
                       r"|(?:迭代|训练)\s*(?:了\s*)?(\d[\d,]*)\s*(?:次|轮)", re.IGNORECASE)


def trained_as_told(spec: Spec, text: str) -> Spec:
    """A spec without training.iterations, for a text that says it trained for N iterations: trained
    for the largest such N that derive's limits allow, so that the text's losses after training are
    quantities too."""
    if spec.iterations or spec.learning_rate is None:
        return spec
    told = [int((m.group(1) or m.group(2)).replace(",", "")) for m in _TRAINING.finditer(text)]
    told = [n for n in told if 0 < n <= MAX_ITERATIONS
            and n * spec.samples * len(spec.parameters()) <= TRAINING_WORK]
    return dataclasses.replace(spec, iterations=max(told)) if told else spec
