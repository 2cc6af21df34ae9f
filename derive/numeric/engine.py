"""The step engine: a vectorized NumPy forward and backward pass over the whole batch.

It shares nothing with the symbolic path but the spec. It produces every quantity a document can
show, under the same keys, so that derive.crosscheck can check each shown number against it (and the
gradients against finite differences).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import keys
from ..spec import Spec
from . import kernels
from .arrays import Arrays
from .functions import ACTIVATIONS, FROM_OUTPUT, LOSSES, complement, softmax


def forward(spec: Spec, arrays: Arrays, x: np.ndarray, given: Given | None = None
            ) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Net inputs Z[l] and outputs A[l] (A[0] = x), each of shape (samples, units); with `given`, the
    net inputs and outputs it holds are taken instead of computed, and the next layers use them."""
    nets, outs = [], [x]
    for l, (w, b) in enumerate(zip(arrays.weights, arrays.biases)):
        z = kernels.matmul(outs[-1], w.T) + b
        if given:
            given.put("in", l, z)
        nets.append(z)
        name = spec.activations[l]
        a = softmax(z) if name == "softmax" else ACTIVATIONS[name][0](z, spec.leaky_slope)
        if given:
            given.put("out", l, a)
        outs.append(a)
    return nets, outs


class Given:
    """Quantities taken as given instead of computed (a student's own earlier answers, which later
    ones are judged from; a mistake's numbers, derive.numeric.slips): net inputs and outputs
    (`<s>:in:<label>`, `<s>:out:<label>`), activation derivatives (`<s>:dout/din:<label>`, not of a
    softmax), errors at an output (`<s>:dE/dout:<label>`), gradients (`grad:<name>`) and updated
    parameters (`updated:<name>`). A layer whose outputs are given has its activation's derivative and
    1 - out taken from them (out (1 - out) for a sigmoid, 1 - out^2 for tanh), as a hand computation
    takes them."""

    KINDS = ("in", "out", "dout/din", "dE/dout")

    def __init__(self, spec: Spec, values: dict[str, float]):
        self.cells: dict[tuple[str, int], list[tuple[int, int, float]]] = {}
        self.gradients: dict[str, float] = {}
        self.updates: dict[str, float] = {}
        self.outputs: set[int] = set()  # layers (0-based) with a given output
        where = {label: (l, j) for l, group in enumerate(spec.labels[1:]) for j, label in enumerate(group)}
        for key, value in values.items():
            k = keys.parse(key)
            if k.kind in ("grad", "updated") and k.sample is None and not k.how and not k.rate:
                (self.gradients if k.kind == "grad" else self.updates)[k.args[0]] = value
            elif k.kind in self.KINDS and k.sample is not None and not k.how and k.args[0] in where:
                l, j = where[k.args[0]]
                self.cells.setdefault((k.kind, l), []).append((k.sample, j, value))
                if k.kind == "out":
                    self.outputs.add(l)
            else:
                raise ValueError(f"{key}: not a quantity that can be given")

    def put(self, kind: str, l: int, array: np.ndarray) -> None:
        for s, j, value in self.cells.get((kind, l), ()):
            array[s, j] = value


def loss(spec: Spec, arrays: Arrays) -> float:
    """The reduced loss of the whole batch."""
    x, t = np.array(spec.inputs), np.array(spec.targets)
    with np.errstate(all="ignore"):
        nets, outs = forward(spec, arrays, x)
        per_sample = LOSSES[spec.loss][0](outs[-1], t, complement(spec.activations[-1], nets[-1], outs[-1])).sum(axis=1)
    data = per_sample.mean() if spec.reduction == "mean" else per_sample.sum()
    return float(data + penalty(spec, arrays))


def penalty(spec: Spec, arrays: Arrays) -> float:
    """The L2 penalty lambda / (2m) * sum of squared weights (biases excluded), m the number of samples."""
    return spec.l2 / (2 * len(spec.inputs)) * float(sum(np.sum(w * w) for w in arrays.weights))


def quantities(spec: Spec, given: dict[str, float] | None = None) -> dict[str, float]:
    """Every quantity of one training step under the keys the derivation uses (inf or nan on overflow);
    with `given`, the quantities it names are taken as given (see Given) and the others follow from them."""
    with np.errstate(all="ignore"):
        return _quantities(spec, Given(spec, given) if given else None)


@dataclass(frozen=True)
class _Pass:
    """One forward and backward pass over the batch: per layer l = 1..L (index l - 1), arrays of shape
    (samples, units)."""

    x: np.ndarray
    t: np.ndarray
    nets: list[np.ndarray]
    outs: list[np.ndarray]  # outs[0] = x
    terms: np.ndarray  # each output's loss term
    d_outs: list[np.ndarray]  # dE/dout
    deltas: list[np.ndarray]  # dE/din


def _quantities(spec: Spec, given: Given | None = None) -> dict[str, float]:
    arrays = Arrays.from_spec(spec)
    values: dict[str, float] = {} if spec.learning_rate is None else {keys.LEARNING_RATE: spec.learning_rate}
    run = _backward(spec, arrays, values, given)
    for s in range(len(run.x)):
        _sample(spec, arrays, run, s, values)
    _step(spec, arrays, run, values, given)
    return {key: float(value) for key, value in values.items()}


def _backward(spec: Spec, arrays: Arrays, values: dict[str, float], given: Given | None = None) -> _Pass:
    """The forward pass, then dE/dout and delta layer by layer from the output down, recording each
    activation's derivative (a softmax layer's Jacobian) in `values`."""
    x, t = np.array(spec.inputs, dtype=np.float64), np.array(spec.targets, dtype=np.float64)
    nets, outs = forward(spec, arrays, x, given)
    mine = given.outputs if given else set()  # layers whose outputs were given: 1 - out and f' from them
    terms_fn, grad_fn = LOSSES[spec.loss]
    last = spec.depth - 1
    rest = 1.0 - outs[-1] if last in mine else complement(spec.activations[-1], nets[-1], outs[-1])
    d_out = grad_fn(outs[-1], t, rest)
    deltas: list[np.ndarray] = [np.empty(0)] * spec.depth
    d_outs: list[np.ndarray] = [np.empty(0)] * spec.depth
    for l in range(spec.depth, 0, -1):
        if given:
            given.put("dE/dout", l - 1, d_out)
        d_outs[l - 1] = d_out
        y, labels = outs[l], spec.labels[l]
        if spec.activations[l - 1] == "softmax":
            # d out_k / d in_n = y_k (delta_kn - y_n), y_k (1 - y_k) on the diagonal with 1 - y_k's digits;
            # delta_n = sum_k dE/dy_k * that
            eye = np.eye(y.shape[1])[None]
            other = 1.0 - y if l - 1 in mine else complement("softmax", nets[l - 1], y)
            jacobian = y[:, :, None] * ((eye - y[:, None, :]) * (1 - eye) + eye * other[:, None, :])
            deltas[l - 1] = np.einsum("sk,skn->sn", d_out, jacobian)
            for s in range(len(x)):
                for k, out_label in enumerate(labels):
                    for n, in_label in enumerate(labels):
                        values[keys.d_activation(s, out_label, in_label)] = jacobian[s, k, n]
        else:
            name = spec.activations[l - 1]
            derivative = (FROM_OUTPUT[name](y) if l - 1 in mine and name in FROM_OUTPUT
                          else ACTIVATIONS[name][1](nets[l - 1], y, spec.leaky_slope))
            if given:
                given.put("dout/din", l - 1, derivative)
            deltas[l - 1] = d_out * derivative
            for s in range(len(x)):
                for j, label in enumerate(labels):
                    values[keys.d_activation(s, label)] = derivative[s, j]
        d_out = kernels.matmul(deltas[l - 1], arrays.weights[l - 1])
    return _Pass(x, t, nets, outs, terms_fn(outs[-1], t, rest), d_outs, deltas)


def _sample(spec: Spec, arrays: Arrays, run: _Pass, s: int, values: dict[str, float]) -> None:
    """Every quantity of sample s: data, forward pass, error, backward pass, its own gradients."""
    labels = spec.labels
    for k, label in enumerate(labels[0]):
        values[keys.x(s, label)] = run.x[s, k]
    for l, style in enumerate(spec.bias):
        if style == "bias_node":
            values[keys.unit(s, l)] = 1.0
    for j, label in enumerate(labels[-1]):
        values[keys.target(s, label)] = run.t[s, j]
        values[keys.error(s, label)] = run.terms[s, j]
    values[keys.error(s)] = run.terms[s].sum()
    for l in range(1, spec.depth + 1):
        w, delta = arrays.weights[l - 1], run.deltas[l - 1][s]
        for j, label in enumerate(labels[l]):
            values[keys.net(s, label)] = run.nets[l - 1][s, j]
            values[keys.out(s, label)] = run.outs[l][s, j]
            values[keys.d_out(s, label)] = run.d_outs[l - 1][s, j]
            values[keys.delta(s, label)] = delta[j]
            for k, source in enumerate(labels[l - 1]):
                values[keys.d_net_d_source(s, label, source)] = w[j, k]
                values[keys.path(s, source, label)] = delta[j] * w[j, k]
    for p in spec.parameters():
        delta = run.deltas[p.layer - 1][s]
        if p.kind == "weight":
            local = run.outs[p.layer - 1][s, p.src]
            values[keys.d_net_d_param(s, labels[p.layer][p.dest], p.name)] = local
            values[keys.sample_gradient(s, p.name)] = delta[p.dest] * local
        else:
            dests = range(len(delta)) if p.dest is None else [p.dest]
            for j in dests:
                values[keys.d_net_d_param(s, labels[p.layer][j], p.name)] = 1.0
            values[keys.sample_gradient(s, p.name)] = sum(delta[j] for j in dests)


def _step(spec: Spec, arrays: Arrays, run: _Pass, values: dict[str, float], given: Given | None = None) -> None:
    """The quantities of the whole step: the reduced loss, the L2 terms, the gradients and updates."""
    m = len(run.x)
    scale = 1.0 / m if spec.reduction == "mean" else 1.0
    values[keys.LOSS] = scale * run.terms.sum()
    for j, label in enumerate(spec.labels[-1]):
        values[keys.loss_term(label)] = scale * run.terms[:, j].sum()
    if spec.l2:
        values |= {keys.L2: spec.l2, keys.SAMPLES: float(m), keys.PENALTY: penalty(spec, arrays)}
        values[keys.OBJECTIVE] = values[keys.LOSS] + values[keys.PENALTY]
    for p in spec.parameters():
        values[keys.param(p.name)] = p.value
        if not p.trainable or spec.learning_rate is None:
            continue
        gradient = scale * sum(values[keys.sample_gradient(s, p.name)] for s in range(m))
        if p.kind == "weight":
            gradient += spec.l2 / m * p.value
        if given and p.name in given.gradients:
            gradient = given.gradients[p.name]
        values[keys.gradient(p.name)] = gradient
        update = p.value - spec.learning_rate * gradient
        values[keys.updated(p.name)] = given.updates.get(p.name, update) if given else update
    if spec.learning_rate is not None:
        after = arrays.replaced({p: values[keys.updated(p.name)] for p in spec.parameters() if p.trainable})
        nets, outs = forward(spec, after, run.x)
        rest = complement(spec.activations[-1], nets[-1], outs[-1])
        loss = scale * LOSSES[spec.loss][0](outs[-1], run.t, rest).sum()
        if np.isfinite(loss):  # a step too long for a saturated output is the document's to skip, no error
            values[keys.LOSS_AFTER] = loss
