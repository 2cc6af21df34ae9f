"""Every number derive writes is formatted here: a document's significant digits (plain and LaTeX),
counts, the exact float64 text of machine-read files, a report's ten digits and a score's four
decimals; and the rule by which a sum that is zero within the rounding of its terms is shown as 0.
(The JSON view writes floats through the json module, which gives the same exact text.)"""
from __future__ import annotations

import math
import sys
from collections.abc import Iterable

DEFAULT_DIGITS = 10


def plain(value: float, digits: int = DEFAULT_DIGITS) -> str:
    """`value` to `digits` significant digits, trailing zeros dropped: 0.6, 0.6456563062, 1.136e-05;
    a value that is not an integer (beyond float64's noise) is never shown as one: more digits are
    taken until it is not."""
    if value == 0 or not math.isfinite(value):
        return "0" if value == 0 else repr(value)
    text = f"{value:.{digits}g}"
    # 0.99999999999990642 is not 1: shown as 1 it would make 1 x (1 - 1) = 9.4e-14. A value within a
    # few units of float64's last place of an integer (56.00000000000001) is that integer.
    while abs(value - round(value)) > 1e-15 * abs(value) and "e" not in text and float(text).is_integer() \
            and digits < 17:  # (9.087874234e+12 reads as no integer: its noise stays hidden)
        digits += 1
        text = f"{value:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    return text


def latex(value: float, digits: int = DEFAULT_DIGITS) -> str:
    """Like `plain`, with an exponent written as `\\times 10^{n}`."""
    text = plain(value, digits)
    if "e" in text:
        mantissa, exponent = text.split("e")
        return rf"{mantissa} \times 10^{{{exponent}}}"
    return text


def operand(value: float, digits: int = DEFAULT_DIGITS) -> str:
    """`latex`, parenthesized where it stands inside a larger expression (negative or with an exponent)."""
    return enclosed(latex(value, digits))


def enclosed(text: str) -> str:
    """A number's `latex` text as `operand` writes it."""
    return rf"\left({text}\right)" if text.startswith("-") or "\\times" in text else text


def count(n: int) -> str:
    """A count of things, with thousands separated: 13,002."""
    return f"{n:,}"


def exact(value: float) -> str:
    """The shortest text that reads back as exactly `value` (Moodle's answers and tolerances)."""
    return repr(float(value))


def general(value: float | None, digits: int = 10) -> str:
    """`value` to `digits` significant digits in Python's general format (derive check's report), or ""."""
    return "" if value is None else f"{value:.{digits}g}"


def share(value: float) -> str:
    """A share from 0 to 1 with four decimals (a grading score)."""
    return f"{value:.4f}"


def settled(total: float, terms: Iterable[float]) -> float:
    """`total`, the float sum of `terms`, or 0 when it is zero within the rounding of its terms (a
    structural zero, such as the sum of a softmax layer's deltas for a bias the layer shares, comes out
    as 1e-17 or so): the one rule by which a document shows such a result as 0."""
    terms = list(terms)
    bound = len(terms) * sys.float_info.epsilon * math.fsum(abs(t) for t in terms)
    return 0.0 if abs(total) <= bound else total


def shared_digits(value: float, others: Iterable[float], digits: int) -> int:
    """How many of `digits` significant digits `value` can be printed with when `others`, the same
    number from runs with rounding of their own, differ from it: one fewer than the digits it agrees
    to with the farthest of them (at least 1, and 1 where one of them diverged); `digits` when it
    agrees with all to more."""
    others = [other for other in others if other != value]
    if not others or not math.isfinite(value):
        return digits
    if not all(math.isfinite(other) for other in others):
        return 1  # a run of its own rounding diverged: not even the first digit is settled
    spread = max(abs(value - other) / max(abs(value), abs(other)) for other in others)
    return max(1, min(digits, math.floor(-math.log10(spread)) - 1))
