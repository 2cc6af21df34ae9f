"""Maths to LaTeX: SymPy's printer configured once, unit labels, and LaTeX escaping of plain text.

Every formula derive prints comes from `tex`: partial derivatives as fractions, terms in the order
they were built, very wide sums shortened; each expression is printed once as a template with a slot
per symbol and filled with the names (or numbers) of each document.
"""
from __future__ import annotations

import functools
import re

import sympy as sp
from sympy.printing.latex import LatexPrinter
from sympy.printing.precedence import PRECEDENCE, precedence_traditional

from .kept import kept, on_forget
from .shapes import shape_of

_INDEXED = re.compile(r"([A-Za-z]+)(\d+(?:_\d+)*)")
_SPECIAL = {c: "\\" + c for c in "#$%&_{}"} | {"\\": r"\textbackslash{}", "^": r"\^{}", "~": r"\~{}",
                                              "|": r"\textbar{}"}
_SPECIAL_RE = re.compile(r"[\\{}$&#^_%~|]")


def escape(text: str) -> str:
    """Plain text for LaTeX: its special characters escaped."""
    return _SPECIAL_RE.sub(lambda m: _SPECIAL[m.group()], text)


def label(text: str) -> str:
    """A unit label in LaTeX: h1 -> h_{1}, h2_3 -> h_{2,3}, x -> x, anything else as escaped text."""
    match = _INDEXED.fullmatch(text)
    if match:
        return f"{_letters(match[1])}_{{{match[2].replace('_', ',')}}}"
    if text.isascii() and text.isalpha():
        return _letters(text)
    # a | between text parts as \vert: it would end a Markdown table's cell, and MathML converters
    # read no \textbar inside \text
    return r"\vert ".join(r"\text{" + escape(part) + "}" if part else "{}" for part in text.split("|"))


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

    # A product of matrices is printed as SymPy prints it, without asking whether it can give out a
    # minus sign: SymPy answers by multiplying the explicit matrices out (seconds for a 32 x 32 product
    # of symbols), and derive's products of printed matrices never carry one.
    def _print_MatMul(self, expr: sp.MatMul) -> str:
        def factor(x: sp.Basic) -> str:
            if isinstance(x, sp.Mul) and not isinstance(x, sp.MatMul):
                return self._print(x)
            return self.parenthesize(x, _precedence(expr), False)
        return " ".join(factor(x) for x in expr.args)

    def parenthesize(self, item: sp.Basic, level: int, is_neg: bool = False, strict: bool = False) -> str:
        if is_neg and strict:
            return self._add_parens(self._print(item))
        value = _precedence(item)
        if value < level or (not strict and value <= level):
            return self._add_parens(self._print(item))
        return self._print(item)

    def _print_Derivative(self, expr: sp.Derivative) -> str:
        (variable, count), = expr.variable_count
        top = self._print(expr.expr)
        bottom = self._print(variable)
        if count != 1:
            return rf"\frac{{\partial^{{{count}}} {top}}}{{\partial {bottom}^{{{count}}}}}"
        return rf"\frac{{\partial {top}}}{{\partial {bottom}}}"


def _precedence(item: sp.Basic) -> int:
    """SymPy's traditional precedence, a product of matrices being a product."""
    return PRECEDENCE["Mul"] if isinstance(item, sp.MatMul) else precedence_traditional(item)


def tex(expr: sp.Basic, names: dict[sp.Symbol, str], *, numbers: bool = False) -> str:
    """Print `expr` with each symbol replaced by its name in `names` (or its number, when `numbers`).

    Terms stay in the order they were built (unevaluated display forms keep the textbook order);
    products are written with a dot between symbols and with a times sign between numbers.

    The printing of an expression is kept as a template with a slot per symbol (see _template), so an
    expression met again (the same form in the next exercise variant, with other numbers) costs a fill.
    """
    known = _PRINTED.get((expr, numbers))
    if known is not None:
        pattern, symbols = known
        return _fill(pattern, [names[s] if s in names else _bare(s) for s in symbols])
    shape, ordered = shape_of(expr, _DOTS)
    found = _TEMPLATES.get((shape, numbers))
    if found is None:
        try:
            pieces, symbols = _template(expr, numbers)
        except _Unsupported:
            settings = {"symbol_names": names, "order": "none", "mul_symbol": "times" if numbers else "dot",
                        "ln_notation": True}
            return _Printer(settings).doprint(expr)
        position = {symbol: i for i, symbol in enumerate(ordered)}
        found = (_pattern(pieces), tuple(position[symbol] for symbol in symbols))
        if len(_TEMPLATES) >= MAX_TEMPLATES:
            _TEMPLATES.clear()
        _TEMPLATES[shape, numbers] = found
    pattern, slots = found
    symbols = tuple(map(ordered.__getitem__, slots))
    if len(_PRINTED) >= MAX_TEMPLATES:
        _PRINTED.clear()
    _PRINTED[expr, numbers] = (pattern, symbols)
    return _fill(pattern, [names[s] if s in names else _bare(s) for s in symbols])


MAX_TEMPLATES = 1 << 15
# (the shape of an expression, numbers) -> its printed text as a str.format pattern with a field per slot,
# and for each slot the position of its symbol among the expression's symbols in the order `_shape`
# meets them
_TEMPLATES: dict[tuple[object, bool], tuple[tuple[str, ...], tuple[int, ...]]] = {}
on_forget(_TEMPLATES.clear)
# (an expression, numbers) -> its template's pattern and the symbol of each slot: the expression met
# again (the same object, as an exercise's variants meet it) is filled without working out its shape
_PRINTED: dict[tuple[sp.Basic, bool], tuple[str, tuple[sp.Symbol, ...]]] = {}
on_forget(_PRINTED.clear)




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


def _template(expr: sp.Basic, numbers: bool) -> tuple[tuple[str, ...], tuple[sp.Symbol, ...]]:
    """`expr` printed once with a slot per symbol: the text split at the slots (odd pieces are slot
    numbers) and the symbols in slot order. SymPy's equality is structural and order-sensitive for
    unevaluated sums and products, so equal expressions print alike."""
    settings = {"order": "none", "mul_symbol": "times" if numbers else "dot", "ln_notation": True}
    printer = _Recorder(settings)
    return tuple(printer.doprint(expr).split(_SLOT)), tuple(printer.slots)


def _pattern(pieces: tuple[str, ...]) -> str:
    """A template's pieces as one str.format pattern: the text with its braces doubled, each slot {n}."""
    return "".join(f"{{{piece}}}" if i % 2 else piece.replace("{", "{{").replace("}", "}}")
                   for i, piece in enumerate(pieces))


def _fill(pattern: str, filled: list[str]) -> str:
    text = pattern.format(*filled)
    while _OPEN in text:  # innermost first: SymPy protects a base once it is printed
        end = text.index(_CLOSE)
        start = text.rindex(_OPEN, 0, end)
        base = text[start + 1:end]
        text = text[:start] + (base if _enclosed(base) else _PLAIN.parenthesize_super(base)) + text[end + 1:]
    return text


def _enclosed(text: str) -> bool:
    """Whether `text` is one \\left( ... \\right) pair around the whole (a negative number in
    parentheses): it needs no second pair as a power's base."""
    if not (text.startswith(r"\left(") and text.endswith(r"\right)")):
        return False
    depth = 0
    for match in re.finditer(r"\\left\(|\\right\)", text):
        depth += 1 if match.group().startswith(r"\left") else -1
        if depth == 0:
            return match.end() == len(text)
    return False


_PLAIN = LatexPrinter()


@functools.lru_cache(maxsize=1 << 12)
def _bare(symbol: sp.Symbol) -> str:
    """A symbol without a name in the table, as SymPy prints it."""
    return _Printer().doprint(symbol)


@kept(1 << 14)
def partial(top: sp.Symbol, bottom: sp.Symbol) -> sp.Derivative:
    """The unevaluated factor d top / d bottom, for printing (kept: the same factor is printed in
    every chain that passes through it, and SymPy builds a Derivative slowly)."""
    return sp.Derivative(top, bottom, evaluate=False)
