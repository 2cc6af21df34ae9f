"""derive.numbers, the oracle's core: the JSON's numbers without rendering, checked against the
documents' own JSON, a from-scratch NumPy implementation and central differences; and the bridges
from NumPy arrays and PyTorch."""
from __future__ import annotations

import math

import numpy as np
import pytest
import student

import derive
from derive.errors import DeriveError
from derive.spec.sources import preset_names
from derive.views.json import json_view


def _same(a, b, path=""):
    """The same keys and shapes, and numbers equal to 1e-9 relative."""
    if isinstance(a, dict):
        assert set(a) == set(b), path
        for key in a:
            _same(a[key], b[key], f"{path}.{key}")
    elif isinstance(a, list):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            _same(x, y, f"{path}[{i}]")
    elif isinstance(a, float):
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12), (path, a, b)
    else:
        assert a == b, (path, a, b)


@pytest.mark.parametrize("name", sorted(preset_names()))
def test_numbers_match_the_documents_json(name, preset):
    got = derive.numbers(name)
    document = json_view(preset(name))
    assert set(got) == set(document)
    chain, document_chain = got.pop("chain", {}), document.pop("chain", {})
    _same(got, document)
    for param, factors in document_chain.items():  # a document writes the chains of its focus only
        if factors:
            assert [(f["sample"], f["neuron"]) for f in chain[param]] == [(f["sample"], f["neuron"]) for f in factors]
            for mine, theirs in zip(chain[param], factors):
                assert math.isclose(mine["value"], theirs["value"], rel_tol=1e-9, abs_tol=1e-12)


def _spec(layers, acts, kind, reduction, Ws, bs, X, T, lr=0.1):
    return derive.from_arrays(Ws, bs, acts, X, T, loss=kind, lr=lr, reduction=reduction, leaky_slope=student.SLOPE)


CASES = [([2, 3, 2], ["sigmoid", "sigmoid"], "half_sse", "sum", 1),
         ([3, 4, 3], ["tanh", "softmax"], "cross_entropy", "mean", 4),
         ([2, 3, 3, 1], ["relu", "leaky_relu", "sigmoid"], "bce", "mean", 3),
         ([2, 2, 2], ["linear", "tanh"], "mse", "sum", 2)]


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("layers, acts, kind, reduction, samples", CASES)
def test_numbers_match_a_from_scratch_implementation(layers, acts, kind, reduction, samples, seed):
    rng = np.random.default_rng(seed)
    Ws, bs, X, T = student.random_network(rng, layers, kind, samples)
    mine = student.backprop(Ws, bs, acts, X, T, kind, reduction)
    differences = student.finite_differences(Ws, bs, acts, X, T, kind, reduction)
    for key in mine:  # the test's own implementation, checked before it is trusted
        np.testing.assert_allclose(mine[key], differences[key], rtol=1e-5, atol=1e-8)
    got = derive.numbers(_spec(layers, acts, kind, reduction, Ws, bs, X, T))
    spec = derive.load(_spec(layers, acts, kind, reduction, Ws, bs, X, T))
    for p in spec.parameters():
        expected = mine[f"W{p.layer}"][p.dest, p.src] if p.kind == "weight" else mine[f"b{p.layer}"][p.dest]
        assert math.isclose(got["gradients"][p.name], expected, rel_tol=1e-10, abs_tol=1e-14), p.name
        assert math.isclose(got["updated"][p.name], p.value - 0.1 * expected, rel_tol=1e-10, abs_tol=1e-14)
    outs = student.forward(Ws, bs, acts, X)[1]
    for s in range(samples):
        for l in range(1, len(layers)):
            for j, label in enumerate(spec.labels[l]):
                assert math.isclose(got["forward"][s][label]["out"], outs[l][s, j], rel_tol=1e-12, abs_tol=1e-15)
    assert math.isclose(got["loss"]["total"], student.loss(Ws, bs, acts, X, T, kind, reduction), rel_tol=1e-12)


def test_numbers_has_training_when_the_spec_trains():
    got = derive.numbers("diamond")
    assert got["training"]["iterations"] == derive.load("diamond").iterations
    assert got["training"]["loss"][-1] < got["training"]["loss"][0]


def test_from_arrays_reads_either_layout_and_round_trips_through_toml(tmp_path):
    rng = np.random.default_rng(5)
    Ws, bs, X, T = student.random_network(rng, [3, 2, 2], "half_sse", 2)
    column = derive.from_arrays(Ws, bs, "sigmoid", X, T, lr=0.5)
    row = derive.from_arrays([w.T for w in Ws], bs, "sigmoid", X, T, lr=0.5, layout="row")
    assert derive.numbers(column) == derive.numbers(row)
    path = tmp_path / "mine.toml"
    path.write_text(derive.spec_toml(column), encoding="utf-8")
    assert derive.numbers(str(path))["gradients"] == derive.numbers(column)["gradients"]


@pytest.mark.parametrize("bad, message", [
    ({"weights": [[1.0, 2.0]]}, "weights[0]: expected a matrix"),
    ({"weights": [np.array([[1.0, float("nan")]])]}, "weights[0]: expected finite numbers"),
    ({"weights": [np.ones((1, 3))]}, "params.weights"),
    ({"layout": "diagonal"}, "layout: expected column"),
    ({"activations": "swish"}, "network.activation"),
])
def test_from_arrays_names_what_is_wrong(bad, message):
    fields = {"weights": [np.ones((1, 2))], "biases": None, "activations": "sigmoid",
              "inputs": [[0.1, 0.2]], "targets": [[1.0]]} | bad
    with pytest.raises(DeriveError, match=message.replace("[", r"\[").replace("]", r"\]")) as caught:
        derive.from_arrays(**fields)
    assert str(caught.value).startswith("from_arrays: ")
    assert "\n" not in str(caught.value)
