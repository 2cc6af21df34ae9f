"""Numbers for symbolic expressions, in extended precision.

A document's numbers are the values of its SymPy expressions at the sample's numbers. They are
computed with 1200-bit floats (mpmath, about 360 significant digits), and every computed value keeps
that precision while later expressions use it, so a difference of nearly equal numbers keeps its
digits: a saturated output 1 - 3.6e-11 gives 1 - out, out - t and ln(out) right to the last digit
shown, where float64 would leave five wrong. Values become float64 (derive.ir holds plain floats)
when they are shown, rounded once from the precise value.

Sums, products, powers, exp, log and tanh are computed directly (a net input of 785 terms in a few
milliseconds); anything else (a Piecewise, a Heaviside) is handed to SymPy at the same precision.
"""
from __future__ import annotations

import math

import mpmath
import sympy as sp

from .kept import on_forget

# Enough for every difference float64 can hold, with its own digits: 1 - sigmoid(745) = 5e-324 is 2^-1075,
# and a 1200-bit float keeps 125 bits below it. (It costs a few percent of a derivation's time over 160
# bits: the time goes into SymPy and LaTeX, not into arithmetic.)
PRECISION = 1200  # bits
_MP = mpmath.MPContext()
_MP.prec = PRECISION
_MPF = _MP.mpf

_FUNCTIONS = {sp.exp: _MP.exp, sp.log: _MP.log, sp.tanh: _MP.tanh}


def precise(expr: sp.Expr, env: dict):
    """The value of `expr` with each symbol's value from `env` (floats or values this function
    returned), as an extended-precision float (an mpmath mpf)."""
    if expr.is_Symbol:
        value = env[expr]
        return value if type(value) is _MPF else _MP.mpf(value)  # an mpf is immutable: shared as it is
    if expr.is_Rational:
        return _MP.mpf(expr.p) / expr.q
    if expr.is_Number:
        return _MP.mpf(float(expr))
    args = expr.args
    try:
        if expr.is_Add:
            return _MP.fsum(precise(a, env) for a in args)
        if expr.is_Mul:  # as _MP.fprod multiplies (each product rounded to PRECISION), without its overhead
            value = precise(args[0], env)
            for a in args[1:]:
                value = value * precise(a, env)
            return value
        function = _FUNCTIONS.get(expr.func) if not expr.is_Pow else None
        if expr.is_Pow or function is not None:
            operands = [precise(a, env) for a in args]
            if expr.func is sp.log and operands[0] <= 0:
                raise ZeroDivisionError("log of a number not above 0")
            value = operands[0] ** operands[1] if expr.is_Pow else _applied(function, operands[0])
            if isinstance(value, _MP.mpf):
                return value
    except ZeroDivisionError:
        pass  # SymPy says what a pole is worth
    return _by_sympy(expr, env)


MAX_APPLIED = 1 << 14
# (function, operand) -> its value: a document evaluates a neuron's exp(-in) in its output, its
# derivative's forms and the loss after the step, each at 1200 bits (the costliest step of `precise`)
_APPLIED: dict = {}
on_forget(_APPLIED.clear)


def _applied(function, x):
    """function(x), kept for the last operands asked."""
    key = (function, x)
    found = _APPLIED.get(key)
    if found is None:
        if len(_APPLIED) >= MAX_APPLIED:
            _APPLIED.clear()
        found = _APPLIED[key] = function(x)
    return found


def _by_sympy(expr: sp.Expr, env: dict):
    digits = int(_MP.prec * 0.30103)
    at = {symbol: sp.Float(_MP.mpf(env[symbol]), digits) for symbol in expr.free_symbols}
    value = expr.xreplace(at).evalf(digits)
    if value.is_Float:
        return _MP.mpf(value._mpf_)
    return _MP.mpf(float(value))  # TypeError for zoo or a complex number: no float stands for it


_FLOAT_FUNCTIONS = {sp.exp: math.exp, sp.log: math.log, sp.tanh: math.tanh}


def rough(expr: sp.Expr, env: dict) -> float | None:
    """The value of `expr` in plain float64, or None where float64 cannot say (an overflow, a log of 0,
    a form it does not know): a quick estimate where a few digits are all that matter."""
    try:
        return _rough(expr, env)
    except (ArithmeticError, ValueError, TypeError, KeyError):
        return None


def _rough(expr: sp.Expr, env: dict) -> float:
    if expr.is_Symbol:
        return float(env[expr])
    if expr.is_Number:
        return float(expr)
    if expr.is_Add:
        return math.fsum(_rough(a, env) for a in expr.args)
    if expr.is_Mul:
        return math.prod(_rough(a, env) for a in expr.args)
    if expr.is_Pow:
        base, exponent = _rough(expr.args[0], env), _rough(expr.args[1], env)
        return float(base ** exponent) if base > 0 or exponent.is_integer() else math.nan
    function = _FLOAT_FUNCTIONS.get(expr.func)
    if function is None:
        raise TypeError(expr.func)
    return function(_rough(expr.args[0], env))
