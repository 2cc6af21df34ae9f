"""Maths to LaTeX: the notation tables and SymPy's printer, configured once.

A notation is a table of names; every symbol of the symbolic model has a role (net input, output,
weight, ...) and the notation turns the role and the unit's label into LaTeX.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import sympy as sp
from sympy.printing.latex import LatexPrinter

from . import fmt


@dataclass(frozen=True)
class Notation:
    """LaTeX patterns for each role; `{label}` is the unit's label in LaTeX, `{n}` a parameter's number."""

    name: str
    input: str
    net: str
    out: str
    target: str
    weight: str
    bias: str
    loss_term: str
    loss_total: str
    delta: str
    learning_rate: str
    updated: str  # `{param}` is the parameter's LaTeX


NOTATIONS = {
    "in-out": Notation(
        name="in-out",
        input="{label}",
        net=r"{{\rm in}}_{{{label}}}",
        out=r"{{\rm out}}_{{{label}}}",
        target="t_{{{label}}}",
        weight="w_{{{n}}}",
        bias="b_{{{n}}}",
        loss_term="E_{{{label}}}",
        loss_total=r"E_{{\rm total}}",
        delta=r"\delta_{{{label}}}",
        learning_rate=r"\alpha",
        updated="{param}^{{+}}",
    ),
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


class _Printer(LatexPrinter):
    """SymPy's LaTeX printer with partial derivatives written as fractions: dE/dout -> \\frac{\\partial E}{\\partial out}."""

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
    """
    settings = {"symbol_names": names, "order": "none", "mul_symbol": "times" if numbers else "dot", "ln_notation": True}
    return _Printer(settings).doprint(expr)


def partial(top: sp.Symbol, bottom: sp.Symbol) -> sp.Derivative:
    """The unevaluated factor d top / d bottom, for printing."""
    return sp.Derivative(top, bottom, evaluate=False)


def numbers(values: dict[sp.Symbol, float], digits: int) -> dict[sp.Symbol, str]:
    """Symbol names that print each symbol as its value (parenthesized when needed)."""
    return {symbol: fmt.operand(value, digits) for symbol, value in values.items()}
