"""Number formatting, labels, the LaTeX printer and the activation registry's verified rewrite."""
from __future__ import annotations

import pytest
import sympy as sp

from derive import fmt
from derive.symbolic import printer as latex


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
    from derive.symbolic import local_derivative
    w1, w2, x1, x2, b, y = sp.symbols("w1 w2 x1 x2 b y")
    net = sp.Add(sp.Mul(w1, x1, evaluate=False), sp.Mul(w2, x2, evaluate=False), b, evaluate=False).doit()
    for expr in (net, 1 / (1 + sp.exp(-net)), (y - net) ** 2 / 2):
        for wrt in (w1, w2, x1, x2, b, y):
            assert sp.simplify(local_derivative(expr, wrt) - sp.diff(expr, wrt)) == 0


def _direct(expr: sp.Basic, names: dict, numbers: bool) -> str:
    """SymPy's LaTeX printer with the names filled in by SymPy itself (no template)."""
    settings = {"symbol_names": names, "order": "none", "mul_symbol": "times" if numbers else "dot",
                "ln_notation": True}
    return latex._Printer(settings).doprint(expr)


def test_template_printing_equals_sympys_printer_for_any_names():
    """tex() prints an expression once with a slot per symbol and fills the slots: the result must be
    what SymPy prints with the names given directly, including where SymPy looks at a name's text
    (a power of a name with a superscript is protected: (a^{(1)})^{2})."""
    x, y, z = sp.symbols("x y z")
    unnamed = sp.Symbol("q_3")
    expressions = [
        x ** 2, (x + y) ** 2, sp.exp(-x) / (1 + sp.exp(-x)) ** 2, sp.Mul(x, y, evaluate=False),
        sp.Add(sp.Mul(x, y, evaluate=False), z, evaluate=False), sp.log(x) * y - (1 - y) * sp.log(1 - x),
        sp.tanh(x) ** 2, 1 - sp.tanh(x) ** 2, sp.Mul(-1, sp.Mul(x, y, evaluate=False), evaluate=False),
        sp.Piecewise((1, x > 0), (0, True)), latex.partial(x, y), x ** y, sp.exp(x) ** 2, (x * y) ** 3,
        sp.Add(x, unnamed, evaluate=False), unnamed ** 2, sp.Rational(1, 2) * (x - y) ** 2,
        sp.HadamardProduct(sp.MatrixSymbol("A^{(l)}", 1, 1), sp.MatrixSymbol("B", 1, 1)),
        sp.MatMul(sp.ImmutableMatrix([[x]]), sp.Transpose(sp.ImmutableMatrix([[y], [z]])), evaluate=False),
        sp.HadamardProduct(sp.MatMul(sp.Transpose(sp.ImmutableMatrix([[x, y]])), sp.ImmutableMatrix([[z]]),
                                     evaluate=False), sp.ImmutableMatrix([[y], [x]])),
        sp.Transpose(sp.MatrixSymbol("W^{(2)}", 1, 1)),
        sp.Transpose(sp.MatrixSymbol("W", 2, 2) + sp.MatrixSymbol("V", 2, 2)),
        sp.Adjoint(sp.ImmutableMatrix([[x]])), sp.MatPow(sp.MatrixSymbol("M", 2, 2), 2),
    ]
    name_sets = [
        {x: "x", y: "y", z: "z"},
        {x: "a^{(1)}", y: r"{\rm out}_{o_{1}}", z: "b^{2}_{1}"},
        {x: r"\left(-0.3\right)", y: "0.25", z: r"\left(2 \times 10^{-7}\right)"},
        {x: "1", y: "2", z: "3"},  # digits next to digits: SymPy's number separator
    ]
    for expr in expressions:
        for names in name_sets:
            for numbers in (False, True):
                assert latex.tex(expr, names, numbers=numbers) == _direct(expr, names, numbers), (expr, names)


@pytest.mark.parametrize("value", [-9087874233698.96, 127270268229079.3, 3.5e20])
def test_a_large_value_shows_the_digits_asked_not_its_float_noise(value):
    """Ten digits of a value of 10^13 end in its exponent; more would show float64's noise."""
    text = fmt.plain(value)
    mantissa = text.split("e")[0].lstrip("-").replace(".", "").rstrip("0")
    assert "e" in text and len(mantissa) <= 10 and float(text) == pytest.approx(value, rel=5e-10)


def test_a_negative_number_as_a_powers_base_gets_one_pair_of_parentheses():
    out = sp.Symbol("out")
    text = latex.tex(1 - out**2, {out: r"\left(-2.7 \times 10^{-18}\right)"}, numbers=True)
    assert text == r"1 - \left(-2.7 \times 10^{-18}\right)^{2}"
    two = r"\left(a^{3}\right) + \left(b\right)"  # two pairs, not one around the whole: wrapped
    assert latex.tex(out**2, {out: two}, numbers=True) == r"\left(" + two + r"\right)^{2}"
