"""Number formatting, labels, the LaTeX printer and the activation registry's verified rewrite."""
from __future__ import annotations

import pytest
import sympy as sp

from derive import fmt, latex


@pytest.mark.parametrize("value, digits, plain, tex", [
    (0.6, 10, "0.6", "0.6"),
    (0.6000000000000001, 10, "0.6", "0.6"),
    (0.6456563062257954, 10, "0.6456563062", "0.6456563062"),
    (0.6456563062257954, 4, "0.6457", "0.6457"),
    (-0.020385525551585244, 10, "-0.02038552555", "-0.02038552555"),
    (1.1362635e-05, 5, "1.1363e-5", r"1.1363 \times 10^{-5}"),
    (123456789012.0, 3, "1.23e11", r"1.23 \times 10^{11}"),
    (1.0, 10, "1", "1"),
    (-30.0, 10, "-30", "-30"),
    (0.9999999999999064, 10, "0.9999999999999", "0.9999999999999"),  # not 1: a saturated sigmoid
    (1 - 2 ** -53, 10, "1", "1"),  # float64's noise around 1
    (56.00000000000001, 10, "56", "56"),
    (20.0000000031, 10, "20.000000003", "20.000000003"),
    (0.0, 10, "0", "0"),
    (-0.0, 10, "0", "0"),
])
def test_number_formats(value, digits, plain, tex):
    assert fmt.plain(value, digits) == plain
    assert fmt.latex(value, digits) == tex


@pytest.mark.parametrize("value, operand", [
    (0.5, "0.5"), (-0.5, r"\left(-0.5\right)"), (2e-7, r"\left(2 \times 10^{-7}\right)"),
])
def test_operands_are_parenthesized_when_needed(value, operand):
    assert fmt.operand(value) == operand


@pytest.mark.parametrize("label, tex", [
    ("h1", "h_{1}"), ("o12", "o_{12}"), ("h2_3", "h_{2,3}"), ("x", "x"), ("hid1", r"\mathrm{hid}_{1}"),
    ("bias", r"\mathrm{bias}"), ("a_b", r"\text{a\_b}"), ("<b>&", r"\text{<b>\&}"), ("50%", r"\text{50\%}"),
    ("x^2", r"\text{x\^{}2}"), ("a\\b", r"\text{a\textbackslash{}b}"),
])
def test_labels(label, tex):
    assert latex.label(label) == tex


def test_printer_keeps_textbook_order_and_substitutes_numbers():
    w, x, b = sp.symbols("w x b")
    expr = sp.Add(sp.Mul(w, x, evaluate=False), b, evaluate=False)
    assert latex.tex(expr, {w: "w_{1}", x: "i_{1}", b: "b_{1}"}) == r"w_{1} \cdot i_{1} + b_{1}"
    numbers = {symbol: fmt.operand(value) for symbol, value in {w: 0.1, x: -0.2, b: 0.55}.items()}
    assert latex.tex(expr, numbers, numbers=True) == r"0.1 \times \left(-0.2\right) + 0.55"
    assert latex.tex(latex.partial(w, x), {w: "E", x: "w_{5}"}) == r"\frac{\partial E}{\partial w_{5}}"


def test_local_derivative_equals_sympy_diff_of_the_whole_expression():
    from derive.model import local_derivative
    w1, w2, x1, x2, b, y = sp.symbols("w1 w2 x1 x2 b y")
    net = sp.Add(sp.Mul(w1, x1, evaluate=False), sp.Mul(w2, x2, evaluate=False), b, evaluate=False).doit()
    for expr in (net, 1 / (1 + sp.exp(-net)), (y - net) ** 2 / 2):
        for wrt in (w1, w2, x1, x2, b, y):
            assert sp.simplify(local_derivative(expr, wrt) - sp.diff(expr, wrt)) == 0
