"""Big networks: wide sums shortened, a focus writes only the deltas its chains use, and the gradient
check for many parameters (a sample of finite differences, random directions, a second backward pass)."""
from __future__ import annotations

import dataclasses
import json
import re

import numpy as np
import pytest

import derive
from derive import ir
from derive.crosscheck import reference
from derive.errors import VerificationError
from derive.numeric import gradcheck as numeric


def _random(layers: list[int], samples: int = 1, seed: int = 0, output: str = "sigmoid") -> dict:
    rng = np.random.default_rng(seed)
    targets = (np.eye(layers[-1])[rng.integers(0, layers[-1], samples)] if output == "softmax"
               else rng.uniform(0.1, 0.9, (samples, layers[-1])).round(2))
    return {
        "name": "wide",
        "network": {"layers": layers, "activation": ["sigmoid"] * (len(layers) - 2) + [output],
                    "loss": "cross_entropy" if output == "softmax" else "half_sse"},
        "params": {"weights": [rng.uniform(-0.5, 0.5, (b, a)).round(3).tolist() for a, b in zip(layers, layers[1:])],
                   "biases": [rng.uniform(-0.5, 0.5, b).round(3).tolist() for b in layers[1:]]},
        "data": {"inputs": rng.uniform(0, 1, (samples, layers[0])).round(2).tolist(), "targets": targets.tolist()},
        "training": {"learning_rate": 0.5},
    }


def _numpy_gradients(raw: dict) -> dict[str, float]:
    """Backpropagation written here: sigmoid hidden layers, softmax + cross-entropy or sigmoid + half_sse."""
    ws = [np.array(w) for w in raw["params"]["weights"]]
    bs = [np.array(b) for b in raw["params"]["biases"]]
    x, t = np.array(raw["data"]["inputs"]), np.array(raw["data"]["targets"])
    outs = [x]
    for l, (w, b) in enumerate(zip(ws, bs)):
        z = outs[-1] @ w.T + b
        if l == len(ws) - 1 and raw["network"]["activation"][-1] == "softmax":
            e = np.exp(z - z.max(axis=1, keepdims=True))
            outs.append(e / e.sum(axis=1, keepdims=True))
        else:
            outs.append(1 / (1 + np.exp(-z)))
    y = outs[-1]
    delta = y - t if raw["network"]["activation"][-1] == "softmax" else (y - t) * y * (1 - y)
    grads_w, grads_b = [], []
    for l in range(len(ws) - 1, -1, -1):
        grads_w.insert(0, delta.T @ outs[l])
        grads_b.insert(0, delta.sum(axis=0))
        if l:
            delta = (delta @ ws[l]) * outs[l] * (1 - outs[l])
    names = {}
    for g in grads_w:
        for value in g.ravel():
            names[f"w{len(names) + 1}"] = float(value)
    count = 0
    for g in grads_b:
        for value in g:
            count += 1
            names[f"b{count}"] = float(value)
    return names


def test_wide_sums_are_shortened_and_right():
    raw = _random([20, 3, 1])
    d = derive.derive(raw)
    x, w, b = (np.array(raw["data"]["inputs"][0]), np.array(raw["params"]["weights"][0]),
               np.array(raw["params"]["biases"][0]))
    for j, neuron in enumerate(d.samples[0].forward[0]):
        assert all(r"\cdots" in form for form in neuron.net.rhs[:2])
        assert neuron.net.value.value == pytest.approx(float(x @ w[j] + b[j]), rel=1e-12)
    # a sum of 4 terms (3 hidden outputs and the bias) is written in full
    assert r"\cdots" not in d.samples[0].forward[1][0].net.rhs[0]


def _shown(d: ir.Derivation) -> list[tuple[int, tuple[str, ...]]]:
    return [(layer.layer, tuple(n.label for n in layer.neurons)) for layer in d.samples[0].backward]


def test_focus_writes_only_the_deltas_its_chains_use():
    spec = derive.load(_random([2, 3, 3, 2]))
    labels = spec.labels
    # w1 feeds the first neuron of layer 1: its delta needs every delta above it
    d = derive.derive(dataclasses.replace(spec, focus=("w1",)))
    assert _shown(d) == [(3, labels[3]), (2, labels[2]), (1, labels[1][:1])]
    # the last weight feeds the last output: nothing below the output layer is needed
    last = [p.name for p in spec.parameters() if p.kind == "weight"][-1]
    d = derive.derive(dataclasses.replace(spec, focus=(last,)))
    assert _shown(d) == [(3, labels[3][-1:])]
    # a softmax output's delta needs every output of its layer
    softmax = derive.load(_random([2, 3, 3], output="softmax"))
    last = [p.name for p in softmax.parameters() if p.kind == "weight"][-1]
    d = derive.derive(dataclasses.replace(softmax, focus=(last,)))
    assert _shown(d) == [(2, softmax.labels[2])]


def test_gradient_check_of_many_parameters_catches_a_wrong_component():
    spec = derive.load(_random([30, 8, 2], samples=3))  # 264 parameters, more than each one's own FD
    expected = _numpy_gradients(_random([30, 8, 2], samples=3))
    assert len(expected) > numeric.FD_EACH
    assert numeric.gradient_disagreement(spec, expected, 1e-6) is None
    largest = max(expected, key=lambda name: abs(expected[name]))
    wrong = dict(expected) | {largest: expected[largest] * 1.5}
    assert numeric.gradient_disagreement(spec, wrong, 1e-6) is not None
    # a small error in one component hides from random directions; the second backward pass sees it
    numbers = reference(spec)
    d = derive.build(spec, numbers=numbers)
    smallest = min(expected, key=lambda name: abs(expected[name]))
    numbers[f"grad:{smallest}"] *= 1 + 1e-6
    with pytest.raises(VerificationError, match=f"grad:{smallest}"):
        derive.verify(spec, d, numbers)


def test_digit_network_focus_document_has_every_gradient():
    """784-16-16-10 (13,002 parameters) with a focus on one weight: every gradient in the summary
    agrees with a backward pass written here, and only that weight's chain is written out."""
    raw = _random([784, 16, 16, 10], output="softmax", seed=3)
    spec = dataclasses.replace(derive.load(raw), focus=("w1",))
    d = derive.derive(spec)
    expected = _numpy_gradients(raw)
    assert len(d.summary) == len(expected) == 13_002
    for row in d.summary:
        assert row.gradient.value == pytest.approx(expected[row.name], rel=1e-9, abs=1e-15)
    assert {c for s in d.samples for c in s.chains()} == {"w1"}
    text = derive.document(d, "md")
    assert text.count("Gradient of $w_{") == 1
    # the tables list the focused weight (all 13,002 are in the JSON) and shorten 784 inputs as sums are
    parameters = text[text.index("### Parameters"):text.index("### Data")]
    summary = text[re.search(r"^## \d+\. Summary", text, re.M).start():]
    for table in (parameters, summary):
        assert [line.split("|")[1].strip() for line in table.splitlines() if line.startswith("| $")] == ["$w_{1}$"]
        assert "13,002" in table
    data = text[text.index("### Data"):].split("\n\n")[1].splitlines()
    assert data[0].count("|") - 1 == 1 + 6 + 10  # the sample, x1..x3, the dots, x783, x784, ten targets
    assert data[0].split("|")[2:8] == [" $i_{1}$ ", " $i_{2}$ ", " $i_{3}$ ", " $\\cdots$ ", " $i_{783}$ ",
                                       " $i_{784}$ "]
    row = [cell.strip(" $") for cell in data[2].split("|")[2:-1]]
    x, t = raw["data"]["inputs"][0], raw["data"]["targets"][0]
    shown = [*x[:3], None, *x[-2:], *t]
    assert [None if c == "\\cdots" else float(c) for c in row] == shown
    assert "$i_{1}$, $i_{2}$, $i_{3}$, $\\cdots$, $i_{783}$, $i_{784}$ |" in text
    assert len(json.loads(derive.document(d, "json"))["parameters"]) == 13_002
    assert max(map(len, text.splitlines())) < 3000
