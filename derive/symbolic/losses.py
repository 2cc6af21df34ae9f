"""Losses as data: E = the sum over the outputs of one term per output, each kept as written, so the
document can print the loss as the textbook does and SymPy can differentiate it."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sympy as sp

from .forms import add, mul, neg, power


@dataclass(frozen=True)
class Loss:
    """A loss over one sample: E = sum over the n outputs of term(t, y, n), each term kept as written."""

    name: str
    term: Callable[[sp.Expr, sp.Expr, int], sp.Expr]


def _half_squared(t: sp.Expr, y: sp.Expr, n: int) -> sp.Expr:
    return mul(sp.Rational(1, 2), power(add(t, neg(y)), 2))


def _mean_squared(t: sp.Expr, y: sp.Expr, n: int) -> sp.Expr:
    square = power(add(t, neg(y)), 2)
    return square if n == 1 else mul(sp.Rational(1, n), square)


def _binary_cross_entropy(t: sp.Expr, y: sp.Expr, n: int) -> sp.Expr:
    return neg(add(mul(t, sp.log(y)), mul(add(1, neg(t)), sp.log(add(1, neg(y))))))


def _cross_entropy(t: sp.Expr, y: sp.Expr, n: int) -> sp.Expr:
    return neg(mul(t, sp.log(y)))


LOSSES: dict[str, Loss] = {
    "half_sse": Loss("half_sse", _half_squared),
    "mse": Loss("mse", _mean_squared),
    "bce": Loss("bce", _binary_cross_entropy),
    "cross_entropy": Loss("cross_entropy", _cross_entropy),
}
