"""Stage 1: read a network spec (TOML file, built-in preset or dict) into a validated, frozen `Spec`.

Nothing from a spec is ever evaluated: every field is checked for type and shape here, and every
error names the source, the field and what was expected.
"""
from __future__ import annotations

import dataclasses
import math
import re
import tomllib

import numpy as np
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import SpecError
from .functions import ACTIVATION_NAMES as ACTIVATIONS
from .functions import DEFAULT_LEAKY_SLOPE, FORWARD_ONLY
from .latex import NOTATIONS

LOSSES = ("half_sse", "mse", "bce", "cross_entropy")
BIAS_STYLES = ("per_neuron", "per_layer", "none", "bias_node")
REDUCTIONS = ("sum", "mean")
TRAINING_MODES = ("batch", "online")
MAX_ITERATIONS = 10_000_000

_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_TOP_FIELDS = {"name", "note", "notation", "network", "params", "data", "training", "focus", "samples_in_full"}
_FIELDS = {
    "network": {"layers", "activation", "leaky_slope", "loss", "bias", "trainable_biases", "reduction", "names"},
    "network.names": {"inputs", "layers"},
    "params": {"weights", "biases", "layout", "init"},
    "data": {"inputs", "targets", "generate"},
    "data.generate": {"shape", "count", "seed", "decimals"},
    "training": {"learning_rate", "l2", "iterations", "mode", "compare_hidden"},
}

Matrix = tuple[tuple[float, ...], ...]


@dataclass(frozen=True)
class Param:
    """One scalar parameter: `w5` (weight into neuron `dest` of `layer` from unit `src`) or `b3`."""

    name: str
    kind: str  # "weight" | "bias"
    layer: int  # 1-based index of the layer the parameter feeds
    dest: int | None  # neuron index in that layer (None: a bias shared by the whole layer)
    src: int | None  # unit index in layer - 1 (weights only)
    value: float
    trainable: bool = True  # False: a fixed bias, never updated
    node: bool = False  # a bias carried by a bias unit (x0 = 1, a0 = 1) as column 0 of the weights


@dataclass(frozen=True)
class Spec:
    """A validated network: sizes, functions, labels, parameters, data and learning rate."""

    name: str
    source: str
    note: tuple[tuple[str, str], ...]  # (language, text) said in the document's introduction, "*" for any
    notation: str  # the document's default notation
    layers: tuple[int, ...]
    activations: tuple[str, ...]  # one per non-input layer
    leaky_slope: float  # leaky_relu's slope for z <= 0
    loss: str
    bias: tuple[str, ...]  # bias style of each non-input layer
    trainable_biases: bool
    reduction: str
    labels: tuple[tuple[str, ...], ...]  # labels[0] inputs, labels[l] neurons of layer l
    weights: tuple[Matrix, ...]  # weights[l-1][j][k]: into neuron j of layer l from unit k (always this layout)
    layout: str  # how the spec wrote them: column (weights[l][j][k]) or row (weights[l][k][j], z = x @ W)
    biases: tuple[tuple[float, ...], ...]  # per layer: one per neuron (per_neuron, bias_node), one shared, or none
    inputs: Matrix
    targets: Matrix
    learning_rate: float | None  # None: no [training], a forward-pass-only document
    l2: float = 0.0  # lambda of the penalty lambda / (2m) * sum of squared weights (biases excluded)
    iterations: int = 0  # training iterations after the worked step (0: the one worked step only)
    mode: str = "batch"  # batch: one update per iteration; online: one update per sample, in order
    compare_hidden: tuple[Spec, ...] = ()  # the same network with other numbers of hidden neurons, to compare
    focus: tuple[str, ...] = ()  # the parameters whose chains are written out (empty: all of them)
    samples_in_full: int = 0  # the first samples written out step by step, the others as table rows (0: all)

    @property
    def depth(self) -> int:
        """Number of layers with parameters (hidden layers + output layer)."""
        return len(self.layers) - 1

    @property
    def samples(self) -> int:
        return len(self.inputs)

    @property
    def written_samples(self) -> int:
        """How many samples (the first ones) the document writes out step by step."""
        return min(self.samples_in_full or self.samples, self.samples)

    def parameters(self) -> tuple[Param, ...]:
        """Every scalar parameter in document order: w1, w2, ... layer by layer, then b1, b2, ..."""
        weights, biases = [], []
        for l in range(1, len(self.layers)):
            for j, row in enumerate(self.weights[l - 1]):
                for k, value in enumerate(row):
                    weights.append(Param(f"w{len(weights) + 1}", "weight", l, j, k, value))
            style = self.bias[l - 1]
            for j, value in enumerate(self.biases[l - 1]):
                biases.append(Param(f"b{len(biases) + 1}", "bias", l, None if style == "per_layer" else j, None,
                                    value, self.trainable_biases, style == "bias_node"))
        return tuple(weights + biases)


def load(source: str | Path | dict, *, name: str | None = None) -> Spec:
    """Load a spec from a .toml path, a built-in preset name, or a dict with the same fields."""
    if isinstance(source, dict):
        return parse(source, source="<dict>", default_name=name or "network")
    text = str(source)
    path = Path(text)
    if path.suffix == ".toml" or path.exists():
        return parse(_read_toml(path, text), source=path.name, default_name=path.stem)
    return load_preset(text)


def preset_names() -> dict[str, str]:
    """Built-in examples: name -> the one-line description in the preset's first comment."""
    found = {}
    for entry in sorted(resources.files("derive.presets").iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            first = entry.read_text(encoding="utf-8").splitlines()[0]
            found[entry.name[: -len(".toml")]] = first.lstrip("# ").strip()
    return found


def load_preset(name: str) -> Spec:
    """Load a built-in example by name."""
    names = preset_names()
    if name not in names:
        raise SpecError(name, "SPEC", f"a .toml file or a built-in example ({', '.join(names)})",
                        "no such file or example")
    entry = resources.files("derive.presets") / f"{name}.toml"
    return parse(tomllib.loads(entry.read_text(encoding="utf-8")), source=f"{name}.toml", default_name=name)


def _read_toml(path: Path, shown: str) -> dict:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SpecError(shown, "SPEC", "a readable .toml file", exc.strerror or "unreadable") from None
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise SpecError(path.name, "(file)", "UTF-8 text", "undecodable bytes") from None
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(path.name, "(file)", "valid TOML", str(exc)) from None


class _Reader:
    """Pulls typed, shape-checked values out of the raw TOML tables, naming the field on error."""

    def __init__(self, raw: dict, source: str):
        self.raw, self.source = raw, source

    def fail(self, field: str, expected: str, got: Any = None, *, note: str | None = None) -> SpecError:
        """An error for `field`: `got` is the user's bad value, `note` a plain description instead."""
        return SpecError(self.source, field, expected, note if note is not None else _describe(got))

    def table(self, field: str, required: bool = True) -> dict:
        node: Any = self.raw
        for part in field.split("."):
            node = node.get(part) if isinstance(node, dict) else None
            if node is None:
                if required:
                    raise self.fail(field, "a table", note="nothing (missing)")
                return {}
        if not isinstance(node, dict):
            raise self.fail(field, "a table", node)
        allowed = _FIELDS.get(field, set())
        for key in node:
            if key not in allowed:
                raise self.fail(f"{field}.{key}", f"one of the known fields ({', '.join(sorted(allowed))})",
                                note="an unknown field")
        return node

    def get(self, table: dict, field: str, default: Any = ...) -> Any:
        key = field.rsplit(".", 1)[-1]
        if key not in table:
            if default is ...:
                raise self.fail(field, "a value", note="nothing (missing)")
            return default
        return table[key]

    def number(self, value: Any, field: str) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.fail(field, "a number", value)
        if not math.isfinite(value):
            raise self.fail(field, "a finite number", value)
        return float(value)

    def vector(self, value: Any, field: str, size: int) -> tuple[float, ...]:
        if not isinstance(value, list) or len(value) != size:
            raise self.fail(field, f"a list of {size} numbers", value)
        return tuple(self.number(v, f"{field}[{i}]") for i, v in enumerate(value))

    def matrix(self, value: Any, field: str, rows: int | None, cols: int) -> Matrix:
        shape = f"{rows} rows of {cols} numbers ({rows}x{cols})" if rows else f"rows of {cols} numbers"
        if not isinstance(value, list) or (rows is not None and len(value) != rows) or not value:
            raise self.fail(field, shape, value)
        if any(not isinstance(row, list) or len(row) != cols for row in value):
            raise self.fail(field, shape, value)
        return tuple(self.vector(row, f"{field}[{i}]", cols) for i, row in enumerate(value))

    def choice(self, value: Any, field: str, options: tuple[str, ...]) -> str:
        if not isinstance(value, str) or value not in options:
            raise self.fail(field, f"one of {', '.join(options)}", value)
        return value

    def per_layer(self, value: Any, field: str, options: tuple[str, ...], depth: int) -> tuple[str, ...]:
        """One of `options` for every layer, or a list with one per layer."""
        if not isinstance(value, list):
            return (self.choice(value, field, options),) * depth
        if len(value) != depth:
            raise self.fail(field, f"one of {', '.join(options)}, or a list of {depth} of them", value)
        return tuple(self.choice(v, f"{field}[{l}]", options) for l, v in enumerate(value))

    def labels(self, value: Any, field: str, size: int) -> tuple[str, ...]:
        if not isinstance(value, list) or len(value) != size:
            raise self.fail(field, f"a list of {size} labels", value)
        for i, label in enumerate(value):
            if not isinstance(label, str) or not label.strip() or not label.isprintable():
                raise self.fail(f"{field}[{i}]", "a non-empty printable label", label)
        return tuple(value)


def parse(raw: dict, *, source: str, default_name: str) -> Spec:
    """Validate the raw fields of a spec and build the frozen `Spec`."""
    r = _Reader(raw, source)
    for key in raw:
        if key not in _TOP_FIELDS:
            raise r.fail(key, f"one of the known fields ({', '.join(sorted(_TOP_FIELDS))})", note="an unknown field")

    name = raw.get("name", default_name)
    if not isinstance(name, str) or not _NAME_RE.fullmatch(name):
        raise r.fail("name", "a file-name-safe name (letters, digits, '.', '_', '-')", name)

    note = _note(r, raw.get("note"))
    notation = raw.get("notation", "in-out")
    if notation not in NOTATIONS:
        raise r.fail("notation", f"one of {', '.join(NOTATIONS)}", notation)

    network = r.table("network")
    layers = r.get(network, "network.layers")
    if (not isinstance(layers, list) or len(layers) < 2
            or any(isinstance(n, bool) or not isinstance(n, int) or n < 1 for n in layers)):
        raise r.fail("network.layers", "a list of at least 2 positive integers", layers)
    layers = tuple(layers)
    depth = len(layers) - 1

    activation = r.get(network, "network.activation", "sigmoid")
    activations = r.per_layer(activation, "network.activation", ACTIVATIONS, depth)
    slope = r.number(r.get(network, "network.leaky_slope", DEFAULT_LEAKY_SLOPE), "network.leaky_slope")
    if not 0 <= slope < 1:
        raise r.fail("network.leaky_slope", "a number from 0 up to (not including) 1", slope)
    loss = r.choice(r.get(network, "network.loss", "half_sse"), "network.loss", LOSSES)
    bias = r.per_layer(r.get(network, "network.bias", "per_neuron"), "network.bias", BIAS_STYLES, depth)
    reduction = r.choice(r.get(network, "network.reduction", "sum"), "network.reduction", REDUCTIONS)
    trainable = r.get(network, "network.trainable_biases", True)
    if not isinstance(trainable, bool):
        raise r.fail("network.trainable_biases", "true or false", trainable)
    labels = _labels(r, layers)

    params = r.table("params")
    layout = r.choice(r.get(params, "params.layout", "column"), "params.layout", ("column", "row"))
    if "init" in params:
        params = _initialized(r, params, layers, bias, layout)
    weights, node_biases = _weights(r, params, layout, layers, bias)
    biases = _biases(r, params, bias, layers, node_biases)

    data = r.table("data")
    if "generate" in data:
        inputs, targets = _generated(r, data, layers)
    else:
        inputs = r.matrix(r.get(data, "data.inputs"), "data.inputs", None, layers[0])
        targets = r.matrix(r.get(data, "data.targets"), "data.targets", len(inputs), layers[-1])

    _check_functions(r, activations, loss, targets, isinstance(activation, list))

    training = r.table("training", required=False)
    forward_only = [name for name in activations if name in FORWARD_ONLY]
    if training and forward_only:
        raise r.fail("training", f"no [training] with a {forward_only[0]} activation (its derivative is 0 or "
                     "undefined, so it allows a forward pass only); remove [training]", note="a [training] table")
    rate, l2, iterations, mode = None, 0.0, 0, "batch"
    if training:
        rate = r.number(r.get(training, "training.learning_rate"), "training.learning_rate")
        if rate <= 0:
            raise r.fail("training.learning_rate", "a positive number", rate)
        l2 = r.number(r.get(training, "training.l2", 0.0), "training.l2")
        if l2 < 0:
            raise r.fail("training.l2", "a number of at least 0", l2)
        iterations = r.get(training, "training.iterations", 0)
        if isinstance(iterations, bool) or not isinstance(iterations, int) or not 0 <= iterations <= MAX_ITERATIONS:
            raise r.fail("training.iterations", f"a whole number from 0 to {MAX_ITERATIONS:,}", iterations)
        mode = r.choice(r.get(training, "training.mode", "batch"), "training.mode", TRAINING_MODES)
    variants = _variants(r, raw, layers, iterations, source, default_name) if "compare_hidden" in training else ()

    spec = Spec(name, source, note, notation, layers, activations, slope, loss, bias, trainable, reduction, labels,
                weights, layout, biases, inputs, targets, rate, l2, iterations, mode, variants)
    if "focus" in raw:
        given = raw["focus"]
        if not isinstance(given, list) or not all(isinstance(item, str) for item in given):
            raise r.fail("focus", "a list of parameter names (w1, b2) or layers (layer1)", given)
        spec = dataclasses.replace(spec, focus=focused(spec, given, source, "focus"))
    return dataclasses.replace(spec, samples_in_full=in_full(spec, raw.get("samples_in_full"), source,
                                                             "samples_in_full"))


FULL_BATCH = 4  # a batch of up to this many samples is written out whole by default; a bigger one, its first


def in_full(spec: Spec, given: object, source: str, field: str) -> int:
    """How many samples the document writes out step by step: `given` (a whole number, or "all"),
    by default all of a small batch and the first of a bigger one."""
    if given is None:
        return spec.samples if spec.samples <= FULL_BATCH else 1
    if given == "all":
        return spec.samples
    if isinstance(given, str) and given.strip().isdigit():
        given = int(given)
    if isinstance(given, bool) or not isinstance(given, int) or not 1 <= given <= spec.samples:
        raise SpecError(source, field, f'a whole number from 1 to {spec.samples} (the samples), or "all"',
                        _describe(given))
    return given


def focused(spec: Spec, tokens: list[str], source: str, field: str) -> tuple[str, ...]:
    """The parameters named by `tokens` (w5, b3, or layer2 for every parameter of layer 2), in document order."""
    params = spec.parameters()
    chosen = set()
    for token in tokens:
        token = token.strip()
        match = re.fullmatch(r"layer([0-9]+)", token)
        if match and 1 <= int(match.group(1)) <= spec.depth:
            chosen |= {p.name for p in params if p.layer == int(match.group(1))}
        elif token in {p.name for p in params}:
            chosen.add(token)
        else:
            weights = sum(p.kind == "weight" for p in params)
            biases = len(params) - weights
            names = f"w1 to w{weights}" + (f", b1 to b{biases}" if biases else "")
            raise SpecError(source, field, f"a parameter name ({names}) or a layer (layer1 to layer{spec.depth})",
                            _describe(token))
    if not chosen:
        raise SpecError(source, field, "at least one parameter name or layer", "nothing")
    return tuple(p.name for p in params if p.name in chosen)


SHAPES = {"diamond": lambda x: np.abs(x[:, 0]) + np.abs(x[:, 1]) < 1}  # label 1 inside the shape
MAX_GENERATED = 2000


def _generated(r: _Reader, data: dict, layers: tuple[int, ...]) -> tuple[Matrix, Matrix]:
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


MAX_COMPARED = 8


def _variants(r: _Reader, raw: dict, layers: tuple[int, ...], iterations: int, source: str,
              name: str) -> tuple[Spec, ...]:
    """The spec with each number of hidden neurons in training.compare_hidden (its own weights drawn by
    params.init), for the figure that compares their decision boundaries."""
    widths = raw["training"]["compare_hidden"]
    if (not isinstance(widths, list) or not 1 <= len(widths) <= MAX_COMPARED
            or any(isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= 64 for k in widths)):
        raise r.fail("training.compare_hidden", f"a list of 1 to {MAX_COMPARED} numbers of hidden neurons "
                     "(1 to 64)", widths)
    if len(layers) != 3 or layers[0] != 2 or "init" not in raw["params"] or not iterations:
        raise r.fail("training.compare_hidden", "a network with 2 inputs and one hidden layer, params.init to "
                     "draw each variant's weights, and training.iterations", note="a network without them")
    variants = []
    for k in widths:
        network = {key: value for key, value in raw["network"].items() if key != "names"}
        training = {key: value for key, value in raw["training"].items() if key != "compare_hidden"}
        variant = {key: value for key, value in raw.items() if key != "focus"}
        variant |= {"network": network | {"layers": [layers[0], k, layers[2]]}, "training": training}
        variants.append(parse(variant, source=source, default_name=name))
    return tuple(variants)


def _note(r: _Reader, note: Any) -> tuple[tuple[str, str], ...]:
    """A note for the document: one text for every language, or a table of texts by language."""
    if note is None:
        return ()
    if isinstance(note, str):
        return (("*", note),)
    if isinstance(note, dict) and note and all(isinstance(k, str) and isinstance(v, str) for k, v in note.items()):
        return tuple(sorted(note.items()))
    raise r.fail("note", "a text, or a table of texts by language (en = \"...\", zh = \"...\")", note)


def _check_functions(r: _Reader, activations: tuple[str, ...], loss: str, targets: Matrix, listed: bool) -> None:
    """Softmax only on the output layer; each loss with the outputs and targets it is defined for."""
    for l, name in enumerate(activations[:-1]):
        if name == "softmax":
            field = f"network.activation[{l}]" if listed else "network.activation"
            raise r.fail(field, "softmax only for the output layer (a hidden layer needs an elementwise activation)",
                         name)
    needs = {"bce": "sigmoid", "cross_entropy": "softmax"}.get(loss)
    if needs and activations[-1] != needs:
        raise r.fail("network.loss", f"an output layer with {needs} activation for {loss} (probabilities)",
                     note=f"{loss} with {activations[-1]} outputs")
    for s, row in enumerate(targets):
        if loss in ("bce", "cross_entropy") and any(not 0 <= t <= 1 for t in row):
            raise r.fail(f"data.targets[{s}]", f"probabilities from 0 to 1 for {loss}", row)
        if loss == "cross_entropy" and abs(sum(row) - 1) > 1e-9:
            raise r.fail(f"data.targets[{s}]", "targets that sum to 1 for cross_entropy", note=f"a sum of {sum(row)!r}")


def _labels(r: _Reader, layers: tuple[int, ...]) -> tuple[tuple[str, ...], ...]:
    names = r.table("network.names", required=False)
    inputs = names.get("inputs")
    inputs = (r.labels(inputs, "network.names.inputs", layers[0]) if inputs is not None
              else tuple(f"i{k + 1}" for k in range(layers[0])))
    given = names.get("layers")
    if given is not None:
        if not isinstance(given, list) or len(given) != len(layers) - 1:
            raise r.fail("network.names.layers", f"a list of {len(layers) - 1} label lists", given)
        rest = tuple(r.labels(g, f"network.names.layers[{l}]", layers[l + 1]) for l, g in enumerate(given))
    else:
        rest = tuple(_default_labels(l, layers) for l in range(1, len(layers)))
    every = [label for group in (inputs, *rest) for label in group]
    for label in every:
        if every.count(label) > 1:
            raise r.fail("network.names", "unique labels", note=f"{label!r} twice")
    return (inputs, *rest)


def _default_labels(l: int, layers: tuple[int, ...]) -> tuple[str, ...]:
    if l == len(layers) - 1:
        return tuple(f"o{j + 1}" for j in range(layers[l]))
    if len(layers) == 3:
        return tuple(f"h{j + 1}" for j in range(layers[l]))
    return tuple(f"h{l}_{j + 1}" for j in range(layers[l]))


_INIT_FIELDS = {"uniform": {"low", "high"}, "normal": {"mean", "std"}, "xavier": set()}


def _initialized(r: _Reader, params: dict, layers: tuple[int, ...], styles: tuple[str, ...], layout: str) -> dict:
    """params with weights (and biases) drawn by params.init from a seeded generator, in the spec's own
    shapes, so that they go through the same checks as written numbers.

    uniform {low, high} and normal {mean, std} draw weights and biases; xavier draws weights uniformly in
    +-sqrt(6 / (fan_in + fan_out)) and sets biases to 0. Values are rounded to `decimals` (default 4)."""
    init = params["init"]
    if "weights" in params or "biases" in params:
        raise r.fail("params.init", "either params.init or written weights and biases, not both",
                     note="both")
    if not isinstance(init, dict) or init.get("scheme") not in _INIT_FIELDS:
        raise r.fail("params.init", "a table with scheme = uniform, normal or xavier, and seed", init)
    scheme = init["scheme"]
    allowed = _INIT_FIELDS[scheme] | {"scheme", "seed", "decimals"}
    for key in init:
        if key not in allowed:
            raise r.fail(f"params.init.{key}", f"one of {', '.join(sorted(allowed))}", note="an unknown field")
    seed = init.get("seed", 0)
    decimals = init.get("decimals", 4)
    for key, value in (("seed", seed), ("decimals", decimals)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise r.fail(f"params.init.{key}", "a non-negative integer", value)
    number = {key: r.number(init.get(key, default), f"params.init.{key}")
              for key, default in (("low", -1.0), ("high", 1.0), ("mean", 0.0), ("std", 1.0))}
    if number["low"] >= number["high"] or number["std"] <= 0:
        raise r.fail("params.init", "low < high and std > 0", init)
    rng = np.random.default_rng(seed)

    def draw(shape: tuple[int, ...], fan: int = 0) -> list:
        if scheme == "xavier":
            bound = math.sqrt(6 / fan)
            values = rng.uniform(-bound, bound, shape)
        elif scheme == "uniform":
            values = rng.uniform(number["low"], number["high"], shape)
        else:
            values = rng.normal(number["mean"], number["std"], shape)
        return np.round(values, decimals).tolist()

    weights, biases = [], []
    for l, style in enumerate(styles):
        rows, cols = layers[l + 1], layers[l]
        matrix = draw((rows, cols), rows + cols)
        bias = [0.0] * rows if scheme == "xavier" else draw((rows,))
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


def _weights(r: _Reader, params: dict, layout: str, layers: tuple[int, ...], styles: tuple[str, ...],
             ) -> tuple[tuple[Matrix, ...], dict[int, tuple[float, ...]]]:
    """The weight matrices in column layout, and the biases of bias_node layers (their column 0)."""
    depth = len(layers) - 1
    given = r.get(params, "params.weights")
    if not isinstance(given, list) or len(given) != depth:
        raise r.fail("params.weights", f"a list of {depth} weight matrices", given)
    weights, node_biases = [], {}
    for l, w in enumerate(given):
        sources = layers[l] + (styles[l] == "bias_node")  # a bias unit adds column 0
        if layout == "row":  # weights[l][k][j] with z = x @ W: read as given, then transpose
            matrix = tuple(zip(*r.matrix(w, f"params.weights[{l}]", sources, layers[l + 1])))
        else:
            matrix = r.matrix(w, f"params.weights[{l}]", layers[l + 1], sources)
        if styles[l] == "bias_node":
            node_biases[l] = tuple(row[0] for row in matrix)
            matrix = tuple(row[1:] for row in matrix)
        weights.append(matrix)
    return tuple(weights), node_biases


def _biases(r: _Reader, params: dict, styles: tuple[str, ...], layers: tuple[int, ...],
            node_biases: dict[int, tuple[float, ...]]) -> tuple[tuple[float, ...], ...]:
    """Each layer's biases: params.biases[l] is a list (per_neuron), a number (per_layer) or [] (none,
    bias_node); params.biases is left out when no layer has per_neuron or per_layer biases."""
    depth = len(layers) - 1
    if all(style in ("none", "bias_node") for style in styles):
        if "biases" in params:
            raise r.fail("params.biases", "no params.biases for network.bias none or bias_node (a bias unit's "
                         "weights are column 0 of params.weights)", params["biases"])
        return tuple(node_biases.get(l, ()) for l in range(depth))
    given = r.get(params, "params.biases")
    if not isinstance(given, list) or len(given) != depth:
        what = "one list per layer" if "per_neuron" in styles else "one number per layer"
        raise r.fail("params.biases", f"a list of {depth} entries ({what})", given)
    found = []
    for l, (style, entry) in enumerate(zip(styles, given)):
        field = f"params.biases[{l}]"
        if style == "per_layer":
            found.append((r.number(entry, field),))
        elif style == "per_neuron":
            found.append(r.vector(entry, field, layers[l + 1]))
        elif entry != []:
            raise r.fail(field, f"[] for a layer with bias {style}", entry)
        else:
            found.append(node_biases.get(l, ()))
    return tuple(found)


def _describe(value: Any) -> str:
    """A short description of a bad value for an error message (never the value's repr at length)."""
    if isinstance(value, str):
        return repr(value) if len(value) <= 40 else repr(value[:37] + "...")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        if value and all(isinstance(row, list) for row in value):
            widths = sorted({len(row) for row in value})
            if len(widths) == 1:
                return f"{len(value)}x{widths[0]}"
            return f"{len(value)} rows of {'/'.join(map(str, widths))} numbers"
        return f"a list of {len(value)}"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__
