"""derive check names the mistake behind a walkthrough's wrong numbers: each walkthrough here is computed
by a network written in the test, with one human mistake made in it (another learning rate for a
layer, the activation's derivative at the wrong value, the hidden error taken through updated weights,
rounded outputs reused, a transposed layer, the batch averaged where it is summed, the mean of the
squared errors for half their sum), and written as a person writes it, ten digits per number."""
from __future__ import annotations

import numpy as np
import pytest

import derive
from derive.check import check

SIG = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731

BASE = {"network": {"layers": [2, 2, 2], "activation": "sigmoid", "loss": "half_sse"},
        "params": {"weights": [[[0.15, 0.2], [0.25, 0.3]], [[0.4, 0.45], [0.5, 0.55]]],
                   "biases": [[0.35, 0.3], [0.6, 0.65]]},
        "data": {"inputs": [[0.05, 0.1]], "targets": [[0.01, 0.99]]}, "training": {"learning_rate": 0.5}}


def _spec(outputs: int = 2, samples: int = 1, square: bool = False) -> dict:
    raw = {key: dict(value) for key, value in BASE.items()}
    raw["network"] = dict(BASE["network"], layers=[3, 3, 2] if square else [2, 2, outputs])
    if square:  # a 3 x 3 hidden layer (a 2 x 2 one transposed is a swap of two weights)
        raw["params"] = {"weights": [[[0.15, 0.2, -0.1], [0.25, 0.3, 0.05], [0.4, -0.35, 0.1]],
                                     [[0.4, 0.45, -0.2], [0.5, 0.55, 0.3]]], "biases": [[0.35, 0.3, 0.2], [0.6, 0.65]]}
        raw["data"] = {"inputs": [[0.05, 0.1, 0.2]], "targets": [[0.01, 0.99]]}
    if outputs == 3:
        raw["params"] = {"weights": [BASE["params"]["weights"][0], [[0.4, 0.45], [0.5, 0.55], [-0.3, 0.2]]],
                         "biases": [[0.35, 0.3], [0.6, 0.65, -0.1]]}
        raw["data"] = {"inputs": [[0.05, 0.1]], "targets": [[0.01, 0.99, 0.5]]}
    if samples == 2:
        raw["data"] = {"inputs": [[0.05, 0.1], [0.3, -0.2]], "targets": [[0.01, 0.99], [0.7, 0.2]]}
    return raw


def _walk(raw: dict, mistake: str) -> dict[str, float]:
    """The walkthrough's numbers by their LaTeX names, computed here with `mistake` made."""
    W1, W2 = (np.array(w) for w in raw["params"]["weights"])
    b1, b2 = (np.array(b) for b in raw["params"]["biases"])
    X, T = np.array(raw["data"]["inputs"]), np.array(raw["data"]["targets"])
    lr, m = 0.5, len(X)
    used_W1 = W1.T if mistake == "transposed" else W1
    z1 = X @ used_W1.T + b1
    a1 = SIG(z1)
    if mistake == "rounded":
        a1 = np.round(a1, 4)
    z2 = a1 @ W2.T + b2
    a2 = SIG(z2)
    if mistake == "mse_for_half":
        E_rows, d_a2 = ((T - a2) ** 2).mean(axis=1), 2 * (a2 - T) / T.shape[1]
    else:
        E_rows, d_a2 = 0.5 * ((T - a2) ** 2).sum(axis=1), a2 - T
    scale = 1 / m if mistake == "mean_for_sum" else 1.0
    f2 = z2 * (1 - z2) if mistake == "prime_net" else a2 * (1 - a2)
    delta2 = d_a2 * f2
    gW2, gb2 = scale * delta2.T @ a1, scale * delta2.sum(axis=0)
    out_rate = 0.1 if mistake == "rate" else lr
    W2_new, b2_new = W2 - out_rate * gW2, b2 - out_rate * gb2
    d_a1 = delta2 @ (W2_new if mistake == "updated" else W2)
    f1 = SIG(a1) * (1 - SIG(a1)) if mistake == "prime_output" else a1 * (1 - a1)
    delta1 = d_a1 * f1
    gW1, gb1 = scale * delta1.T @ X, scale * delta1.sum(axis=0)
    if mistake == "transposed":
        gW1 = gW1.T  # the gradient of the weight that stood in each place
    W1_new, b1_new = W1 - lr * gW1, b1 - lr * gb1
    names: dict[str, float] = {"E_{\\rm total}": scale * E_rows.sum()}
    params = [("w", W1, gW1, W1_new), ("w", W2, gW2, W2_new), ("b", b1, gb1, b1_new), ("b", b2, gb2, b2_new)]
    n = {"w": 0, "b": 0}
    for kind, _, grad, new in params:
        for g, u in zip(grad.ravel(), new.ravel()):
            n[kind] += 1
            name = f"{kind}_{{{n[kind]}}}"
            names[f"\\frac{{\\partial E_{{\\rm total}}}}{{\\partial {name}}}"] = g
            names[f"{{{name}}}^{{+}}"] = u
    if m == 1:
        for layer, zs, outs, douts, fs, deltas in (("h", z1, a1, d_a1, f1, delta1), ("o", z2, a2, d_a2, f2, delta2)):
            for j in range(zs.shape[1]):
                unit = f"{layer}_{{{j + 1}}}"
                names[f"{{\\rm in}}_{{{unit}}}"] = zs[0, j]
                names[f"{{\\rm out}}_{{{unit}}}"] = outs[0, j]
                names[f"\\frac{{\\partial E_{{\\rm total}}}}{{\\partial {{\\rm out}}_{{{unit}}}}}"] = douts[0, j]
                names[f"\\frac{{\\partial {{\\rm out}}_{{{unit}}}}}{{\\partial {{\\rm in}}_{{{unit}}}}}"] = fs[0, j]
                names[f"\\delta_{{{unit}}}"] = deltas[0, j]
    return names


def _differs(text: str, right: float) -> bool:
    """Whether a number as written is not `right` to its last written digit."""
    mantissa, _, exponent = text.partition("e")
    decimals = (len(mantissa.split(".")[1]) if "." in mantissa else 0) - int(exponent or 0)
    return abs(float(text) - right) > 0.5 * 10.0 ** -decimals * (1 + 1e-9)


def _text(names: dict[str, float]) -> str:
    return "\n\n".join(f"${name} = {value:.10g}$" for name, value in names.items())


CASES = [  # mistake, the network's outputs and samples, the names and values check must give
    ("rate", 2, 1, ("o1", "o1 … o2", "o2"), (0.5, 0.1)),
    ("prime_output", 2, 1, ("h1", "h1 … h2", "h2"), None),
    ("prime_net", 2, 1, ("o1", "o1 … o2", "o2"), None),
    ("updated", 2, 1, ("h1", "h1 … h2", "h2"), None),
    ("rounded", 2, 1, ("h1", "h1 … h2", "h2"), (4.0, None)),
    ("transposed", 2, 1, ("h1", "h1 … h3", "h3"), (0.25, 0.2)),
    ("mean_for_sum", 2, 2, ("sum", "mean"), None),
    ("mse_for_half", 3, 1, ("half_sse", "mse"), None),
]


@pytest.mark.parametrize("mistake, outputs, samples, names, values", CASES, ids=[c[0] for c in CASES])
def test_the_mistake_made_is_the_mistake_named(mistake, outputs, samples, names, values):
    raw = _spec(outputs, samples, square=mistake == "transposed")
    right, wrong = _walk(raw, "none"), _walk(raw, mistake)
    changed = [name for name in wrong if _differs(f"{wrong[name]:.10g}", right[name])]
    assert len(changed) >= 3, changed
    report = check(derive.load(raw), _text(wrong))
    assert report.causes, [(f.text, f.verdict) for f in report.numbers if f.verdict != "known"]
    cause = report.causes[0]
    assert (cause.kind, cause.names) == (mistake, names)
    for got, expected in zip(cause.values, values or ()):
        if expected is not None:
            assert got == pytest.approx(expected, rel=1e-12)
    wrong_numbers = [f for f in report.numbers if f.verdict in ("suspicious", "consequence")]
    # every number the mistake changes is taken for wrong (or, one unit off in its last digit, a rounding)
    texts = {f"{wrong[name]:.10g}" for name in changed}
    assert texts == {f.text for f in report.numbers if f.verdict in ("suspicious", "consequence", "rounding")}
    assert sum(c.count for c in report.causes) + report.unexplained == len(wrong_numbers)
    assert report.unexplained <= 0.1 * cause.count


def test_a_right_walkthrough_names_no_mistake():
    for outputs, samples, square in ((2, 1, False), (3, 1, False), (2, 2, False), (2, 1, True)):
        raw = _spec(outputs, samples, square)
        report = check(derive.load(raw), _text(_walk(raw, "none")))
        assert report.causes == () and not report.suspicious


@pytest.mark.parametrize("notation", ["in-out", "net-out", "nielsen", "ng", "3b1b"])
def test_the_mistake_is_named_in_every_notation(notation):
    """derive's worked solution in each notation, every number written as one mistake of each kind makes
    it (through the number markers): check reads the names of that notation and names the mistake; the
    right solution reads clean."""
    from derive import fmt
    from derive.derivation import Marks, build
    from derive.numeric.slips import slips
    from derive.views.markdown import markdown

    spec = derive.load("two-two-two")
    marks = Marks(fmt.DEFAULT_DIGITS)
    text = markdown(build(spec, marks=marks, notation=notation), "en", contents=False)

    def written(values):
        def put(match):
            key, right = marks.entries[int(match[1])]
            return (fmt.operand if match[2] else fmt.latex)(values.get(key, right), marks.digits)
        return Marks.PATTERN.sub(put, text)

    assert check(spec, written({})).clean
    kinds = set()
    for slip in slips(spec):
        if slip.kind in kinds:
            continue
        kinds.add(slip.kind)
        report = check(spec, written(slip.quantities()))
        assert [(c.kind, c.names) for c in report.causes][:1] == [(slip.kind, slip.names)], (notation, slip.kind)
    assert len(kinds) >= 8


def test_a_softmax_without_the_exponential_is_named():
    """A 2-2-3 network with a softmax output whose walkthrough (computed here) takes out = in / sum(in)."""
    raw = {"network": {"layers": [2, 2, 3], "activation": ["sigmoid", "softmax"], "loss": "cross_entropy"},
           "params": {"weights": [[[0.15, 0.2], [0.25, 0.3]], [[0.4, 0.45], [0.5, 0.55], [0.3, 0.2]]],
                      "biases": [[0.35, 0.3], [0.6, 0.65, 0.2]]},
           "data": {"inputs": [[0.05, 0.1]], "targets": [[0.0, 1.0, 0.0]]}, "training": {"learning_rate": 0.5}}
    W1, W2 = (np.array(w) for w in raw["params"]["weights"])
    b1, b2 = (np.array(b) for b in raw["params"]["biases"])
    x, t = np.array(raw["data"]["inputs"][0]), np.array(raw["data"]["targets"][0])
    h = SIG(W1 @ x + b1)
    z = W2 @ h + b2
    y = z / z.sum()  # the mistake: no exponential
    delta2 = y - t
    delta1 = (W2.T @ delta2) * h * (1 - h)
    names = {"E_{\\rm total}": float(-(t * np.log(y)).sum())}
    names |= {f"{{\\rm out}}_{{o_{{{k + 1}}}}}": y[k] for k in range(3)}
    grads = [*np.outer(delta1, x).ravel(), *np.outer(delta2, h).ravel(), *delta1, *delta2]
    params = [*W1.ravel(), *W2.ravel(), *b1, *b2]
    for n, (g, p) in enumerate(zip(grads, params)):
        name = f"w_{{{n + 1}}}" if n < 10 else f"b_{{{n - 9}}}"
        names[f"\\frac{{\\partial E_{{\\rm total}}}}{{\\partial {name}}}"] = g
        names[f"{{{name}}}^{{+}}"] = p - 0.5 * g
    report = check(derive.load(raw), _text(names))
    assert [(c.kind, c.names) for c in report.causes] == [("softmax_no_exp", ("o1", "o1 … o3", "o3"))]
    assert report.causes[0].values[1] == pytest.approx(y[0], rel=1e-12) and report.unexplained == 0
