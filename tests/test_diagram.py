"""The network diagram's SVG, written without matplotlib: well-formed XML, a circle per neuron and
bias unit, a line per connection, every parameter's label with its value and its update (computed
here), a hostile label escaped, and no matplotlib imported for a document without training."""
from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET

import numpy as np

import derive
from derive.views import diagram

SVG = "{http://www.w3.org/2000/svg}"


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def test_the_diagram_shows_every_unit_connection_and_update():
    d = derive.derive("two-two-two", formats=("md",))
    (figure,) = d.figures
    root = ET.fromstring(figure.data)
    circles = root.findall(f".//{SVG}circle")
    assert len(circles) == 6 + 2  # six neurons, a bias unit for each layer
    assert len(root.findall(f".//{SVG}line")) == 2 * (4 + 2)  # per layer: four weights, two biases
    texts = [t.text for t in root.iter(f"{SVG}text")]
    # w5's update, computed here: 0.5 - 0.5 * (out_o1 - t1) * out_o1 (1 - out_o1) * out_h1
    x, t = np.array([0.1, 0.2]), np.array([0.01, 0.99])
    h = _sigmoid(np.array([[0.1, 0.2], [0.3, 0.4]]) @ x + [0.55, 0.56])
    o = _sigmoid(np.array([[0.5, 0.6], [0.7, 0.8]]) @ h + [0.66, 0.67])
    w5 = 0.5 - 0.5 * (o[0] - t[0]) * o[0] * (1 - o[0]) * h[0]
    assert f"w5 = 0.5 \u2192 {w5:.4g}" in texts
    assert {"i1", "i2", "h1", "h2", "o1", "o2"} <= set(texts)


def test_a_hostile_label_is_escaped():
    raw = {"network": {"layers": [2, 1], "names": {"inputs": ["<a>", "&b"], "layers": [['"o"']]}},
           "params": {"weights": [[[0.1, 0.2]]], "biases": [[0.3]]},
           "data": {"inputs": [[1.0, 2.0]], "targets": [[0.5]]}, "training": {"learning_rate": 0.1}}
    d = derive.derive(raw, formats=("md",))
    root = ET.fromstring(diagram.svg(derive.load(raw), d))
    assert {"<a>", "&b", '"o"'} <= {t.text for t in root.iter(f"{SVG}text")}


def test_a_document_without_training_never_imports_matplotlib(tmp_path):
    code = ("import sys, derive.cli; derive.cli.main(['doc', 'two-two-two', '-o', sys.argv[1], '--format', "
            "'md,html']); print('matplotlib' in sys.modules)")
    run = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert run.stdout.strip().splitlines()[-1] == "False"
    assert (tmp_path / "two-two-two.network.svg").read_bytes().startswith(b"<?xml")
