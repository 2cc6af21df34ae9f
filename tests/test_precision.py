"""Saturated neurons: every number right to its last digit where float64 arithmetic would lose it.

A sigmoid output at a net input of 24 is 1 - 3.6e-11; in float64 1 - out, out - t and ln(out) keep
only five or six of their digits. The expected values here come from a separate forward and backward
pass in 400-digit arithmetic (mpmath), written in this test from the textbook formulas."""
from __future__ import annotations

import mpmath
import pytest

import derive
from derive import ir, keys
from derive.check import check

mp = mpmath.MPContext()
mp.dps = 400  # 1 - sigmoid(200) = 1.4e-87 keeps 300 digits


def _activate(name: str, z: list) -> list:
    if name == "sigmoid":
        return [1 / (1 + mp.exp(-v)) for v in z]
    if name == "tanh":
        return [mp.tanh(v) for v in z]
    total = mp.fsum(mp.exp(v) for v in z)  # softmax
    return [mp.exp(v) / total for v in z]


def _slope(name: str, y: list, g: list) -> list:
    """dE/din from dE/dout through the activation's derivative."""
    if name == "sigmoid":
        return [gi * yi * (1 - yi) for gi, yi in zip(g, y)]
    if name == "tanh":
        return [gi * (1 - yi * yi) for gi, yi in zip(g, y)]
    return [mp.fsum(g[k] * y[k] * ((1 if k == n else 0) - y[n]) for k in range(len(y))) for n in range(len(y))]


def reference(spec) -> dict[str, mpmath.mpf]:
    """out, dout/din, delta, the error and every weight's gradient of a one-sample network without biases."""
    labels, outs, values = spec.labels, [[mp.mpf(v) for v in spec.inputs[0]]], {}
    for l, w in enumerate(spec.weights):
        z = [mp.fsum(mp.mpf(wjk) * a for wjk, a in zip(row, outs[-1])) for row in w]
        outs.append(_activate(spec.activations[l], z))
        values |= {keys.out(0, label): y for label, y in zip(labels[l + 1], outs[-1])}
    y, t = outs[-1], [mp.mpf(v) for v in spec.targets[0]]
    if spec.loss == "bce":
        values[keys.error(0)] = -mp.fsum(ti * mp.log(yi) + (1 - ti) * mp.log(1 - yi) for yi, ti in zip(y, t))
        values |= {keys.d_out(0, label): (yi - ti) / (yi * (1 - yi)) for label, yi, ti in zip(labels[-1], y, t)}
        g = [(yi - ti) / (yi * (1 - yi)) for yi, ti in zip(y, t)]
    elif spec.loss == "cross_entropy":
        values[keys.error(0)] = -mp.fsum(ti * mp.log(yi) for yi, ti in zip(y, t))
        g = [-ti / yi for yi, ti in zip(y, t)]
    else:  # half_sse
        values[keys.error(0)] = mp.fsum((ti - yi) ** 2 / 2 for yi, ti in zip(y, t))
        g = [yi - ti for yi, ti in zip(y, t)]
    for l in range(spec.depth, 0, -1):
        delta = _slope(spec.activations[l - 1], outs[l], g)
        for j, label in enumerate(labels[l]):
            values[keys.delta(0, label)] = delta[j]
            if spec.activations[l - 1] != "softmax":
                values[keys.d_activation(0, label)] = delta[j] / g[j] if g[j] else None
        g = [mp.fsum(delta[j] * spec.weights[l - 1][j][k] for j in range(len(delta))) for k in range(len(outs[l - 1]))]
        for p in spec.parameters():
            if p.layer == l:
                values[keys.gradient(p.name)] = delta[p.dest] * outs[l - 1][p.src]
    return {key: value for key, value in values.items() if value is not None}


def network(layers, activation, loss, weights, inputs, targets):
    return {"name": "saturated", "network": {"layers": layers, "activation": activation, "loss": loss, "bias": "none"},
            "params": {"weights": weights}, "data": {"inputs": [inputs], "targets": [targets]},
            "training": {"learning_rate": 0.5}}


SATURATED = {
    # a sigmoid output at a net input of about 24, its target 0 and 1 (out - t is 1 - 3.6e-11 or -3.6e-11)
    "sigmoid-bce-t0": network([2, 2, 1], "sigmoid", "bce", [[[0.5, 0.3], [0.2, 0.4]], [[18.0, 18.0]]], [1.0, 1.0],
                              [0.0]),
    "sigmoid-bce-t1": network([2, 2, 1], "sigmoid", "bce", [[[0.5, 0.3], [0.2, 0.4]], [[18.0, 18.0]]], [1.0, 1.0],
                              [1.0]),
    # a sigmoid output at a net input of about 45, a float64 1.0, with a target of 0.78: dE/dout is 1e19,
    # and (out - t) / (out (1 - out)) with the shown out = 1 would divide by 0
    "sigmoid-bce-pole": network([2, 2, 1], "sigmoid", "bce", [[[0.5, 0.3], [0.2, 0.4]], [[33.0, 33.0]]],
                                [1.0, 1.0], [0.78]),
    # a net input of 200: 1 - out = 1.4e-87 is 0 at derive's usual 160 bits, so derive computes again
    # at its highest precision
    "sigmoid-bce-200": network([2, 1], "sigmoid", "bce", [[[100.0, 100.0]]], [1.0, 1.0], [0.5]),
    # a softmax output whose first net input leads by 30: its error is 9e-14, its delta -9e-14
    "softmax-ce": network([2, 3], "softmax", "cross_entropy", [[[15.0, 15.0], [0.0, 0.0], [-1.0, 0.0]]], [1.0, 1.0],
                          [1.0, 0.0, 0.0]),
    # tanh hidden neurons at a net input of 20: tanh' = 1.7e-17, where 1 - out^2 would be 0
    "tanh-hidden": network([2, 2, 1], ["tanh", "sigmoid"], "half_sse", [[[10.0, 10.0], [-9.0, -11.0]], [[0.3, 0.6]]],
                           [1.0, 1.0], [0.2]),
    # at a net input of 50, tanh' = 1.5e-43: 160-bit floats would keep only its first five digits
    "tanh-hidden-50": network([2, 2, 1], ["tanh", "sigmoid"], "half_sse", [[[25.0, 25.0], [-0.2, 0.4]], [[0.3, 0.6]]],
                              [1.0, 1.0], [0.2]),
}


@pytest.mark.parametrize("name", sorted(SATURATED))
def test_saturated_values_are_right_to_the_last_digit(name):
    spec = derive.load(SATURATED[name])
    shown = {v.key: v.value for v in ir.values(derive.derive(SATURATED[name]))}  # derive() cross-checks them too
    expected = reference(spec)
    for key, value in expected.items():
        assert shown[key] == pytest.approx(float(value), rel=1e-13, abs=0), key


@pytest.mark.parametrize("name", sorted(SATURATED))
def test_saturated_documents_check_clean(name):
    spec = derive.load(SATURATED[name])
    report = check(spec, derive.document(derive.build(spec), "md"))
    assert report.clean, [(f.text, f.meant, f.context, f.true) for f in report.suspicious[:3]]


def test_the_simplified_delta_of_a_saturated_output_is_the_number_of_the_chain():
    """sigmoid with bce: delta = out - t is shown next to dE/dout * dout/din; both are one number."""
    spec = derive.load(SATURATED["sigmoid-bce-t1"])
    text = derive.document(derive.build(spec), "md")
    delta = reference(spec)[keys.delta(0, "o1")]
    assert -4e-11 < delta < -3e-11
    shown = mpmath.nstr(delta, 10, min_fixed=0, max_fixed=0).replace("e-11", "")
    assert text.count(f"= {shown} \\times 10^{{-11}}") >= 2, shown  # the chain's product and out - t
