"""What the exercise templates receive: each variant as plain data (every number formatted), the
set as exercises.json, and each variant's worked solution, a derivation built and cross-checked like
any document."""
from __future__ import annotations

import re

from .. import fmt, keys
from ..crosscheck import reference, verify
from ..derivation import build
from ..spec import load
from ..symbolic import NOTATIONS, Model
from ..tolerance import Tolerance
from ..views.markdown import markdown
from .variants import NOTATION, Variant


def view(variants: list[Variant], tolerance: Tolerance, level: str) -> dict:
    """Plain data for the sheet and key templates (every number already formatted)."""
    rows = []
    for v in variants:
        spec = load(v.spec)
        model = Model(spec)
        names = model.names(NOTATIONS[NOTATION])
        rows.append({
            "id": v.id,
            "shape": "-".join(map(str, spec.layers)),
            "activations": list(dict.fromkeys(spec.activations)),
            "loss": spec.loss,
            "inputs": [(names[x], fmt.plain(value)) for x, value in zip(model.inputs, spec.inputs[0])],
            "targets": [(names[t], fmt.plain(value)) for t, value in zip(model.targets, spec.targets[0])],
            "parameters": [(names[model.param_symbol[p.name]], spec.labels[p.layer - 1][p.src] if p.kind == "weight"
                            else None, spec.labels[p.layer][p.dest] if p.dest is not None else None, fmt.plain(p.value))
                           for p in spec.parameters()],
            "rate": fmt.plain(spec.learning_rate),
            "asked": [(a.label, fmt.plain(a.value), a.key) for a in v.asked],
        })
    shown = str(int(tolerance.value)) if tolerance.kind == "significant" else fmt.plain(tolerance.value)
    return {"level": level, "tolerance": tolerance, "tolerance_value": shown, "variants": rows}


def json_view(variants: list[Variant], tolerance: Tolerance, level: str, seed: int) -> dict:
    """exercises.json: every variant with its full spec and every asked quantity's exact value."""
    return {"level": level, "seed": seed, "tolerance": tolerance.describe(),
            "variants": [{"id": v.id, "spec": v.spec,
                          "asked": [{"key": a.key, "label": a.label, "value": a.value,
                                     "tolerance": tolerance.describe()} for a in v.asked]} for v in variants]}


def worked(variant: Variant) -> dict:
    """The spec of the variant's worked solution: focused on the asked gradients, or without training
    when only outputs are asked."""
    asked = [keys.parse(a.key) for a in variant.asked]
    if all(k.kind == "out" for k in asked):
        return {key: value for key, value in variant.spec.items() if key != "training"}
    focus = [k.args[0] for k in asked if k.kind in ("grad", "updated")]
    params = load(variant.spec).parameters()
    return variant.spec if len(set(focus)) == sum(p.trainable for p in params) else variant.spec | {"focus": focus}


MAX_HEADING = 6  # Markdown (and HTML) have six heading levels; a seventh # is literal text


def solution(variant: Variant, lang: str) -> str:
    """A variant's worked solution of what it asks (verified like any document; without figures): the
    forward pass for outputs, the chains of the asked gradients only (the others in the summary table),
    everything for a full step; its headings two levels down to sit under the variant's heading (never
    below level six)."""
    spec = load(worked(variant))
    numbers = reference(spec)
    derivation = build(spec, numbers=numbers)
    verify(spec, derivation, numbers)
    text = markdown(derivation, lang, contents=False)
    return re.sub(r"^(#+)", lambda m: "#" * min(MAX_HEADING, len(m.group(1)) + 2), text, flags=re.M)
