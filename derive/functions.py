"""Activations and losses as data: a SymPy expression, a display name, and how the derivative is explained.

Derivatives are always taken by `sp.diff`. Where a textbook rewrites a derivative in terms of the
neuron's output (sigmoid: y(1 - y)), the rewrite is written here by hand and checked by SymPy in
`Activation.check` before it is ever shown.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Callable

import sympy as sp

Z = sp.Symbol("z")  # the activation's argument (a neuron's net input)
Y = sp.Symbol("y")  # the activation's value (a neuron's output)


@dataclass(frozen=True)
class Activation:
    """f(z) as SymPy, and optionally f'(z) rewritten as a function g(y) of the output y = f(z)."""

    name: str
    function: str  # the name SymPy prints it by (sigma -> \sigma)
    expr: sp.Expr  # f(Z)
    in_terms_of_output: sp.Expr | None  # g(Y) with f'(z) = g(f(z)), or None

    def named(self, z: sp.Expr) -> sp.Expr:
        """f(z) as an unevaluated named function, for printing: sigma(z)."""
        return sp.Function(self.function)(z)

    def __call__(self, z: sp.Expr) -> sp.Expr:
        return self.expr.xreplace({Z: z})

    def derivative(self, z: sp.Expr) -> sp.Expr:
        """f'(z) as SymPy differentiates it."""
        return sp.diff(self.expr, Z).xreplace({Z: z})

    def derivative_from_output(self, y: sp.Expr) -> sp.Expr | None:
        """The verified rewrite of f'(z) in terms of the output y, or None."""
        if self.in_terms_of_output is None:
            return None
        check_rewrite(self.name)
        return self.in_terms_of_output.xreplace({Y: y})


@dataclass(frozen=True)
class Loss:
    """A loss over one sample: E = sum over outputs of term(t, y); `term` builds one output's term."""

    name: str
    term: Callable[[sp.Expr, sp.Expr], sp.Expr]  # (target, output) -> unevaluated display form


def _half_squared(t: sp.Expr, y: sp.Expr) -> sp.Expr:
    difference = sp.Add(t, sp.Mul(-1, y, evaluate=False), evaluate=False)
    return sp.Mul(sp.Rational(1, 2), sp.Pow(difference, 2, evaluate=False), evaluate=False)


ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": Activation("sigmoid", "sigma", 1 / (1 + sp.exp(-Z)), Y * (1 - Y)),
}

LOSSES: dict[str, Loss] = {
    "half_sse": Loss("half_sse", _half_squared),
}


@cache
def check_rewrite(name: str) -> None:
    """Prove with SymPy that f'(z) - g(f(z)) simplifies to zero; raise if the hand-written g is wrong."""
    act = ACTIVATIONS[name]
    difference = sp.diff(act.expr, Z) - act.in_terms_of_output.xreplace({Y: act.expr})
    if sp.simplify(difference) != 0:
        raise AssertionError(f"the rewrite of {name}' in terms of its output is wrong: {difference}")
