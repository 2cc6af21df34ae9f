"""What a test hands the assertions, read into derive's scalar names.

Parameters come by scalar name (`w5`, `b3`: a number each) or by layer (`W1` a matrix, `b1` a
vector; layers counted from 1): a number goes by its scalar name, an array by its layer. A matrix
may be units x inputs (z = W a + b, PyTorch's) or inputs x units (z = x @ W); a square one is read
in `layout` (default: the spec's). A layer of bias units may come as its weight matrix with the
biases in column 0. Neuron values come by label (`h1`: its output; `{"in": ..., "out": ...}`; a
list over samples) or by layer (`A1` outputs, `Z1` net inputs: samples x units, or units x samples).

Anything with a shape NumPy can read is accepted (lists, arrays, PyTorch tensors). A value of the
wrong shape is the tested code's mistake (AssertionError); a name derive does not know is the test's
(KeyError).
"""
from __future__ import annotations

import re
from typing import Any

import numpy as np

from ..spec import Spec

_LAYER_WEIGHTS = re.compile(r"W(\d+)")
_LAYER_BIASES = re.compile(r"[Bb](\d+)")
_LAYER_VALUES = re.compile(r"([AaZz])(\d+)")


def array(value: Any, what: str = "value") -> np.ndarray:
    if hasattr(value, "detach"):  # a PyTorch tensor
        value = value.detach().cpu().double().numpy()
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise AssertionError(f"{what}: expected numbers, got {type(value).__name__}: {value!r:.60}") from None


def parameters(actual: dict[str, Any], spec: Spec, layout: str | None = None) -> dict[str, float]:
    """`actual` (by scalar name or by layer) as scalar parameter name -> value."""
    if not isinstance(actual, dict) or not actual:
        raise KeyError("expected a dict of parameter names (w5, b3, or W1, b1 by layer) to values")
    params = spec.parameters()
    by_name = {p.name: p for p in params}
    found: dict[str, float] = {}
    for key, value in actual.items():
        values = array(value, str(key))
        if key in by_name and values.ndim == 0:  # a number: the scalar parameter of that name
            found[key] = float(values)
            continue
        weights, biases = _LAYER_WEIGHTS.fullmatch(str(key)), _LAYER_BIASES.fullmatch(str(key))
        match = weights or biases
        if key in by_name and not match:
            raise AssertionError(f"{key}: expected one number (the parameter {key}), got shape {values.shape}")
        if not match or not 1 <= int(match.group(1)) <= spec.depth:
            raise KeyError(f"{key!r}: expected a parameter of {spec.name} ({params[0].name}, ..., "
                           f"{params[-1].name}) or a layer's W1..W{spec.depth}, b1..b{spec.depth}")
        l = int(match.group(1))
        layer = [p for p in params if p.layer == l]
        if weights:
            found |= _matrix(key, values, spec, l, layer, layout or spec.layout)
        else:
            found |= _biases(key, values, spec, l, layer)
    return found


def _matrix(key: str, values: np.ndarray, spec: Spec, l: int, layer: list, layout: str) -> dict[str, float]:
    units, inputs = spec.layers[l], spec.layers[l - 1]
    node = spec.bias[l - 1] == "bias_node"
    shapes = {(units, inputs): False, (inputs, units): True}
    if node:
        shapes |= {(units, inputs + 1): False, (inputs + 1, units): True}
    if values.shape not in shapes:
        wanted = " or ".join(f"{a}x{b}" for a, b in shapes)
        raise AssertionError(f"{key}: expected a {wanted} matrix, got shape {values.shape}")
    transposed = shapes[values.shape] if units != inputs else layout == "row"
    matrix = values.T if transposed else values
    with_units = matrix.shape[1] == inputs + 1
    found = {}
    for p in layer:
        if p.kind == "weight":
            found[p.name] = float(matrix[p.dest, p.src + (1 if with_units else 0)])
        elif with_units and p.node:
            found[p.name] = float(matrix[p.dest, 0])
    return found


def _biases(key: str, values: np.ndarray, spec: Spec, l: int, layer: list) -> dict[str, float]:
    units = spec.layers[l]
    biases = [p for p in layer if p.kind == "bias"]
    if not biases:
        raise KeyError(f"{key!r}: layer {l} of {spec.name} has no biases")
    flat = values.reshape(-1)
    if biases[0].dest is None:  # one shared bias for the layer
        if flat.size != 1:
            raise AssertionError(f"{key}: expected one number (layer {l} shares one bias), got shape {values.shape}")
        return {biases[0].name: float(flat[0])}
    if flat.size != units or values.ndim > 2 or (values.ndim == 2 and 1 not in values.shape):
        raise AssertionError(f"{key}: expected a vector of {units} numbers, got shape {values.shape}")
    return {p.name: float(flat[p.dest]) for p in biases}


def neurons(actual: dict[str, Any], spec: Spec) -> dict[tuple[int, str, str], float]:
    """`actual` (by label or by layer) as (sample, label, "in" | "out") -> value."""
    if not isinstance(actual, dict) or not actual:
        raise KeyError("expected a dict of neuron labels (or A1, Z1 by layer) to values")
    found: dict[tuple[int, str, str], float] = {}
    labels = {label: l for l in range(1, spec.depth + 1) for label in spec.labels[l]}
    m = spec.samples
    for key, value in actual.items():
        match = _LAYER_VALUES.fullmatch(str(key))
        if key in labels:
            parts = value if isinstance(value, dict) else {"out": value}
            for side, v in parts.items():
                if side not in ("in", "out"):
                    raise KeyError(f"{key!r}: expected 'in' and 'out', got {side!r}")
                column = array(v, str(key)).reshape(-1)
                if column.size != m:
                    raise AssertionError(f"{key}: expected {m} value(s), one per sample, got {column.size}")
                found |= {(s, key, side): float(column[s]) for s in range(m)}
        elif match and 1 <= int(match.group(2)) <= spec.depth:
            l = int(match.group(2))
            side = "out" if match.group(1) in "Aa" else "in"
            values = array(value, str(key))
            units = spec.layers[l]
            if values.ndim == 1 and m == 1 and values.size == units:
                values = values[None, :]
            elif values.shape == (units, m) and (units != m or values.shape != (m, units)):
                values = values.T
            if values.shape != (m, units):
                raise AssertionError(f"{key}: expected {m}x{units} (samples x units) or its transpose, "
                                     f"got shape {values.shape}")
            found |= {(s, label, side): float(values[s, j])
                      for s in range(m) for j, label in enumerate(spec.labels[l])}
        else:
            raise KeyError(f"{key!r}: expected a neuron of {spec.name} ({', '.join(labels)}) or A1..A{spec.depth}, "
                           f"Z1..Z{spec.depth}")
    return found
