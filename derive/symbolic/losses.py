"""Losses as data: E = the sum over the outputs of one term per output, each kept as written, so the
document can print the loss as the textbook does and SymPy can differentiate it."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sympy as sp

from .forms import add, frac, mul, neg, power


@dataclass(frozen=True)
class Loss:
    """A loss over one sample: E = sum over the n outputs of term(t, y, n), each term kept as written,
    and dE/dy as a teacher writes it (derivative(t, y, n), proved equal to SymPy's by proofs.check_loss)."""

    name: str
    term: Callable[[sp.Expr, sp.Expr, int], sp.Expr]
    derivative: Callable[[sp.Expr, sp.Expr, int], sp.Expr]


def _half_squared(t: sp.Expr, y: sp.Expr, n: int) -> sp.Expr:
    return mul(sp.Rational(1, 2), power(add(t, neg(y)), 2))


def _mean_squared(t: sp.Expr, y: sp.Expr, n: int) -> sp.Expr:
    square = power(add(t, neg(y)), 2)
    return square if n == 1 else mul(sp.Rational(1, n), square)


def _binary_cross_entropy(t: sp.Expr, y: sp.Expr, n: int) -> sp.Expr:
    return neg(add(mul(t, sp.log(y)), mul(add(1, neg(t)), sp.log(add(1, neg(y))))))


def _cross_entropy(t: sp.Expr, y: sp.Expr, n: int) -> sp.Expr:
    return neg(mul(t, sp.log(y)))


def _error(t: sp.Expr, y: sp.Expr, n: int) -> sp.Expr:
    """y - t: the output's error, the derivative of the half squared error."""
    return add(y, neg(t))


def _mean_squared_slope(t: sp.Expr, y: sp.Expr, n: int) -> sp.Expr:
    """2/n (y - t), or 2 (y - t) for one output."""
    factor = sp.Rational(2, n)
    return _error(t, y, n) if factor == 1 else mul(factor, _error(t, y, n))


def _binary_cross_entropy_slope(t: sp.Expr, y: sp.Expr, n: int) -> sp.Expr:
    """(y - t) / (y (1 - y))."""
    return frac(_error(t, y, n), mul(y, add(1, neg(y))))


def _cross_entropy_slope(t: sp.Expr, y: sp.Expr, n: int) -> sp.Expr:
    """-t / y."""
    return neg(frac(t, y))


LOSSES: dict[str, Loss] = {
    "half_sse": Loss("half_sse", _half_squared, _error),
    "mse": Loss("mse", _mean_squared, _mean_squared_slope),
    "bce": Loss("bce", _binary_cross_entropy, _binary_cross_entropy_slope),
    "cross_entropy": Loss("cross_entropy", _cross_entropy, _cross_entropy_slope),
}
