"""The library of human mistakes in backpropagation, as data, and a backward pass that makes them.

Each `Mistake` is one thing people get wrong when they work gradients out by hand or write backprop
from scratch: the activation's derivative left out, applied to the output instead of the net input,
hidden deltas sent back through W instead of its transpose, the sign, the mean and the sum, a
missing 1/2, deltas through weights already updated. `instances(spec)` lists the ways each one can
happen in a network (one per layer where it is per layer), and `gradients(spec, instance, ...)`
runs the backward pass with that mistake (or several) made, so that a student's numbers can be
explained by the smallest set of mistakes that reproduces them. With no mistake it is one more
independent backward pass (tests/test_testing.py checks it against the step engine).

To add a mistake: one `Mistake` entry in MISTAKES, with the option it sets in `gradients`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..spec import Spec
from . import kernels
from .arrays import Arrays
from .engine import forward
from .functions import ACTIVATIONS, FROM_OUTPUT, LOSSES, complement


@dataclass(frozen=True)
class Mistake:
    """One kind of mistake: `text` says it (formatted with layer, activation, samples, weights), `option`
    is the switch of `gradients` that makes it, `where` says when it can happen in a spec."""

    id: str
    text: str
    option: str
    where: str  # "layer": once per layer it applies to | "network": once


@dataclass(frozen=True)
class Instance:
    """A mistake made in one place: the mistake, and the layer (1-based) for per-layer ones."""

    mistake: Mistake
    layer: int = 0

    def describe(self, spec: Spec) -> str:
        l = self.layer
        return self.mistake.text.format(layer=l, activation=spec.activations[l - 1] if l else "",
                                        samples=spec.samples, weights=f"W{l + 1}", loss=spec.loss)


MISTAKES = (
    Mistake("no-derivative", "the derivative of layer {layer}'s activation ({activation}) is left out "
            "(dout/din taken as 1)", "skip", "layer"),
    Mistake("derivative-at-output", "the derivative of layer {layer}'s {activation} is taken at its output "
            "instead of its net input ({activation}'(out) for {activation}'(in))", "at_output", "layer"),
    Mistake("output-formula-at-net", "the derivative of layer {layer}'s {activation}, a formula of its output "
            "(out(1 - out) or 1 - out^2), is given the net input instead", "out_formula", "layer"),
    Mistake("transposed-backward", "layer {layer}'s dE/dout is computed as {weights} delta instead of "
            "{weights}^T delta (the weights not transposed)", "transposed", "layer"),
    Mistake("sign", "every gradient has the wrong sign (the gradient of -E)", "sign", "network"),
    Mistake("sum-for-mean", "the {samples} samples' gradients are summed where the loss takes their mean",
            "sum_for_mean", "network"),
    Mistake("mean-for-sum", "the {samples} samples' gradients are averaged where the loss takes their sum",
            "mean_for_sum", "network"),
    Mistake("half-dropped", "the loss's 1/2 is dropped (dE/dout taken as 2(out - t))", "double", "network"),
    Mistake("updated-weights", "hidden dE/dout is sent back through weights already updated", "updated", "network"),
)



def instances(spec: Spec) -> tuple[Instance, ...]:
    """Every way a mistake of MISTAKES can happen in `spec` (those that would change nothing are left out)."""
    found = []
    for mistake in MISTAKES:
        if mistake.where == "layer":
            found += [Instance(mistake, l) for l in range(1, spec.depth + 1) if _applies(spec, mistake.option, l)]
        elif _applies(spec, mistake.option, 0):
            found.append(Instance(mistake))
    return tuple(found)


def _applies(spec: Spec, option: str, l: int) -> bool:
    m = spec.samples
    name = spec.activations[l - 1] if l else ""
    return {
        "skip": name not in ("linear", "step"),
        "at_output": name in FROM_OUTPUT,  # relu'(relu(z)) = relu'(z): no mistake to see
        "out_formula": name in FROM_OUTPUT,
        "transposed": 1 <= l < spec.depth and spec.layers[l] == spec.layers[l + 1] and spec.layers[l] > 1,
        "sign": True,
        "sum_for_mean": spec.reduction == "mean" and m > 1,
        "mean_for_sum": spec.reduction == "sum" and m > 1,
        "double": spec.loss == "half_sse",
        "updated": spec.depth > 1 and spec.learning_rate is not None,
    }[option]


@dataclass
class _Options:
    skip: set[int] = field(default_factory=set)
    at_output: set[int] = field(default_factory=set)
    out_formula: set[int] = field(default_factory=set)
    transposed: set[int] = field(default_factory=set)
    sign: bool = False
    sum_for_mean: bool = False
    mean_for_sum: bool = False
    double: bool = False
    updated: bool = False


def _options(made: tuple[Instance, ...]) -> _Options:
    options = _Options()
    for instance in made:
        current = getattr(options, instance.mistake.option)
        if isinstance(current, set):
            current.add(instance.layer)
        else:
            setattr(options, instance.mistake.option, True)
    return options


def factors(spec: Spec, made: tuple[Instance, ...] = ()) -> dict[tuple[int, str], tuple[float, float | None]]:
    """(sample, neuron label) -> (dE/dout, dout/din) of the backward pass with the mistakes `made`
    (dout/din None in a softmax layer, whose factor is a Jacobian)."""
    record: dict[tuple[int, str], tuple[float, float | None]] = {}
    _mistaken(spec, made, record)
    return record


def gradients(spec: Spec, made: tuple[Instance, ...] = ()) -> dict[str, float]:
    """dJ/dp of every trainable parameter by a plain backward pass with the mistakes `made`."""
    grads_w, grads_b = _mistaken(spec, made)
    by_name = {}
    for p in spec.parameters():
        if not p.trainable:
            continue
        if p.kind == "weight":
            by_name[p.name] = float(grads_w[p.layer - 1][p.dest, p.src])
        else:
            column = grads_b[p.layer - 1]
            by_name[p.name] = float(column.sum() if p.dest is None else column[p.dest])
    return by_name


def _mistaken(spec: Spec, made: tuple[Instance, ...], record: dict | None = None
              ) -> tuple[list[np.ndarray], list[np.ndarray]]:
    options = _options(made)
    with np.errstate(all="ignore"):
        arrays = Arrays.from_spec(spec)
        return _backward(spec, arrays, _updated(spec, arrays) if options.updated else arrays, options, record)


def _updated(spec: Spec, arrays: Arrays) -> Arrays:
    """The parameters after one correct step, for the mistake of sending deltas through them."""
    w, b = _backward(spec, arrays, arrays, _Options())
    rate = spec.learning_rate or 0.0
    return Arrays(tuple(a - rate * g for a, g in zip(arrays.weights, w)),
                  tuple(a - rate * g for a, g in zip(arrays.biases, b)))


def _backward(spec: Spec, arrays: Arrays, back: Arrays, o: _Options, record: dict | None = None
              ) -> tuple[list[np.ndarray], list[np.ndarray]]:
    x, t = np.array(spec.inputs, dtype=np.float64), np.array(spec.targets, dtype=np.float64)
    nets, outs = forward(spec, arrays, x)
    y = outs[-1]
    g = LOSSES[spec.loss][1](y, t, complement(spec.activations[-1], nets[-1], y))
    if o.double:
        g = 2.0 * g
    m = len(x)
    mean = (spec.reduction == "mean") != (o.sum_for_mean or o.mean_for_sum)
    grads_w: list[np.ndarray] = [np.empty(0)] * spec.depth
    grads_b: list[np.ndarray] = [np.empty(0)] * spec.depth
    for l in range(spec.depth, 0, -1):
        delta, slope = _through(spec, l, g, nets[l - 1], outs[l], o)
        if record is not None:
            for s, j in np.ndindex(*g.shape):
                record[s, spec.labels[l][j]] = (float(g[s, j]), None if slope is None else float(slope[s, j]))
        grads_w[l - 1] = kernels.matmul(delta.T, outs[l - 1])
        grads_b[l - 1] = delta.sum(axis=0)
        w = back.weights[l - 1]
        g = kernels.matmul(delta, w.T if l - 1 in o.transposed else w)
    for l, style in enumerate(spec.bias):
        if style == "none" or not spec.trainable_biases:
            grads_b[l] = np.zeros_like(grads_b[l])
    reduced = 1.0 / m if mean else 1.0
    sign = -1.0 if o.sign else 1.0
    grads_w = [sign * (reduced * gw + spec.l2 / m * w) for gw, w in zip(grads_w, arrays.weights)]
    return grads_w, [sign * reduced * gb for gb in grads_b]


def _through(spec: Spec, l: int, g: np.ndarray, z: np.ndarray, a: np.ndarray, o: _Options
             ) -> tuple[np.ndarray, np.ndarray | None]:
    """dE/din of layer l from its dE/dout g, with the derivative the options say, and that derivative
    (None for a softmax's Jacobian)."""
    name = spec.activations[l - 1]
    if l in o.skip:
        return g, np.ones_like(g)
    if name == "softmax":
        return a * (g - np.sum(g * a, axis=1, keepdims=True)), None
    slope = spec.leaky_slope
    function, derivative = ACTIVATIONS[name]
    if l in o.at_output:
        d = derivative(a, function(a, slope), slope)
    elif l in o.out_formula:
        d = FROM_OUTPUT[name](z)
    else:
        d = derivative(z, a, slope)
    return g * d, d
