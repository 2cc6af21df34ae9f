"""Validate a spec's raw fields (a parsed TOML table or a dict) into the frozen `Spec`.

Nothing from a spec is ever evaluated: every field is checked for type and shape here, and every
error names the source, the field and what was expected.
"""
from __future__ import annotations

import dataclasses
import re

from ..errors import SpecError
from . import limits
from . import vocabulary as words
from .draw import generated, initialized
from .reader import TOP_FIELDS, Reader, describe
from .types import Matrix, Spec

MAX_ITERATIONS = 200_000  # a few seconds of training for a small network
FULL_BATCH = 4  # a batch of up to this many samples is written out whole by default; a bigger one, its first
MAX_COMPARED = 8

_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def parse(raw: dict, *, source: str, default_name: str) -> Spec:
    """Validate the raw fields of a spec and build the frozen `Spec`."""
    r = Reader(raw, source)
    for key in raw:
        if key not in TOP_FIELDS:
            raise r.fail(key, f"one of the known fields ({', '.join(sorted(TOP_FIELDS))})", note="an unknown field")
    name = raw.get("name", default_name)
    if not isinstance(name, str) or not _NAME_RE.fullmatch(name) or len(name) > limits.MAX_NAME:
        raise r.fail("name", f"a file-name-safe name of at most {limits.MAX_NAME} characters (letters, digits, "
                     "'.', '_', '-')", name)
    note = limits.note(r, raw.get("note"))
    notation = raw.get("notation", "in-out")
    if notation not in words.NOTATIONS:
        raise r.fail("notation", f"one of {', '.join(words.NOTATIONS)}", notation)
    network = _network(r)
    layers, activations, loss = network["layers"], network["activations"], network["loss"]
    weights, layout, biases = _params(r, layers, network["bias"])
    inputs, targets = _data(r, layers)
    _check_functions(r, activations, loss, targets, network["listed"])
    rate, l2, iterations, mode = _training(r, activations)
    training = r.table("training", required=False)
    variants = _variants(r, raw, layers, iterations, source, default_name) if "compare_hidden" in training else ()
    spec = Spec(name, source, note, notation, layers, activations, network["slope"], loss, network["bias"],
                network["trainable"], network["reduction"], network["labels"], weights, layout, biases, inputs,
                targets, rate, l2, iterations, mode, variants)
    return _presentation(r, raw, spec)


def _network(r: Reader) -> dict:
    """The [network] table: layer sizes, activations, loss, bias styles, reduction, labels."""
    network = r.table("network")
    layers = r.get(network, "network.layers")
    if (not isinstance(layers, list) or len(layers) < 2
            or any(isinstance(n, bool) or not isinstance(n, int) or n < 1 for n in layers)):
        raise r.fail("network.layers", "a list of at least 2 positive integers", layers)
    limits.check_size(r, layers)
    layers = tuple(layers)
    depth = len(layers) - 1
    activation = r.get(network, "network.activation", "sigmoid")
    activations = r.per_layer(activation, "network.activation", words.ACTIVATIONS, depth)
    slope = r.number(r.get(network, "network.leaky_slope", words.DEFAULT_LEAKY_SLOPE), "network.leaky_slope")
    if not 0 <= slope < 1:
        raise r.fail("network.leaky_slope", "a number from 0 up to (not including) 1", slope)
    loss = r.choice(r.get(network, "network.loss", "half_sse"), "network.loss", words.LOSSES)
    bias = r.per_layer(r.get(network, "network.bias", "per_neuron"), "network.bias", words.BIAS_STYLES, depth)
    reduction = r.choice(r.get(network, "network.reduction", "sum"), "network.reduction", words.REDUCTIONS)
    trainable = r.get(network, "network.trainable_biases", True)
    if not isinstance(trainable, bool):
        raise r.fail("network.trainable_biases", "true or false", trainable)
    return {"layers": layers, "activations": activations, "listed": isinstance(activation, list), "slope": slope,
            "loss": loss, "bias": bias, "reduction": reduction, "trainable": trainable, "labels": _labels(r, layers)}



def _params(r: Reader, layers: tuple[int, ...], bias: tuple[str, ...]):
    """The [params] table: weights (in column layout), the layout they were written in, biases."""
    params = r.table("params")
    layout = r.choice(r.get(params, "params.layout", "column"), "params.layout", words.LAYOUTS)
    if "init" in params:
        params = initialized(r, params, layers, bias, layout)
    weights, node_biases = _weights(r, params, layout, layers, bias)
    return weights, layout, _biases(r, params, bias, layers, node_biases)


def _data(r: Reader, layers: tuple[int, ...]) -> tuple[Matrix, Matrix]:
    """The [data] table: written inputs and targets, or generated ones."""
    data = r.table("data")
    if "generate" in data:
        inputs, targets = generated(r, data, layers)
        limits.check_samples(r, inputs, layers)
        return inputs, targets
    limits.check_samples(r, r.get(data, "data.inputs"), layers)
    inputs = r.matrix(r.get(data, "data.inputs"), "data.inputs", None, layers[0])
    return inputs, r.matrix(r.get(data, "data.targets"), "data.targets", len(inputs), layers[-1])


def _training(r: Reader, activations: tuple[str, ...]) -> tuple[float | None, float, int, str]:
    """The optional [training] table: learning rate, L2, iterations and mode (None: forward pass only)."""
    training = r.table("training", required=False)
    forward_only = [name for name in activations if name in words.FORWARD_ONLY]
    if training and forward_only:
        raise r.fail("training", f"no [training] with a {forward_only[0]} activation (its derivative is 0 or "
                     "undefined, so it allows a forward pass only); remove [training]", note="a [training] table")
    if not training:
        if "training" in r.raw:
            raise r.fail("training.learning_rate", "a positive number (the [training] table is empty: give a "
                         "learning rate, or leave the table out for the forward pass alone)", note="nothing")
        return None, 0.0, 0, "batch"
    rate = r.number(r.get(training, "training.learning_rate"), "training.learning_rate")
    if rate <= 0:
        raise r.fail("training.learning_rate", "a positive number", rate)
    l2 = r.number(r.get(training, "training.l2", 0.0), "training.l2")
    if l2 < 0:
        raise r.fail("training.l2", "a number of at least 0", l2)
    iterations = r.get(training, "training.iterations", 0)
    if isinstance(iterations, bool) or not isinstance(iterations, int) or not 0 <= iterations <= MAX_ITERATIONS:
        raise r.fail("training.iterations", f"a whole number from 0 to {MAX_ITERATIONS:,}", iterations)
    mode = r.choice(r.get(training, "training.mode", "batch"), "training.mode", words.TRAINING_MODES)
    return rate, l2, iterations, mode


def _presentation(r: Reader, raw: dict, spec: Spec) -> Spec:
    """The fields that choose what the document writes out: focus and samples_in_full."""
    if "focus" in raw:
        given = raw["focus"]
        if not isinstance(given, list) or not all(isinstance(item, str) for item in given):
            raise r.fail("focus", "a list of parameter names (w1, b2) or layers (layer1)", given)
        spec = dataclasses.replace(spec, focus=focused(spec, given, r.source, "focus"))
    return dataclasses.replace(spec, samples_in_full=in_full(spec, raw.get("samples_in_full"), r.source,
                                                             "samples_in_full"))


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
                        describe(given))
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
                            describe(token))
    if not chosen:
        raise SpecError(source, field, "at least one parameter name or layer", "nothing")
    return tuple(p.name for p in params if p.name in chosen)


def _variants(r: Reader, raw: dict, layers: tuple[int, ...], iterations: int, source: str,
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



def _check_functions(r: Reader, activations: tuple[str, ...], loss: str, targets: Matrix, listed: bool) -> None:
    """Softmax only on the output layer; each loss with the outputs and targets it is defined for."""
    for l, name in enumerate(activations[:-1]):
        if name == "softmax":
            field = f"network.activation[{l}]" if listed else "network.activation"
            raise r.fail(field, "softmax only for the output layer (a hidden layer needs an elementwise activation)",
                         name)
    needs = words.PROBABILITY_LOSSES.get(loss)
    if needs and activations[-1] != needs:
        raise r.fail("network.loss", f"an output layer with {needs} activation for {loss} (probabilities)",
                     note=f"{loss} with {activations[-1]} outputs")
    for s, row in enumerate(targets):
        if loss in ("bce", "cross_entropy") and any(not 0 <= t <= 1 for t in row):
            raise r.fail(f"data.targets[{s}]", f"probabilities from 0 to 1 for {loss}", row)
        if loss == "cross_entropy" and abs(sum(row) - 1) > 1e-9:
            raise r.fail(f"data.targets[{s}]", "targets that sum to 1 for cross_entropy", note=f"a sum of {sum(row)!r}")


def _labels(r: Reader, layers: tuple[int, ...]) -> tuple[tuple[str, ...], ...]:
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
    seen: set[str] = set()
    for label in (label for group in (inputs, *rest) for label in group):
        if label in seen:
            raise r.fail("network.names", "unique labels", note=f"{label!r} twice")
        seen.add(label)
    return (inputs, *rest)


def _default_labels(l: int, layers: tuple[int, ...]) -> tuple[str, ...]:
    if l == len(layers) - 1:
        return tuple(f"o{j + 1}" for j in range(layers[l]))
    if len(layers) == 3:
        return tuple(f"h{j + 1}" for j in range(layers[l]))
    return tuple(f"h{l}_{j + 1}" for j in range(layers[l]))


def _weights(r: Reader, params: dict, layout: str, layers: tuple[int, ...], styles: tuple[str, ...],
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


def _biases(r: Reader, params: dict, styles: tuple[str, ...], layers: tuple[int, ...],
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
