"""The independent numeric engine: a vectorized NumPy forward and backward pass over the whole batch.

It shares nothing with the symbolic path but the spec: its activations and losses are written here
in NumPy, and it produces every quantity the document can show under the same keys, so that
`verify` can check each shown number against it (and the gradients against finite differences).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import kernels
from .spec import Param, Spec

# name -> (f(z, slope), f'(z, a = f(z), slope)); at a kink (z = 0) the derivative is the left branch's
_ACTIVATIONS = {
    # sigmoid': a (1 - a) with 1 - a = sigmoid(-z), which keeps its digits where a rounds to 1
    "sigmoid": (lambda z, s: 1.0 / (1.0 + kernels.exp(-z)), lambda z, a, s: a / (1.0 + kernels.exp(z))),
    "tanh": (lambda z, s: kernels.tanh(z), lambda z, a, s: 1.0 - a * a),
    "relu": (lambda z, s: np.where(z > 0, z, 0.0), lambda z, a, s: np.where(z > 0, 1.0, 0.0)),
    "leaky_relu": (lambda z, s: np.where(z > 0, z, s * z), lambda z, a, s: np.where(z > 0, 1.0, s)),
    "linear": (lambda z, s: z, lambda z, a, s: np.ones_like(z)),
    "step": (lambda z, s: np.where(z > 0, 1.0, 0.0), lambda z, a, s: np.zeros_like(z)),
}
KINKED = ("relu", "leaky_relu")


def _softmax(z: np.ndarray) -> np.ndarray:
    e = kernels.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


# name -> (per-output loss terms, dE/dy), both on (samples, outputs) arrays; n = number of outputs
_LOSSES = {
    "half_sse": (lambda y, t: 0.5 * (t - y) ** 2, lambda y, t: y - t),
    "mse": (lambda y, t: (t - y) ** 2 / y.shape[1], lambda y, t: 2 * (y - t) / y.shape[1]),
    "bce": (lambda y, t: -(t * kernels.log(y) + (1 - t) * kernels.log(1 - y)), lambda y, t: (y - t) / (y * (1 - y))),
    "cross_entropy": (lambda y, t: -t * kernels.log(y), lambda y, t: -t / y),
}


@dataclass(frozen=True)
class Arrays:
    """The network as arrays: W[l] (n_l x n_{l-1}) and b[l] (n_l,) for l = 0..L-1 (layer l + 1)."""

    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]

    @classmethod
    def from_spec(cls, spec: Spec) -> Arrays:
        weights = tuple(np.array(w, dtype=np.float64) for w in spec.weights)
        biases = tuple(np.resize(np.array(b, dtype=np.float64), spec.layers[l + 1]) if b else
                       np.zeros(spec.layers[l + 1]) for l, b in enumerate(spec.biases))
        return cls(weights, biases)

    def perturbed(self, param: Param, delta: float) -> Arrays:
        """A copy with one scalar parameter moved by `delta` (a shared bias moves for the whole layer)."""
        return self.moved({param: delta})

    def moved(self, deltas: dict[Param, float]) -> Arrays:
        """A copy with each parameter moved by its delta."""
        return self.replaced({param: self.value(param) + delta for param, delta in deltas.items()})

    def value(self, param: Param) -> float:
        l = param.layer - 1
        if param.kind == "weight":
            return float(self.weights[l][param.dest, param.src])
        return float(self.biases[l][0 if param.dest is None else param.dest])

    def replaced(self, values: dict[Param, float]) -> Arrays:
        """A copy with each parameter set to its value (a shared bias for its whole layer); only the
        matrices that change are copied."""
        weights, biases = list(self.weights), list(self.biases)
        copied: set[tuple[str, int]] = set()
        for param, value in values.items():
            l = param.layer - 1
            group = weights if param.kind == "weight" else biases
            if (param.kind, l) not in copied:
                group[l] = group[l].copy()
                copied.add((param.kind, l))
            if param.kind == "weight":
                group[l][param.dest, param.src] = value
            elif param.dest is None:
                group[l][:] = value
            else:
                group[l][param.dest] = value
        return Arrays(tuple(weights), tuple(biases))


def forward(spec: Spec, arrays: Arrays, x: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Net inputs Z[l] and outputs A[l] (A[0] = x), each of shape (samples, units)."""
    nets, outs = [], [x]
    for l, (w, b) in enumerate(zip(arrays.weights, arrays.biases)):
        z = kernels.matmul(outs[-1], w.T) + b
        nets.append(z)
        name = spec.activations[l]
        outs.append(_softmax(z) if name == "softmax" else _ACTIVATIONS[name][0](z, spec.leaky_slope))
    return nets, outs


def loss(spec: Spec, arrays: Arrays) -> float:
    """The reduced loss of the whole batch."""
    x, t = np.array(spec.inputs), np.array(spec.targets)
    with np.errstate(all="ignore"):
        _, outs = forward(spec, arrays, x)
    per_sample = _LOSSES[spec.loss][0](outs[-1], t).sum(axis=1)
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

    terms_fn, grad_fn = _LOSSES[spec.loss]
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
            derivative = _ACTIVATIONS[spec.activations[l - 1]][1](nets[l - 1], y, spec.leaky_slope)
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


def near_kink(spec: Spec, margin: float = 1e-4) -> bool:
    """Whether some relu-like neuron's net input lies within `margin` of its kink, where a central
    difference straddles two branches and measures neither derivative."""
    arrays = Arrays.from_spec(spec)
    with np.errstate(all="ignore"):
        nets, _ = forward(spec, arrays, np.array(spec.inputs, dtype=np.float64))
    return any(name in KINKED and bool(np.any(np.abs(z) < margin)) for name, z in zip(spec.activations, nets))


FD_STEPS = (1e-6, 1e-5, 1e-4, 1e-3)  # relative steps; a saturated output makes the small ones noisy
FD_EACH = 200  # up to this many parameters, each gets its own central difference
DIRECTIONS = 4  # beyond it, random directions: the fast mode of PyTorch's gradcheck


def finite_differences(spec: Spec, step: float = FD_STEPS[0], only: set[str] | None = None) -> dict[str, float]:
    """Central differences of the reduced loss for every trainable parameter (or those in `only`),
    keyed `grad:<name>`."""
    arrays = Arrays.from_spec(spec)
    result = {}
    for p in spec.parameters():
        if not p.trainable or spec.learning_rate is None or (only is not None and p.name not in only):
            continue
        h = step * max(1.0, abs(p.value))
        plus = loss(spec, arrays.perturbed(p, h))
        minus = loss(spec, arrays.perturbed(p, -h))
        result[f"grad:{p.name}"] = (plus - minus) / (2 * h)
    return result


def gradient_disagreement(spec: Spec, gradient: dict[str, float], tolerance: float,
                          always: frozenset[str] = frozenset()) -> str | None:
    """Check `gradient` (parameter name -> dJ/dp) against central differences of `loss`; None when it
    agrees, else a sentence naming what disagrees.

    Up to FD_EACH parameters, each one's derivative is estimated on its own (at the smallest step
    first; a disagreement gets the larger steps, and must agree with one of them). Beyond that, the
    parameters in `always` and a seeded sample of FD_EACH others get their own estimate, and the whole
    vector is checked at once along DIRECTIONS seeded random directions v of +-1 entries: the
    directional derivative (L(p + hv) - L(p - hv)) / 2h must equal the sum of v_i * gradient_i."""
    params = [p for p in spec.parameters() if p.name in gradient]
    if len(params) > FD_EACH:
        rng = np.random.default_rng(0)
        picked = set(rng.choice(len(params), FD_EACH, replace=False).tolist())
        each = {p.name for i, p in enumerate(params) if i in picked or p.name in always}
    else:
        each = {p.name for p in params}
    pending = set(each)
    for step in FD_STEPS:
        estimates = finite_differences(spec, step, pending)
        pending = {name for name in pending
                   if abs(gradient[name] - estimates[f"grad:{name}"]) >
                   tolerance * max(abs(gradient[name]), abs(estimates[f"grad:{name}"])) + 1e-8}
        if not pending:
            break
    else:
        name = sorted(pending)[0]
        return f"grad:{name} is {gradient[name]!r} by backpropagation but finite differences disagree"
    if len(params) == len(each):
        return None
    arrays = Arrays.from_spec(spec)
    rng = np.random.default_rng(1)
    claimed = np.array([gradient[p.name] for p in params])
    for d in range(DIRECTIONS):
        v = rng.choice((-1.0, 1.0), len(params))
        along = float(claimed @ v)
        scale = float(np.abs(claimed).sum())  # the size of the terms that sum to `along`
        for step in FD_STEPS:
            plus = loss(spec, arrays.moved({p: step * s for p, s in zip(params, v)}))
            minus = loss(spec, arrays.moved({p: -step * s for p, s in zip(params, v)}))
            estimate = (plus - minus) / (2 * step)
            if abs(along - estimate) <= tolerance * max(abs(along), abs(estimate), scale) + 1e-8:
                break
        else:
            return (f"the gradient along random direction {d + 1} is {along!r} by backpropagation but "
                    f"{estimate!r} by finite differences")
    return None
