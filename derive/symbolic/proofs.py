"""SymPy's proofs of every hand-written step: each form of an activation equals f(z), each step of its
derivation equals sp.diff's f'(z), the rewrite in terms of the output holds, and the simplified output
deltas (softmax with cross-entropy, sigmoid with binary cross-entropy: y - t) are right. The model
proves each activation it uses (`check_used`) before any of its forms is printed. A failed proof is an
AssertionError: a bug in derive, never a document."""
from __future__ import annotations

from functools import cache

import sympy as sp

from .activations import Activation, activation
from .forms import YI, ZI, I, J, N, Y, Z
from .losses import LOSSES


def check_used(act: Activation, size: int) -> None:
    """Prove what a layer of `size` neurons with activation `act` prints: its derivation, and for
    softmax its Jacobian at the layer's own size."""
    check_steps(act)
    if not act.elementwise:
        check_softmax(size)


def _vanishes(expr: sp.Expr, variables=(Z,)) -> bool:
    """Whether `expr` is identically 0. Written with exp (tanh rewritten), and with u = exp(v) > 0 for
    each variable v, it is usually a rational function of the u's and the other symbols, and cancelling
    it to lowest terms decides (much faster than sp.simplify, which also imports sympy.physics.units);
    anything else (a Piecewise of relu, a log) goes to sp.simplify."""
    written = expr.rewrite(sp.exp)
    if written == 0:
        return True
    us = sp.symbols(f"u1:{len(variables) + 1}", positive=True)
    rational = written.subs({sp.exp(v): u for v, u in zip(variables, us)})
    if rational.has(sp.exp, sp.log, sp.Piecewise, sp.Heaviside, sp.Abs, sp.Max, sp.Min, sp.sign):
        return sp.simplify(written) == 0
    return sp.cancel(sp.together(rational)) == 0


@cache
def check_softmax(size: int) -> None:
    """Prove every softmax step, and d y_k / d z_n = y_k (delta_kn - y_n), for a layer of `size` outputs.

    Softmax is symmetric in its inputs (relabelling the z's permutes the y's alike), so a step proved
    for (i, j) = (1, 1) and (1, 2) holds for every i = j and every i != j."""
    zs = [ZI[m] for m in range(1, size + 1)]
    f = sp.exp(zs[0]) / sum(sp.exp(z) for z in zs)
    outputs = {YI[m]: sp.exp(zs[m - 1]) / sum(sp.exp(z) for z in zs) for m in range(1, size + 1)}
    for j in range(1, min(size, 2) + 1):
        at = {N: size, I: 1, J: j}
        for step in activation("softmax").steps:
            form = step.expr.xreplace(at).doit().xreplace(outputs)
            if not _vanishes(form - sp.diff(f, zs[j - 1]), zs):
                raise AssertionError(f"the derivation of softmax' is wrong at {step.note} (i=1, j={j})")


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
    if not _vanishes(sp.diff(loss, Z) - (y - t)):
        raise AssertionError("sigmoid with binary cross-entropy does not give y - t")


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
        if not _vanishes(difference):
            raise AssertionError(f"the derivation of {act.name}' is wrong at {what}")


@cache
def check_loss(name: str, size: int) -> None:
    """Prove that the loss's hand-written derivative equals SymPy's derivative of its term, for a layer
    of `size` outputs."""
    loss = LOSSES[name]
    t, y = sp.Symbol("t"), sp.Symbol("y", positive=True)
    shown = loss.derivative(t, y, size).doit()
    if not _vanishes(shown - sp.diff(loss.term(t, y, size).doit(), y), ()):
        raise AssertionError(f"the derivative of the {name} loss is wrong")
