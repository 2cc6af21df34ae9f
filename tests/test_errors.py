"""Bad input: one line naming the file, the field and what was expected; exit code 2; no output."""
from __future__ import annotations

import subprocess
import sys

import pytest

from derive.cli import main

BASE = """\
[network]
layers = [2, 2, 2]
activation = "sigmoid"
bias = "per_neuron"

[params]
weights = [[[0.1, 0.2], [0.3, 0.4]], [[0.5, 0.6], [0.7, 0.8]]]
biases = [[0.55, 0.56], [0.66, 0.67]]

[data]
inputs = [[0.1, 0.2]]
targets = [[0.01, 0.99]]

[training]
learning_rate = 0.5
"""

CASES = [
    # (name, old text, new text, expected start of the message after "derive: error: bad.toml: ")
    ("missing field", "layers = [2, 2, 2]\n", "", "network.layers: expected a value, got nothing (missing)"),
    ("missing table", "[data]\ninputs = [[0.1, 0.2]]\ntargets = [[0.01, 0.99]]\n", "", "data: expected a table, got nothing (missing)"),
    ("wrong shape", "[0.7, 0.8]]]", "[0.7, 0.8, 0.9]]]", "params.weights[1]: expected 2 rows of 2 numbers (2x2), got 2 rows of 2/3 numbers"),
    ("2x3 matrix", "[[0.5, 0.6], [0.7, 0.8]]]", "[[0.5, 0.6, 0.1], [0.7, 0.8, 0.1]]]",
     "params.weights[1]: expected 2 rows of 2 numbers (2x2), got 2x3"),
    ("too few layers of weights", "weights = [[[0.1, 0.2], [0.3, 0.4]], [[0.5, 0.6], [0.7, 0.8]]]",
     "weights = [[[0.1, 0.2], [0.3, 0.4]]]", "params.weights: expected a list of 2 weight matrices"),
    ("unknown activation", '"sigmoid"', '"swish"', "network.activation: expected one of sigmoid, tanh, relu"),
    ("unknown field", "bias = ", "biass = ", "network.biass: expected one of the known fields"),
    ("unknown table", "[data]", "[dataa]", "dataa: expected one of the known fields"),
    ("non-number", "[[[0.1, 0.2]", '[[["0.1", 0.2]', "params.weights[0][0][0]: expected a number, got '0.1'"),
    ("boolean", "learning_rate = 0.5", "learning_rate = true", "training.learning_rate: expected a number, got true"),
    ("nan", "[[0.55, 0.56]", "[[nan, 0.56]", "params.biases[0][0]: expected a finite number, got nan"),
    ("infinity", "inputs = [[0.1, 0.2]]", "inputs = [[0.1, inf]]", "data.inputs[0][1]: expected a finite number, got inf"),
    ("negative rate", "learning_rate = 0.5", "learning_rate = -0.5", "training.learning_rate: expected a positive number"),
    ("targets mismatch", "targets = [[0.01, 0.99]]", "targets = [[0.01, 0.99], [0.5, 0.5]]",
     "data.targets: expected 1 rows of 2 numbers"),
    ("bad bias style", '"per_neuron"', '"per_unit"', "network.bias: expected one of per_neuron, per_layer, none"),
    ("missing biases", "biases = [[0.55, 0.56], [0.66, 0.67]]\n", "", "params.biases: expected a value"),
    ("invalid toml", "layers = [2, 2, 2]", "layers = [2, 2, 2", "(file): expected valid TOML"),
    ("bad layers", "layers = [2, 2, 2]", "layers = [2, 0, 2]", "network.layers: expected a list of at least 2 positive"),
    ("softmax in a hidden layer", 'activation = "sigmoid"', 'activation = ["softmax", "sigmoid"]',
     "network.activation[0]: expected softmax only for the output layer"),
    ("cross-entropy without softmax", 'bias = "per_neuron"', 'bias = "per_neuron"\nloss = "cross_entropy"',
     "network.loss: expected an output layer with softmax activation for cross_entropy"),
    ("bce without sigmoid", 'activation = "sigmoid"', 'activation = ["sigmoid", "tanh"]\nloss = "bce"',
     "network.loss: expected an output layer with sigmoid activation for bce"),
    ("targets not summing to 1", ('activation = "sigmoid"', "targets = [[0.01, 0.99]]"),
     ('activation = ["sigmoid", "softmax"]\nloss = "cross_entropy"', "targets = [[0.5, 0.4]]"),
     "data.targets[0]: expected targets that sum to 1 for cross_entropy, got a sum of 0.9"),
    ("bad leaky slope", 'bias = "per_neuron"', 'bias = "per_neuron"\nleaky_slope = 1.5',
     "network.leaky_slope: expected a number from 0 up to (not including) 1, got 1.5"),
    ("negative l2", "learning_rate = 0.5", "learning_rate = 0.5\nl2 = -0.1", "training.l2: expected a number of at least 0"),
    ("fractional iterations", "learning_rate = 0.5", "learning_rate = 0.5\niterations = 2.5",
     "training.iterations: expected a whole number from 0 to 200,000, got 2.5"),
    ("negative iterations", "learning_rate = 0.5", "learning_rate = 0.5\niterations = -1",
     "training.iterations: expected a whole number from 0 to 200,000, got -1"),
    ("unknown mode", "learning_rate = 0.5", "learning_rate = 0.5\nmode = \"stochastic\"",
     "training.mode: expected one of batch, online, got 'stochastic'"),
    ("unknown notation", "[network]", 'notation = "feynman"\n\n[network]', "notation: expected one of in-out, net-out, nielsen"),
    ("bias unit weights too narrow", 'bias = "per_neuron"', 'bias = "bias_node"',
     "params.weights[0]: expected 2 rows of 3 numbers (2x3), got 2x2"),
    ("step with training", 'activation = "sigmoid"', 'activation = ["sigmoid", "step"]',
     "training: expected no [training] with a step activation"),
    ("duplicate labels", "[params]", '[network.names]\ninputs = ["a", "a"]\n\n[params]', "network.names: expected unique labels"),
]


@pytest.mark.parametrize("name, old, new, message", CASES, ids=[c[0] for c in CASES])
def test_bad_spec(tmp_path, capsys, name, old, new, message):
    text = BASE
    for before, after in zip(*((old, new) if isinstance(old, tuple) else ((old,), (new,)))):
        assert before in text
        text = text.replace(before, after, 1)
    spec = tmp_path / "bad.toml"
    spec.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    code = main(["doc", str(spec), "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1, err
    assert err.startswith(f"derive: error: bad.toml: {message}"), err
    assert not out.exists()


def test_overflow_is_bad_input(tmp_path, capsys):
    spec = tmp_path / "bad.toml"
    spec.write_text(BASE.replace("[[[0.1, 0.2]", "[[[1e200, 0.2]").replace("inputs = [[0.1", "inputs = [[1e200"))
    assert main(["doc", str(spec), "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err == ("derive: error: bad.toml: params, data: expected numbers small enough for every quantity to "
                   "stay finite in float64, got in_h1 (sample 1) = inf\n")
    assert not (tmp_path / "out").exists()


def test_base_spec_is_valid(tmp_path, capsys):
    spec = tmp_path / "good.toml"
    spec.write_text(BASE, encoding="utf-8")
    assert main(["doc", str(spec), "-o", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["good.json", "good.md", "good.network.svg", "good.toml"]


@pytest.mark.parametrize("args, message", [
    (["doc", "no-such-example"], "no-such-example: SPEC: expected a .toml file or a built-in example"),
    (["doc", "missing.toml"], "missing.toml: SPEC: expected a readable .toml file"),
    (["doc", "two-two-two", "--format", "md,docx"], "--format: expected a comma-separated list of md, html, tex, pdf, json"),
    (["doc", "two-two-two", "--lang", "fr"], "--lang: expected a comma-separated list of en, zh"),
    (["doc", "two-two-two", "--notation", "feynman"], "--notation: expected one of in-out, net-out, nielsen"),
])
def test_bad_arguments(tmp_path, capsys, args, message):
    assert main([*args, "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err, err
    assert not (tmp_path / "out").exists()


def test_console_has_no_traceback(tmp_path):
    """Through the real entry point: one line on stderr, exit code 2."""
    spec = tmp_path / "bad.toml"
    spec.write_text(BASE.replace("[[[0.1", "[[[nan"), encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "derive", "doc", str(spec), "-o", str(tmp_path / "o")],
                         capture_output=True, text=True)
    assert run.returncode == 2
    assert run.stderr.strip().splitlines() == ["derive: error: bad.toml: params.weights[0][0][0]: expected a finite "
                                               "number, got nan"]
    assert "Traceback" not in run.stderr
