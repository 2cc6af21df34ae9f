"""Finite differences: central differences of the step engine's loss, checked against a claimed
gradient one parameter at a time, or along random directions for many parameters (the fast mode of
PyTorch's gradcheck)."""
from __future__ import annotations

import numpy as np

from ..spec import Spec
from ..spec.vocabulary import KINKED
from . import kernels
from .arrays import Arrays
from .engine import forward, loss
from .functions import ACTIVATIONS, LOSSES, complement, softmax


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
    keyed `grad:<name>`: every moved network's loss in one batched pass (`losses`)."""
    arrays = Arrays.from_spec(spec)
    params = [p for p in spec.parameters() if p.trainable and spec.learning_rate is not None
              and (only is None or p.name in only)]
    steps = [step * max(1.0, abs(p.value)) for p in params]
    moved = [arrays.perturbed(p, sign * h) for p, h in zip(params, steps) for sign in (1.0, -1.0)]
    values = losses(spec, moved).tolist() if moved else []
    return {f"grad:{p.name}": (values[2 * i] - values[2 * i + 1]) / (2 * h)
            for i, (p, h) in enumerate(zip(params, steps))}


BATCH = 1 << 22  # floats of one batched pass's largest layer array: bigger batches go in parts


def losses(spec: Spec, copies: list[Arrays]) -> np.ndarray:
    """The reduced loss of the whole batch for each network in `copies` (engine.loss of each), by one
    forward pass over a stack of them (in parts of at most BATCH floats a layer)."""
    width = len(spec.inputs) * max(spec.layers)
    part = max(1, BATCH // max(1, width))
    if len(copies) > part:
        return np.concatenate([losses(spec, copies[i:i + part]) for i in range(0, len(copies), part)])
    x, t = np.array(spec.inputs, dtype=np.float64), np.array(spec.targets, dtype=np.float64)
    count, m = len(copies), len(x)
    a = np.broadcast_to(x, (count, *x.shape))
    with np.errstate(all="ignore"):
        for l, name in enumerate(spec.activations):
            z = kernels.matmul_t_stack(a, np.stack([c.weights[l] for c in copies]))
            z += np.stack([c.biases[l] for c in copies])[:, None, :]
            nets = z.reshape(count * m, -1)
            outs = softmax(nets) if name == "softmax" else ACTIVATIONS[name][0](nets, spec.leaky_slope)
            a = outs.reshape(z.shape)
        terms = LOSSES[spec.loss][0](outs, np.tile(t, (count, 1)), complement(spec.activations[-1], nets, outs))
        per_sample = terms.sum(axis=1).reshape(count, m)
    data = per_sample.mean(axis=1) if spec.reduction == "mean" else per_sample.sum(axis=1)
    squares = np.array([sum(float(np.sum(w * w)) for w in c.weights) for c in copies]) if spec.l2 else 0.0
    return data + spec.l2 / (2 * m) * squares


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
