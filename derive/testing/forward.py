"""The working of a wrong forward value, and what it is consistent with: the activation left out,
the bias left out, transposed weights, or the right arithmetic on your own earlier (wrong) values."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..numeric.functions import ACTIVATIONS, softmax
from ..spec import Spec
from .explain import fmt


def story(spec: Spec, numbers: dict[str, Any], theirs: dict[tuple[int, str, str], float], wrong: list, close,
          name: dict) -> list[str]:
    """Which wrong values follow from your own earlier ones, then the working of the first that does not."""
    findings = {key: _finding(spec, numbers, theirs, key, close, name) for key in wrong}
    carried = [key for key in wrong if findings[key] and findings[key].startswith("follows from your")]
    first = next((key for key in wrong if key not in carried), wrong[0])
    lines = []
    if carried:
        lines.append(f"{len(carried)} of them follow from your own earlier values by the right arithmetic: "
                     + ", ".join(name[key] for key in carried) + ".")
    lines += _working(spec, numbers, first, name)
    if findings[first]:
        lines.append(f"Your {name[first]} = {fmt(theirs[first])} {findings[first]}.")
    return lines


def _place(spec: Spec, key: tuple[int, str, str]):
    """The layer (1-based) and index of a key's neuron, its weights and its bias."""
    label = key[1]
    l = next(l for l in range(1, spec.depth + 1) if label in spec.labels[l])
    j = spec.labels[l].index(label)
    weights = {(p.dest, p.src): p for p in spec.parameters() if p.layer == l and p.kind == "weight"}
    bias = next((p for p in spec.parameters() if p.layer == l and p.kind == "bias" and p.dest in (j, None)), None)
    return l, j, weights, bias


def _sources(spec: Spec, numbers: dict[str, Any], s: int, l: int) -> list[float]:
    row = numbers["forward"][s]
    return list(spec.inputs[s]) if l == 1 else [row[source]["out"] for source in spec.labels[l - 1]]


def _working(spec: Spec, numbers: dict[str, Any], key: tuple[int, str, str], name: dict) -> list[str]:
    s, label, _ = key
    l, j, weights, bias = _place(spec, key)
    before = _sources(spec, numbers, s, l)
    sources = spec.labels[l - 1]
    terms = [f"{weights[j, k].name} * {source}" for k, source in enumerate(sources)]
    values = [f"{fmt(weights[j, k].value)} * {fmt(before[k])}" for k in range(len(sources))]
    if bias:
        terms.append(bias.name)
        values.append(fmt(bias.value))
    activation = spec.activations[l - 1]
    net, out = numbers["forward"][s][label]["in"], numbers["forward"][s][label]["out"]
    return [f"derive's working for {name[key]}:",
            f"  in_{label} = {' + '.join(terms)} = {' + '.join(values)} = {fmt(net)}",
            f"  out_{label} = {activation}(in_{label}) = {activation}({fmt(net)}) = {fmt(out)}"]


def _finding(spec: Spec, numbers: dict[str, Any], theirs: dict, key: tuple[int, str, str], close,
             name: dict) -> str | None:
    s, label, side = key
    l, j, weights, bias = _place(spec, key)
    net = numbers["forward"][s][label]["in"]
    for alternative, text in _alternatives(spec, theirs, s, l, j, side, _sources(spec, numbers, s, l), weights,
                                           bias, net):
        if alternative is not None and close(name[key], theirs[key], alternative):
            return text
    return None


def _alternatives(spec: Spec, theirs: dict, s: int, l: int, j: int, side: str, before: list[float], weights: dict,
                  bias, net: float):
    """(value, what it means) for each way a wrong value can come about."""
    b = 0.0 if bias is None else bias.value
    row = np.array([weights[j, k].value for k in range(len(before))])
    labels = spec.labels[l]
    if side == "out":
        yield net, f"equals in_{labels[j]}: the activation ({spec.activations[l - 1]}) was not applied"
        own = theirs.get((s, labels[j], "in"))
        if own is not None:
            yield _activate(spec, l, j, s, theirs, own), f"follows from your in_{labels[j]} by the right activation"
        yield _activate(spec, l, j, s, {}, net - b), "is the output with the bias left out"
        return
    yield net - b, f"is the net input without its bias{' ' + bias.name if bias else ''}"
    own = [theirs.get((s, source, "out")) for source in spec.labels[l - 1]] if l > 1 else None
    if own and None not in own:
        yield float(row @ np.array(own)) + b, (f"follows from your outputs of layer {l - 1} "
                                               f"({', '.join(spec.labels[l - 1])}) by the right arithmetic")
    if spec.layers[l] == spec.layers[l - 1] and spec.layers[l] > 1:
        column = np.array([weights[k, j].value for k in range(len(before))])
        yield float(column @ np.array(before)) + b, "is the net input computed with the transposed weights"


def _activate(spec: Spec, l: int, j: int, s: int, theirs: dict, z: float) -> float | None:
    name = spec.activations[l - 1]
    if name == "softmax":  # needs the whole layer's net inputs: yours where given
        zs = [theirs.get((s, label, "in")) for label in spec.labels[l]]
        if None in zs:
            return None
        zs[j] = z
        return float(softmax(np.array([zs]))[0, j])
    return float(ACTIVATIONS[name][0](np.array(z), spec.leaky_slope))
