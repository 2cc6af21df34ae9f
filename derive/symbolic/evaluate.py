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

from .kept import kept, on_forget

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
    return _compiled(expr)(env)


def _value(value):
    return value if type(value) is _MPF else _MP.mpf(value)  # an mpf is immutable: shared as it is


@kept(1 << 14)
def _compiled(expr: sp.Expr):
    """`_compile(expr)`, kept: an expression is evaluated again with each variant's numbers."""
    return _compile(expr)


def _compile(expr: sp.Expr):
    """`expr` as a function of `env` giving its value. Sums, products, powers, exp, log and tanh are
    computed directly; anything else, and a node where one of those meets a pole, is handed to SymPy
    at the same precision."""
    if expr.is_Symbol:
        return lambda env: _value(env[expr])
    if expr.is_Rational or expr.is_Number:
        constant = _MP.mpf(expr.p) / expr.q if expr.is_Rational else _MP.mpf(float(expr))
        return lambda env: constant
    parts = tuple(_compile(a) for a in expr.args)
    if expr.is_Add:
        return _guarded(expr, lambda env: _MP.fsum([part(env) for part in parts]))
    if expr.is_Mul:
        first, rest = parts[0], parts[1:]

        def product(env):  # as _MP.fprod multiplies (each product rounded to PRECISION), without its overhead
            value = first(env)
            for part in rest:
                value = value * part(env)
            return value
        return _guarded(expr, product)
    if expr.is_Pow:
        base, exponent = parts
        return _guarded(expr, lambda env: base(env) ** exponent(env))
    function = _FUNCTIONS.get(expr.func)
    if function is not None:
        argument, = parts
        if expr.func is sp.log:
            def logarithm(env):
                x = argument(env)
                if x <= 0:
                    raise ZeroDivisionError("log of a number not above 0")
                return _applied(function, x)
            return _guarded(expr, logarithm)
        return _guarded(expr, lambda env: _applied(function, argument(env)))
    return lambda env: _by_sympy(expr, env)


def _guarded(expr: sp.Expr, compute):
    """`compute`, handing `expr` to SymPy where it meets a pole or gives no real number."""
    def value(env):
        try:
            found = compute(env)
            if isinstance(found, _MPF):
                return found
        except ZeroDivisionError:
            pass  # SymPy says what a pole is worth
        return _by_sympy(expr, env)
    return value


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
        return _roughly(expr)(env)
    except (ArithmeticError, ValueError, TypeError, KeyError):
        return None


@kept(1 << 14)
def _roughly(expr: sp.Expr):
    """`_rough(expr)`, kept (as `_compiled`)."""
    return _rough(expr)


def _rough(expr: sp.Expr):
    """`expr` as a function of `env` giving its float64 value; a form float64 does not know gives a
    function that raises TypeError."""
    if expr.is_Symbol:
        return lambda env: float(env[expr])
    if expr.is_Number:
        constant = float(expr)
        return lambda env: constant
    parts = tuple(_rough(a) for a in expr.args)
    if expr.is_Add:
        return lambda env: math.fsum([part(env) for part in parts])
    if expr.is_Mul:
        return lambda env: math.prod([part(env) for part in parts])
    if expr.is_Pow:
        base_of, exponent_of = parts

        def power(env):
            base, exponent = base_of(env), exponent_of(env)
            return float(base ** exponent) if base > 0 or exponent.is_integer() else math.nan
        return power
    function = _FLOAT_FUNCTIONS.get(expr.func)
    if function is None:
        def unknown(env):
            raise TypeError(expr.func)
        return unknown
    argument, = parts
    return lambda env: function(argument(env))
