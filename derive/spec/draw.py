"""Numbers a spec asks to be drawn instead of written: initial weights and biases (params.init) and
2-D data (data.generate), each from a generator seeded by the spec, so the same spec gives the same
numbers everywhere."""
from __future__ import annotations

import math

import numpy as np

from .limits import MAX_SAMPLES
from .reader import Reader
from .types import Matrix

SHAPES = {"diamond": lambda x: np.abs(x[:, 0]) + np.abs(x[:, 1]) < 1}  # label 1 inside the shape

MAX_GENERATED = MAX_SAMPLES  # generated points are samples like written ones


def generated(r: Reader, data: dict, layers: tuple[int, ...]) -> tuple[Matrix, Matrix]:
    """Points drawn uniformly from [-1, 1]^2 by a seeded generator, rounded, labelled 1 inside the shape."""
    if "inputs" in data or "targets" in data:
        raise r.fail("data.generate", "either data.generate or written inputs and targets, not both", note="both")
    spec = r.table("data.generate")
    shape = r.choice(r.get(spec, "data.generate.shape"), "data.generate.shape", tuple(SHAPES))
    if layers[0] != 2 or layers[-1] != 1:
        raise r.fail("network.layers", "2 inputs and 1 output for generated 2-D data", list(layers))
    values = {}
    for key, default, low, high in (("count", 50, 1, MAX_GENERATED), ("seed", 0, 0, 2**63), ("decimals", 2, 1, 12)):
        value = spec.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise r.fail(f"data.generate.{key}", f"a whole number from {low} to {high}", value)
        values[key] = value
    points = np.round(np.random.default_rng(values["seed"]).uniform(-1, 1, (values["count"], 2)), values["decimals"])
    labels = SHAPES[shape](points).astype(float)
    return (tuple(tuple(float(v) for v in row) for row in points), tuple((float(v),) for v in labels))


INIT_RANGE = 1_000_000.0  # drawn parameters stay far inside float64 (1e308 - -1e308 overflows)
_INIT_FIELDS = {"uniform": {"low", "high"}, "normal": {"mean", "std"}, "xavier": set()}


def initialized(r: Reader, params: dict, layers: tuple[int, ...], styles: tuple[str, ...], layout: str) -> dict:
    """params with weights (and biases) drawn by params.init from a seeded generator, in the spec's own
    shapes, so that they go through the same checks as written numbers.

    uniform {low, high} and normal {mean, std} draw weights and biases; xavier draws weights uniformly in
    +-sqrt(6 / (fan_in + fan_out)) and sets biases to 0. Values are rounded to `decimals` (default 4)."""
    init = _init(r, params)
    draw = _drawer(init)
    weights, biases = [], []
    for l, style in enumerate(styles):
        rows, cols = layers[l + 1], layers[l]
        matrix = draw((rows, cols), rows + cols)
        bias = [0.0] * rows if init["scheme"] == "xavier" else draw((rows,))
        if style == "bias_node":
            matrix = [[b, *row] for b, row in zip(bias, matrix)]
        if layout == "row":
            matrix = [list(column) for column in zip(*matrix)]
        weights.append(matrix)
        biases.append(bias if style == "per_neuron" else bias[0] if style == "per_layer" else [])
    drawn = {key: value for key, value in params.items() if key != "init"} | {"weights": weights}
    if any(style in ("per_neuron", "per_layer") for style in styles):
        drawn["biases"] = biases
    return drawn


def _init(r: Reader, params: dict) -> dict:
    """The params.init table checked: its scheme, seed, decimals and the scheme's numbers (defaults filled)."""
    init = params["init"]
    if "weights" in params or "biases" in params:
        raise r.fail("params.init", "either params.init or written weights and biases, not both",
                     note="both")
    if not isinstance(init, dict) or init.get("scheme") not in _INIT_FIELDS:
        raise r.fail("params.init", "a table with scheme = uniform, normal or xavier, and seed", init)
    allowed = _INIT_FIELDS[init["scheme"]] | {"scheme", "seed", "decimals"}
    for key in init:
        if key not in allowed:
            raise r.fail(f"params.init.{key}", f"one of {', '.join(sorted(allowed))}", note="an unknown field")
    checked = {"scheme": init["scheme"], "seed": init.get("seed", 0), "decimals": init.get("decimals", 4)}
    for key, high in (("seed", 2**63 - 1), ("decimals", 12)):
        value = checked[key]
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= high:
            raise r.fail(f"params.init.{key}", f"a whole number from 0 to {high:,}", value)
    checked |= {key: r.number(init.get(key, default), f"params.init.{key}")
                for key, default in (("low", -1.0), ("high", 1.0), ("mean", 0.0), ("std", 1.0))}
    for key in ("low", "high", "mean", "std"):
        if abs(checked[key]) > INIT_RANGE:
            raise r.fail(f"params.init.{key}", f"a number from {-INIT_RANGE:,.0f} to {INIT_RANGE:,.0f}", checked[key])
    if checked["low"] >= checked["high"] or checked["std"] <= 0:
        raise r.fail("params.init", "low < high and std > 0", init)
    return checked


def _drawer(init: dict):
    """draw(shape, fan): numbers of `shape` by the scheme, from a generator seeded once, rounded."""
    rng = np.random.default_rng(init["seed"])

    def draw(shape: tuple[int, ...], fan: int = 0) -> list:
        if init["scheme"] == "xavier":
            bound = math.sqrt(6 / fan)
            values = rng.uniform(-bound, bound, shape)
        elif init["scheme"] == "uniform":
            values = rng.uniform(init["low"], init["high"], shape)
        else:
            values = rng.normal(init["mean"], init["std"], shape)
        return np.round(values, init["decimals"]).tolist()

    return draw
