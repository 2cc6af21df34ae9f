"""The JSON view: every number of a derivation as plain data at full float64 precision (the format
documented in docs/json.md)."""
from __future__ import annotations

import json
from typing import Any

from ..ir import Derivation, Training
from ..spec.schedule import history


def document(derivation: Derivation, lang: str = "en", template_dir: object = None) -> str:
    """The JSON document (the same in every language; no template)."""
    return json_text(derivation)


def json_text(derivation: Derivation) -> str:
    """The derivation's numbers as JSON, at full float64 precision."""
    return json.dumps(json_view(derivation), indent=2, ensure_ascii=False) + "\n"


def json_view(d: Derivation) -> dict[str, Any]:
    """A plain-data view of the IR (the JSON format documented in docs/json.md)."""
    several = len(d.samples) > 1
    outputs = d.labels[-1]
    per_sample = [{"total": s.loss_total.value.value,
                   "terms": {label: eq.value.value for label, eq in zip(outputs, s.loss_terms)}}
                  for s in d.samples]
    chain: dict[str, list[dict[str, Any]]] = {row.name: [] for row in d.summary}
    for s in d.samples:
        for c in s.chains().values():
            for term in c.terms:
                for factor in (*term.known, term.local.eq):
                    chain[c.param].append({"sample": s.index, "neuron": term.neuron,
                                           "factor": factor.lhs, "value": factor.value.value})
    view: dict[str, Any] = {
        "name": d.name,
        "network": {"layers": list(d.layers), "labels": [list(group) for group in d.labels],
                    "activation": list(d.activations), "loss": d.loss, "bias": list(d.bias), "reduction": d.reduction},
        "learning_rate": d.learning_rate.value.value if d.learning_rate else None,
        "parameters": {row.name: row.value.value for row in d.parameters},
        "inputs": [[eq.value.value for eq in s.inputs] for s in d.samples],
        "targets": [[eq.value.value for eq in s.targets] for s in d.samples],
        "forward": [{n.label: {"in": n.net.value.value, "out": n.out.value.value}
                     for layer in s.forward for n in layer} for s in d.samples],
        "loss": {"total": d.total_loss.value,
                 "terms": {label: term.value for label, term in zip(outputs, d.loss_terms)}},
    }
    if d.loss_after:
        view["loss"]["after_update"] = d.loss_after.value
    if d.learning_rate:
        view |= {"gradients": {row.name: row.gradient.value for row in d.summary}, "chain": chain,
                 "updated": {row.name: row.updated.value for row in d.summary}}
    if several:
        view["loss"]["per_sample"] = per_sample
    if d.training:
        outputs_after: dict[int, list[float]] = {}
        for o in d.training.outputs:
            outputs_after.setdefault(o.sample, []).append(o.output.value)
        view["training"] = {
            "iterations": d.training.iterations, "mode": d.training.mode, **history(d.training.losses),
            "parameters": {p.name: p.final.value for p in d.training.parameters},
            "outputs": [outputs_after[s] for s in sorted(outputs_after)], "digits": _digits(d.training)}
        if d.training.accuracy:
            view["training"]["accuracy"] = d.training.accuracy.value
    if d.regularization:
        lam, penalty, objective = d.regularization
        view["loss"] |= {"l2": lam.value, "regularization": penalty.value.value, "objective": objective.value.value}
    return view


def _digits(training: Training) -> dict[str, Any]:
    """The significant digits the document prints of the final loss, each parameter and each output:
    those float64 settles over the iterations (derive.derivation.training.build)."""
    shown = dict(training.digits)
    outputs: dict[int, list[int]] = {}
    for o in training.outputs:
        outputs.setdefault(o.sample, []).append(shown[o.output.key])
    return {"loss": shown[training.checkpoints[-1].loss.key],
            "parameters": {p.name: shown[p.final.key] for p in training.parameters},
            "outputs": [outputs[s] for s in sorted(outputs)]}

