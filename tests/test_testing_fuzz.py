"""The assertions under drawn networks and drawn wrong values: a right value always passes, a wrong
one always fails with an AssertionError (never another exception), and every mistake the message
names reproduces the values it claims to explain."""
from __future__ import annotations

import math
import re

import numpy as np
import pytest
import student
from hypothesis import given, settings
from hypothesis import strategies as st

import derive
from derive.numeric import mistakes
from derive.testing import assert_forward, assert_gradients, assert_loss, assert_updated

ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "linear")
LOSSES = {"half_sse": "sigmoid", "mse": "tanh", "bce": "sigmoid", "cross_entropy": "softmax"}


@st.composite
def networks(draw) -> dict:
    layers = [draw(st.integers(1, 3)) for _ in range(draw(st.integers(2, 4)))]
    loss = draw(st.sampled_from(sorted(LOSSES)))
    if loss == "cross_entropy":
        layers[-1] = max(2, layers[-1])
    hidden = [draw(st.sampled_from(ACTIVATIONS)) for _ in layers[2:]]
    samples = draw(st.integers(1, 3))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    Ws, bs, X, T = student.random_network(rng, layers, loss, samples)
    bs = [b if draw(st.booleans()) else None for b in bs]
    return derive.from_arrays(Ws, bs, [*hidden, LOSSES[loss]], X, T, loss=loss, lr=0.3,
                              reduction=draw(st.sampled_from(["sum", "mean"])))


wrong_values = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.just(0.0),
                         st.floats(-1e-3, 1e-3), st.sampled_from([-1.0, 2.0, 0.5, 1e300]))


@settings(max_examples=60, derandomize=True, deadline=None)
@given(networks(), st.data())
def test_right_values_pass_and_wrong_ones_fail_with_the_working(spec, data):
    numbers = derive.numbers(spec)
    gradients, updated = numbers["gradients"], numbers["updated"]
    assert_gradients(gradients, spec)
    assert_updated(updated, spec)
    assert_loss(numbers["loss"]["total"], spec)
    assert_forward({label: [row[label]["out"] for row in numbers["forward"]] for label in numbers["forward"][0]},
                   spec)
    name = data.draw(st.sampled_from(sorted(gradients)))
    how = data.draw(st.sampled_from(["scale", "value", "mistake"]))
    theirs = dict(gradients)
    if how == "scale":
        theirs[name] *= data.draw(st.sampled_from([-1.0, 2.0, 0.5, 3.0]))
    elif how == "value":
        theirs[name] = data.draw(wrong_values)
    else:
        loaded = derive.load(spec)
        made = data.draw(st.sampled_from(mistakes.instances(loaded)))
        theirs = mistakes.gradients(loaded, (made,))
    if all(math.isclose(theirs[n], gradients[n], rel_tol=1e-7, abs_tol=0) for n in gradients):
        return  # the drawn change changed nothing (a zero gradient scaled, a mistake without effect)
    with pytest.raises(AssertionError) as caught:
        assert_gradients(theirs, spec)
    message = str(caught.value)
    assert "derive's working for" in message and "Traceback" not in message
    assert re.search(r"\d+ of \d+ gradients of", message)
    moved = {n: numbers["parameters"][n] - 0.3 * g for n, g in theirs.items()}
    if any(not math.isclose(moved[n], updated[n], rel_tol=1e-7, abs_tol=0) for n in moved):
        with pytest.raises(AssertionError):
            assert_updated(moved, spec)
