"""Building blocks of the forms derive prints: unevaluated sums, products, fractions and powers that
keep the textbook order, and the symbols of an activation's derivation."""
from __future__ import annotations

import sympy as sp

Z = sp.Symbol("z")  # the activation's argument (a neuron's net input)
Y = sp.Symbol("y")  # the activation's value (a neuron's output)

# softmax's derivation, written for a general layer: y_i = e^{z_i} / sum_k e^{z_k}
I, J, K, N = sp.symbols("i j k n", integer=True, positive=True)
ZI = sp.IndexedBase("z")
YI = sp.IndexedBase("y")
SUM = sp.Sum(sp.exp(ZI[K]), (K, 1, N))


def frac(top: sp.Expr, bottom: sp.Expr) -> sp.Expr:
    """top / bottom, kept as written."""
    reciprocal = sp.Pow(bottom, -1, evaluate=False)
    return reciprocal if top == 1 else sp.Mul(top, reciprocal, evaluate=False)


def whole(part: sp.Expr) -> sp.Expr:
    """A fraction that stays one printed factor inside a product (the printer would merge denominators)."""
    return sp.UnevaluatedExpr(part)


def mul(*factors: sp.Expr) -> sp.Expr:
    return sp.Mul(*factors, evaluate=False)


def add(*terms: sp.Expr) -> sp.Expr:
    return sp.Add(*terms, evaluate=False)


def neg(term: sp.Expr) -> sp.Expr:
    return sp.Mul(-1, term, evaluate=False)


def power(base: sp.Expr, exponent: int) -> sp.Expr:
    return sp.Pow(base, exponent, evaluate=False)
