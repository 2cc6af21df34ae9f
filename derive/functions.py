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
from typing import Callable

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
        """f'(z) as SymPy differentiates it."""
        return sp.diff(self.expr, Z).xreplace({Z: z})

    def derivative_from_output(self, y: sp.Expr) -> sp.Expr | None:
        """The verified rewrite of f'(z) in terms of the output y, or None."""
        if self.in_terms_of_output is None:
            return None
        check_steps(self)
        return self.in_terms_of_output.xreplace({Y: y})

    def outputs(self, nets: tuple[sp.Symbol, ...]) -> tuple[sp.Expr, ...]:
        """The outputs of a whole layer from its net inputs."""
        if self.elementwise:
            return tuple(self(net) for net in nets)
        exps = [sp.exp(net) for net in nets]
        total = add(*exps) if len(exps) > 1 else exps[0]
        return tuple(frac(e, total) for e in exps)

    def jacobian_from_outputs(self, k: int, n: int, outs: tuple[sp.Symbol, ...]) -> sp.Expr | None:
        """d out_k / d in_n written with the outputs (softmax: out_k (delta_kn - out_n)), verified by SymPy."""
        if self.elementwise:
            return self.derivative_from_output(outs[n]) if k == n else sp.Integer(0)
        check_softmax(len(outs))
        return mul(outs[k], add(1, neg(outs[n]))) if k == n else neg(mul(outs[k], outs[n]))


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


_I, _J, _K, _N = sp.symbols("i j k n", integer=True, positive=True)
_ZI = sp.IndexedBase("z")
_YI = sp.IndexedBase("y")
_SUM = sp.Sum(sp.exp(_ZI[_K]), (_K, 1, _N))


def _softmax() -> Activation:
    """y_i = e^{z_i} / sum_k e^{z_k}; its derivation is proved by `check_softmax` for concrete layer sizes."""
    delta = sp.KroneckerDelta(_I, _J)
    steps = (
        Step(frac(add(mul(delta, sp.exp(_ZI[_I]), _SUM), neg(mul(sp.exp(_ZI[_I]), sp.exp(_ZI[_J])))), power(_SUM, 2)),
             "quotient_rule"),
        Step(mul(whole(frac(sp.exp(_ZI[_I]), _SUM)), add(delta, neg(whole(frac(sp.exp(_ZI[_J]), _SUM))))),
             "split_fraction"),
        Step(mul(_YI[_I], add(delta, neg(_YI[_J]))), "substitute_output"),
    )
    return Activation("softmax", "softmax", frac(sp.exp(_ZI[_I]), _SUM), steps, None, elementwise=False)


def softmax_symbols() -> tuple[sp.Expr, sp.Expr, sp.Expr, sp.Expr]:
    """(z_i, z_j, y_i, y_j) as the softmax derivation writes them, for the printed derivative's left side."""
    return _ZI[_I], _ZI[_J], _YI[_I], _YI[_J]


_FACTORIES = {"sigmoid": _sigmoid, "tanh": _tanh, "relu": _relu, "linear": _linear, "softmax": _softmax,
              "step": _step}
ACTIVATION_NAMES = ("sigmoid", "tanh", "relu", "leaky_relu", "linear", "softmax", "step")
FORWARD_ONLY = ("step",)  # no useful derivative: a forward pass only
DEFAULT_LEAKY_SLOPE = 0.01


@cache
def activation(name: str, slope: float = DEFAULT_LEAKY_SLOPE) -> Activation:
    """The registry entry of an activation (leaky_relu takes its slope for z <= 0)."""
    return _leaky_relu(slope) if name == "leaky_relu" else _FACTORIES[name]()


def _vanishes(expr: sp.Expr, zs) -> bool:
    """Whether an expression in exp(z_1), ..., exp(z_n) is identically 0: with u_m = exp(z_m) > 0 it is
    a rational function of the u's, and cancelling it to lowest terms decides (faster than simplify)."""
    us = sp.symbols(f"u1:{len(zs) + 1}", positive=True)
    rational = expr.subs({sp.exp(z): u for z, u in zip(zs, us)})
    if rational.has(sp.exp, sp.log):
        return sp.simplify(expr) == 0
    return sp.cancel(sp.together(rational)) == 0


@cache
def check_softmax(size: int) -> None:
    """Prove every softmax step, and d y_k / d z_n = y_k (delta_kn - y_n), for a layer of `size` outputs.

    Softmax is symmetric in its inputs (relabelling the z's permutes the y's alike), so a step proved
    for (i, j) = (1, 1) and (1, 2) holds for every i = j and every i != j."""
    zs = [_ZI[m] for m in range(1, size + 1)]
    act = activation("softmax")
    for i in (1,):
        f = sp.exp(zs[i - 1]) / sum(sp.exp(z) for z in zs)
        for j in range(1, min(size, 2) + 1):
            at = {_N: size, _I: i, _J: j}
            outputs = {_YI[m]: sp.exp(zs[m - 1]) / sum(sp.exp(z) for z in zs) for m in range(1, size + 1)}
            for step in act.steps:
                form = step.expr.xreplace(at).doit().xreplace(outputs)
                if not _vanishes(form - sp.diff(f, zs[j - 1]), zs):
                    raise AssertionError(f"the derivation of softmax' is wrong at {step.note} (i={i}, j={j})")


@cache
def check_softmax_cross_entropy(size: int) -> None:
    """Prove that with softmax outputs, cross-entropy and targets summing to 1, dE/dz_n = y_n - t_n.

    By the chain rule dE/dz_n = sum_k dE/dy_k * dy_k/dz_n, with dE/dy_k by SymPy and the Jacobian
    dy_k/dz_n = y_k (delta_kn - y_n) proved by `check_softmax`; the sum must expand to y_n - t_n once
    the last target is 1 minus the others. The others are symmetric, so the first and the last n
    stand for all of them."""
    check_softmax(size)
    ys = sp.symbols(f"y1:{size + 1}", positive=True)
    ts = list(sp.symbols(f"t1:{size}")) + [1 - sum(sp.symbols(f"t1:{size}"))]
    loss = -sum(t * sp.log(y) for t, y in zip(ts, ys))
    for n in sorted({0, size - 1}):
        chain = sum(sp.diff(loss, ys[k]) * ys[k] * ((1 if k == n else 0) - ys[n]) for k in range(size))
        if sp.expand(chain - (ys[n] - ts[n])) != 0:
            raise AssertionError("softmax with cross-entropy does not give y - t")


@cache
def check_sigmoid_bce() -> None:
    """Prove that with a sigmoid output and binary cross-entropy, dE/dz = y - t."""
    t = sp.Symbol("t")
    y = 1 / (1 + sp.exp(-Z))
    loss = -(t * sp.log(y) + (1 - t) * sp.log(1 - y))
    if sp.simplify(sp.diff(loss, Z) - (y - t)) != 0:
        raise AssertionError("sigmoid with binary cross-entropy does not give y - t")


SIMPLIFIED_DELTA = {("softmax", "cross_entropy"), ("sigmoid", "bce")}  # output delta = out - t


@cache
def check_steps(act: Activation) -> None:
    """Prove with SymPy that every form equals f(z), every step equals f'(z), and the rewrite holds."""
    if not act.elementwise:
        for size in range(1, 4):  # the network's own layer size is proved where the Jacobian is used
            check_softmax(size)
        return
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
    """A loss over one sample: E = sum over the n outputs of term(t, y, n), each term kept as written."""

    name: str
    term: Callable[[sp.Expr, sp.Expr, int], sp.Expr]
    needs: str | None = None  # the output activation the loss requires (probabilities), or None


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
    "bce": Loss("bce", _binary_cross_entropy, needs="sigmoid"),
    "cross_entropy": Loss("cross_entropy", _cross_entropy, needs="softmax"),
}
