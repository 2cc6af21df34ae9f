"""params.init: seeded, reproducible draws in the spec's own shapes, checked like written numbers."""
from __future__ import annotations

import math

import pytest

import derive
from derive.errors import SpecError


def spec(init: dict, bias="per_neuron", layers=(2, 3, 2)) -> dict:
    return {"network": {"layers": list(layers), "bias": bias}, "params": {"init": init},
            "data": {"inputs": [[0.5, -0.2]], "targets": [[0.1, 0.9]]}, "training": {"learning_rate": 0.5}}


def weights(loaded) -> list[float]:
    return [w for matrix in loaded.weights for row in matrix for w in row]


def test_uniform_in_range_and_reproducible():
    first = derive.load(spec({"scheme": "uniform", "low": -0.5, "high": 0.5, "seed": 7}))
    again = derive.load(spec({"scheme": "uniform", "low": -0.5, "high": 0.5, "seed": 7}))
    other = derive.load(spec({"scheme": "uniform", "low": -0.5, "high": 0.5, "seed": 8}))
    assert first == again and weights(first) != weights(other)
    values = weights(first) + [b for layer in first.biases for b in layer]
    assert all(-0.5 <= v <= 0.5 and round(v, 4) == v for v in values)
    assert len(set(values)) > len(values) // 2  # drawn, not constant


def test_xavier_bound_and_zero_biases():
    loaded = derive.load(spec({"scheme": "xavier", "seed": 1}, bias=["per_neuron", "bias_node"]))
    for l, matrix in enumerate(loaded.weights):
        bound = math.sqrt(6 / (loaded.layers[l] + loaded.layers[l + 1]))
        assert all(abs(w) <= bound for row in matrix for w in row)
    assert all(b == 0 for layer in loaded.biases for b in layer)
    assert len(loaded.biases[1]) == 2  # the bias unit's column was drawn and split off


def test_initialized_network_is_derived():
    derivation = derive.derive(spec({"scheme": "normal", "std": 0.3, "seed": 2}, layers=(2, 2, 2)))
    assert len(derivation.summary) == 12


@pytest.mark.parametrize("init, message", [
    ({"scheme": "gaussian"}, "params.init: expected a table with scheme = uniform, normal or xavier"),
    ({"scheme": "uniform", "low": 1.0, "high": 0.0}, "params.init: expected low < high and std > 0"),
    ({"scheme": "normal", "sigma": 1.0}, "params.init.sigma: expected one of decimals, mean, scheme, seed, std"),
    ({"scheme": "xavier", "seed": -1}, "params.init.seed: expected a whole number from 0 to"),
])
def test_bad_init(init, message):
    with pytest.raises(SpecError, match=message.replace("(", r"\(")):
        derive.load(spec(init))


def test_init_and_weights_together():
    both = spec({"scheme": "xavier"})
    both["params"]["weights"] = [[[0.1, 0.2]] * 3, [[0.1, 0.2, 0.3]] * 2]
    with pytest.raises(SpecError, match="either params.init or written weights"):
        derive.load(both)
