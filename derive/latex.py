"""Maths to LaTeX: the notation tables and SymPy's printer, configured once.

A notation is a table of names; every symbol of the symbolic model has a role (net input, output,
weight, ...) and the notation turns the role and the unit's label into LaTeX.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import sympy as sp
from sympy.printing.latex import LatexPrinter
from sympy.printing.precedence import precedence_traditional



@dataclass(frozen=True)
class Notation:
    """LaTeX patterns for each role of a symbol.

    Fields a pattern may use: {label} (the unit's label in LaTeX), {l} (the unit's layer, numbered as
    `layers` says; for a weight or bias, the layer it feeds), {ls} (the layer a weight comes from),
    {j} and {k} (1-based indices of the unit and of a weight's source), {jk} (both), {n} (a parameter's
    number: w5), and {_j} / {_jk}: "_{j}" / "_{jk}", or nothing when `drop_single` and the layer has one unit.
    """

    name: str
    input: str
    net: str
    out: str
    target: str
    weight: str
    bias: str
    shared_bias: str
    loss_term: str
    loss_total: str
    delta: str
    learning_rate: str
    bias_unit: str = "1"  # the unit of value 1 that carries a bias_node bias ({l}: its layer, {j}: 0)
    layers: str = "zero"  # zero: input layer 0 | one: input layer 1 | relative: output layer L, then L-1, ...
    drop_single: bool = False

    def layer(self, l: int, depth: int) -> str:
        """Layer l (0 = inputs, depth = outputs) as this notation numbers it."""
        if self.layers == "one":
            return str(l + 1)
        if self.layers == "relative":
            return "L" if l == depth else f"L-{depth - l}"
        return str(l)

    def fields(self, l: int, depth: int, j: int, size: int, k: int | None = None, source_size: int = 1,
               label: str = "", n: str = "") -> dict[str, str]:
        """The pattern fields of unit j (0-based) of layer l, or of a weight into it from unit k."""
        jk = f"{j + 1}{k + 1}" if k is not None and j < 9 and k < 9 else f"{j + 1},{(k or 0) + 1}"
        single = self.drop_single and size == 1 and source_size == 1
        return {"label": label, "l": self.layer(l, depth), "ls": self.layer(max(l - 1, 0), depth), "j": str(j + 1),
                "k": "" if k is None else str(k + 1), "jk": jk, "n": n,
                "_j": "" if self.drop_single and size == 1 else f"_{{{j + 1}}}",
                "_jk": "" if single else f"_{{{jk}}}"}


NOTATIONS = {
    "in-out": Notation(
        name="in-out", input="{label}", net=r"{{\rm in}}_{{{label}}}", out=r"{{\rm out}}_{{{label}}}",
        target="t_{{{label}}}", weight="w_{{{n}}}", bias="b_{{{n}}}", shared_bias="b_{{{n}}}",
        loss_term="E_{{{label}}}", loss_total=r"E_{{\rm total}}", delta=r"\delta_{{{label}}}",
        learning_rate=r"\alpha"),
    "net-out": Notation(
        name="net-out", input="{label}", net=r"{{\rm net}}_{{{label}}}", out=r"{{\rm out}}_{{{label}}}",
        target=r"{{\rm target}}_{{{label}}}", weight="w_{{{n}}}", bias="b_{{{n}}}", shared_bias="b_{{{n}}}",
        loss_term="E_{{{label}}}", loss_total=r"E_{{\rm total}}", delta=r"\delta_{{{label}}}",
        learning_rate=r"\eta"),
    "nielsen": Notation(
        name="nielsen", input="x_{{{j}}}", net="z^{{{l}}}_{{{j}}}", out="a^{{{l}}}_{{{j}}}", target="y_{{{j}}}",
        weight="w^{{{l}}}_{{{jk}}}", bias="b^{{{l}}}_{{{j}}}", shared_bias="b^{{{l}}}", loss_term="C_{{{j}}}",
        loss_total="C", delta=r"\delta^{{{l}}}_{{{j}}}", learning_rate=r"\eta", layers="one"),
    "ng": Notation(
        name="ng", input="x_{{{j}}}", net="z^{{({l})}}_{{{j}}}", out="a^{{({l})}}_{{{j}}}", target="y_{{{j}}}",
        weight=r"\Theta^{{({ls})}}_{{{jk}}}", bias=r"\Theta^{{({ls})}}_{{{j}0}}", shared_bias=r"\Theta^{{({ls})}}_{{0}}",
        loss_term="J_{{{j}}}", loss_total="J", delta=r"\delta^{{({l})}}_{{{j}}}", learning_rate=r"\alpha",
        bias_unit="a^{{({l})}}_{{0}}", layers="one"),
    "3b1b": Notation(
        name="3b1b", input="a^{{({l})}}{_j}", net="z^{{({l})}}{_j}", out="a^{{({l})}}{_j}", target="y{_j}",
        weight="w^{{({l})}}{_jk}", bias="b^{{({l})}}{_j}", shared_bias="b^{{({l})}}", loss_term="C_{{0,{j}}}",
        loss_total="C_{{0}}", delta=r"\delta^{{({l})}}{_j}", learning_rate=r"\eta", layers="relative",
        drop_single=True),
}

_INDEXED = re.compile(r"([A-Za-z]+)(\d+(?:_\d+)*)")
_LATEX_SPECIAL = {c: "\\" + c for c in "#$%&_{}"} | {"\\": r"\textbackslash{}", "^": r"\^{}", "~": r"\~{}"}


def label(text: str) -> str:
    """A unit label in LaTeX: h1 -> h_{1}, h2_3 -> h_{2,3}, x -> x, anything else as escaped text."""
    match = _INDEXED.fullmatch(text)
    if match:
        return f"{_letters(match[1])}_{{{match[2].replace('_', ',')}}}"
    if text.isascii() and text.isalpha():
        return _letters(text)
    return r"\text{" + "".join(_LATEX_SPECIAL.get(c, c) for c in text) + "}"


def _letters(text: str) -> str:
    return text if len(text) == 1 else rf"\mathrm{{{text}}}"


WIDE = 16  # a sum of more terms than this is written with its first and last terms around a \cdots
_DOTS = sp.Symbol("_dots")


class _Printer(LatexPrinter):
    """SymPy's LaTeX printer with partial derivatives written as fractions (dE/dout ->
    \\frac{\\partial E}{\\partial out}) and very wide sums shortened (a neuron with 784 inputs)."""

    def _print_Add(self, expr: sp.Add, order: str | None = None) -> str:
        terms = expr.args
        if len(terms) > WIDE:
            expr = sp.Add(*terms[:3], _DOTS, *terms[-2:], evaluate=False)
        return super()._print_Add(expr, order)

    def _print_Symbol(self, expr: sp.Symbol, style: str = "plain") -> str:
        return r"\cdots" if expr is _DOTS else super()._print_Symbol(expr, style)

    def _print_Derivative(self, expr: sp.Derivative) -> str:
        (variable, count), = expr.variable_count
        top = self._print(expr.expr)
        bottom = self._print(variable)
        if count != 1:
            return rf"\frac{{\partial^{{{count}}} {top}}}{{\partial {bottom}^{{{count}}}}}"
        return rf"\frac{{\partial {top}}}{{\partial {bottom}}}"


def tex(expr: sp.Basic, names: dict[sp.Symbol, str], *, numbers: bool = False) -> str:
    """Print `expr` with each symbol replaced by its name in `names` (or its number, when `numbers`).

    Terms stay in the order they were built (unevaluated display forms keep the textbook order);
    products are written with a dot between symbols and with a times sign between numbers.

    The printing of an expression is kept as a template with a slot per symbol (see _template), so an
    expression met again (the same form in the next exercise variant, with other numbers) costs a fill.
    """
    try:
        pieces, symbols = _template(expr, numbers)
    except _Unsupported:
        settings = {"symbol_names": names, "order": "none", "mul_symbol": "times" if numbers else "dot",
                    "ln_notation": True}
        return _Printer(settings).doprint(expr)
    filled = [names[s] if s in names else _bare(s) for s in symbols]
    return _fill(pieces, filled)


class _Unsupported(Exception):
    """An expression whose printing depends on its names' text in a way `_fill` does not replay."""


_SLOT, _OPEN, _CLOSE = "\x00", "\x01", "\x02"  # never in LaTeX: a symbol's slot; a base to protect


class _Recorder(_Printer):
    """The printer writing a slot for each symbol (its number in `slots`) instead of its name, and
    marking the places where SymPy's LaTeX printer looks at a name's text (a power of a name holding
    a ^ is written (name)^{2}; so is a transposed matrix whose entries hold one); `_fill` makes those
    decisions with the names."""

    def __init__(self, settings: dict):
        super().__init__(settings)
        self.slots: dict[sp.Symbol, int] = {}  # symbol -> slot number, in order of appearance

    def _print_Symbol(self, expr: sp.Symbol, style: str = "plain") -> str:
        if expr is _DOTS or not isinstance(expr, sp.Symbol):  # a MatrixSymbol prints its own name
            return super()._print_Symbol(expr, style)
        return f"{_SLOT}{self.slots.setdefault(expr, len(self.slots))}{_SLOT}"

    def parenthesize_super(self, s: str) -> str:
        return f"{_OPEN}{s}{_CLOSE}"

    def _print_Transpose(self, expr: sp.Transpose) -> str:
        """SymPy writes A^T as (A)^T when the printed A holds a ^ (a number x 10^{-5} in a matrix):
        that decision too is left to `_fill`."""
        mat = expr.arg
        if isinstance(mat, (sp.MatrixSymbol, sp.BlockMatrix)) or not mat.is_MatrixExpr:
            return f"{_OPEN}{self.parenthesize(mat, precedence_traditional(expr), True)}{_CLOSE}^{{T}}"
        return super()._print_Transpose(expr)

    def _print_Adjoint(self, expr: sp.Basic) -> str:
        raise _Unsupported  # SymPy decides on the printed text here too; derive never writes these

    _print_MatPow = _print_Adjoint


@functools.lru_cache(maxsize=1 << 14)
def _template(expr: sp.Basic, numbers: bool) -> tuple[tuple[str, ...], tuple[sp.Symbol, ...]]:
    """`expr` printed once with a slot per symbol: the text split at the slots (odd pieces are slot
    numbers) and the symbols in slot order. SymPy's equality is structural and order-sensitive for
    unevaluated sums and products, so equal expressions print alike."""
    settings = {"order": "none", "mul_symbol": "times" if numbers else "dot", "ln_notation": True}
    printer = _Recorder(settings)
    return tuple(printer.doprint(expr).split(_SLOT)), tuple(printer.slots)


def _fill(pieces: tuple[str, ...], filled: list[str]) -> str:
    text = "".join(filled[int(piece)] if i % 2 else piece for i, piece in enumerate(pieces))
    while _OPEN in text:  # innermost first: SymPy protects a base once it is printed
        end = text.index(_CLOSE)
        start = text.rindex(_OPEN, 0, end)
        text = text[:start] + _PLAIN.parenthesize_super(text[start + 1:end]) + text[end + 1:]
    return text


def clear_templates() -> None:
    """Forget every printed template (a benchmark timing a first document, not a repeat)."""
    _template.cache_clear()


_PLAIN = LatexPrinter()


@functools.lru_cache(maxsize=1 << 12)
def _bare(symbol: sp.Symbol) -> str:
    """A symbol without a name in the table, as SymPy prints it."""
    return _Printer().doprint(symbol)


def partial(top: sp.Symbol, bottom: sp.Symbol) -> sp.Derivative:
    """The unevaluated factor d top / d bottom, for printing."""
    return sp.Derivative(top, bottom, evaluate=False)

