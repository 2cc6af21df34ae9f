"""The step engine: a vectorized NumPy forward and backward pass over the whole batch.

It shares nothing with the symbolic path but the spec. It produces every quantity a document can
show, under the same keys, so that derive.crosscheck can check each shown number against it (and the
gradients against finite differences).
"""
from __future__ import annotations

import numpy as np

from ..spec import Spec
from . import kernels
from .arrays import Arrays
from .functions import ACTIVATIONS, LOSSES, softmax


def forward(spec: Spec, arrays: Arrays, x: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Net inputs Z[l] and outputs A[l] (A[0] = x), each of shape (samples, units)."""
    nets, outs = [], [x]
    for l, (w, b) in enumerate(zip(arrays.weights, arrays.biases)):
        z = kernels.matmul(outs[-1], w.T) + b
        nets.append(z)
        name = spec.activations[l]
        outs.append(softmax(z) if name == "softmax" else ACTIVATIONS[name][0](z, spec.leaky_slope))
    return nets, outs


def loss(spec: Spec, arrays: Arrays) -> float:
    """The reduced loss of the whole batch."""
    x, t = np.array(spec.inputs), np.array(spec.targets)
    with np.errstate(all="ignore"):
        _, outs = forward(spec, arrays, x)
    per_sample = LOSSES[spec.loss][0](outs[-1], t).sum(axis=1)
    data = per_sample.mean() if spec.reduction == "mean" else per_sample.sum()
    return float(data + penalty(spec, arrays))


def penalty(spec: Spec, arrays: Arrays) -> float:
    """The L2 penalty lambda / (2m) * sum of squared weights (biases excluded), m the number of samples."""
    return spec.l2 / (2 * len(spec.inputs)) * float(sum(np.sum(w * w) for w in arrays.weights))


def quantities(spec: Spec) -> dict[str, float]:
    """Every quantity of one training step under the keys the derivation uses (inf or nan on overflow)."""
    with np.errstate(all="ignore"):
        return _quantities(spec)


def _quantities(spec: Spec) -> dict[str, float]:
    arrays = Arrays.from_spec(spec)
    x, t = np.array(spec.inputs, dtype=np.float64), np.array(spec.targets, dtype=np.float64)
    nets, outs = forward(spec, arrays, x)
    labels = spec.labels
    params = spec.parameters()
    values: dict[str, float] = {} if spec.learning_rate is None else {"lr": spec.learning_rate}
    scale = 1.0 / len(x) if spec.reduction == "mean" else 1.0

    terms_fn, grad_fn = LOSSES[spec.loss]
    terms = terms_fn(outs[-1], t)
    d_out = grad_fn(outs[-1], t)
    deltas: list[np.ndarray] = [np.empty(0)] * spec.depth
    d_outs: list[np.ndarray] = [np.empty(0)] * spec.depth
    for l in range(spec.depth, 0, -1):
        d_outs[l - 1] = d_out
        y = outs[l]
        if spec.activations[l - 1] == "softmax":
            # d out_k / d in_n = y_k (delta_kn - y_n); delta_n = sum_k dE/dy_k * that
            jacobian = y[:, :, None] * (np.eye(y.shape[1])[None] - y[:, None, :])
            deltas[l - 1] = np.einsum("sk,skn->sn", d_out, jacobian)
            for s in range(len(x)):
                for k, out_label in enumerate(labels[l]):
                    for n, in_label in enumerate(labels[l]):
                        values[f"{s}:dout/din:{out_label}:{in_label}"] = jacobian[s, k, n]
        else:
            derivative = ACTIVATIONS[spec.activations[l - 1]][1](nets[l - 1], y, spec.leaky_slope)
            deltas[l - 1] = d_out * derivative
            for s in range(len(x)):
                for j, label in enumerate(labels[l]):
                    values[f"{s}:dout/din:{label}"] = derivative[s, j]
        d_out = kernels.matmul(deltas[l - 1], arrays.weights[l - 1])

    for s in range(len(x)):
        for k, label in enumerate(labels[0]):
            values[f"{s}:x:{label}"] = x[s, k]
        for l, style in enumerate(spec.bias):
            if style == "bias_node":
                values[f"{s}:unit:{l}"] = 1.0
        for j, label in enumerate(labels[-1]):
            values[f"{s}:t:{label}"] = t[s, j]
            values[f"{s}:E:{label}"] = terms[s, j]
        values[f"{s}:E"] = terms[s].sum()
        for l in range(1, spec.depth + 1):
            w = arrays.weights[l - 1]
            for j, label in enumerate(labels[l]):
                values[f"{s}:in:{label}"] = nets[l - 1][s, j]
                values[f"{s}:out:{label}"] = outs[l][s, j]
                values[f"{s}:dE/dout:{label}"] = d_outs[l - 1][s, j]
                values[f"{s}:delta:{label}"] = deltas[l - 1][s, j]
                for k, source in enumerate(labels[l - 1]):
                    values[f"{s}:din/dout:{label}:{source}"] = w[j, k]
                    values[f"{s}:path:{source}:{label}"] = deltas[l - 1][s, j] * w[j, k]
        for p in params:
            delta = deltas[p.layer - 1][s]
            if p.kind == "weight":
                local = outs[p.layer - 1][s, p.src]
                dest = labels[p.layer][p.dest]
                values[f"{s}:din/dp:{dest}:{p.name}"] = local
                values[f"{s}:dE/dp:{p.name}"] = delta[p.dest] * local
            else:
                dests = range(len(delta)) if p.dest is None else [p.dest]
                for j in dests:
                    values[f"{s}:din/dp:{labels[p.layer][j]}:{p.name}"] = 1.0
                values[f"{s}:dE/dp:{p.name}"] = sum(delta[j] for j in dests)

    values["E"] = scale * terms.sum()
    for j, label in enumerate(labels[-1]):
        values[f"E:{label}"] = scale * terms[:, j].sum()
    if spec.l2:
        values |= {"l2": spec.l2, "m": float(len(x)), "reg": penalty(spec, arrays)}
        values["objective"] = values["E"] + values["reg"]
    for p in params:
        values[f"param:{p.name}"] = p.value
        if not p.trainable or spec.learning_rate is None:
            continue
        gradient = scale * sum(values[f"{s}:dE/dp:{p.name}"] for s in range(len(x)))
        if p.kind == "weight":
            gradient += spec.l2 / len(x) * p.value
        values[f"grad:{p.name}"] = gradient
        values[f"updated:{p.name}"] = p.value - spec.learning_rate * gradient
    return {key: float(value) for key, value in values.items()}
