"""Reading a walkthrough: its decimal numbers, its equations and their sides, the symbols and numbers
of a side, and the arithmetic of numeric sides (SymPy's LaTeX parser). Used by derive check.
"""
from __future__ import annotations

import bisect
import dataclasses
import functools
import html
import re
from dataclasses import dataclass

import sympy as sp
from sympy.parsing.latex import parse_latex


@dataclass(frozen=True)
class BrokenEquality:
    line: int
    left: str
    right: str
    left_value: float
    right_value: float
    odd: str | None = None  # left | right: the side that disagrees with the rest of its chain, when one does


# A written number: a decimal (0.85, .85, 1,234.5678) or a mantissa with a power of ten (3.5e-5, 3.5E-05,
# 3e-5, 3.5 \times 10^{-5}, 3.5 × 10^-5). Not part of a word or of a longer number (1.2.3); a full stop
# after it ends its sentence, and a Chinese character beside it is not a letter of it (0.1左右).
_TIMES_TEN = r"\s*(?:\\times|\\cdot|×|·)\s*10\^\{?[-−]?\d+\}?"
NUMBER = re.compile(
    r"(?<![\d.])(?<!\d,)[-−]?"
    rf"(?:(?:\d{{1,3}}(?:,\d{{3}})+|\d+)?\.\d+(?:{_TIMES_TEN}|[eE][-+]?\d+)?|\d+[eE][-+]?\d+)"
    r"(?![A-Za-z0-9_])(?!\.\d)(?!,\d{3})")
_SCALE = re.compile(r"(?:\\times|\\cdot|×|·)\s*10\^\{?([-−]?\d+)\}?|[eE]([-+]?\d+)")
_MANTISSA = re.compile(r"[-−]?[\d,]*(?:\.(\d+))?")
TAG = re.compile(r"[（(]\s*[1-9]\d*(?:\.\d+)+\s*式?\s*[)）]")  # (5.16), (5.24式): an equation's label
MATH = re.compile(r"\$\$.*?\$\$|\$[^$\n]+\$|\\begin\{(align\*?|aligned|equation\*?)\}.*?\\end\{\1\}|\\\[.*?\\\]", re.S)


_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_PERCENT = re.compile(r"\s?(?:%|％|\\%)")


def entities(text: str) -> str:
    """The text with each HTML character reference (&minus;, &#8722;, &#x2212;, &nbsp;) decoded in
    place, padded with spaces before it to the reference's length, so that every offset, line and
    column stays the text's own and a minus sign stands right before its number."""
    def decoded(match: re.Match) -> str:
        char = html.unescape(match.group())
        if len(char) != 1:  # not a reference html knows: left as written
            return match.group()
        char = " " if char.isspace() else char
        return " " * (len(match.group()) - 1) + char

    return _ENTITY.sub(decoded, text)


_EXPONENT = re.compile(r"(?:\be\s*\^\s*[({]?|\\?exp\s*(?:\\left)?\s*[({])\s*$")


def in_exponent(text: str, start: int) -> bool:
    """Whether the number at `start` is a negative exponent of e (e^(-0.3775), e^{-0.38}, exp(-0.38),
    \\exp\\left(-0.38): a net input, negated, in a sigmoid written out)."""
    return text[start] in "-−" and _EXPONENT.search(text, max(0, start - 12), start) is not None


def percent(text: str, end: int) -> bool:
    """Whether the number ending at `end` is a percentage (12.5%, 12.5 %, 12.5％, 12.5\\%)."""
    return _PERCENT.match(text, end) is not None


def line_starts(text: str) -> list[int]:
    """The offset at which each line starts."""
    return [0] + [m.end() for m in re.finditer(r"\n", text)]


def position(starts: list[int], offset: int) -> tuple[int, int]:
    line = bisect.bisect_right(starts, offset) - 1
    return line + 1, offset - starts[line] + 1


def decimals(text: str) -> int:
    """Digits after the point of the mantissa (0 for 3e-5)."""
    return len(_MANTISSA.match(text).group(1) or "")


def parse_number(text: str) -> tuple[float, float]:
    """A written number's value and the size of one unit in its last written digit."""
    mantissa = _MANTISSA.match(text).group().replace(",", "").replace("−", "-")
    scale = _SCALE.search(text)
    exponent = int(next(g for g in scale.groups() if g is not None).replace("−", "-")) if scale else 0
    # float() of the text, not 10.0 ** exponent: 1.5e309 is inf (beyond float64), not an OverflowError
    return float(f"{mantissa}e{exponent}"), float(f"1e{exponent - decimals(text)}")


@dataclass(frozen=True)
class Chain:
    """One equation: its left-hand side and its right-hand sides, each as (start, end, text) in the text."""

    lhs: str
    sides: tuple[tuple[int, int, str], ...]
    head: tuple[int, int, str] | None = None  # the left-hand side's own span (evaluated too when numeric)


_MATRIX_EDGE = re.compile(r"\\(begin|end)\{[a-zA-Z]*matrix\*?\}")


def _split(text: str, a: int, b: int, separator: str) -> list[tuple[int, int]]:
    """Spans of text[a:b] between the separators that sit outside braces, brackets, parentheses and
    matrices (a bmatrix's rows end with \\\\ too, but they are one matrix, not aligned equations)."""
    spans, depth, start, i = [], 0, a, a
    while i < b:
        c = text[i]
        edge = _MATRIX_EDGE.match(text, i) if c == "\\" else None
        if edge:
            depth += 1 if edge.group(1) == "begin" else -1
            i = edge.end()
            continue
        if c in "{([":
            depth += 1
        elif c in "})]":
            depth -= 1
        elif depth == 0 and text.startswith(separator, i):
            spans.append((start, i))
            start = i + len(separator)
            i = start
            continue
        i += 1
    spans.append((start, b))
    return spans


def chains(text: str):
    """Every equation of the maths: an aligned block's rows that start with = continue the equation
    above them; "a = 1, b = 2" is two equations."""
    for m in MATH.finditer(text):
        chains: list[Chain] = []
        for row_a, row_b in _split(text, m.start(), m.end(), "\\\\"):
            pieces = _split(text, row_a, row_b, ",")
            merged: list[tuple[int, int]] = []
            for a, b in pieces:  # a comma starts a new equation only when an "=" follows it
                if merged and "=" not in text[a:b]:
                    merged[-1] = (merged[-1][0], b)
                else:
                    merged.append((a, b))
            for a, b in merged:
                cuts = [a + e.start() for e in re.finditer("=", text[a:b])]
                if not cuts:
                    continue
                bounds = [a, *cuts, b]
                sides = tuple((x + (1 if i else 0), y, text[x + (1 if i else 0):y])
                              for i, (x, y) in enumerate(zip(bounds, bounds[1:])))
                lhs = clean(sides[0][2])
                if not lhs and chains:
                    chains[-1] = dataclasses.replace(chains[-1], sides=chains[-1].sides + sides[1:])
                else:
                    chains.append(Chain(lhs, sides[1:], sides[0]))
        yield from chains


_LAYOUT = "cdot|times|frac|dfrac|left|right|qquad|quad|partial|big|Big"  # commands that are not symbols
_OPERATORS = f"{_LAYOUT}|begin|end|rm|mathrm|text"
_ATOM = re.compile(r"-?\d+(?:\.\d+)?(?:\s*10\^\{-?\d+\})?"  # a number (with the 10^{n} of a written x 10^{n})
                   r"|\{\\rm\s*[A-Za-z]+\}(?:_\{(?:[^{}]|\{[^{}]*\})*\})?"
                   rf"|\\(?!(?:{_OPERATORS})(?![a-zA-Z]))[a-zA-Z]+(?:_\{{(?:[^{{}}]|\{{[^{{}}]*\}})*\}}|_\w)?"
                   r"|[A-Za-z](?:_\{(?:[^{}]|\{[^{}]*\})*\}|_\w)?")


_BRACED = r"\{(?:[^{}]|\{(?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*\})*\}"  # {...} nested up to 4 deep
_PARTIAL = rf"\{{\s*\\partial(?:[^{{}}]|{_BRACED})*\}}"  # {\partial ...}
_DERIVATIVE = re.compile(rf"\\frac\s*{_PARTIAL}\s*{_PARTIAL}")


def atoms(side: str) -> list[tuple[int, int, str]]:
    """The numbers and the symbols of a side, in order, with their spans in the side; a partial
    derivative dA/dB is one symbol."""
    found = [(m.start(), m.end(), m.group()) for m in _DERIVATIVE.finditer(side)]
    cleaned = _DERIVATIVE.sub(lambda m: " " * len(m.group()), side)
    cleaned = TAG.sub(lambda m: " " * len(m.group()), cleaned)
    cleaned = re.sub(rf"\\(begin|end)\{{[^{{}}]*\}}|\\({_LAYOUT})(?![a-zA-Z])", lambda m: " " * len(m.group()), cleaned)
    return sorted(found + [(m.start(), m.end(), m.group()) for m in _ATOM.finditer(cleaned)])


def clean(side: str) -> str:
    side = TAG.sub("", side)
    side = re.sub(r"\\(begin|end)\{[a-z*]+\}|\\\\|&|\\qquad|\\quad|\\ |\$", " ", side)
    return side.strip()


_ARITHMETIC = r"[\d.\s+\-*/()\[\]{}^,]*"
_NUMERIC_SIDE = re.compile(rf"^{_ARITHMETIC}(?:(?:\\times|\\cdot|\\frac|\\left|\\right|e){_ARITHMETIC})*$")


@functools.lru_cache(maxsize=4096)
def _parsed(text: str):
    """A side's arithmetic with its numbers as placeholders n_{0}, n_{1}, ..., parsed by SymPy's LaTeX
    parser, and its derivative by each placeholder; None when the parser cannot read it. The same
    arithmetic recurs with other numbers (every sample's a x b + c), so it is parsed once."""
    try:
        expr = parse_latex(text).xreplace({sp.Symbol("e"): sp.E})
        return expr, {symbol: expr.diff(symbol) for symbol in expr.free_symbols}
    except Exception:  # noqa: BLE001 - a side the parser cannot read is simply not checked
        return None


def value(side: str, given: frozenset[float] = frozenset()) -> tuple[float, float] | None:
    """A side made of numbers and arithmetic only, evaluated by SymPy's LaTeX parser: its value, and
    how far the rounding of its written numbers (half a unit in each one's last digit; none for the
    spec's own numbers in `given`, which are exact) can move it. None for a side with symbols or one
    the parser cannot read."""
    text = clean(side)
    if not text or not re.search(r"\d", text) or not _NUMERIC_SIDE.match(text):
        return None
    values, halves = {}, {}

    def placeholder(m: re.Match) -> str:
        symbol = sp.Symbol(f"n_{{{len(values)}}}")
        values[symbol], unit = parse_number(m.group())
        halves[symbol] = 0.0 if values[symbol] in given else unit / 2
        return f"({symbol.name})"

    text = NUMBER.sub(placeholder, text).replace("[", "(").replace("]", ")").replace("*", r"\cdot ")
    parsed = _parsed(text)
    if parsed is None:
        return None
    expr, slopes = parsed
    if not expr.free_symbols <= set(values):
        return None  # a letter the parser read as a symbol: not a numeric side after all
    try:
        at = {symbol: sp.Float(number, 30) for symbol, number in values.items()}
        value = float(expr.xreplace(at).evalf(30))
        spread = sum(abs(float(slopes.get(symbol, sp.S.Zero).xreplace(at).evalf(30))) * halves[symbol]
                     for symbol in values)
    except Exception:  # noqa: BLE001 - a side that does not evaluate to a number is simply not checked
        return None
    return value, spread


def evaluate(chains: list[Chain], starts: list[int], given: frozenset[float]
             ) -> tuple[set[int], list[BrokenEquality], list[tuple[tuple[int, int], tuple[int, int]]]]:
    """Offsets of numbers inside sides whose equality with the next side holds (to within the
    rounding of the numbers written on both), the equalities that do not hold, and the spans of the
    two sides of each equality that holds (what a side's numbers follow from)."""
    consistent: set[int] = set()
    broken = []
    links = []
    for chain in chains:
        # a side that is one number is a result, rounded as written, even when it equals a number of the
        # spec (an update 1.3 - 1.6e-11 written as 1.3); the spec's numbers are exact as operands only
        # a left-hand side of arithmetic (2 \times 0.12 + 3 \times 0.23 = 0.85) is checked like any other
        sides = ((chain.head,) if chain.head else ()) + chain.sides
        values = [(value(raw, frozenset() if re.fullmatch(r"-?\d+\.\d+", clean(raw)) else given), a, b, raw)
                  for a, b, raw in sides]
        holds = [_holds(left, right, raw2) for (left, *_), (right, _, _, raw2) in zip(values, values[1:])]
        for i, ((left, a1, b1, raw1), (right, a2, b2, raw2)) in enumerate(zip(values, values[1:])):
            if holds[i] is None:
                continue
            if holds[i]:
                consistent.update(range(a1, b1))
                consistent.update(range(a2, b2))
                links.append(((a1, b1), (a2, b2)))
            else:
                line, _ = position(starts, a2)
                broken.append(BrokenEquality(line, clean(raw1), clean(raw2), left[0], right[0],
                                             _odd(holds, i, raw1, raw2)))
    return consistent, broken, links


def _odd(holds: list[bool | None], i: int, left: str, right: str) -> str | None:
    """Which side of the broken equality i of a chain is wrong, where the chain says: a written result
    against arithmetic (the arithmetic is what its operands give), else the side whose other neighbour
    disagrees with it too (a = b = c with a = b holding: c)."""
    bare = [bool(re.fullmatch(r"-?\d+\.\d+", clean(side))) for side in (left, right)]
    if bare[0] != bare[1]:
        return "left" if bare[0] else "right"
    if i and holds[i - 1]:
        return "right"
    if i + 1 < len(holds) and holds[i + 1]:
        return "left"
    return None


def _holds(left: tuple[float, float] | None, right: tuple[float, float] | None, raw: str) -> bool | None:
    """Whether two numeric sides are equal to within the rounding of the numbers written on them; None
    when either is not numeric, or the right one is a bare integer (20 for 20.0000000031: rounded)."""
    if left is None or right is None or re.fullmatch(r"\s*-?\d+\s*", clean(raw)):
        return None
    (lv, lu), (rv, ru) = left, right
    return abs(lv - rv) <= (lu + ru) * 1.000001 + 1e-12 * max(abs(lv), abs(rv)) + 1e-300
