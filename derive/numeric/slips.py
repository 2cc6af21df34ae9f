"""Human mistakes in a walkthrough, as data: each is a changed spec, or quantities given in place of the
computed ones, that the step engine runs like any other, so that every number of a walkthrough made
with the mistake follows from it. `derive check` tries them all to explain a text's wrong numbers;
`derive exercises --level find-the-mistake` makes one of EXERCISES in a worked solution for the
student to find.

The kinds, each with its names (shown as a, b, c: the first, second and last) and values (va, vb):
- bias: a neighbour's bias used for a neuron (one bias for a whole layer, article 000's out_h2):
  the neuron, its own bias, the bias used; the right value, the one used;
- swap: two weights of a layer swapped: the two weights; their values;
- copied: a neuron's output copied from its neighbour's line: the neuron, the neighbour; the right
  output, the one copied;
- rate: a layer's parameters updated with another learning rate: the layer (its first neuron, the
  layer as a reader names it, its last neuron: so for every kind of a whole layer); the spec's rate,
  the one used;
- prime_output: a layer's activation derivative evaluated at the output instead of the net input
  (sigma'(out)); prime_net: its formula in terms of the output applied to the net input (in (1 - in),
  1 - in^2): the layer; the first neuron's right derivative, the one written;
- updated: a hidden layer's error taken back through the next layer's weights already updated: the
  layer; the first neuron's right dE/dout, the one written;
- rounded: a layer's outputs rounded before they are used: the layer; the decimals kept, the first
  output as used;
- mean_for_sum, sum_for_mean: the batch's loss and gradients averaged where they are summed, or the
  other way: the two reductions; the right loss, the one written;
- mse_for_half, half_for_mse: the mean of the squared errors where the loss is half their sum, or
  the other way: the two losses; the right loss, the one written;
- target_dropped: an output's error derivative taken as the output itself, out where out - t belongs
  (the value on the line above, article 000's 0.7987 for 0.7887): the output neuron and the neuron
  again; the right dE/dout, the output used;
- softmax_no_exp: a softmax layer's outputs computed without the exponential, in / sum(in) (only where
  every such share lies between 0 and 1): the layer; its first output's right value, the one written;
- transposed: a square layer's weight matrix used transposed (3 x 3 or larger: a 2 x 2 one is a
  swap): the layer; two weights that trade places.

To add one: a generator below yielding Slip(kind, names, values, spec, given), listed in MAKERS, and
its wording check_cause_<kind> (and ex_slip_<kind> for EXERCISES) in templates/lang/*.toml.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from .. import keys
from ..spec import Spec
from . import engine, kernels

EXERCISES = ("bias", "swap", "copied")  # the kinds find-the-mistake makes
RATES = (0.01, 0.05, 0.1, 0.2, 0.25, 0.5, 1.0)  # learning rates a walkthrough may use for one layer
DECIMALS = (2, 3, 4, 5)  # a rounded output's decimals
# the kernels' exp, tanh and product: a mistake's numbers are the same bits on every processor too
AT_OUTPUT = {"sigmoid": lambda y: (1 / (1 + kernels.exp(-y))) * (1 - 1 / (1 + kernels.exp(-y))),
             "tanh": lambda y: 1 - kernels.tanh(y) ** 2}
OF_NET = {"sigmoid": lambda z: z * (1 - z), "tanh": lambda z: 1 - z * z}
SQUARED = {"half_sse": ("mse", "mse_for_half"), "mse": ("half_sse", "half_for_mse")}


@dataclass(frozen=True)
class Slip:
    """One mistake in one place: its kind, names and values (see the module), the network as the
    mistake makes it, and the quantities it writes in place of the computed ones."""

    kind: str
    names: tuple[str, ...]
    values: tuple[float, ...]
    spec: Spec
    given: tuple[tuple[str, float], ...] = ()

    def quantities(self) -> dict[str, float]:
        """Every quantity of the step as the mistake makes it."""
        return engine.quantities(self.spec, dict(self.given) if self.given else None)


Right = dict[str, float]


def _bias(spec: Spec, right: Right) -> Iterator[Slip]:
    params = spec.parameters()
    for l, style in enumerate(spec.bias):
        if style not in ("per_neuron", "bias_node"):
            continue
        biases = [p for p in params if p.kind == "bias" and p.layer == l + 1]
        for p in biases:
            for q in biases:
                if q is not p and q.value != p.value:
                    row = list(spec.biases[l])
                    row[p.dest] = q.value
                    changed = spec.biases[:l] + (tuple(row),) + spec.biases[l + 1:]
                    yield Slip("bias", (spec.labels[l + 1][p.dest], p.name, q.name), (p.value, q.value),
                               dataclasses.replace(spec, biases=changed))


def _swap(spec: Spec, right: Right) -> Iterator[Slip]:
    params = spec.parameters()
    for l in range(spec.depth):
        weights = [p for p in params if p.kind == "weight" and p.layer == l + 1]
        for i, p in enumerate(weights):
            for q in weights[i + 1:]:
                if p.value != q.value:
                    rows = [list(r) for r in spec.weights[l]]
                    rows[p.dest][p.src], rows[q.dest][q.src] = q.value, p.value
                    changed = spec.weights[:l] + (tuple(map(tuple, rows)),) + spec.weights[l + 1:]
                    yield Slip("swap", (p.name, q.name), (p.value, q.value), dataclasses.replace(spec, weights=changed))


def _copied(spec: Spec, right: Right) -> Iterator[Slip]:
    for group in spec.labels[1:]:  # the first sample's output of a neuron copied from a neighbour's line
        for label in group:
            for other in group:
                mine, theirs = right[keys.out(0, label)], right[keys.out(0, other)]
                if other != label and mine != theirs:
                    yield Slip("copied", (label, other), (mine, theirs), spec, ((keys.out(0, label), theirs),))


def _ends(spec: Spec, l: int) -> tuple[str, str, str]:
    """Layer l's (1-based) first neuron, the layer as a reader names it (h1 … h4, or its one neuron),
    and its last neuron."""
    first, last = spec.labels[l][0], spec.labels[l][-1]
    return first, first if first == last else f"{first} … {last}", last


def _rate(spec: Spec, right: Right) -> Iterator[Slip]:
    if spec.learning_rate is None:
        return
    for l in range(1, spec.depth + 1):
        params = [p for p in spec.parameters() if p.layer == l and p.trainable]
        for rate in RATES:
            if params and rate != spec.learning_rate:
                given = tuple((keys.updated(p.name), p.value - rate * right[keys.gradient(p.name)]) for p in params)
                yield Slip("rate", _ends(spec, l), (spec.learning_rate, rate), spec, given)


def _cells(spec: Spec, l: int, kind: Callable[[int, str], str], values: np.ndarray) -> tuple[tuple[str, float], ...]:
    return tuple((kind(s, label), float(values[s, j])) for s in range(spec.samples)
                 for j, label in enumerate(spec.labels[l]))


def _layer(spec: Spec, right: Right, l: int, kind: Callable[[int, str], str]) -> np.ndarray:
    return np.array([[right[kind(s, label)] for label in spec.labels[l]] for s in range(spec.samples)])


def _prime(spec: Spec, right: Right) -> Iterator[Slip]:
    for l in range(1, spec.depth + 1):
        name = spec.activations[l - 1]
        if name not in AT_OUTPUT:
            continue
        done = _layer(spec, right, l, keys.d_activation)
        for kind, wrong in (("prime_output", AT_OUTPUT[name](_layer(spec, right, l, keys.out))),
                            ("prime_net", OF_NET[name](_layer(spec, right, l, keys.net)))):
            if not np.allclose(wrong, done, rtol=1e-9, atol=0):
                yield Slip(kind, _ends(spec, l), (float(done[0, 0]), float(wrong[0, 0])), spec,
                           _cells(spec, l, keys.d_activation, wrong))


def _updated(spec: Spec, right: Right) -> Iterator[Slip]:
    if spec.learning_rate is None:
        return
    by_place = {(p.layer, p.dest, p.src): p for p in spec.parameters() if p.kind == "weight"}
    for l in range(1, spec.depth):
        following = spec.labels[l + 1]
        used = np.array([[right.get(keys.updated(by_place[l + 1, k, j].name), by_place[l + 1, k, j].value)
                          for j in range(len(spec.labels[l]))] for k in range(len(following))])
        deltas = _layer(spec, right, l + 1, keys.delta)
        wrong, done = kernels.matmul(deltas, used), _layer(spec, right, l, keys.d_out)
        if not np.allclose(wrong, done, rtol=1e-9, atol=0):
            yield Slip("updated", _ends(spec, l), (float(done[0, 0]), float(wrong[0, 0])), spec,
                       _cells(spec, l, keys.d_out, wrong))


def _rounded(spec: Spec, right: Right) -> Iterator[Slip]:
    for l in range(1, spec.depth):
        outs = _layer(spec, right, l, keys.out)
        for decimals in DECIMALS:
            kept = np.round(outs, decimals)
            if not np.array_equal(kept, outs):
                yield Slip("rounded", _ends(spec, l), (float(decimals), float(kept[0, 0])), spec,
                           _cells(spec, l, keys.out, kept))


def _target_dropped(spec: Spec, right: Right) -> Iterator[Slip]:
    if spec.loss != "half_sse" or spec.activations[-1] == "softmax":
        return
    for label in spec.labels[-1]:
        done, used = right[keys.d_out(0, label)], right[keys.out(0, label)]
        if done != used:
            given = tuple((keys.d_out(s, label), right[keys.out(s, label)]) for s in range(spec.samples))
            yield Slip("target_dropped", (label, label), (done, used), spec, given)


def _softmax_no_exp(spec: Spec, right: Right) -> Iterator[Slip]:
    for l in range(1, spec.depth + 1):
        if spec.activations[l - 1] != "softmax":
            continue
        nets = _layer(spec, right, l, keys.net)
        totals = nets.sum(axis=1, keepdims=True)
        if np.all(totals != 0):
            shares = nets / totals
            if np.all((shares > 0) & (shares < 1)):
                first = right[keys.out(0, spec.labels[l][0])]
                yield Slip("softmax_no_exp", _ends(spec, l), (first, float(shares[0, 0])), spec,
                           _cells(spec, l, keys.out, shares))


def _changed_whole(spec: Spec, right: Right) -> Iterator[Slip]:
    """The reduction over the batch, the squared-error loss, a square layer transposed."""
    if spec.samples > 1:
        other = "mean" if spec.reduction == "sum" else "sum"
        changed = dataclasses.replace(spec, reduction=other)
        yield Slip(f"{other}_for_{spec.reduction}", (spec.reduction, other),
                   (right[keys.LOSS], engine.quantities(changed)[keys.LOSS]), changed)
    if spec.loss in SQUARED and len(spec.labels[-1]) != 2:  # with two outputs the two losses agree
        other, kind = SQUARED[spec.loss]
        changed = dataclasses.replace(spec, loss=other)
        yield Slip(kind, (spec.loss, other), (right[keys.LOSS], engine.quantities(changed)[keys.LOSS]), changed)
    for l, w in enumerate(spec.weights):
        matrix = np.array(w)
        if matrix.shape[0] != matrix.shape[1]:
            continue
        # a 2 x 2 matrix transposed is its two off-diagonal weights swapped: the swap says it
        pairs = [(j, k) for j in range(len(matrix)) for k in range(j) if matrix[j, k] != matrix[k, j]]
        if len(pairs) >= 2:
            changed = spec.weights[:l] + (tuple(map(tuple, matrix.T.tolist())),) + spec.weights[l + 1:]
            j, k = pairs[0]
            yield Slip("transposed", _ends(spec, l + 1), (float(matrix[j, k]), float(matrix[k, j])),
                       dataclasses.replace(spec, weights=changed))


# the few mistakes of a whole layer first, then those of one parameter or neuron (many on a big network)
MAKERS = (_rate, _prime, _updated, _rounded, _target_dropped, _softmax_no_exp, _changed_whole, _bias, _swap,
          _copied)
KINDS = ("rate", "prime_output", "prime_net", "updated", "rounded", "target_dropped", "softmax_no_exp",
         "mean_for_sum", "sum_for_mean", "mse_for_half", "half_for_mse", "transposed") + EXERCISES


def slips(spec: Spec, kinds: tuple[str, ...] = KINDS, base: Slip | None = None) -> Iterator[Slip]:
    """Every mistake of `kinds` that changes something in `spec`, in a fixed order; with `base`, each
    made on top of that one (a walkthrough with two mistakes: the second's numbers follow from both)."""
    if base is not None:
        spec = base.spec
    given = base.given if base is not None else ()
    right = engine.quantities(spec, dict(given) if given else None)
    for make in MAKERS:
        for slip in make(spec, right):
            if slip.kind in kinds:
                yield dataclasses.replace(slip, given=given + slip.given) if given else slip
