"""Seeded random networks: the symbolic chain-rule gradients against central finite differences of a
forward pass written here, independently of derive.

The networks cover every activation (softmax only at the output), every loss with the outputs it
needs, every bias style per layer (bias units included), fixed or trained biases, sum or mean over
batches of up to 4, depth up to 4 layers of parameters and width up to 5.
"""
from __future__ import annotations

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import derive
from derive import ir

FUNCTIONS = {
    "sigmoid": lambda z, s: 1.0 / (1.0 + np.exp(-z)),
    "tanh": lambda z, s: np.tanh(z),
    "relu": lambda z, s: np.maximum(z, 0.0),
    "leaky_relu": lambda z, s: np.where(z > 0, z, s * z),
    "linear": lambda z, s: z,
    "softmax": lambda z, s: np.exp(z) / np.exp(z).sum(),
}
ELEMENTWISE = sorted(set(FUNCTIONS) - {"softmax"})
LOSSES = {
    "half_sse": lambda y, t: np.sum(0.5 * (t - y) ** 2),
    "mse": lambda y, t: np.mean((t - y) ** 2),
    "bce": lambda y, t: -np.sum(t * np.log(y) + (1 - t) * np.log(1 - y)),
    "cross_entropy": lambda y, t: -np.sum(t * np.log(y)),
}
STYLES = ["per_neuron", "per_layer", "none", "bias_node"]


def reference_loss(spec: dict, weights: list[np.ndarray], biases: list[np.ndarray]) -> float:
    total = 0.0
    names, slope = spec["network"]["activation"], spec["network"]["leaky_slope"]
    logits = names[-1] == "sigmoid" and spec["network"]["loss"] == "bce"
    for x, t in zip(spec["data"]["inputs"], spec["data"]["targets"]):
        a = np.array(x)
        for w, b, name in zip(weights, biases, names):
            z = w @ a + b
            a = FUNCTIONS[name](z, slope)
        if logits:  # the same loss from the net inputs: exact where the sigmoid saturates and 1 - a loses digits
            t = np.array(t)
            total += float(np.sum(t * np.logaddexp(0.0, -z) + (1 - t) * np.logaddexp(0.0, z)))
        else:
            total += float(LOSSES[spec["network"]["loss"]](a, np.array(t)))
    m = len(spec["data"]["inputs"])
    penalty = spec["training"]["l2"] / (2 * m) * sum(float(np.sum(w * w)) for w in weights)
    return (total / m if spec["network"]["reduction"] == "mean" else total) + penalty


def split(spec: dict) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Weights (n x m) and bias vectors per layer, read from the spec's own fields and bias styles."""
    layers, styles = spec["network"]["layers"], spec["network"]["bias"]
    given_biases = spec["params"].get("biases")
    weights, biases = [], []
    for l, (w, style) in enumerate(zip(spec["params"]["weights"], styles)):
        w = np.array(w, dtype=float)
        if style == "bias_node":
            biases.append(w[:, 0].copy())
            w = w[:, 1:].copy()
        elif style == "per_layer":
            biases.append(np.full(layers[l + 1], float(given_biases[l])))
        elif style == "per_neuron":
            biases.append(np.array(given_biases[l], dtype=float))
        else:
            biases.append(np.zeros(layers[l + 1]))
        weights.append(w)
    return weights, biases


STEPS = (1e-6, 1e-5, 1e-4, 1e-3)


def finite_difference_gradients(spec: dict) -> dict[str, tuple[float, ...]]:
    """Central differences in the w1.. b1.. numbering, one scalar parameter at a time, at several steps
    (where a sigmoid saturates, cross-entropy loses digits and only the larger steps are accurate)."""
    weights, biases = split(spec)

    def central(array: np.ndarray, slot) -> tuple[float, ...]:
        estimates = []
        for h in STEPS:
            array[slot] += h
            plus = reference_loss(spec, weights, biases)
            array[slot] -= 2 * h
            minus = reference_loss(spec, weights, biases)
            array[slot] += h
            estimates.append((plus - minus) / (2 * h))
        return tuple(estimates)

    grads: dict[str, tuple[float, ...]] = {}
    slots = [(w, index) for w in weights for index in np.ndindex(w.shape)]
    for n, (w, index) in enumerate(slots, 1):
        grads[f"w{n}"] = central(w, index)
    count = 0
    for b, style in zip(biases, spec["network"]["bias"]):
        for slot in {"none": [], "per_layer": [slice(None)]}.get(style, range(len(b))):
            count += 1
            if spec["network"]["trainable_biases"]:
                grads[f"b{count}"] = central(b, slot)
    return grads


def targets(draw, loss: str, size: int, unit) -> list[float]:
    """Targets the loss is defined for: one-hot for cross-entropy, values in (0, 1) otherwise."""
    if loss == "cross_entropy":
        hot = draw(st.integers(0, size - 1))
        return [1.0 if k == hot else 0.0 for k in range(size)]
    return [draw(unit) for _ in range(size)]


@st.composite
def networks(draw) -> dict:
    layers = draw(st.lists(st.integers(1, 5), min_size=2, max_size=5))
    styles = [draw(st.sampled_from(STYLES)) for _ in layers[1:]]
    samples = draw(st.integers(1, 4))
    number = st.floats(-2, 2, allow_nan=False).map(lambda v: round(v, 2))
    unit = st.floats(0.05, 0.95).map(lambda v: round(v, 2))
    weights = [[[draw(number) for _ in range(a + (style == "bias_node"))] for _ in range(b)]
               for a, b, style in zip(layers, layers[1:], styles)]
    loss = draw(st.sampled_from(sorted(LOSSES)))
    needed = {"bce": "sigmoid", "cross_entropy": "softmax"}.get(loss)
    output = needed or draw(st.sampled_from([*ELEMENTWISE, "softmax"]))
    activations = [draw(st.sampled_from(ELEMENTWISE)) for _ in layers[2:]] + [output]
    spec = {
        "network": {"layers": layers, "bias": styles, "trainable_biases": draw(st.booleans()),
                    "reduction": draw(st.sampled_from(["sum", "mean"])), "activation": activations,
                    "leaky_slope": draw(st.sampled_from([0.01, 0.1, 0.3])), "loss": loss},
        "params": {"weights": weights},
        "data": {"inputs": [[draw(number) for _ in range(layers[0])] for _ in range(samples)],
                 "targets": [targets(draw, loss, layers[-1], unit) for _ in range(samples)]},
        "training": {"learning_rate": draw(st.sampled_from([0.1, 0.5, 1.0])),
                     "l2": draw(st.sampled_from([0.0, 0.0, 0.1, 0.5]))},
    }
    if any(style in ("per_neuron", "per_layer") for style in styles):
        spec["params"]["biases"] = [[draw(number) for _ in range(n)] if style == "per_neuron" else
                                    draw(number) if style == "per_layer" else []
                                    for n, style in zip(layers[1:], styles)]
    return spec


def kinked(spec: dict) -> bool:
    """A relu-like net input within 1e-4 of 0, where central differences straddle the kink."""
    from derive.numeric.gradcheck import near_kink
    return near_kink(derive.load(spec))


@settings(max_examples=200, deadline=None, derandomize=True)
@given(networks())
def test_symbolic_gradients_match_finite_differences(spec):
    assume(not kinked(spec))
    derivation = derive.build(derive.load(spec))
    expected = finite_difference_gradients(spec)
    shown = {row.name: row.gradient.value for row in derivation.summary}
    assert shown.keys() == expected.keys()
    for name, value in shown.items():
        assert any(abs(value - estimate) <= 1e-6 * max(1.0, abs(value)) for estimate in expected[name]), name
    rate = spec["training"]["learning_rate"]
    for row in derivation.summary:
        assert row.updated.value == row.value.value - rate * row.gradient.value


@settings(max_examples=40, deadline=None, derandomize=True)
@given(networks())
def test_every_shown_number_is_verified(spec):
    """derive's own cross-check passes, and checks every value the IR holds."""
    loaded = derive.load(spec)
    derivation = derive.build(loaded)
    assert derive.verify(loaded, derivation) == sum(1 for _ in ir.values(derivation))
