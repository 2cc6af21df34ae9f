"""Activations and losses as data: a SymPy expression, the name it prints by, and how its derivative
is explained.

Derivatives are always taken by `sp.diff`. The textbook derivation of each activation's derivative
(sigmoid by the quotient rule down to y(1 - y), tanh down to 1 - y^2, ...) is written here by hand,
step by step, and every step is proved equal to SymPy's derivative by `check_steps` before it is
ever shown.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import sympy as sp

Z = sp.Symbol("z")  # the activation's argument (a neuron's net input)
Y = sp.Symbol("y")  # the activation's value (a neuron's output)


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


@dataclass(frozen=True)
class Step:
    """One form of f'(z) in a hand-written derivation, and the message key saying how it follows."""

    expr: sp.Expr  # in Z, or in Y (the output) for a final rewrite
    note: str


@dataclass(frozen=True)
class Activation:
    """f(z) as SymPy, and the textbook derivation of f'(z), each step checked by SymPy."""

    name: str
    function: str  # the name SymPy prints it by: sigma -> \sigma, tanh -> \tanh
    expr: sp.Expr  # f(Z)
    steps: tuple[Step, ...]  # the derivation of f'(z), down to the form shown in the backward pass
    in_terms_of_output: sp.Expr | None  # g(Y) with f'(z) = g(f(z)), or None
    kink: float | None = None  # where f' jumps (relu: 0); f'(kink) is the left branch's value
    forms: tuple[Step, ...] = ()  # other ways of writing f(z) that the derivation starts from

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
        check_steps(self)
        return self.in_terms_of_output.xreplace({Y: y})


def _sigmoid() -> Activation:
    e = sp.exp(-Z)
    v = add(1, e)
    steps = (
        Step(frac(add(mul(0, v), neg(mul(1, neg(e)))), power(v, 2)), "quotient_rule"),
        Step(frac(e, power(v, 2)), "simplify"),
        Step(mul(whole(frac(1, v)), whole(frac(e, v))), "split_fraction"),
        Step(mul(whole(frac(1, v)), whole(frac(add(1, e, -1), v))), "add_subtract_one"),
        Step(mul(whole(frac(1, v)), add(1, neg(whole(frac(1, v))))), "split_fraction"),
        Step(mul(Y, add(1, neg(Y))), "substitute_output"),
    )
    return Activation("sigmoid", "sigma", 1 / (1 + sp.exp(-Z)), steps, Y * (1 - Y))


def _tanh() -> Activation:
    up, down = add(sp.exp(Z), neg(sp.exp(-Z))), add(sp.exp(Z), sp.exp(-Z))
    steps = (
        Step(frac(add(mul(down, down), neg(mul(up, up))), power(down, 2)), "quotient_rule"),
        Step(add(1, neg(power(frac(up, down), 2))), "split_fraction"),
        Step(add(1, neg(power(Y, 2))), "substitute_output"),
    )
    return Activation("tanh", "tanh", sp.tanh(Z), steps, 1 - Y**2, forms=(Step(frac(up, down), "tanh_definition"),))


def _relu() -> Activation:
    expr = sp.Piecewise((0, Z <= 0), (Z, True))
    return Activation("relu", "relu", expr, (Step(sp.diff(expr, Z), "piecewise"),), None, kink=0.0)


def _leaky_relu(slope: float) -> Activation:
    expr = sp.Piecewise((sp.Float(slope) * Z, Z <= 0), (Z, True))
    return Activation("leaky_relu", "leakyrelu", expr, (Step(sp.diff(expr, Z), "piecewise"),), None, kink=0.0)


def _linear() -> Activation:
    return Activation("linear", "id", Z, (Step(sp.Integer(1), "power_rule"),), None)


_FACTORIES = {"sigmoid": _sigmoid, "tanh": _tanh, "relu": _relu, "linear": _linear}
ACTIVATION_NAMES = ("sigmoid", "tanh", "relu", "leaky_relu", "linear")
DEFAULT_LEAKY_SLOPE = 0.01


@cache
def activation(name: str, slope: float = DEFAULT_LEAKY_SLOPE) -> Activation:
    """The registry entry of an activation (leaky_relu takes its slope for z <= 0)."""
    return _leaky_relu(slope) if name == "leaky_relu" else _FACTORIES[name]()


@cache
def check_steps(act: Activation) -> None:
    """Prove with SymPy that every form equals f(z), every step equals f'(z), and the rewrite holds."""
    derivative = sp.diff(act.expr, Z)
    checks = [(step.expr, act.expr, step) for step in act.forms] + [(step.expr, derivative, step) for step in act.steps]
    if act.in_terms_of_output is not None:
        checks.append((act.in_terms_of_output, derivative, "the rewrite in terms of the output"))
    for shown, target, what in checks:
        difference = shown.doit().xreplace({Y: act.expr}) - target
        if sp.simplify(difference.rewrite(sp.exp)) != 0:
            raise AssertionError(f"the derivation of {act.name}' is wrong at {what}")


@dataclass(frozen=True)
class Loss:
    """A loss over one sample: E = sum over outputs of term(t, y); `term` builds one output's term."""

    name: str
    term: object  # (target, output) -> unevaluated display form


def _half_squared(t: sp.Expr, y: sp.Expr) -> sp.Expr:
    return mul(sp.Rational(1, 2), power(add(t, neg(y)), 2))


LOSSES: dict[str, Loss] = {
    "half_sse": Loss("half_sse", _half_squared),
}
