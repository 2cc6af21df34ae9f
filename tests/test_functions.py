"""The activation registry: derivatives from SymPy, and every hand-written derivation step proved."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import sympy as sp

from derive.numeric import functions as numeric_functions
from derive.spec import vocabulary
from derive.symbolic import LOSSES, NOTATIONS, activation, activations, proofs
from derive.symbolic.forms import Y, Z
from derive.symbolic.proofs import check_steps

NAMES = tuple(n for n in vocabulary.ACTIVATIONS if n != "softmax")


@pytest.mark.parametrize("name", NAMES)
def test_every_step_is_proved(name):
    act = activation(name)
    check_steps.cache_clear()
    check_steps(act)  # raises if any step is not SymPy-equal to f'(z)
    derivative = sp.diff(act.expr, Z)
    for step in act.steps:
        difference = step.expr.doit().xreplace({Y: act.expr}) - derivative
        assert sp.simplify(difference.rewrite(sp.exp)) == 0


@pytest.mark.parametrize("name", ["sigmoid", "tanh"])
def test_a_wrong_step_is_caught(name):
    act = activation(name)
    wrong = dataclasses.replace(act, steps=(*act.steps[:-1], activations.Step(Y * (1 + Y), "substitute_output")))
    with pytest.raises(AssertionError, match=f"derivation of {name}'"):
        check_steps(wrong)


@pytest.mark.parametrize("name, f, df", [
    ("sigmoid", lambda z: 1 / (1 + np.exp(-z)), lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2),
    ("tanh", np.tanh, lambda z: 1 / np.cosh(z) ** 2),
    ("relu", lambda z: max(z, 0.0), lambda z: 1.0 if z > 0 else 0.0),
    ("leaky_relu", lambda z: z if z > 0 else 0.01 * z, lambda z: 1.0 if z > 0 else 0.01),
    ("linear", lambda z: z, lambda z: 1.0),
])
@pytest.mark.parametrize("z", [-1.7, -0.3, 0.4, 2.2])
def test_values_and_derivatives(name, f, df, z):
    act = activation(name)
    assert float(act(sp.Float(z))) == pytest.approx(f(z), rel=1e-12)
    assert float(act.derivative(sp.Float(z))) == pytest.approx(df(z), rel=1e-12)


def test_sigmoid_textbook_form():
    sigmoid = activation("sigmoid")
    assert sp.simplify(sigmoid.derivative(Z) - sp.exp(-Z) / (1 + sp.exp(-Z)) ** 2) == 0
    assert sigmoid.steps[-1].expr.doit() == Y * (1 - Y)


def test_leaky_slope_is_a_parameter():
    assert float(activation("leaky_relu", 0.2).derivative(sp.Float(-1.0))) == pytest.approx(0.2)


@pytest.mark.parametrize("size", [1, 2, 3, 4])
def test_softmax_derivation_is_proved_for_each_layer_size(size):
    proofs.check_softmax.cache_clear()
    proofs.check_softmax(size)


def test_a_wrong_softmax_step_is_caught(monkeypatch):
    act = activation("softmax")
    z_i, z_j, y_i, y_j = activations.softmax_symbols()
    wrong = dataclasses.replace(act, steps=(*act.steps[:-1], activations.Step(y_i * (1 - y_j), "substitute_output")))
    monkeypatch.setattr(proofs, "activation", lambda name, slope=0.01: wrong)
    proofs.check_softmax.cache_clear()
    with pytest.raises(AssertionError, match="derivation of softmax'"):
        proofs.check_softmax(2)
    proofs.check_softmax.cache_clear()


@pytest.mark.parametrize("size", [2, 3, 10])
def test_softmax_with_cross_entropy_gives_y_minus_t(size):
    proofs.check_softmax_cross_entropy(size)


@pytest.mark.parametrize("wrong", ["off_diagonal", "diagonal"])
def test_a_wrong_softmax_step_is_caught_in_a_wide_layer(monkeypatch, wrong):
    """The proof for a 10-output layer checks one diagonal and one off-diagonal entry (softmax is
    symmetric in its inputs); a step wrong on either is caught."""
    act = activation("softmax")
    z_i, z_j, y_i, y_j = activations.softmax_symbols()
    delta = sp.KroneckerDelta(*[index for index in z_i.indices + z_j.indices])
    bad = y_i * (delta - y_j) + (1 - delta) * y_i if wrong == "off_diagonal" else y_i * (delta - y_j) + delta * y_j
    broken = dataclasses.replace(act, steps=(*act.steps[:-1], activations.Step(bad, "substitute_output")))
    monkeypatch.setattr(proofs, "activation", lambda name, slope=0.01: broken)
    proofs.check_softmax.cache_clear()
    with pytest.raises(AssertionError, match="derivation of softmax'"):
        proofs.check_softmax(10)
    proofs.check_softmax.cache_clear()


@pytest.mark.parametrize("k, n", [(0, 0), (0, 1), (2, 1)])
def test_softmax_jacobian_entries(k, n):
    zs = np.array([0.3, -1.2, 0.8])
    y = np.exp(zs) / np.exp(zs).sum()
    outs = sp.symbols("y0:3")
    form = activation("softmax").jacobian_from_outputs(k, n, outs).doit()
    value = float(form.xreplace({o: sp.Float(v) for o, v in zip(outs, y)}))
    assert value == pytest.approx(y[k] * ((k == n) - y[n]), rel=1e-12)


def test_every_name_a_spec_may_use_is_implemented_by_both_paths():
    """The spec's vocabulary is names only; the symbolic path and the numeric engine each implement
    every one of them (softmax is the numeric engine's function of its own)."""
    for name in vocabulary.ACTIVATIONS:
        assert activation(name).name == name
        assert name == "softmax" or name in numeric_functions.ACTIVATIONS
    assert set(LOSSES) == set(vocabulary.LOSSES) == set(numeric_functions.LOSSES)
    assert tuple(NOTATIONS) == vocabulary.NOTATIONS


@pytest.mark.parametrize("name", sorted(LOSSES))
@pytest.mark.parametrize("size", [1, 2, 3])
def test_each_loss_derivative_as_a_teacher_writes_it_is_proved(name, size):
    proofs.check_loss.cache_clear()
    proofs.check_loss(name, size)
    t, y = sp.Symbol("t"), sp.Symbol("y", positive=True)
    difference = LOSSES[name].derivative(t, y, size).doit() - sp.diff(LOSSES[name].term(t, y, size).doit(), y)
    assert sp.simplify(difference) == 0


def test_a_wrong_loss_derivative_is_caught(monkeypatch):
    from derive.symbolic import losses

    broken = dataclasses.replace(LOSSES["mse"], derivative=lambda t, y, n: 2 * (y - t))  # the 1/n forgotten
    monkeypatch.setitem(losses.LOSSES, "mse", broken)
    proofs.check_loss.cache_clear()
    with pytest.raises(AssertionError, match="mse"):
        proofs.check_loss("mse", 2)
    proofs.check_loss.cache_clear()


def test_the_mean_squared_error_derivative_is_written_factored(preset):
    import derive

    text = derive.document(preset("chain"), "md")
    assert r"&= - 2 \cdot y + 2 \cdot a^{(L)} \\" + "\n" + r"&= 2 \cdot \left(a^{(L)} - y\right) \\" in text
