"""derive.testing: the assertions pass right implementations and explain wrong ones, with values
computed in the tests by a from-scratch implementation (tests/student.py), never copied."""
from __future__ import annotations

import itertools
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import student

import derive
from derive.fmt import plain
from derive.numeric import mistakes
from derive.testing import assert_forward, assert_gradients, assert_loss, assert_updated, explain

LAYERS, ACTS = [2, 2, 2], ["sigmoid", "sigmoid"]


def _network(kind="half_sse", reduction="sum", samples=1, seed=3):
    rng = np.random.default_rng(seed)
    Ws, bs, X, T = student.random_network(rng, LAYERS, kind, samples)
    spec = derive.from_arrays(Ws, bs, ACTS, X, T, loss=kind, lr=0.5, reduction=reduction)
    return Ws, bs, X, T, spec


def _message(gradients, spec) -> str:
    with pytest.raises(AssertionError) as caught:
        assert_gradients(gradients, spec)
    return str(caught.value)


def test_a_right_implementation_passes_in_every_form():
    Ws, bs, X, T, spec = _network(samples=3)
    right = student.backprop(Ws, bs, ACTS, X, T, "half_sse")
    assert_gradients(right, spec)
    assert_gradients({k: v.T if k.startswith("W") else v for k, v in right.items()}, spec, layout="row")
    assert_gradients({"w5": right["W2"][0, 0], "b1": right["b1"][0]}, spec)
    zs, outs = student.forward(Ws, bs, ACTS, X)
    assert_forward({"A1": outs[1], "Z2": zs[1].T, "o1": {"in": zs[1][:, 0], "out": outs[2][:, 0]}}, spec)
    assert_loss(student.loss(Ws, bs, ACTS, X, T, "half_sse"), spec)
    assert_updated({k: w - 0.5 * right[k] for k, w in zip(("W1", "W2"), Ws)}, spec)


def test_a_missing_activation_derivative_is_named_with_the_factor_left_out():
    Ws, bs, X, T, spec = _network()
    message = _message(student.backprop(Ws, bs, ACTS, X, T, "half_sse", mistake="no-output-derivative"), spec)
    assert "All 12 follow from one mistake: the derivative of layer 2's activation (sigmoid) is left out" in message
    zs, outs = student.forward(Ws, bs, ACTS, X)
    slope = outs[2][0, 0] * (1 - outs[2][0, 0])  # dout_o1/din_o1, computed here
    assert f"without the factor dout_o1/din_o1 = {plain(slope, 7)}" in message
    assert "derive's working for w5:" in message  # the first wrong one in backpropagation's order


def test_transposed_weights_are_named_with_the_factor_they_change():
    Ws, bs, X, T, spec = _network()
    message = _message(student.backprop(Ws, bs, ACTS, X, T, "half_sse", mistake="transposed"), spec)
    assert "computed as W2 delta instead of W2^T delta" in message
    zs, outs = student.forward(Ws, bs, ACTS, X)
    delta = (outs[2] - T) * outs[2] * (1 - outs[2])
    wrong = (delta @ Ws[1].T)[0, 0]  # dE/dout_h1 through W2 itself
    assert f"with dE/dout_h1 = {plain(wrong, 7)} in place of" in message


def test_a_wrong_sign_and_a_sum_for_a_mean_are_named():
    Ws, bs, X, T, spec = _network()
    message = _message(student.backprop(Ws, bs, ACTS, X, T, "half_sse", mistake="sign"), spec)
    assert "every gradient has the wrong sign" in message and "is the right value with the opposite sign" in message
    Ws, bs, X, T, spec = _network(reduction="mean", samples=4)
    message = _message(student.backprop(Ws, bs, ACTS, X, T, "half_sse", "mean", mistake="sum-not-mean"), spec)
    assert "the 4 samples' gradients are summed where the loss takes their mean" in message
    assert "is 4 times the right value" in message


def test_a_dropped_half_is_named():
    Ws, bs, X, T, spec = _network()
    message = _message(student.backprop(Ws, bs, ACTS, X, T, "half_sse", mistake="half-dropped"), spec)
    assert "the loss's 1/2 is dropped" in message


def test_an_unknown_mistake_is_said_to_be_unexplained_and_still_gets_the_working():
    Ws, bs, X, T, spec = _network()
    right = student.backprop(Ws, bs, ACTS, X, T, "half_sse")
    right["W2"] = right["W2"] + np.array([[0.0123, 0.0], [0.0, 0.0]])
    message = _message(right, spec)
    assert "1 of 12 gradients" in message and "No mistake derive knows reproduces it." in message
    assert "would follow from one wrong factor" in message


@pytest.mark.parametrize("seed", range(4))
def test_every_explanation_reproduces_what_it_claims(seed):
    """For each mistake and pair of mistakes in the library, the set the search reports reproduces the
    wrong gradients (the same set, or another that gives the same numbers)."""
    rng = np.random.default_rng(seed)
    layers = [[2, 3, 3, 2], [3, 2, 2], [2, 2, 2, 1]][seed % 3]
    Ws, bs, X, T = student.random_network(rng, layers, "half_sse", 3)
    acts = ["tanh"] * (len(layers) - 2) + ["sigmoid"]
    spec = derive.load(derive.from_arrays(Ws, bs, acts, X, T, lr=0.3, reduction="mean"))
    close = lambda name, a, b: abs(a - b) <= 1e-9 * abs(b) + 1e-15  # noqa: E731
    for made in itertools.chain(((i,) for i in mistakes.instances(spec)),
                                itertools.islice(itertools.combinations(mistakes.instances(spec), 2), 0, None, 7)):
        theirs = mistakes.gradients(spec, made)
        found, explained = explain.mistaken(spec, theirs, close)
        alternative = mistakes.gradients(spec, found)
        assert all(close(n, theirs[n], alternative[n]) for n in theirs), (made, found)


def test_wrong_updates_are_read_through_the_gradients_they_imply():
    Ws, bs, X, T, spec = _network()
    right = student.backprop(Ws, bs, ACTS, X, T, "half_sse")
    with pytest.raises(AssertionError, match="moved up the gradient"):
        assert_updated({"W2": Ws[1] + 0.5 * right["W2"]}, spec)
    with pytest.raises(AssertionError, match="leaves the learning rate out"):
        assert_updated({"W2": Ws[1] - right["W2"]}, spec)
    no_slope = student.backprop(Ws, bs, ACTS, X, T, "half_sse", mistake="no-output-derivative")
    with pytest.raises(AssertionError, match="layer 2's activation \\(sigmoid\\) is left out"):
        assert_updated({"W2": Ws[1] - 0.5 * no_slope["W2"]}, spec)


def test_forward_mistakes_and_their_consequences():
    Ws, bs, X, T, spec = _network()
    zs, outs = student.forward(Ws, bs, ACTS, X)
    with pytest.raises(AssertionError, match="the activation \\(sigmoid\\) was not applied"):
        assert_forward({"h1": zs[0][0, 0]}, spec)
    wrong_hidden = outs[1] + 0.01
    o1 = student.ACTIVATIONS["sigmoid"][0](wrong_hidden @ Ws[1].T + bs[1])
    with pytest.raises(AssertionError) as caught:
        assert_forward({"A1": wrong_hidden, "Z2": wrong_hidden @ Ws[1].T + bs[1], "A2": o1}, spec)
    message = str(caught.value)
    assert "6 of 6 forward values" in message
    assert "4 of them follow from your own earlier values by the right arithmetic: " in message
    assert "derive's working for out_h1:" in message  # the one they follow from
    with pytest.raises(AssertionError, match="without its bias"):
        assert_forward({"Z1": X @ Ws[0].T}, spec)


def test_loss_mistakes():
    Ws, bs, X, T, spec = _network(samples=2)
    per_sample = student.per_sample_loss(student.forward(Ws, bs, ACTS, X)[1][-1], T, "half_sse")
    with pytest.raises(AssertionError, match="twice the right value"):
        assert_loss(2 * per_sample.sum(), spec)
    with pytest.raises(AssertionError, match="equals sample 2's loss alone"):
        assert_loss(per_sample[1], spec)


def test_names_and_shapes_are_checked():
    Ws, bs, X, T, spec = _network()
    with pytest.raises(KeyError, match="'V1': expected a parameter"):
        assert_gradients({"V1": Ws[0]}, spec)
    with pytest.raises(AssertionError, match=re.escape("W2: expected a 2x2 matrix, got shape (3,)")):
        assert_gradients({"W2": np.zeros(3)}, spec)
    with pytest.raises(AssertionError, match="w1: yours nan"):
        assert_gradients({"w1": float("nan")}, spec)


def test_the_plugin_shows_the_working_in_a_failing_test(tmp_path):
    test = tmp_path / "test_student.py"
    test.write_text(
        "import numpy as np\nfrom derive.testing import assert_gradients\n\n"
        "def test_mine(derive_spec):\n"
        "    spec = derive_spec('two-two-two', training={'learning_rate': 0.1})\n"
        "    assert spec.learning_rate == 0.1\n"
        "    assert_gradients({'w5': 0.5}, spec)\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(test)],
                         capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert run.returncode == 1
    assert "derive's working for w5:" in run.stdout and "dE/dw5 = dE/dout_o1 * dout_o1/din_o1" in run.stdout
    assert "assert_gradients({'w5': 0.5}, spec)" in run.stdout  # the test's own line
    assert "asserts.py" not in run.stdout  # derive's frames are hidden


def test_the_autograder_in_the_docs_prints_what_the_docs_show(capsys):
    text = (Path(__file__).resolve().parent.parent / "docs" / "oracle.md").read_text(encoding="utf-8")
    example, shown = re.search(r"## An autograder.*?```python\n(.*?)```.*?```\n(.*?)```", text, re.S).groups()
    exec(compile(example, "docs/oracle.md", "exec"), {})  # noqa: S102 - our own documentation's example
    assert capsys.readouterr().out == shown


def test_numbers_go_by_name_and_arrays_by_layer():
    """b2 is a scalar parameter (h2's bias) as a number, and layer 2's biases as an array."""
    Ws, bs, X, T, spec = _network()
    right = student.backprop(Ws, bs, ACTS, X, T, "half_sse")
    assert_gradients({"b2": right["b1"][1]}, spec)  # the scalar b2: layer 1's second bias
    assert_gradients({"b2": right["b2"]}, spec)  # layer 2's vector
    with pytest.raises(AssertionError, match=re.escape("w1: expected one number (the parameter w1)")):
        assert_gradients({"w1": right["W1"]}, spec)
    with pytest.raises(AssertionError, match="W1: expected numbers, got list"):
        assert_gradients({"W1": [[1.0, 2.0], [3.0]]}, spec)


def test_the_bridges_refuse_a_model_beyond_the_limits_before_copying_it():
    with pytest.raises(derive.UsageError, match="60,000 parameters, got layers 2-2000"):
        derive.from_arrays([np.zeros((2000, 2))], None, "sigmoid", np.zeros((1, 2)), np.zeros((1, 2000)))
    with pytest.raises(derive.UsageError, match="at most 1,000 samples"):
        derive.from_arrays([np.zeros((2, 2))], None, "sigmoid", np.zeros((5000, 2)), np.zeros((5000, 2)))
