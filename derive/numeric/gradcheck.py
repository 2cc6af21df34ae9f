"""Finite differences: central differences of the step engine's loss, checked against a claimed
gradient one parameter at a time, or along random directions for many parameters (the fast mode of
PyTorch's gradcheck)."""
from __future__ import annotations

import numpy as np

from ..spec import Spec
from ..spec.vocabulary import KINKED
from .arrays import Arrays
from .engine import forward, loss


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
