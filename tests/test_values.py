"""The 2-2-2 example against a NumPy computation written out here, scalar by scalar, from the network
as article 000 declares it (nothing is taken from derive's own engine or output)."""
from __future__ import annotations

import dataclasses
import json
import math

import numpy as np
import pytest

import derive
from derive import ir
from derive.ir import Value
from derive.views import json as render
from derive.views.markdown import markdown


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + np.exp(-x))


@pytest.fixture(scope="module")
def expected() -> dict[str, float]:
    i1, i2, t1, t2 = 0.1, 0.2, 0.01, 0.99
    w1, w2, w3, w4, w5, w6, w7, w8 = 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8
    b1, b2, b3, b4 = 0.55, 0.56, 0.66, 0.67
    lr = 0.5
    net_h1 = w1 * i1 + w2 * i2 + b1
    net_h2 = w3 * i1 + w4 * i2 + b2
    h1, h2 = sigmoid(net_h1), sigmoid(net_h2)
    net_o1 = w5 * h1 + w6 * h2 + b3
    net_o2 = w7 * h1 + w8 * h2 + b4
    o1, o2 = sigmoid(net_o1), sigmoid(net_o2)
    e1, e2 = 0.5 * (t1 - o1) ** 2, 0.5 * (t2 - o2) ** 2
    d_o1 = -(t1 - o1) * o1 * (1 - o1)
    d_o2 = -(t2 - o2) * o2 * (1 - o2)
    d_h1 = (d_o1 * w5 + d_o2 * w7) * h1 * (1 - h1)
    d_h2 = (d_o1 * w6 + d_o2 * w8) * h2 * (1 - h2)
    grads = {"w1": d_h1 * i1, "w2": d_h1 * i2, "w3": d_h2 * i1, "w4": d_h2 * i2,
             "w5": d_o1 * h1, "w6": d_o1 * h2, "w7": d_o2 * h1, "w8": d_o2 * h2,
             "b1": d_h1, "b2": d_h2, "b3": d_o1, "b4": d_o2}
    params = dict(w1=w1, w2=w2, w3=w3, w4=w4, w5=w5, w6=w6, w7=w7, w8=w8, b1=b1, b2=b2, b3=b3, b4=b4)
    values = {"in:h1": net_h1, "in:h2": net_h2, "out:h1": h1, "out:h2": h2, "in:o1": net_o1, "in:o2": net_o2,
              "out:o1": o1, "out:o2": o2, "E:o1": e1, "E:o2": e2, "E": e1 + e2,
              "delta:o1": d_o1, "delta:o2": d_o2, "delta:h1": d_h1, "delta:h2": d_h2}
    values |= {f"grad:{k}": v for k, v in grads.items()}
    values |= {f"updated:{k}": params[k] - lr * grads[k] for k in grads}
    return values


@pytest.fixture(scope="module")
def derivation() -> ir.Derivation:
    return derive.derive("two-two-two")


def test_json_matches_independent_computation(derivation, expected):
    data = json.loads(render.json_text(derivation))
    forward = data["forward"][0]
    for label in ("h1", "h2", "o1", "o2"):
        assert forward[label]["in"] == pytest.approx(expected[f"in:{label}"], rel=1e-12)
        assert forward[label]["out"] == pytest.approx(expected[f"out:{label}"], rel=1e-12)
    assert data["loss"]["total"] == pytest.approx(expected["E"], rel=1e-12)
    assert data["loss"]["terms"]["o1"] == pytest.approx(expected["E:o1"], rel=1e-12)
    for name in ("w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8", "b1", "b2", "b3", "b4"):
        assert data["gradients"][name] == pytest.approx(expected[f"grad:{name}"], rel=1e-12)
        assert data["updated"][name] == pytest.approx(expected[f"updated:{name}"], rel=1e-12)


def test_every_shown_value_matches(derivation, expected):
    """Every IR value whose quantity the independent computation knows agrees with it."""
    seen = set()
    for value in ir.values(derivation):
        key = value.key.split(":", 1)[1] if value.key[0].isdigit() else value.key
        if key in expected:
            assert value.value == pytest.approx(expected[key], rel=1e-12), value.key
            seen.add(key)
    assert seen == set(expected)


def test_chain_factors_multiply_to_the_gradient(derivation, expected):
    data = json.loads(render.json_text(derivation))
    for name, factors in data["chain"].items():
        assert len(factors) == 3
        assert math.prod(f["value"] for f in factors) == pytest.approx(expected[f"grad:{name}"], rel=1e-12)
    assert data["chain"]["w5"][0]["factor"] == r"\frac{\partial E_{\rm total}}{\partial {\rm out}_{o_{1}}}"


def test_shown_numbers_are_rounded_true_values(expected):
    """The document shows out_h2 rounded from the true value, to the requested significant digits."""
    text = derive.document(derive.derive("two-two-two", digits=6), "md")
    assert f"{expected['out:h2']:.6g}" in text
    assert f"{expected['grad:w5']:.6g}" in text
    assert f"{expected['out:h2']:.10g}" not in text


STEP_SPEC = {
    "network": {"layers": [2, 2, 1], "activation": "step"},
    "params": {"weights": [[[1.0, 1.0], [-1.0, -1.0]], [[1.0, 1.0]]], "biases": [[-0.5, 1.5], [-1.5]]},
    "data": {"inputs": [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], "targets": [[0.0], [1.0], [1.0], [0.0]]},
}


def test_step_network_is_forward_only():
    """A step network without [training]: forward pass and error, checked against a computation here."""
    derivation = derive.derive(STEP_SPEC)
    data = json.loads(render.json_text(derivation))
    for x, forward in zip(STEP_SPEC["data"]["inputs"], data["forward"]):
        h = [float(1.0 * x[0] + 1.0 * x[1] - 0.5 > 0), float(-x[0] - x[1] + 1.5 > 0)]
        assert forward["o1"]["out"] == float(h[0] + h[1] - 1.5 > 0)
    assert data["loss"]["total"] == 0.0  # the step network computes XOR exactly
    assert "gradients" not in data and data["learning_rate"] is None
    for lang, heading in (("en", "Backward pass"), ("zh", "反向传播")):
        text = derive.document(derivation, "md", lang)
        assert f". {heading}" not in text and "$$" in text


def _batch_spec(samples: int) -> dict:
    """A 2-3-2 sigmoid network with half-SSE loss over `samples` seeded samples."""
    rng = np.random.default_rng(11)
    return {"name": "batch", "network": {"layers": [2, 3, 2], "activation": "sigmoid",
                                         "loss": "half_sse"},
            "params": {"weights": [rng.uniform(-1, 1, (3, 2)).round(2).tolist(),
                                   rng.uniform(-1, 1, (2, 3)).round(2).tolist()],
                       "biases": [rng.uniform(-1, 1, 3).round(2).tolist(), rng.uniform(-1, 1, 2).round(2).tolist()]},
            "data": {"inputs": rng.uniform(-1, 1, (samples, 2)).round(2).tolist(),
                     "targets": rng.uniform(0.05, 0.95, (samples, 2)).round(2).tolist()},
            "training": {"learning_rate": 0.5}}


def _per_sample(raw: dict) -> list[tuple[np.ndarray, float, dict[str, float]]]:
    """Each sample's outputs, error and gradients, by a backward pass written here."""
    w1, w2 = (np.array(w) for w in raw["params"]["weights"])
    b1, b2 = (np.array(b) for b in raw["params"]["biases"])
    found = []
    for x, t in zip(np.array(raw["data"]["inputs"]), np.array(raw["data"]["targets"])):
        h = 1 / (1 + np.exp(-(w1 @ x + b1)))
        y = 1 / (1 + np.exp(-(w2 @ h + b2)))
        d2 = (y - t) * y * (1 - y)
        d1 = (w2.T @ d2) * h * (1 - h)
        grads = dict(zip([f"w{i}" for i in range(1, 13)], [*np.outer(d1, x).ravel(), *np.outer(d2, h).ravel()]))
        grads |= dict(zip([f"b{i}" for i in range(1, 6)], [*d1, *d2]))
        found.append((y, float(0.5 * np.sum((t - y) ** 2)), grads))
    return found


def test_a_big_batch_writes_the_first_sample_out_and_the_others_as_table_rows():
    raw = _batch_spec(7)
    d = derive.derive(raw)
    text = markdown(d, "en")
    assert d.in_full == 1 and "### Sample 1" in text and "### Sample 2" not in text
    expected = _per_sample(raw)
    params = [f"w{i}" for i in range(1, 13)] + [f"b{i}" for i in range(1, 6)]
    for s in range(1, 7):  # every other sample: one row across the tables, in column order
        row = [v for table in d.others for index, values in table.rows if index == s for v in values]
        y, error, grads = expected[s]
        assert [v.value for v in row] == pytest.approx([*y, error, *(grads[p] for p in params)], rel=1e-12)
        assert all(f"| {s + 1} | ${v.tex}$" in text or f" ${v.tex}$ |" in text for v in row)
    assert all(len(table.columns) <= 6 for table in d.others) and sum(len(t.columns) for t in d.others) == 2 + 1 + 17
    total = sum(g[2]["w1"] for g in expected)  # the sum over the samples still adds every sample's term
    assert next(r.gradient.value for r in d.summary if r.name == "w1") == pytest.approx(total, rel=1e-12)
    # all of them on request, and a small batch in full by default
    whole = derive.derive(raw | {"samples_in_full": "all"})
    assert whole.in_full is None and not whole.others and "### Sample 7" in markdown(whole, "en")
    assert derive.derive(_batch_spec(4)).in_full is None


def test_samples_in_full_must_be_a_count_of_samples(tmp_path, capsys):
    from derive.cli import main

    with pytest.raises(derive.SpecError, match="samples_in_full"):
        derive.load(_batch_spec(3) | {"samples_in_full": 4})
    spec = tmp_path / "batch.toml"
    spec.write_text('name = "b"\n[network]\nlayers = [1, 1]\n[params]\nweights = [[[0.5]]]\nbiases = [[0.1]]\n'
                    '[data]\ninputs = [[0.1], [0.2]]\ntargets = [[0.3], [0.4]]\n', encoding="utf-8")
    assert main(["doc", str(spec), "-o", str(tmp_path / "out"), "--samples-in-full", "zero"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--samples-in-full" in err and not (tmp_path / "out").exists()


def _every_value(node):
    """Every Value in an IR object, by a plain recursive walk written here."""
    if isinstance(node, Value):
        return [node]
    if dataclasses.is_dataclass(node):
        return [v for field in dataclasses.fields(node) for v in _every_value(getattr(node, field.name))]
    if isinstance(node, (tuple, list)):
        return [v for item in node for v in _every_value(item)]
    return []


@pytest.mark.parametrize("name", ["two-two-two", "softmax-3443-batch", "bias-node", "diamond"])
def test_the_cross_check_sees_every_value(name, preset):
    d = preset(name)
    assert ir.values(d) == _every_value(d)
