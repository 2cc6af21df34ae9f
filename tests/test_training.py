"""Training over many iterations, against a NumPy loop written here; figures valid and deterministic."""
from __future__ import annotations

import dataclasses
import json
import xml.etree.ElementTree as ET

import numpy as np
import pytest
import student

import derive
from derive import fmt
from derive.cli import main
from derive.errors import SpecError
from derive.numeric import loop as train
from derive.spec import schedule


def _spec(**training) -> dict:
    return {
        "name": "trained",
        "network": {"layers": [2, 3, 2], "activation": ["tanh", "sigmoid"], "loss": "half_sse",
                    "reduction": training.pop("reduction", "sum")},
        "params": {"weights": [[[0.1, -0.2], [0.3, 0.4], [-0.5, 0.6]], [[0.7, -0.8, 0.9], [0.2, 0.1, -0.3]]],
                   "biases": [[0.05, -0.05, 0.1], [0.2, -0.1]]},
        "data": {"inputs": [[0.1, 0.2], [0.9, -0.4], [-0.3, 0.5]],
                 "targets": [[0.01, 0.99], [0.99, 0.01], [0.5, 0.5]]},
        "training": {"learning_rate": 0.5} | training,
    }


def _reference_training(raw: dict) -> tuple[list[float], list[np.ndarray]]:
    """Plain gradient descent on the tanh-sigmoid network of `_spec`, written out by hand."""
    w1, w2 = (np.array(w, dtype=float) for w in raw["params"]["weights"])
    b1, b2 = (np.array(b, dtype=float) for b in raw["params"]["biases"])
    x, t = np.array(raw["data"]["inputs"]), np.array(raw["data"]["targets"])
    rate, l2 = raw["training"]["learning_rate"], raw["training"].get("l2", 0.0)
    mean = raw["network"]["reduction"] == "mean"
    m = len(x)

    def run(xs, ts, w1, b1, w2, b2):
        h = np.tanh(xs @ w1.T + b1)
        y = 1 / (1 + np.exp(-(h @ w2.T + b2)))
        return h, y

    def objective(w1, b1, w2, b2):
        _, y = run(x, t, w1, b1, w2, b2)
        e = 0.5 * np.sum((t - y) ** 2) / (m if mean else 1)
        return e + l2 / (2 * m) * (np.sum(w1 ** 2) + np.sum(w2 ** 2))

    def step(xs, ts, w1, b1, w2, b2):
        n = len(xs)
        h, y = run(xs, ts, w1, b1, w2, b2)
        d2 = (y - ts) * y * (1 - y)
        d1 = (d2 @ w2) * (1 - h ** 2)
        scale = 1 / n if mean else 1
        g_w2, g_b2 = scale * d2.T @ h + l2 / n * w2, scale * d2.sum(0)
        g_w1, g_b1 = scale * d1.T @ xs + l2 / n * w1, scale * d1.sum(0)
        return w1 - rate * g_w1, b1 - rate * g_b1, w2 - rate * g_w2, b2 - rate * g_b2

    params = (w1, b1, w2, b2)
    losses = [objective(*params)]
    for _ in range(raw["training"]["iterations"]):
        if raw["training"].get("mode", "batch") == "batch":
            params = step(x, t, *params)
        else:
            for s in range(m):
                params = step(x[s:s + 1], t[s:s + 1], *params)
        losses.append(objective(*params))
    return losses, list(params)


@pytest.mark.parametrize("training", [
    {"iterations": 300},
    {"iterations": 40, "mode": "online"},
    {"iterations": 120, "l2": 0.1, "reduction": "mean"},
    {"iterations": 25, "mode": "online", "l2": 0.05, "reduction": "mean"},
])
def test_loss_history_matches_an_independent_loop(training):
    raw = _spec(**training)
    expected_losses, (w1, b1, w2, b2) = _reference_training(raw)
    d = derive.derive(raw)
    assert d.training is not None and d.training.iterations == raw["training"]["iterations"]
    np.testing.assert_allclose(d.training.losses, expected_losses, rtol=1e-10, atol=1e-14)
    final = {p.name: p.final.value for p in d.training.parameters}
    got = np.array([final[f"w{i}"] for i in range(1, 13)] + [final[f"b{i}"] for i in range(1, 6)])
    np.testing.assert_allclose(got, np.concatenate([w1.ravel(), w2.ravel(), b1, b2]), rtol=1e-10, atol=1e-13)
    for c in d.training.checkpoints:
        assert c.loss.value == pytest.approx(expected_losses[c.iteration], rel=1e-10, abs=1e-14)


@pytest.mark.parametrize("preset", ["two-two-two", "mazur", "chain", "bias-node", "softmax-3443"])
def test_small_learning_rate_never_raises_the_loss(preset):
    spec = derive.load(preset)
    import dataclasses
    spec = dataclasses.replace(spec, learning_rate=0.05, iterations=200)
    losses = np.array(train.run(spec).losses)
    assert np.all(np.diff(losses) <= 1e-15 * losses[0]), "the loss rose"
    assert losses[-1] < losses[0]


def test_checkpoints_are_log_spaced():
    assert schedule.checkpoints(0) == (0,)
    assert schedule.checkpoints(1) == (0, 1)
    assert schedule.checkpoints(1000) == (0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)
    assert schedule.checkpoints(7) == (0, 1, 2, 5, 7)


def test_json_training_section(tmp_path):
    raw = _spec(iterations=30)
    expected_losses, _ = _reference_training(raw)
    derive.write(derive.derive(raw), tmp_path, ("json",))
    view = json.loads((tmp_path / "trained.json").read_text(encoding="utf-8"))["training"]
    assert view["iterations"] == 30 and view["mode"] == "batch"
    np.testing.assert_allclose(view["loss"], expected_losses, rtol=1e-10)
    assert len(view["outputs"]) == 3 and all(len(row) == 2 for row in view["outputs"])
    assert set(view["parameters"]) == {f"w{i}" for i in range(1, 13)} | {f"b{i}" for i in range(1, 6)}


def test_document_has_training_section_and_figures(tmp_path):
    raw = _spec(iterations=50)
    written = derive.write(derive.derive(raw), tmp_path, ("md",), ("en", "zh"))
    names = sorted(p.name for p in written)
    assert names == ["trained.loss.svg", "trained.md", "trained.network.svg", "trained.zh.md"]
    english = (tmp_path / "trained.md").read_text(encoding="utf-8")
    chinese = (tmp_path / "trained.zh.md").read_text(encoding="utf-8")
    assert "Training: 50 iterations" in english and "](trained.loss.svg)" in english
    assert "训练：50 次迭代" in chinese and "](trained.network.svg)" in chinese
    for name in ("trained.loss.svg", "trained.network.svg"):
        root = ET.fromstring((tmp_path / name).read_bytes())
        assert root.tag == "{http://www.w3.org/2000/svg}svg"


def test_images_are_byte_identical_across_runs(tmp_path):
    raw = _spec(iterations=20)
    first = derive.write(derive.derive(raw), tmp_path / "a")
    second = derive.write(derive.derive(raw), tmp_path / "b")
    assert [p.name for p in first] == [p.name for p in second]
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


def test_divergence_is_a_spec_error():
    raw = _spec(iterations=200)
    raw["network"]["activation"] = "linear"
    raw["training"]["learning_rate"] = 50.0
    with pytest.raises(SpecError, match="training.learning_rate"):
        derive.derive(raw)


def test_progress_is_silent_without_a_terminal(tmp_path, capsys):
    spec = tmp_path / "s.toml"
    spec.write_text(TOML, encoding="utf-8")
    assert main(["doc", str(spec), "-o", str(tmp_path / "out")]) == 0
    assert capsys.readouterr().err == ""


TOML = """
[network]
layers = [2, 2, 1]
[params]
weights = [[[0.1, 0.2], [0.3, 0.4]], [[0.5, 0.6]]]
biases = [[0.1, 0.1], [0.1]]
[data]
inputs = [[0.0, 1.0], [1.0, 0.0]]
targets = [[1.0], [0.0]]
[training]
learning_rate = 0.5
iterations = 20000
"""


def test_focus_writes_only_the_named_chains(tmp_path):
    spec = dataclasses.replace(derive.load("two-two-two"), focus=("w5", "b1"))
    d = derive.derive(spec)
    written = {c for s in d.samples for c in s.chains()}
    assert written == {"w5", "b1"}
    full = derive.derive("two-two-two")
    # the summary still has every parameter, with the same gradients as the full document's
    assert [r.name for r in d.summary] == [r.name for r in full.summary]
    for row, other in zip(d.summary, full.summary):
        assert row.gradient.value == pytest.approx(other.gradient.value, rel=1e-9)
    assert all(not s.matrix for s in d.samples)


def test_focus_option_and_its_errors(tmp_path, capsys):
    assert main(["doc", "two-two-two", "--focus", "layer2", "-o", str(tmp_path / "a"), "--format", "md"]) == 0
    text = (tmp_path / "a" / "two-two-two.md").read_text(encoding="utf-8")
    assert "Gradient of $w_{5}$" in text and "Gradient of $w_{1}$" not in text
    capsys.readouterr()
    assert main(["doc", "two-two-two", "--focus", "w9", "-o", str(tmp_path / "b")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--focus" in err and "w9" in err
    assert not (tmp_path / "b").exists()


def test_oversize_document_is_refused_naming_focus(tmp_path, capsys):
    raw = {"network": {"layers": [30, 30, 10]},
           "params": {"init": {"scheme": "xavier", "seed": 1}},
           "data": {"inputs": [[0.1] * 30], "targets": [[0.5] * 10]},
           "training": {"learning_rate": 0.1}}
    with pytest.raises(SpecError, match="--focus"):
        derive.derive(raw)
    d = derive.derive(raw | {"focus": ["w1"]})
    assert {c for s in d.samples for c in s.chains()} == {"w1"}
    assert len(d.summary) == 30 * 30 + 30 * 10 + 40


def test_compare_hidden_and_generated_data():
    d = derive.derive("diamond")
    spec = derive.load("diamond")
    x = np.array(spec.inputs)
    assert len(x) == 50 and np.all(np.abs(x) <= 1)
    assert np.array_equal(np.array(spec.targets)[:, 0], (np.abs(x[:, 0]) + np.abs(x[:, 1]) < 1).astype(float))
    assert [c.hidden for c in d.training.compared] == [1, 2, 3, 4, 6, 8]
    same = next(c for c in d.training.compared if c.hidden == 4)
    assert same.loss.value == pytest.approx(d.training.losses[-1], rel=1e-12)  # the 2-4-1 variant is the network
    kinds = [f.kind for f in d.figures]
    assert kinds == ["network", "loss", "boundary", "hidden"]
    for f in d.figures:
        assert f.data.startswith(b"\x89PNG\r\n\x1a\n") if f.file.endswith(".png") else f.data.startswith(b"<?xml")


def _printed(tex: str) -> tuple[float, float]:
    """A printed number (1.234 or 1.23 \\times 10^{-6}) and the unit of its last digit."""
    mantissa, _, power = tex.partition(r" \times 10^{")
    exponent = int(power.rstrip("}") or 0)
    decimals = len(mantissa.partition(".")[2])
    return float(mantissa) * 10.0 ** exponent, 10.0 ** (exponent - decimals)


def test_numbers_after_training_print_only_the_digits_float64_settles():
    """diamond's 5,000 iterations move in the fifth digit between float64 implementations. The test's
    own network (NumPy's BLAS product and exp, the textbook formulas: rounding of its own) trains the
    same way; every number printed after training is within one unit of its last digit of it, and the
    document says that it shortened them."""
    spec = derive.load("diamond")
    d = derive.derive(spec, formats=("md",))
    acts, X = list(spec.activations), np.array(spec.inputs)
    Ws, bs, losses = student.descend([np.array(w) for w in spec.weights], [np.array(spec.biases[0]), np.zeros(1)],
                                     acts, X, np.array(spec.targets), "bce", spec.learning_rate, spec.iterations,
                                     learns=[True, False])
    theirs = dict(zip([f"w{i}" for i in range(1, 13)] + ["b1", "b2", "b3", "b4"],
                      [*Ws[0].ravel(), *Ws[1].ravel(), *bs[0]]))
    outputs = student.forward(Ws, bs, acts, X)[1][-1][:, 0]
    pairs = ([(p.final.tex, theirs[p.name]) for p in d.training.parameters]
             + [(o.output.tex, y) for o, y in zip(d.training.outputs, outputs)]
             + [(c.loss.tex, losses[c.iteration]) for c in d.training.checkpoints])
    assert len(pairs) == 16 + 50 + len(d.training.checkpoints)
    for tex, expected in pairs:
        shown, unit = _printed(tex)
        assert abs(shown - expected) <= unit, (tex, expected)
    assert d.training.settled is not None and d.training.settled < 10
    assert d.training.parameters[0].final.tex.count(".") == 1 and len(d.training.parameters[0].final.tex) < 12
    assert f"(the fewest significant digits printed: {d.training.settled})" in derive.document(d, "md", "en")


def test_a_settled_training_prints_every_digit():
    """two-two-two over 1,000 iterations: the shadow runs agree to more than 10 digits, so every number
    keeps the document's 10 and no sentence about rounding is added."""
    spec = dataclasses.replace(derive.load("two-two-two"), iterations=1000)
    d = derive.derive(spec, formats=("json",))
    assert d.training.settled is None
    percentages = {d.training.drop.key, d.training.tail.key}  # printed with 4 digits
    assert all(digits == (4 if key in percentages else 10) for key, digits in d.training.digits)
    assert len(d.training.digits) == len(d.training.parameters) + len(d.training.outputs) + len(
        d.training.checkpoints) + 2


@pytest.mark.parametrize("value, others, digits, expected", [
    (1.23456789, [1.23456789], 10, 10),  # the same: all digits
    (1.0, [1.0 + 2e-6], 10, 4),  # agree to 5 digits: print 4
    (1.0, [1.0 + 2e-12, 1.0 - 3e-7], 10, 5),  # the farthest decides
    (1.0, [1.5], 10, 1),  # at least one digit
    (1.0, [1.0 + 1e-13], 6, 6),  # never more than asked
])
def test_shared_digits(value, others, digits, expected):
    assert fmt.shared_digits(value, others, digits) == expected


def test_a_shadow_run_that_diverges_leaves_one_digit(monkeypatch):
    """Where a run of its own rounding diverges, not even the first digit after training is settled:
    the document prints every trained number with one significant digit, and says so."""
    def wild(self, seed):  # nudges far beyond rounding: the shadow runs overflow
        self.nudges = np.full((train.NUDGES, self.flat.size), 1e200)

    monkeypatch.setattr(train._Loop, "nudge", wild)
    spec = dataclasses.replace(derive.load("two-two-two"), iterations=300)
    d = derive.derive(spec, formats=("json",))
    assert d.training.settled == 1
    trained = [p.final for p in d.training.parameters] + [o.output for o in d.training.outputs]
    shown = dict(d.training.digits)
    assert [shown[v.key] for v in trained] == [1] * len(trained)
    assert d.training.parameters[0].final.tex == fmt.latex(d.training.parameters[0].final.value, 1)
    assert "(the fewest significant digits printed: 1)" in derive.document(d, "md", "en")
