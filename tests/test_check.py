"""derive check: documents written for the purpose (right, one wrong digit, a swapped label, a wrong
arithmetic chain, rounding in the last digit), derive's own gallery (all right), and the CLI."""
from __future__ import annotations

import dataclasses
import json
import math
import os
from pathlib import Path

import numpy as np
import pytest
import student

import derive
from derive import keys
from derive.check import check, reading
from derive.cli import main
from derive.tolerance import parse_tolerance as derive_tolerance

ROOT = Path(__file__).resolve().parent.parent


def _forward() -> dict[str, float]:
    """The two-two-two network's forward pass, computed here."""
    sig = lambda z: 1.0 / (1.0 + math.exp(-z))  # noqa: E731
    in_h1 = 0.1 * 0.1 + 0.2 * 0.2 + 0.55
    in_h2 = 0.3 * 0.1 + 0.4 * 0.2 + 0.56
    h1, h2 = sig(in_h1), sig(in_h2)
    in_o1, in_o2 = 0.5 * h1 + 0.6 * h2 + 0.66, 0.7 * h1 + 0.8 * h2 + 0.67
    o1, o2 = sig(in_o1), sig(in_o2)
    return {"in_h1": in_h1, "in_h2": in_h2, "h1": h1, "h2": h2, "in_o1": in_o1, "in_o2": in_o2, "o1": o1, "o2": o2,
            "E_o1": 0.5 * (0.01 - o1) ** 2, "E_o2": 0.5 * (0.99 - o2) ** 2}


def _walkthrough(v: dict[str, float], *, h2: str | None = None, e_o1: str | None = None,
                 in_o1: str | None = None, h1: str | None = None) -> str:
    """A short hand-style walkthrough of the forward pass and the error, with numbers from `v`;
    each keyword replaces one written number."""
    f = lambda x: f"{x:.10f}"  # noqa: E731
    return f"""# Forward pass

$$
\\begin{{aligned}}
{{\\rm in}}_{{h_1}} &= w_1 i_1 + w_2 i_2 + b_1 \\\\
&= 0.1 \\times 0.1 + 0.2 \\times 0.2 + 0.55 \\\\
&= {v['in_h1']:.2f}
\\end{{aligned}}
$$

$$
{{\\rm out}}_{{h_1}} = {h1 or f(v['h1'])}, \\quad {{\\rm out}}_{{h_2}} = {h2 or f(v['h2'])}
$$

$$
\\begin{{aligned}}
{{\\rm in}}_{{o_1}} &= w_5 \\cdot {{\\rm out}}_{{h_1}} + w_6 \\cdot {{\\rm out}}_{{h_2}} + b_3 \\\\
&= 0.5 \\times {f(v['h1'])} + 0.6 \\times {h2 or f(v['h2'])} + 0.66 \\\\
&= {in_o1 or f(v['in_o1'])}
\\end{{aligned}}
$$

The errors: $E_{{o_1}} = {e_o1 or f(v['E_o1'])}$ and $E_{{o_2}} = {f(v['E_o2'])}$.
"""


def _verdicts(text: str) -> list:
    return check(derive.load("two-two-two"), text).numbers


def test_a_correct_walkthrough_reports_nothing():
    report = check(derive.load("two-two-two"), _walkthrough(_forward()))
    assert report.clean, [f for f in report.numbers if f.verdict != "known"]
    assert len(report.numbers) == 16


def test_a_single_wrong_digit_is_reported_with_its_quantity():
    v = _forward()
    right = f"{v['h2']:.10f}"
    wrong = right[:6] + str((int(right[6]) + 3) % 10) + right[7:]
    text = _walkthrough(v, h2=wrong)
    report = check(derive.load("two-two-two"), text)
    wrong_lines = [i + 1 for i, line in enumerate(text.splitlines()) if wrong in line]
    (suspicious,) = report.suspicious  # the statement; its use in in_o1 is the same wrong value again
    assert suspicious.text == wrong and suspicious.meant == keys.out(0, "h2") and suspicious.line == wrong_lines[0]
    assert suspicious.true == pytest.approx(v["h2"], rel=1e-12)
    (again,) = [f for f in report.numbers if f.verdict == "consequence"]
    assert again.text == wrong and again.line == wrong_lines[1]
    assert again.cause == f"{suspicious.line}:{suspicious.column}"


def test_a_swapped_label_is_reported():
    v = _forward()
    report = check(derive.load("two-two-two"), _walkthrough(v, e_o1=f"{v['E_o2']:.10f}"))
    (found,) = report.suspicious
    assert found.meant == keys.error(0, "o1") and found.true == pytest.approx(v["E_o1"], rel=1e-12)


def test_a_wrong_arithmetic_chain_is_reported_even_with_right_operands():
    v = _forward()
    wrong = v["in_o1"] + 0.01
    report = check(derive.load("two-two-two"), _walkthrough(v, in_o1=f"{wrong:.10f}"))
    (equality,) = report.equalities
    assert equality.left_value == pytest.approx(0.5 * round(v["h1"], 10) + 0.6 * round(v["h2"], 10) + 0.66,
                                                rel=1e-12)
    assert equality.right_value == pytest.approx(round(wrong, 10), rel=1e-12)
    assert [f.meant for f in report.suspicious] == [keys.net(0, "o1")]
    assert not report.clean


def test_rounding_in_the_last_digit_is_rounding_not_an_error():
    v = _forward()
    digits = f"{v['h1']:.10f}"
    off_by_one = f"{float(digits) + 1e-10:.10f}"
    report = check(derive.load("two-two-two"), _walkthrough(v, h1=off_by_one))
    assert report.clean
    (rounded,) = [f for f in report.numbers if f.verdict == "rounding"]
    assert rounded.text == off_by_one and rounded.meant == keys.out(0, "h1")


@pytest.mark.parametrize("name", ["two-two-two", "softmax-3443", "bias-node", "mazur", "chain", "xor-gates", "diamond",
                                  "softmax-3443-batch"])
def test_derives_own_documents_are_clean(name):
    """derive's own documents are right: the checker must not report any of their numbers."""
    report = check(derive.load(name), (ROOT / "output" / f"{name}.md").read_text(encoding="utf-8"))
    assert report.clean, (report.suspicious[:3], report.equalities[:3])
    assert len(report.numbers) > 100


def _slipped_out_o1() -> float:
    """out_o1 of the 2-2-2 network with h2's net input computed with b1, computed here."""
    sig = lambda z: 1 / (1 + math.exp(-z))  # noqa: E731
    h1, h2 = sig(0.1 * 0.1 + 0.2 * 0.2 + 0.55), sig(0.3 * 0.1 + 0.4 * 0.2 + 0.55)
    return sig(0.5 * h1 + 0.6 * h2 + 0.66)


def test_article_000_mistakes(capsys):
    """The source article's out_h2 = sigma(0.66) slip and what follows from it are found."""
    article = ROOT.parent / "shared" / "seeds" / "000_321c7f3c83891606.txt"
    if not article.is_file():
        pytest.skip("the source articles are not beside the repository")
    assert main(["check", "two-two-two", str(article), "--lr", "0.5,0.1", "--report", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    suspicious = [f for f in report["numbers"] if f["verdict"] == "suspicious"]
    v = _forward()
    first = suspicious[0]
    assert first["meant"] == "out_h2" and first["true"] == pytest.approx(v["h2"], rel=1e-12)
    assert first["value"] == pytest.approx(1 / (1 + math.exp(-0.66)), abs=1e-10)  # what the article computed
    wrong = [f for f in report["numbers"] if f["verdict"] in ("suspicious", "consequence")]
    meant = {f["meant"] for f in wrong}
    assert {"out_h2", "in_o1", "out_o1", "out_o2", "E_o1", "E_o2", "E_total", "∂E/∂w5", "∂E/∂w1"} <= meant
    # what the written arithmetic gives from the out_h2 slip is its consequence, not a mistake of its own
    slip = f"{first['line']}:{first['column']}"
    assert {f["meant"] for f in wrong if f["cause"] == slip} >= {"in_o1", "out_o1", "E_total"}
    known = [f for f in report["numbers"] if f["verdict"] == "known"]
    assert {f["meant"] for f in known} >= {"w1", "b1", "in_h1", "out_h1", "i1", "t_o1"}
    # every wrong number follows from three mistakes, each made on top of the one before: h2's net input
    # with h1's bias, o2's with o1's, and out_o1 used for dE/dout_o1 (the target left out)
    mistakes = report["mistakes"]
    assert [(m["kind"], m["names"]) for m in mistakes] == [
        ("bias", ["h2", "b2", "b1"]), ("bias", ["o2", "b4", "b3"]), ("target_dropped", ["o1", "o1"])]
    spec = derive.load("two-two-two")
    biases = {p.name: p.value for p in spec.parameters() if p.kind == "bias"}
    assert mistakes[0]["values"] == [biases["b2"], biases["b1"]]
    assert mistakes[2]["values"][1] == pytest.approx(_slipped_out_o1(), rel=1e-12)
    assert mistakes[0]["first"] == slip and mistakes[0]["right"] == pytest.approx(v["h2"], rel=1e-12)
    assert "b1 = 0.55" in mistakes[0]["description"]
    assert report["unexplained"] == 0 and sorted(w for m in mistakes for w in m["numbers"]) == sorted(
        f"{f['line']}:{f['column']}" for f in wrong)


def test_cli_exit_codes_and_bad_input(tmp_path, capsys):
    good = tmp_path / "good.md"
    good.write_text(_walkthrough(_forward()), encoding="utf-8")
    assert main(["check", "two-two-two", str(good)]) == 0
    assert "Every number follows from the network." in capsys.readouterr().out
    assert main(["check", "two-two-two", str(tmp_path / "missing.md")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "missing.md" in err
    assert main(["check", "two-two-two", str(good), "--lr", "fast"]) == 2
    assert "--lr" in capsys.readouterr().err


def test_quantity_index_answers_as_a_full_scan_does():
    """derive check looks quantities up in a sorted index; for any quantities and any number it must
    pick what a scan of the whole list picks: every quantity within a distance, in list order, and a
    quantity of least relative distance."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from derive.check.quantities import Index as _Index
    from derive.check.quantities import Quantity

    finite = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6)
    values = st.one_of(finite, st.sampled_from([0.0, -0.0, 1e-13, -1e-13, 0.5, -0.5, 2.0]))

    @settings(max_examples=300, deadline=None, derandomize=True)
    @given(st.lists(values, min_size=1, max_size=30), values, st.floats(min_value=0, max_value=10))
    def agree(numbers, value, distance):
        known = [Quantity(f"q{i}", v) for i, v in enumerate(numbers)]
        index = _Index(known)

        def relative(q: Quantity) -> float:
            return abs(q.value - value) / max(abs(q.value), 1e-12)

        assert relative(index.nearest(value)) == min(relative(q) for q in known)
        within = [q for q in known if value - distance <= q.value <= value + distance]
        assert index.within(value, distance) == within

    agree()


def test_the_report_in_chinese_names_quantities_not_keys(tmp_path, capsys):
    v = _forward()
    right = f"{v['h2']:.10f}"
    wrong = right[:6] + str((int(right[6]) + 3) % 10) + right[7:]
    document = tmp_path / "wrong.md"
    document.write_text(_walkthrough(v, h2=wrong), encoding="utf-8")
    assert main(["check", "two-two-two", str(document), "--lang", "zh"]) == 1
    out = capsys.readouterr().out
    assert "## 可疑的数" in out and "| 应指的量 |" in out
    (row,) = [line for line in out.splitlines() if line.startswith("| ") and wrong in line]
    assert "| out_h2 |" in row and "0:out:h2" not in row
    assert "## 由错误的数得出的数" in out and f"：{wrong}（out_h2 = " in out and "处错误的数得出" in out
    good = tmp_path / "good.md"
    good.write_text(_walkthrough(v), encoding="utf-8")
    assert main(["check", "two-two-two", str(good), "--lang", "zh"]) == 0
    assert "每个数都与网络相符。" in capsys.readouterr().out


def test_a_structural_zero_is_shown_as_zero_and_checks_clean(tmp_path, capsys):
    """A softmax output layer with one bias it shares: the layer's deltas sum to 0, so the bias's
    gradient is 0 by structure; the document shows 0 (not 1e-16 of rounding), and derive check on the
    document finds nothing."""
    spec = {"name": "shared", "network": {"layers": [2, 3], "activation": "softmax", "loss": "cross_entropy",
                                          "bias": "per_layer"},
            "params": {"weights": [[[0.1, 0.4], [-0.3, 0.2], [0.5, -0.6]]], "biases": [0.3]},
            "data": {"inputs": [[0.7, 0.2]], "targets": [[0.0, 1.0, 0.0]]}, "training": {"learning_rate": 0.5}}
    d = derive.derive(spec)
    deltas = [n.delta.value.value for layer in d.samples[0].backward for n in layer.neurons]
    assert abs(sum(deltas)) < 1e-15 and max(map(abs, deltas)) > 0.1  # the deltas cancel
    (row,) = [r for r in d.summary if r.name == "b1"]
    assert row.gradient.value == 0.0 and row.gradient.tex == "0" and row.updated.tex == "0.3"
    document = tmp_path / "shared.md"
    document.write_text(derive.document(d, "md"), encoding="utf-8")
    (tmp_path / "shared.toml").write_text(
        'name = "shared"\n[network]\nlayers = [2, 3]\nactivation = "softmax"\nloss = "cross_entropy"\n'
        'bias = "per_layer"\n[params]\nweights = [[[0.1, 0.4], [-0.3, 0.2], [0.5, -0.6]]]\nbiases = [0.3]\n'
        "[data]\ninputs = [[0.7, 0.2]]\ntargets = [[0.0, 1.0, 0.0]]\n[training]\nlearning_rate = 0.5\n",
        encoding="utf-8")
    assert main(["check", str(tmp_path / "shared.toml"), str(document)]) == 0, capsys.readouterr().out


RANDOM_CHECKS = int(os.environ.get("DERIVE_RANDOM_CHECKS", "8"))  # 200 for the full run (about two minutes)


def test_derive_check_finds_nothing_wrong_in_random_networks_documents():
    """derive's own document of any network (every activation, loss, bias style, batch) checks clean."""
    import sys

    from hypothesis import HealthCheck, Phase, given, settings

    sys.path.insert(0, str(ROOT / "tests"))
    from test_properties import networks

    @settings(max_examples=RANDOM_CHECKS, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck),
              phases=(Phase.explicit, Phase.generate))  # a failing network is reported as drawn, not shrunk
    @given(networks())
    def clean(raw):
        spec = derive.load(dict(raw, name="random"))
        report = check(spec, derive.document(derive.build(spec), "md"))
        assert report.clean, ([(f.text, f.meant, f.context) for f in report.suspicious[:3]], report.equalities[:2])

    clean()


@pytest.mark.parametrize("opening", [r"\left(", r"\left(\left(", "(("])
def test_a_number_in_nested_parentheses_after_a_minus_keeps_its_own_sign(opening):
    """1 - ((-0.3))^2 under 1 - out^2: the number written is out itself, not -out."""
    spec = derive.load({"network": {"layers": [1, 1], "activation": "tanh", "bias": "none"},
                        "params": {"weights": [[[-0.31]]]}, "data": {"inputs": [[1.0]], "targets": [[0.5]]}})
    out = math.tanh(-0.31)
    closing = opening.replace(r"\left(", r"\right)").replace("(", ")")
    text = (f"$$\n\\begin{{aligned}}\n"
            f"\\frac{{\\partial {{\\rm out}}_{{o_{{1}}}}}}{{\\partial {{\\rm in}}_{{o_{{1}}}}}} "
            f"&= 1 - {{\\rm out}}_{{o_{{1}}}}^{{2}} \\\\\n"
            f"&= 1 - {opening}{out:.10f}{closing}^{{2}}\n\\end{{aligned}}\n$$\n")
    report = check(spec, text)
    assert [f.verdict for f in report.numbers if f.text.startswith("-0.")] == ["known"], report


def test_an_endless_or_huge_document_is_refused_unread(capsys):
    assert main(["check", "two-two-two", "/dev/zero"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "/dev/zero" in err and "20,000,000 bytes" in err


def test_a_number_beyond_float64_is_suspicious_and_the_json_stays_json(tmp_path, capsys):
    document = tmp_path / "walk.md"
    document.write_text("The output is $1.5e309$, or $0.5 \\times 10^{400}$, or $2.5e-400$.\n", encoding="utf-8")
    assert main(["check", "two-two-two", str(document), "--report", "json"]) == 1
    report = json.loads(capsys.readouterr().out)  # no Infinity: strict JSON
    assert [n["verdict"] for n in report["numbers"]] == ["suspicious"] * 3
    assert [n["value"] for n in report["numbers"]][:2] == [None, None]


def test_every_way_of_writing_a_number_is_read():
    """A number that ends a sentence, one without a leading zero, one beside a Chinese character, with
    thousands separators, or with a power of ten: each read, with its value and the digits written."""
    v = _forward()
    h1 = f"{v['h1']:.10f}"
    text = (f"So out_h1 is {h1}. Its target is .01, about 0.01左右, and the net input "
            f"{v['in_o1'] * 1000:,.4f} thousandths; the error {v['E_o2'] / 1e-5:.4f} × 10^-5, "
            f"or {v['E_o2']:.4e}, or {v['E_o2']:.3E}; 3e-5 is a power of ten alone.")
    found = {f.text: f for f in _verdicts(text)}
    assert found[h1].verdict == "known" and found[h1].meant == keys.out(0, "h1")
    assert found[".01"].value == 0.01 and found[".01"].meant == keys.target(0, "o1")
    assert found["0.01"].meant == keys.target(0, "o1")
    thousands = f"{v['in_o1'] * 1000:,.4f}"
    assert "," in thousands and found[thousands].value == pytest.approx(v["in_o1"] * 1000, abs=1e-4)
    scaled = f"{v['E_o2'] / 1e-5:.4f} × 10^-5"
    assert found[scaled].value == pytest.approx(v["E_o2"], rel=1e-5) and found[scaled].decimals == 4
    assert found[f"{v['E_o2']:.4e}"].meant == keys.error(0, "o2")
    assert found["3e-5"].decimals == 0 and found["3e-5"].value == 3e-5


def test_what_is_not_a_value_is_listed_with_its_reason(capsys, tmp_path):
    text = ("## 2.1 The forward pass\n\nAs Section 3.5 shows, and by (2.4) below, in_h1 is 0.61; see "
            "Eq. 4.2 and 第3.2节, and 5.1式.\n\n$$\n{\\rm in}_{h_1} = 0.6 \\qquad (2.4)\n$$\n"
            "Equation 2.4 again, and 1.35 is a value.\n")
    report = check(derive.load("two-two-two"), text)
    skipped = {(k.text, k.reason) for k in report.skipped}
    assert skipped == {("2.1", "section"), ("3.5", "section"), ("2.4", "label"), ("4.2", "section"),
                       ("3.2", "section"), ("5.1", "section")}
    assert [k.line for k in report.skipped if k.text == "2.4"] == [3, 6, 8]
    assert {f.text for f in report.numbers} == {"0.61", "0.6", "1.35"}
    path = tmp_path / "notes.md"
    path.write_text(text, encoding="utf-8")
    main(["check", "two-two-two", str(path), "--lang", "zh"])
    out = capsys.readouterr().out
    column = text.splitlines()[2].index("3.5") + 1
    assert "## 未作为数值读取的数" in out and f"3:{column}：3.5（章节、公式、图表或步骤的编号）" in out


def test_a_matrix_is_one_side_whose_rows_are_not_equations():
    v = _forward()
    text = ("$$\n\\begin{aligned}\n{\\rm out}_{h} &= \\begin{bmatrix} {\\rm out}_{h_1} \\\\ {\\rm out}_{h_2} "
            f"\\end{{bmatrix}} = \\begin{{bmatrix}} {v['h1']:.10f} \\\\ {v['h2']:.10f} \\end{{bmatrix}}\n"
            "\\end{aligned}\n$$\n")
    (chain,) = list(reading.chains(text))
    assert len(chain.sides) == 2  # the matrix's \\ does not start a new equation
    verdicts = {f.text: f for f in _verdicts(text)}
    assert verdicts[f"{v['h2']:.10f}"].meant == keys.out(0, "h2")
    assert verdicts[f"{v['h2']:.10f}"].context == "{\\rm out}_{h_2}"  # aligned with the symbolic matrix's cell


def test_an_equality_with_arithmetic_on_its_left_is_evaluated():
    """2 x 0.12 + 3 x 0.23 is 0.93 (computed here): = 0.85 is reported, = 0.93 holds."""
    left = 2 * 0.12 + 3 * 0.23
    text = ("$$\n2 \\times 0.12 + 3 \\times 0.23 = 0.85\n$$\n\n"
            f"$$\n2 \\times 0.12 + 3 \\times 0.23 = {left:.2f}\n$$\n")
    report = check(derive.load("two-two-two"), text)
    (broken,) = report.equalities
    assert broken.line == 2 and broken.right == "0.85" and broken.left_value == pytest.approx(left)
    last = [f for f in report.numbers if f.line == 6]
    assert last[-1].text == f"{left:.2f}" and last[-1].verdict in ("consistent", "known", "rounding")


def test_an_updates_step_and_the_forward_pass_after_it_are_quantities():
    """lr x dE/dw5 and out_o1 after the update, computed here by the test's own backpropagation."""
    spec = derive.load("two-two-two")
    Ws = [np.array(w) for w in spec.weights]
    bs = [np.array(b) for b in spec.biases]
    x, t = np.array(spec.inputs), np.array(spec.targets)
    g = student.backprop(Ws, bs, ["sigmoid", "sigmoid"], x, t, "half_sse")
    step = 0.5 * g["W2"][0, 0]
    after = student.forward([w - 0.5 * g[f"W{l}"] for l, w in enumerate(Ws, 1)],
                            [b - 0.5 * g[f"b{l}"] for l, b in enumerate(bs, 1)], ["sigmoid", "sigmoid"], x)[1]
    text = f"The step is {step:.10f}, and after the update out_o1 = {after[2][0, 0]:.10f}."
    found = {f.text: f for f in check(spec, text).numbers}
    assert found[f"{step:.10f}"].meant == keys.step("w5")
    assert found[f"{after[2][0, 0]:.10f}"].meant == keys.derived(keys.out(0, "o1"), "after")
    assert keys.readable(keys.step("w5", 0.1)) == "η · ∂E/∂w5 (learning rate 0.1)"
    assert keys.readable(keys.derived(keys.out(0, "o1"), "after"), "zh", several=False) == "更新后的 out_o1"


def test_a_float32_source_is_judged_at_its_precision(tmp_path, capsys):
    """The forward pass computed here in float32: wrong in the eighth digit at float64's precision,
    right at rel:1e-6; the report states the precision the text appears to use."""
    f32 = np.float32
    W1, b1 = np.array([[0.1, 0.2], [0.3, 0.4]], f32), np.array([0.55, 0.56], f32)
    W2, b2 = np.array([[0.5, 0.6], [0.7, 0.8]], f32), np.array([0.66, 0.67], f32)
    h = 1 / (1 + np.exp(-(W1 @ np.array([0.1, 0.2], f32) + b1)))
    o = 1 / (1 + np.exp(-(W2 @ h + b2)))
    written = [f"{v:.9f}" for v in (*h, *o)]
    text = "out_h1 = {}, out_h2 = {}, out_o1 = {}, out_o2 = {}.\n".format(*written)
    spec = derive.load("two-two-two")
    assert len(check(spec, text).suspicious) == 4
    v = _forward()
    report = check(spec, text, tolerance=derive_tolerance("rel:1e-6"))
    assert report.clean
    truth = [v["h1"], v["h2"], v["o1"], v["o2"]]
    assert report.precision == pytest.approx(max(abs(float(w) - t) / t for w, t in zip(written, truth)))
    path = tmp_path / "f32.md"
    path.write_text(text, encoding="utf-8")
    assert main(["check", "two-two-two", str(path), "--tolerance", "rel:1e-6"]) == 0
    assert "Numbers were judged to within rel:1e-06" in capsys.readouterr().out
    assert main(["check", "two-two-two", str(path), "--tolerance", "float32"]) == 2
    assert "--tolerance: expected rel:R" in capsys.readouterr().err


def test_a_broken_equality_says_which_side_to_mend(capsys, tmp_path):
    """0.1 x 0.2 + 0.3 is 0.32 (computed here): "= 0.32 = 0.35" mends the 0.35, "= 0.33 = 0.33" the
    first 0.33 (a result written against the arithmetic that gives another)."""
    right = 0.1 * 0.2 + 0.3
    text = (f"$$\nE = 0.1 \\times 0.2 + 0.3 = {right:.2f} = 0.35\n$$\n\n"
            "$$\nE = 0.1 \\times 0.2 + 0.3 = 0.33 = 0.33\n$$\n")
    report = check(derive.load("two-two-two"), text)
    assert [(e.line, e.left, e.right, e.odd) for e in report.equalities] == [
        (2, f"{right:.2f}", "0.35", "right"), (6, "0.1 \\times 0.2 + 0.3", "0.33", "right")]
    path = tmp_path / "chain.md"
    path.write_text(text, encoding="utf-8")
    main(["check", "two-two-two", str(path), "--lang", "zh"])
    assert "右边为 0.35（应改正的是右边）" in capsys.readouterr().out


@pytest.mark.parametrize("names", [None, {"inputs": ["x", "y"], "layers": [["p", "q"], ["r", "s"]]}])
def test_names_of_every_notation_find_their_quantity_whatever_the_labels(names):
    """a^2_1 (Nielsen) and a^{(2)}_2, \\Theta^{(2)}_{11} (Ng) name out_h1, out_h2 and w5 by layer and
    index: the same verdicts with the article's labels or generic ones."""
    v = _forward()
    raw = {"network": {"layers": [2, 2, 2]}, "data": {"inputs": [[0.1, 0.2]], "targets": [[0.01, 0.99]]},
           "params": {"weights": [[[0.1, 0.2], [0.3, 0.4]], [[0.5, 0.6], [0.7, 0.8]]],
                      "biases": [[0.55, 0.56], [0.66, 0.67]]}, "training": {"learning_rate": 0.5}}
    if names:
        raw["network"]["names"] = names
    spec = derive.load(raw)
    wrong = 1 / (1 + math.exp(-0.66))  # the article's slip, sigma(0.66), computed here
    text = (f"$$\nz^2_1 = {v['in_h1']:.1f}, \\quad a^2_1 = {v['h1']:.10f}, \\quad a^{{(2)}}_2 = {wrong:.10f}, "
            f"\\quad \\Theta^{{(2)}}_{{11}} = 0.5\n$$\n")
    found = [(f.verdict, f.meant) for f in check(spec, text).numbers]
    h1, h2 = spec.labels[1]
    assert found == [("known", keys.net(0, h1)), ("known", keys.out(0, h1)), ("suspicious", keys.out(0, h2)),
                     ("known", keys.param("w5"))]


def test_a_text_that_trains_is_checked_after_its_training():
    """The spec has no training.iterations; the text trains 1,000 iterations (by the test's own loop)."""
    spec = derive.load("two-two-two")
    Ws, bs = [np.array(w) for w in spec.weights], [np.array(b) for b in spec.biases]
    x, t = np.array(spec.inputs), np.array(spec.targets)
    for _ in range(1000):
        g = student.backprop(Ws, bs, ["sigmoid", "sigmoid"], x, t, "half_sse")
        Ws = [w - 0.5 * g[f"W{l}"] for l, w in enumerate(Ws, 1)]
        bs = [b - 0.5 * g[f"b{l}"] for l, b in enumerate(bs, 1)]
    error = student.loss(Ws, bs, ["sigmoid", "sigmoid"], x, t, "half_sse")
    (found,) = check(spec, f"After training for 1,000 iterations the error is {error:.10f}.").numbers
    assert found.verdict == "known" and found.meant == keys.trained_loss(1000)
    (found,) = check(spec, f"迭代 1000 次后，误差为 {error:.10f}。").numbers
    assert found.meant == keys.trained_loss(1000)


def test_a_typographic_minus_is_a_minus():
    v = _forward()
    (found,) = check(derive.load("two-two-two"), f"t - out_o1 is \u2212{v['o1'] - 0.01:.10f}.").numbers
    assert found.value == pytest.approx(0.01 - v["o1"], abs=1e-10) and found.verdict == "known"


def test_a_number_the_arithmetic_gives_from_a_wrong_one_is_its_consequence():
    """out_h2 is wrong; in_o1 is computed right from it (here): in_o1 is out_h2's consequence."""
    v = _forward()
    wrong = 1 / (1 + math.exp(-0.66))  # sigma(0.66), the article's slip
    in_o1 = 0.5 * float(f"{v['h1']:.10f}") + 0.6 * float(f"{wrong:.10f}") + 0.66
    text = _walkthrough(v, h2=f"{wrong:.10f}", in_o1=f"{in_o1:.10f}")
    report = check(derive.load("two-two-two"), text)
    (slip,) = report.suspicious
    assert slip.meant == keys.out(0, "h2")
    follows = {f.meant: f.cause for f in report.numbers if f.verdict == "consequence"}
    assert follows == {keys.out(0, "h2"): f"{slip.line}:{slip.column}", keys.net(0, "o1"): f"{slip.line}:{slip.column}"}
    assert not report.equalities and not report.clean


@pytest.mark.parametrize("mistake", ["bias", "swap"])
def test_the_mistake_behind_the_wrong_numbers_is_named(mistake):
    """A walkthrough computed here with h1's bias used for h2, or with w5 and w6 swapped: the report
    names that mistake and how many numbers follow from it."""
    sig = lambda z: 1 / (1 + math.exp(-z))  # noqa: E731
    b2 = 0.55 if mistake == "bias" else 0.56
    w5, w6 = (0.6, 0.5) if mistake == "swap" else (0.5, 0.6)
    h1, h2 = sig(0.1 * 0.1 + 0.2 * 0.2 + 0.55), sig(0.3 * 0.1 + 0.4 * 0.2 + b2)
    in_o1 = w5 * h1 + w6 * h2 + 0.66
    o1, o2 = sig(in_o1), sig(0.7 * h1 + 0.8 * h2 + 0.67)
    text = "\n\n".join(f"${name} = {value:.10f}$" for name, value in (
        ("{\\rm out}_{h_2}", h2), ("{\\rm in}_{o_1}", in_o1), ("{\\rm out}_{o_1}", o1), ("{\\rm out}_{o_2}", o2)))
    report = check(derive.load("two-two-two"), text)
    (cause,) = report.causes
    wrong = [f for f in report.numbers if f.verdict in ("suspicious", "consequence")]
    assert cause.kind == mistake and cause.count == len(wrong) and report.unexplained == 0
    assert cause.names == (("h2", "b2", "b1") if mistake == "bias" else ("w5", "w6"))
    assert cause.first == f"{wrong[0].line}:{wrong[0].column}"


def test_no_mistake_is_named_from_numbers_of_few_digits():
    """Five thousand wrong four-digit values of out_h1: some match a changed network by chance, and
    none is taken for a mistake's trace."""
    text = "\n".join(f"$out_h1 = 0.{1000 + i}$" for i in range(5000))
    report = check(derive.load("two-two-two"), text)
    assert report.causes == () and report.unexplained > 4900


def test_html_character_references_and_percentages_are_read():
    """&minus;, &#8722; and &#x2212; are the minus sign of the number after them (at the text's own line
    and column); a percentage is its hundredth, and one that is no quantity is listed unread, with why."""
    v = _forward()
    d_out_o2 = v["o2"] - 0.99  # negative: written with a minus it is right, without it wrong
    lines = [f"<td>&minus;{abs(d_out_o2):.8f}</td> and <td>&#8722;{v['h1']:.8f}</td>",
             f"<p>&#x2212;{abs(d_out_o2):.8f}&nbsp;then {v['o1']:.8f}</p>",
             f"out_o1 is {100 * v['o1']:.6f}% and the error fell by 12.5% in training."]
    text = "\n".join(lines)
    report = check(derive.load("two-two-two"), text)
    by_text = {f.text: f for f in report.numbers}
    right = by_text[f"−{abs(d_out_o2):.8f}"]
    assert right.verdict == "known" and right.value == pytest.approx(d_out_o2, abs=1e-8)
    wrong = by_text[f"−{v['h1']:.8f}"]
    assert wrong.verdict == "suspicious" and wrong.value < 0
    after = by_text[f"{v['o1']:.8f}"]
    assert (after.line, after.column) == (2, lines[1].index(f"{v['o1']:.8f}") + 1) and after.verdict == "known"
    share = by_text[f"{100 * v['o1']:.6f}"]
    assert share.verdict == "known" and share.value == pytest.approx(v["o1"], abs=5e-9)
    assert [(k.text, k.reason) for k in report.skipped] == [("12.5%", "percentage")]


def _blog_post(w3: float, w4: float) -> str:
    """The mazur network's forward pass and the gradient of w5, in the plain text of a blog post (no
    LaTeX: net_h1 = ..., e^(-net), dE_total/dw5 = a * b * c), computed here with h2's weights w3 and w4."""
    sig = lambda z: 1 / (1 + math.exp(-z))  # noqa: E731
    n_h1, n_h2 = 0.15 * 0.05 + 0.2 * 0.1 + 0.35, w3 * 0.05 + w4 * 0.1 + 0.35
    h1, h2 = sig(n_h1), sig(n_h2)
    n_o1, n_o2 = 0.4 * h1 + 0.45 * h2 + 0.6, 0.5 * h1 + 0.55 * h2 + 0.6
    o1, o2 = sig(n_o1), sig(n_o2)
    e1, e2 = 0.5 * (0.01 - o1) ** 2, 0.5 * (0.99 - o2) ** 2
    d_out, d_net = o1 - 0.01, o1 * (1 - o1)
    g5 = d_out * d_net * h1
    return "\n\n".join([
        "net_h1 = w1 * i1 + w2 * i2 + b1 * 1",
        f"net_h1 = 0.15 * 0.05 + 0.2 * 0.1 + 0.35 * 1 = {n_h1:.4f}",
        f"out_h1 = 1/(1+e^(-net_h1)) = 1/(1+e^(-{n_h1:.4f})) = {h1:.9f}",
        f"Carrying out the same process for h2 we get: out_h2 = {h2:.9f}",
        f"net_o1 = 0.4 * {h1:.9f} + 0.45 * {h2:.9f} + 0.6 * 1 = {n_o1:.9f}",
        f"out_o1 = 1/(1+e^(-net_o1)) = 1/(1+e^(-{n_o1:.9f})) = {o1:.9f}",
        f"And carrying out the same process for o2 we get: out_o2 = {o2:.9f}",
        f"E_o1 = 1/2 (target_o1 - out_o1)^2 = 1/2 (0.01 - {o1:.9f})^2 = {e1:.9f}",
        f"E_o2 = {e2:.9f}, and E_total = E_o1 + E_o2 = {e1:.9f} + {e2:.9f} = {e1 + e2:.9f}",
        f"dE_total/dout_o1 = -(target_o1 - out_o1) = -(0.01 - {o1:.9f}) = {d_out:.9f}",
        f"dout_o1/dnet_o1 = out_o1(1 - out_o1) = {o1:.9f}(1 - {o1:.9f}) = {d_net:.9f}",
        f"dE_total/dw5 = {d_out:.9f} * {d_net:.9f} * {h1:.9f} = {g5:.9f}",
        f"w5+ = w5 - eta * dE_total/dw5 = 0.4 - 0.5 * {g5:.9f} = {0.4 - 0.5 * g5:.9f}"])


def test_a_plain_text_blog_post_is_read_and_its_mistake_named():
    """Plain-text formulas (no LaTeX) are read: the negated net input in e^(-net) is the net input; with
    h2's two weights swapped in the text, the swap is named and explains every wrong number."""
    spec = derive.load("mazur")
    right = check(spec, _blog_post(0.25, 0.3))
    assert right.clean and all(f.verdict == "known" for f in right.numbers) and len(right.numbers) > 30
    wrong = check(spec, _blog_post(0.3, 0.25))
    assert [(c.kind, c.names) for c in wrong.causes] == [("swap", ("w3", "w4"))] and wrong.unexplained == 0
    assert wrong.causes[0].count == sum(f.verdict in ("suspicious", "consequence") for f in wrong.numbers) >= 8


@pytest.mark.parametrize("phrase", ["训练{n}次之后，误差为 {loss}。", "迭代了 {n} 次，误差 {loss}",
                                    "After {n} rounds the error is {loss}."])
def test_the_error_after_the_training_a_text_tells_of_is_known(phrase):
    """A spec without training: the number of iterations the text tells of (in English or Chinese) is
    trained, and the error after them, trained here by the test's own network, is a known quantity."""
    spec = derive.load("two-two-two")
    Ws = [np.array(w, dtype=float) for w in spec.weights]
    bs = [np.array(b, dtype=float) for b in spec.biases]
    X, T = np.array(spec.inputs), np.array(spec.targets)
    acts = list(spec.activations)
    for _ in range(300):
        grads = student.backprop(Ws, bs, acts, X, T, "half_sse")
        Ws = [w - 0.5 * grads[f"W{l + 1}"] for l, w in enumerate(Ws)]
        bs = [b - 0.5 * grads[f"b{l + 1}"] for l, b in enumerate(bs)]
    loss = student.loss(Ws, bs, acts, X, T, "half_sse")
    report = check(spec, phrase.format(n=300, loss=f"{loss:.10f}"))
    (found,) = report.numbers
    assert found.verdict == "known" and found.meant == keys.trained_loss(300, None)


def test_trained_numbers_from_another_float64_implementation_read_as_right(monkeypatch):
    """diamond's 5,000 iterations move in the 5th to 7th digit between float64 implementations. A
    walkthrough of the test's own training (NumPy's BLAS product and exp: rounding of its own), written
    to 10 digits as w1 = ... after training, reads as right; a number 1% off is still named, as that
    trained parameter; and only the shadow runs' spread makes the difference."""
    from derive.check import quantities

    spec = dataclasses.replace(derive.load("diamond"), compare_hidden=())
    Ws, bs, losses = student.descend([np.array(w) for w in spec.weights], [np.array(spec.biases[0]), np.zeros(1)],
                                     list(spec.activations), np.array(spec.inputs), np.array(spec.targets), "bce",
                                     spec.learning_rate, spec.iterations, learns=[True, False])
    weights = [*Ws[0].ravel(), *Ws[1].ravel()]
    lines = [f"After {spec.iterations} iterations of training the loss is {losses[-1]:.10g}.", ""]
    lines += [f"$$w{i} = {w:.10g}$$" for i, w in enumerate(weights, 1)]
    lines += ["", f"$$w_1 = {weights[0] * 1.01:.10g}$$"]
    report = check(spec, "\n".join(lines) + "\n")
    verdicts = [f.verdict for f in report.numbers]
    assert verdicts == ["known"] * 13 + ["suspicious"], verdicts
    assert report.numbers[-1].meant == keys.trained_param("w1")
    assert report.numbers[1].meant == keys.trained_param("w1") and report.numbers[1].spread > 0
    assert report.precision is None  # a trained number's spread is no precision of the text
    monkeypatch.setattr(quantities, "SPREAD", 0.0)
    assert [f.verdict for f in check(spec, "\n".join(lines) + "\n").numbers].count("suspicious") > 1
