"""Tiny networks train by written-out code (derive.numeric.fused): it must give the NumPy loop's
numbers (which tests/test_training.py checks against loops written in the tests) to rounding, for
every activation, loss, bias style, mode, reduction and L2; fall back to the NumPy loop where it
overflows; and never carry a spec's text into the code it writes."""
from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pytest

import derive
from derive.errors import SpecError
from derive.numeric import fused
from derive.numeric import loop as train

HIDDEN = ("sigmoid", "tanh", "relu", "leaky_relu", "linear")
OUTPUTS = [("sigmoid", "half_sse"), ("tanh", "mse"), ("linear", "half_sse"), ("relu", "mse"),
           ("leaky_relu", "half_sse"), ("sigmoid", "bce"), ("softmax", "cross_entropy"), ("softmax", "half_sse")]


def _spec(hidden: str, output: str, loss: str, bias: str, mode: str, reduction: str, l2: float,
          trainable: bool = True, seed: int = 0) -> derive.Spec:
    rng = np.random.default_rng(seed)
    layers = [3, 3, 2, 3 if output == "softmax" else 2]
    samples = 3
    if loss == "cross_entropy":
        targets = np.eye(layers[-1])[rng.integers(0, layers[-1], samples)].tolist()
    else:
        targets = rng.uniform(0.1, 0.9, (samples, layers[-1])).round(2).tolist()
    params = {"weights": [rng.uniform(-1, 1, (b, a)).round(3).tolist() for a, b in zip(layers, layers[1:])]}
    if bias != "none":
        params["biases"] = [round(float(rng.uniform(-1, 1)), 3) if bias == "per_layer"
                            else rng.uniform(-1, 1, b).round(3).tolist() for b in layers[1:]]
    return derive.load({
        "name": "tiny",
        "network": {"layers": layers, "activation": [hidden, hidden, output], "loss": loss, "bias": bias,
                    "reduction": reduction, "trainable_biases": trainable, "leaky_slope": 0.1},
        "params": params,
        "data": {"inputs": rng.uniform(-1, 1, (samples, layers[0])).round(2).tolist(), "targets": targets},
        "training": {"learning_rate": 0.3, "iterations": 60, "mode": mode, "l2": l2},
    })


def _same(a: train.History, b: train.History, rel: float = 1e-11) -> None:
    np.testing.assert_allclose(a.losses, b.losses, rtol=rel, atol=1e-300)
    assert [k for k, _ in a.snapshots] == [k for k, _ in b.snapshots]
    for (_, x), (_, y) in zip(a.snapshots, b.snapshots):
        for u, v in zip(x.weights + x.biases, y.weights + y.biases):
            np.testing.assert_allclose(u, v, rtol=rel, atol=1e-13)
    for u, v in zip(a.gradient.weights + a.gradient.biases, b.gradient.weights + b.gradient.biases):
        np.testing.assert_allclose(u, v, rtol=1e-9, atol=1e-13)
    np.testing.assert_allclose(a.outputs, b.outputs, rtol=rel, atol=1e-300)


CASES = [(h, o, l, bias, mode, reduction, l2)
         for (h, (o, l)), (bias, mode, reduction, l2) in zip(
             itertools.product(HIDDEN, OUTPUTS),
             itertools.cycle(itertools.product(("per_neuron", "per_layer", "none"), ("batch", "online"),
                                               ("sum", "mean"), (0.0, 0.05))))]


@pytest.mark.parametrize("hidden, output, loss, bias, mode, reduction, l2", CASES)
def test_written_out_training_is_the_numpy_loops(hidden, output, loss, bias, mode, reduction, l2):
    spec = _spec(hidden, output, loss, bias, mode, reduction, l2)
    assert fused.fits(dataclasses.replace(spec, iterations=fused.MIN_ITERATIONS))
    _same(train._written_out(spec, None, None), train._vectorized(spec, None, None))


def test_biases_that_do_not_learn_stay_and_are_not_nudged():
    spec = _spec("tanh", "sigmoid", "half_sse", "per_neuron", "batch", "sum", 0.0, trainable=False)
    for nudge in (None, 1):
        for history in (train._written_out(spec, None, nudge), train._vectorized(spec, None, nudge)):
            for got, given in zip(history.final.biases, spec.biases):
                assert got.tolist() == list(given)
    _same(train._written_out(spec, None, None), train._vectorized(spec, None, None))


def test_a_nudged_run_moves_by_rounding_only():
    spec = _spec("sigmoid", "softmax", "cross_entropy", "per_neuron", "batch", "mean", 0.0)
    plain, nudged = train._written_out(spec, None, None), train._written_out(spec, None, 1)
    spread = max(abs(a - b) / a for a, b in zip(plain.losses, nudged.losses))
    assert 0 < spread < 1e-13
    assert train._written_out(spec, None, 1).losses == nudged.losses  # seeded
    numpy = max(abs(a - b) / a for a, b in zip(plain.losses, train._vectorized(spec, None, 1).losses))
    assert numpy < 1e-13  # the NumPy loop nudged alike


def test_overflow_falls_back_to_the_numpy_loop_and_its_error():
    spec = dataclasses.replace(_spec("sigmoid", "sigmoid", "bce", "per_neuron", "batch", "sum", 0.0),
                               learning_rate=1e6, iterations=150)
    assert fused.fits(spec)
    try:
        assert train._written_out(spec, None, None) is None  # not finite: the NumPy loop says where
    except (ArithmeticError, ValueError):
        pass  # math.exp overflowed: the NumPy loop says where
    with pytest.raises(SpecError) as written:
        train.run(spec)
    with pytest.raises(SpecError) as vectorized:
        train._vectorized(spec, None, None)
    assert str(written.value) == str(vectorized.value)


def test_progress_and_checkpoints_as_the_numpy_loop():
    spec = dataclasses.replace(_spec("tanh", "sigmoid", "half_sse", "per_neuron", "online", "sum", 0.0),
                               iterations=1000)
    heard, also = [], []
    _same(train.run(spec, heard.append), train._vectorized(spec, also.append, None), rel=1e-10)
    assert heard == also and heard[-1] == 1000


def test_the_code_is_written_from_the_shape_alone():
    """Labels and numbers stay out of the generated source; only the shape, from fixed vocabularies."""
    raw = {"name": "x__import__", "network": {"layers": [2, 2, 1], "activation": "sigmoid", "loss": "half_sse",
                                             "names": {"inputs": ["os_system", "evil_name"],
                                                       "layers": [["exec_me", "h2"], ["out_q"]]}},
           "params": {"weights": [[[0.123456, 0.2], [0.3, 0.4]], [[0.5, 0.6]]], "biases": [[0.1, 0.2], [0.3]]},
           "data": {"inputs": [[0.777, 0.9]], "targets": [[0.5]]}, "training": {"learning_rate": 0.25,
                                                                                 "iterations": 300}}
    spec = derive.load(raw)
    key = fused.shape(spec, ["vector", "vector"], False)
    assert all(isinstance(part, (int, bool, str, tuple)) for part in key)
    source = fused._Writer(*key).module()
    for text in ("x__import__", "os_system", "evil_name", "exec_me", "out_q", "0.123456", "0.777", "0.25"):
        assert text not in source
    _same(train.run(spec), train._vectorized(spec, None, None))


def test_too_large_or_unknown_goes_to_the_numpy_loop():
    big = derive.load({"name": "big", "network": {"layers": [20, 30, 10], "activation": "sigmoid",
                                                  "loss": "half_sse"},
                       "params": {"init": {"scheme": "uniform", "low": -1, "high": 1, "seed": 1}},
                       "data": {"inputs": [[0.1] * 20], "targets": [[0.5] * 10]},
                       "training": {"learning_rate": 0.1, "iterations": 2}})
    assert not fused.fits(big)
    short = dataclasses.replace(_spec("tanh", "sigmoid", "half_sse", "per_neuron", "batch", "sum", 0.0), iterations=20)
    assert not fused.fits(short)  # too few iterations to repay writing the code


@pytest.mark.parametrize("hidden, output, loss, bias, mode, reduction, l2", CASES[::3])
def test_batched_losses_are_each_networks_loss(hidden, output, loss, bias, mode, reduction, l2, monkeypatch):
    """Finite differences take every moved network's loss in one batched pass (gradcheck.losses): each
    is engine.loss of that network, and the central differences are the engine's one by one."""
    from derive.numeric import engine, gradcheck
    from derive.numeric.arrays import Arrays

    spec = _spec(hidden, output, loss, bias, mode, reduction, l2, seed=3)
    arrays = Arrays.from_spec(spec)
    copies = [arrays.perturbed(p, 1e-3 * (i + 1)) for i, p in enumerate(spec.parameters())]
    expected = [engine.loss(spec, c) for c in copies]
    np.testing.assert_allclose(gradcheck.losses(spec, copies), expected, rtol=1e-14, atol=0)
    monkeypatch.setattr(gradcheck, "BATCH", 10)  # in parts of one network each
    np.testing.assert_allclose(gradcheck.losses(spec, copies), expected, rtol=1e-14, atol=0)
    monkeypatch.undo()
    for p in spec.parameters():
        if p.trainable:
            h = 1e-6 * max(1.0, abs(p.value))
            one = (engine.loss(spec, arrays.perturbed(p, h)) - engine.loss(spec, arrays.perturbed(p, -h))) / (2 * h)
            assert gradcheck.finite_differences(spec)[f"grad:{p.name}"] == pytest.approx(one, rel=1e-9, abs=1e-12)
