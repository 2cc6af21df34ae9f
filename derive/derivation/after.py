"""The loss after the step: the network's forward pass again, by the model's own local expressions,
at the updated parameters (the reader sees whether the step helped)."""
from __future__ import annotations

import math

from ..symbolic import Model, precise


def loss_after(model: Model, updated: dict[str, float]) -> float | None:
    """The loss over all samples (reduced as the spec says) with each parameter in `updated` at its new
    value and the others as they were; None when a step too long makes it infinite (a saturated output
    whose logarithm is taken)."""
    try:
        value = _loss_after(model, updated)
    except (TypeError, ValueError, ZeroDivisionError, OverflowError):  # SymPy's zoo has no float
        return None
    return value if math.isfinite(value) else None


def _loss_after(model: Model, updated: dict[str, float]) -> float:
    spec = model.spec
    totals = []
    for s in range(spec.samples):
        env = dict(zip(model.inputs, spec.inputs[s])) | dict(zip(model.targets, spec.targets[s]))
        env |= {unit: 1.0 for unit in model.units.values()}
        env |= {model.param_symbol[p.name]: updated.get(p.name, p.value) for p in model.params}
        for layer in model.layers:
            for n in layer:
                env[n.net] = precise(n.net_display, env)
            for n in layer:  # a softmax output needs every net input of its layer
                env[n.out] = precise(n.out_eval, env)
        totals.append(float(precise(model.loss_expr, env)))
    return sum(totals) / (len(totals) if spec.reduction == "mean" else 1)
