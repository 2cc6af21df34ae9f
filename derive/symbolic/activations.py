"""Activations as data: a SymPy expression, the name it prints by, and the textbook derivation of its
derivative, written here by hand step by step (sigmoid by the quotient rule down to y(1 - y), tanh
down to 1 - y^2, ...). Derivatives are always taken by `sp.diff`; every hand-written step is proved
equal to SymPy's derivative (derive.symbolic.proofs) before it is ever shown.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from functools import cache

import sympy as sp

from ..spec.vocabulary import DEFAULT_LEAKY_SLOPE
from .forms import SUM, YI, ZI, I, J, Y, Z, add, frac, mul, neg, power, whole


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
    elementwise: bool = True  # False for softmax: each output depends on every net input of its layer

    def subject(self) -> tuple[sp.Expr, sp.Expr, sp.Expr]:
        """What its derivation is about: (the value, the variable, the output symbol): (f(z), z, y) for an
        elementwise function, (y_i, z_j, y_i) for softmax."""
        if self.elementwise:
            return self.named(Z), Z, Y
        z_i, z_j, y_i, y_j = softmax_symbols()
        return y_i, z_j, y_i

    def named(self, z: sp.Expr) -> sp.Expr:
        """f(z) as an unevaluated named function, for printing: sigma(z)."""
        return sp.Function(self.function)(z)

    def __call__(self, z: sp.Expr) -> sp.Expr:
        return self.expr.xreplace({Z: z})

    def derivative(self, z: sp.Expr) -> sp.Expr:
        """f'(z) as SymPy differentiates it (once per function: every neuron's is that one renamed)."""
        return _derivative(self.expr).xreplace({Z: z})

    def derivative_from_output(self, y: sp.Expr) -> sp.Expr | None:
        """The rewrite of f'(z) in terms of the output y (proved by proofs.check_steps), or None."""
        if self.in_terms_of_output is None:
            return None
        return self.in_terms_of_output.xreplace({Y: y})

    def outputs(self, nets: tuple[sp.Symbol, ...]) -> tuple[sp.Expr, ...]:
        """The outputs of a whole layer from its net inputs."""
        if self.elementwise:
            return tuple(self(net) for net in nets)
        exps = [sp.exp(net) for net in nets]
        total = add(*exps) if len(exps) > 1 else exps[0]
        return tuple(frac(e, total) for e in exps)

    def jacobian_from_outputs(self, k: int, n: int, outs: tuple[sp.Symbol, ...]) -> sp.Expr | None:
        """d out_k / d in_n written with the outputs (softmax: out_k (delta_kn - out_n)), proved by
        proofs.check_softmax."""
        if self.elementwise:
            return self.derivative_from_output(outs[n]) if k == n else sp.Integer(0)
        return mul(outs[k], add(1, neg(outs[n]))) if k == n else neg(mul(outs[k], outs[n]))


@functools.lru_cache(maxsize=64)
def _derivative(expr: sp.Expr) -> sp.Expr:
    return sp.diff(expr, Z)


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


def _step() -> Activation:
    """The unit step: its derivative is 0 wherever it exists and undefined at 0, so forward pass only."""
    return Activation("step", "step", sp.Piecewise((0, Z <= 0), (1, True)), (), None, kink=0.0)


def _linear() -> Activation:
    return Activation("linear", "id", Z, (Step(sp.Integer(1), "power_rule"),), None)


def _softmax() -> Activation:
    """y_i = e^{z_i} / sum_k e^{z_k}; its derivation is proved by proofs.check_softmax for concrete layer sizes."""
    delta = sp.KroneckerDelta(I, J)
    steps = (
        Step(frac(add(mul(delta, sp.exp(ZI[I]), SUM), neg(mul(sp.exp(ZI[I]), sp.exp(ZI[J])))), power(SUM, 2)),
             "quotient_rule"),
        Step(mul(whole(frac(sp.exp(ZI[I]), SUM)), add(delta, neg(whole(frac(sp.exp(ZI[J]), SUM))))),
             "split_fraction"),
        Step(mul(YI[I], add(delta, neg(YI[J]))), "substitute_output"),
    )
    return Activation("softmax", "softmax", frac(sp.exp(ZI[I]), SUM), steps, None, elementwise=False)


def softmax_symbols() -> tuple[sp.Expr, sp.Expr, sp.Expr, sp.Expr]:
    """(z_i, z_j, y_i, y_j) as the softmax derivation writes them, for the printed derivative's left side."""
    return ZI[I], ZI[J], YI[I], YI[J]


_FACTORIES = {"sigmoid": _sigmoid, "tanh": _tanh, "relu": _relu, "linear": _linear, "softmax": _softmax,
              "step": _step}


@cache
def activation(name: str, slope: float = DEFAULT_LEAKY_SLOPE) -> Activation:
    """The registry entry of an activation (leaky_relu takes its slope for z <= 0)."""
    return _leaky_relu(slope) if name == "leaky_relu" else _FACTORIES[name]()
