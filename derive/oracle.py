"""Every number of a network as plain data, without the symbolic path, rendering or figures: the
test oracle's core (`derive.numbers`).

The numbers come from the step engine (and the training loop for `training`), cross-checked before
they are returned: every gradient against the training loop's own backward pass and against central
finite differences, training by derive.crosscheck.check_training. The dict has the keys and shape of
the JSON a document writes (docs/json.md), so that a test can read either; only the chain's factor
names differ: plain text (`dE/dout_h1`) instead of a notation's LaTeX.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from . import fmt, keys
from .crosscheck import check_gradient, check_training, reference
from .numeric import loop
from .spec import Param, Spec, load
from .spec.schedule import history
from .spec.size import refuse_long_training


def numbers(source: str | Path | dict | Spec) -> dict[str, Any]:
    """Every quantity of `source` (a spec: a built-in example's name, a TOML file, a dict of the same
    fields, or a Spec) as a dict shaped like the JSON of `derive doc --format json`."""
    spec = source if isinstance(source, Spec) else load(source)
    values = reference(spec)
    refuse_long_training(spec)
    if spec.learning_rate is not None:
        check_gradient(spec, values, second_pass=True)
    return view(spec, values)


def view(spec: Spec, values: dict[str, float]) -> dict[str, Any]:
    """The step engine's `values` of `spec` (and, with training.iterations, its training) as JSON-shaped data."""
    samples = range(spec.samples)
    outputs = spec.labels[-1]
    trainable = [p for p in spec.parameters() if p.trainable]
    result: dict[str, Any] = {
        "name": spec.name,
        "network": {"layers": list(spec.layers), "labels": [list(group) for group in spec.labels],
                    "activation": list(spec.activations), "loss": spec.loss, "bias": list(spec.bias),
                    "reduction": spec.reduction},
        "learning_rate": spec.learning_rate,
        "parameters": {p.name: p.value for p in spec.parameters()},
        "inputs": [list(row) for row in spec.inputs],
        "targets": [list(row) for row in spec.targets],
        "forward": [{label: {"in": values[keys.net(s, label)], "out": values[keys.out(s, label)]}
                     for group in spec.labels[1:] for label in group} for s in samples],
        "loss": {"total": values[keys.LOSS], "terms": {label: values[keys.loss_term(label)] for label in outputs}},
    }
    if keys.LOSS_AFTER in values:
        result["loss"]["after_update"] = values[keys.LOSS_AFTER]
    if spec.learning_rate is not None:
        result |= {"gradients": {p.name: values[keys.gradient(p.name)] for p in trainable},
                   "chain": {p.name: [factor for s in samples for factor in _chain(spec, values, s, p)]
                             for p in trainable},
                   "updated": {p.name: values[keys.updated(p.name)] for p in trainable}}
    if spec.samples > 1:
        result["loss"]["per_sample"] = [{"total": values[keys.error(s)],
                                         "terms": {label: values[keys.error(s, label)] for label in outputs}}
                                        for s in samples]
    if spec.iterations and spec.learning_rate is not None:
        result["training"] = _training(spec)
    if spec.l2:
        result["loss"] |= {"l2": spec.l2, "regularization": values[keys.PENALTY],
                           "objective": values[keys.OBJECTIVE]}
    return result


def _chain(spec: Spec, values: dict[str, float], s: int, p: Param) -> list[dict[str, Any]]:
    """The chain rule of parameter p in sample s: for each neuron p feeds, dE/dout, dout/din (a softmax
    layer: dE/din at once) and din/dp."""
    labels = spec.labels[p.layer]
    fed = range(len(labels)) if p.dest is None else [p.dest]
    factors = []
    for j in fed:
        n = labels[j]
        if spec.activations[p.layer - 1] == "softmax":
            known = [(f"dE/din_{n}", values[keys.delta(s, n)])]
        else:
            known = [(f"dE/dout_{n}", values[keys.d_out(s, n)]),
                     (f"dout_{n}/din_{n}", values[keys.d_activation(s, n)])]
        known.append((f"din_{n}/d{p.name}", values[keys.d_net_d_param(s, n, p.name)]))
        factors += [{"sample": s, "neuron": n, "factor": name, "value": value} for name, value in known]
    return factors


def _training(spec: Spec) -> dict[str, Any]:
    """Training for spec.iterations by the loop, cross-checked (derive.crosscheck.check_training)."""
    run = loop.run(spec)
    independent = check_training(spec, run)
    final = loop.with_arrays(spec, run.final)
    result: dict[str, Any] = {"iterations": run.iterations, "mode": run.mode, **history(run.losses),
                              "parameters": {p.name: independent[keys.trained_param(p.name)]
                                             for p in final.parameters()},
                              "outputs": [[independent[keys.trained_out(s, label)] for label in spec.labels[-1]]
                                          for s in range(spec.samples)]}
    score = loop.accuracy(spec, np.array(run.outputs))
    if score is not None:
        result["accuracy"] = score
    result["digits"] = _digits(spec, run, [loop.run(spec, nudge=seed) for seed in loop.SHADOWS])
    return result


def _digits(spec: Spec, run: loop.History, shadows: list[loop.History]) -> dict[str, Any]:
    """The significant digits a document prints of the final loss, parameters and outputs: those the
    shadow runs share with the run (derive.fmt.shared_digits), as in the document's JSON."""
    def shown(value: float, others: list[float]) -> int:
        return fmt.shared_digits(value, others, fmt.DEFAULT_DIGITS)

    n, theirs = run.iterations, [loop.trained(spec, h) for h in shadows]
    return {"loss": shown(run.losses[n], [h.losses[n] for h in shadows]),
            "parameters": {name: shown(v, [t[name] for t in theirs]) for name, v in loop.trained(spec, run).items()},
            "outputs": [[shown(y, [h.outputs[s][j] for h in shadows]) for j, y in enumerate(row)]
                        for s, row in enumerate(run.outputs)]}
