"""The book of one derivation: what each symbol is called, what number it stands for, and every shown
value by its quantity key. Each sample gets a book of its own that starts from the network's."""
from __future__ import annotations

import math
import re

import sympy as sp

from .. import fmt
from ..ir import Eq, Value
from ..symbolic import kept, precise, rough, tex

ROUGH_DIGITS = 10  # up to this many digits shown, a line's numbers are first checked in float64


class Marks:
    """Numbers written as markers instead of digits, for a page that rewrites them (derive explore): each
    shown number becomes `\\text{⟦i⟧}` (as a value) or `\\text{⟦i:o⟧}` (as an operand, parenthesized
    where negative or with an exponent), and `entries[i]` says which quantity it is. Every number of
    the document so carries its quantity key into the page."""

    OPEN, CLOSE = "\u27e6", "\u27e7"
    PATTERN = re.compile(r"\\text\{\u27e6(\d+)(:o)?\u27e7\}")

    def __init__(self, digits: int):
        self.digits = digits
        self.entries: list[tuple[str, float]] = []  # (key, value) of each marker
        self._index: dict[str, int] = {}

    def mark(self, key: str, number: float, operand: bool) -> str:
        i = self._index.setdefault(key, len(self.entries))
        if i == len(self.entries):
            self.entries.append((key, number))
        return rf"\text{{{self.OPEN}{i}{':o' if operand else ''}{self.CLOSE}}}"

    def plain(self, text: str) -> str:
        """`text` with each marker replaced by the digits it stands for (the document's own text)."""
        def digits(match: re.Match) -> str:
            number = self.entries[int(match[1])][1]
            return (fmt.operand if match[2] else fmt.latex)(number, self.digits)
        return self.PATTERN.sub(digits, text)


class Book:
    """Names, numbers and values of the symbols of one sample (or of the whole step); with `marks`,
    every number is written as a marker (see Marks)."""

    def __init__(self, names: dict[sp.Symbol, str], digits: int, parent: Book | None = None,
                 marks: Marks | None = None):
        self.digits = digits
        self.marks = parent.marks if parent else marks
        self.names = dict(parent.names) if parent else {}
        self.names.update(names)
        self.numbers: dict[sp.Symbol, str] = dict(parent.numbers) if parent else {}
        self.env: dict[sp.Symbol, float] = dict(parent.env) if parent else {}
        self.by_key: dict[str, float] = dict(parent.by_key) if parent else {}  # every number by quantity key
        # each symbol's number as shown (rounded to the digits), as `reproduces` reads it back
        self.shown: dict[sp.Symbol, float] = dict(parent.shown) if parent else {}
        self._placeholders = 0

    def value(self, key: str, number) -> Value:
        """The shown value of `key`: `number` (a float, or a precise value of `evaluate`) as float64."""
        number = float(number)
        self.by_key[key] = number
        if self.marks:
            return Value(key, number, self.marks.mark(key, number, operand=False))
        return Value(key, number, fmt.latex(number, self.digits))

    def assign(self, symbol: sp.Symbol, key: str, number) -> Value:
        """Give `symbol` a value: it prints as that number in substituted forms from now on, and later
        expressions use it at the precision it was computed with."""
        self.env[symbol] = number
        self.shown.pop(symbol, None)
        value = self.value(key, number)
        self.numbers[symbol] = (self.marks.mark(key, value.value, operand=True) if self.marks
                                else fmt.enclosed(value.tex))
        return value

    def cells(self, keys: list[str], found: list[Value]) -> tuple[str, ...]:
        """Already computed quantities as matrix entries: each `cell(key)` prints as its value (a matrix
        cell needs no parentheses), recorded in `found`. Returns the keys."""
        for key in keys:
            value = self.value(key, self.by_key[key])
            self.numbers[cell(key)] = value.tex
            found.append(value)
        return tuple(keys)

    def placeholder(self, name: str, key: str, number: float) -> tuple[sp.Symbol, Value]:
        """A fresh symbol standing for an already computed quantity (a factor, a delta) in products."""
        self._placeholders += 1
        symbol = sp.Symbol(f"_q{self._placeholders}:{key}")
        self.names[symbol] = name
        return symbol, self.assign(symbol, key, number)

    def evaluate(self, expr: sp.Expr):
        """The value of `expr` in extended precision (derive.symbolic.evaluate)."""
        return precise(expr, self.env)

    def tex(self, expr: sp.Basic) -> str:
        return tex(expr, self.names)

    def substituted(self, expr: sp.Basic) -> str:
        return tex(expr, self.numbers, numbers=True)

    def reproduces(self, expr: sp.Expr, number: float) -> bool:
        """Whether `expr` at its operands' shown (rounded) numbers gives `number` to about four digits
        (a relative 10^(6 - digits), at most 1e-2: a form may magnify its operands' rounding ten
        thousand times, as (1 - 0.99993489)^2 does). Not so for out (1 - out) with a saturated
        out = 1 - 3.6e-11 shown as 0.99999999996, or for 1 / (1 - out) near that pole; a structural 0
        is reproduced by terms that cancel to their rounding."""
        symbols = free_symbols(expr)
        if any(symbol not in self.env for symbol in symbols):
            return True
        shown = {symbol: self._shown(symbol) for symbol in symbols}
        tolerance = min(1e-2, 10.0 ** (6 - self.digits))
        scale = abs(number) if number else max((abs(v) for v in shown.values()), default=0.0)
        if self.digits <= ROUGH_DIGITS:
            # float64 first: its own rounding (shown numbers of at most ROUGH_DIGITS digits differ from each
            # other by at least 10^-ROUGH_DIGITS) stays far inside half the tolerance; anything closer to
            # the line is decided in extended precision
            got = rough(expr, shown)
            if got is not None and math.isfinite(got) and abs(got - number) <= tolerance * scale / 2:
                return True
        try:
            got = float(precise(expr, shown))
        except (TypeError, ValueError, ZeroDivisionError, OverflowError):
            return False
        return math.isfinite(got) and abs(got - number) <= tolerance * scale

    def _shown(self, symbol: sp.Symbol) -> float:
        found = self.shown.get(symbol)
        if found is None:
            found = self.shown[symbol] = float(fmt.plain(float(self.env[symbol]), self.digits))
        return found

    def eq(self, lhs: sp.Basic, forms: tuple[sp.Basic, ...], value: Value | None, with_numbers: bool = True,
           fallback: sp.Basic | None = None) -> Eq:
        """lhs = each form symbolically [= a form with numbers] [= value]. The numbers go into the last
        form, or into `fallback` when the last form's shown numbers do not give the value (see
        `reproduces`), or nowhere when neither does: a line of numbers that does not give its result
        would mislead."""
        rhs = [self.tex(f) for f in forms]
        if with_numbers and forms:
            candidates = [forms[-1]] if fallback is None else [forms[-1], fallback]
            usable = [f for f in candidates if value is None or self.reproduces(f, value.value)]
            if usable:
                rhs.append(self.substituted(usable[0]))
        return Eq(self.tex(lhs), tuple(dedupe(rhs, value, self.plain)), value)

    def plain(self, text: str) -> str:
        """`text` as the document without markers writes it."""
        return self.marks.plain(text) if self.marks else text


@kept(1 << 14)
def free_symbols(expr: sp.Expr) -> tuple[sp.Symbol, ...]:
    """The symbols of `expr` (kept: a form is checked again with each variant's numbers)."""
    return tuple(expr.free_symbols)


@kept(1 << 14)
def cell(key: str) -> sp.Symbol:
    """The symbol of quantity `key` as a matrix entry, named by the key: the matrices of every exercise
    variant of one shape are then the same expressions."""
    return sp.Symbol(f"_m:{key}")


def dedupe_forms(forms: tuple[sp.Basic, ...]) -> list[sp.Basic]:
    """Drop a form equal to the one before it (a single-term sum is its term)."""
    return [f for i, f in enumerate(forms) if i == 0 or f != forms[i - 1]]


def dedupe(rhs: list[str], value: Value | None, plain=None) -> list[str]:
    """Drop a right-hand side that repeats the previous one or the final value (x = 0.5 = 0.5), as
    `plain` (Book.plain: without markers) writes them."""
    plain = plain or (lambda text: text)
    kept: list[str] = []
    for form in rhs:
        if (not kept or plain(form) != plain(kept[-1])) and (value is None or plain(form) != plain(value.tex)):
            kept.append(form)
    return kept
