"""Seeded random sigmoid networks: the symbolic chain-rule gradients against central finite
differences of a forward pass written here, independently of derive."""
from __future__ import annotations

import numpy as np
from hypothesis import assume, given, settings, strategies as st

import derive
from derive import ir


FUNCTIONS = {
    "sigmoid": lambda z, s: 1.0 / (1.0 + np.exp(-z)),
    "tanh": lambda z, s: np.tanh(z),
    "relu": lambda z, s: np.maximum(z, 0.0),
    "leaky_relu": lambda z, s: np.where(z > 0, z, s * z),
    "linear": lambda z, s: z,
}


FUNCTIONS["softmax"] = lambda z, s: np.exp(z) / np.exp(z).sum()
LOSSES = {
    "half_sse": lambda y, t: np.sum(0.5 * (t - y) ** 2),
    "mse": lambda y, t: np.mean((t - y) ** 2),
    "bce": lambda y, t: -np.sum(t * np.log(y) + (1 - t) * np.log(1 - y)),
    "cross_entropy": lambda y, t: -np.sum(t * np.log(y)),
}


def reference_loss(spec: dict, weights: list[np.ndarray], biases: list[np.ndarray]) -> float:
    total = 0.0
    names, slope = spec["network"]["activation"], spec["network"]["leaky_slope"]
    for x, t in zip(spec["data"]["inputs"], spec["data"]["targets"]):
        a = np.array(x)
        for w, b, name in zip(weights, biases, names):
            a = FUNCTIONS[name](w @ a + b, slope)
        total += float(LOSSES[spec["network"]["loss"]](a, np.array(t)))
    return total / len(spec["data"]["inputs"]) if spec["network"]["reduction"] == "mean" else total


def finite_difference_gradients(spec: dict) -> dict[str, float]:
    """Central differences in the w1.. b1.. numbering, perturbing one scalar parameter at a time."""
    layers, style = spec["network"]["layers"], spec["network"]["bias"]
    weights = [np.array(w, dtype=float) for w in spec["params"]["weights"]]
    if style == "none":
        biases = [np.zeros(n) for n in layers[1:]]
    elif style == "per_layer":
        biases = [np.full(n, b) for n, b in zip(layers[1:], spec["params"]["biases"])]
    else:
        biases = [np.array(b, dtype=float) for b in spec["params"]["biases"]]
    h = 1e-6
    grads: dict[str, float] = {}

    def central(move) -> float:
        move(h)
        plus = reference_loss(spec, weights, biases)
        move(-2 * h)
        minus = reference_loss(spec, weights, biases)
        move(h)
        return (plus - minus) / (2 * h)

    for w in weights:
        for index in np.ndindex(w.shape):
            def move(d, w=w, index=index):
                w[index] += d
            grads[f"w{len([k for k in grads if k[0] == 'w']) + 1}"] = central(move)
    count = 0
    for b in biases if style != "none" else []:
        slots = [slice(None)] if style == "per_layer" else range(len(b))
        for slot in slots:
            def move(d, b=b, slot=slot):
                b[slot] += d
            count += 1
            grads[f"b{count}"] = central(move)
    return grads


def targets(draw, loss: str, size: int, unit) -> list[float]:
    """Targets the loss is defined for: one-hot for cross-entropy, values in (0, 1) otherwise."""
    if loss == "cross_entropy":
        hot = draw(st.integers(0, size - 1))
        return [1.0 if k == hot else 0.0 for k in range(size)]
    return [draw(unit) for _ in range(size)]


@st.composite
def networks(draw) -> dict:
    layers = draw(st.lists(st.integers(1, 4), min_size=2, max_size=4))
    style = draw(st.sampled_from(["per_neuron", "per_layer", "none"]))
    samples = draw(st.integers(1, 3))
    number = st.floats(-2, 2, allow_nan=False).map(lambda v: round(v, 2))
    unit = st.floats(0.05, 0.95).map(lambda v: round(v, 2))
    weights = [[[draw(number) for _ in range(a)] for _ in range(b)] for a, b in zip(layers, layers[1:])]
    elementwise = sorted(set(FUNCTIONS) - {"softmax"})
    activations = [draw(st.sampled_from(elementwise)) for _ in layers[2:]]
    loss = draw(st.sampled_from(sorted(LOSSES)))
    output = {"bce": "sigmoid", "cross_entropy": "softmax"}.get(loss) or draw(st.sampled_from([*elementwise, "softmax"]))
    activations.append(output)
    spec = {
        "network": {"layers": layers, "bias": style, "reduction": draw(st.sampled_from(["sum", "mean"])),
                    "activation": activations, "leaky_slope": draw(st.sampled_from([0.01, 0.1, 0.3])),
                    "loss": loss},
        "params": {"weights": weights},
        "data": {"inputs": [[draw(number) for _ in range(layers[0])] for _ in range(samples)],
                 "targets": [targets(draw, loss, layers[-1], unit) for _ in range(samples)]},
        "training": {"learning_rate": draw(st.sampled_from([0.1, 0.5, 1.0]))},
    }
    if style == "per_layer":
        spec["params"]["biases"] = [draw(number) for _ in layers[1:]]
    elif style == "per_neuron":
        spec["params"]["biases"] = [[draw(number) for _ in range(n)] for n in layers[1:]]
    return spec


def kinked(spec: dict) -> bool:
    """A relu-like net input within 1e-4 of 0, where central differences straddle the kink."""
    from derive.numeric import near_kink
    return near_kink(derive.load(spec))


@settings(max_examples=60, deadline=None, derandomize=True)
@given(networks())
def test_symbolic_gradients_match_finite_differences(spec):
    assume(not kinked(spec))
    derivation = derive.build(derive.load(spec))
    expected = finite_difference_gradients(spec)
    shown = {row.name: row.gradient.value for row in derivation.summary}
    assert shown.keys() == expected.keys()
    for name, value in shown.items():
        assert abs(value - expected[name]) <= 1e-6 * max(1.0, abs(value)), name
    rate = spec["training"]["learning_rate"]
    for row in derivation.summary:
        assert row.updated.value == row.value.value - rate * row.gradient.value


@settings(max_examples=30, deadline=None, derandomize=True)
@given(networks())
def test_every_shown_number_is_verified(spec):
    """derive's own cross-check passes, and checks every value the IR holds."""
    loaded = derive.load(spec)
    derivation = derive.build(loaded)
    assert derive.verify(loaded, derivation) == sum(1 for _ in ir.values(derivation))
