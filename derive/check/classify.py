"""derive check: find the numbers of a hand-written walkthrough that do not follow from its network.

Every decimal number of the document is classified against the network's quantities
(derive.check.quantities):

- known: a quantity, right to the digits written; rounding: off by one in the last digit;
- consistent: not a quantity, but inside an arithmetic chain whose equalities hold (a partial sum);
- suspicious: anything else, reported with the quantity it most likely meant (the one the left-hand
  side names, e.g. out_h2, when the number is that equation's result; else the nearest value).

Equalities between numeric sides of display maths (0.1 x 0.1 + 0.2 x 0.2 = 0.05) are evaluated with
SymPy's LaTeX parser and reported when they do not hold, even when every operand is right.
"""
from __future__ import annotations

import bisect
import dataclasses
import math
import re
from dataclasses import dataclass

from ..errors import UsageError
from ..spec import Spec
from ..tolerance import Tolerance
from . import reading
from .causes import Cause
from .causes import causes as mistakes_behind
from .causes import precision as text_precision
from .quantities import Index, Quantity, quantities, trained_as_told
from .reading import BrokenEquality, Chain

_MATRIX = re.compile(r"\\begin\{[a-zA-Z]*matrix\*?\}")
MAX_BYTES = 20_000_000  # a walkthrough longer than this is refused unread (100,000 numbers take seconds)
NEAR = 0.02  # relative: a wrong operand within 2% of a quantity is taken to mean it


@dataclass(frozen=True)
class Found:
    """One decimal number of the document and its verdict."""

    line: int
    column: int
    text: str
    value: float
    decimals: int
    verdict: str  # known | rounding | consistent | suspicious | consequence (of an earlier wrong number)
    meant: str | None = None  # the quantity's key (derive.keys)
    true: float | None = None
    context: str = ""  # the equation's left-hand side, as written
    cause: str = ""  # for a consequence: line:column of the wrong number it follows from
    spread: float = 0.0  # the quantity's (Quantity.spread): a trained number, compared within its rounding


@dataclass(frozen=True)
class Skipped:
    """A number the document writes that is not a value: an equation's label, a section's number."""

    line: int
    column: int
    text: str
    reason: str  # label | section


@dataclass(frozen=True)
class Report:
    source: str
    numbers: tuple[Found, ...]
    equalities: tuple[BrokenEquality, ...]
    samples: int = 1  # the network's samples (a report names the sample of a quantity when there are several)
    skipped: tuple[Skipped, ...] = ()  # listed in the report, never dropped silently
    tolerance: Tolerance | None = None
    causes: tuple[Cause, ...] = ()  # the mistakes that reproduce the wrong numbers (derive.check.causes)
    unexplained: int = 0  # wrong numbers that no mistake derive knows reproduces

    @property
    def precision(self) -> float | None:
        """The largest relative difference between a number taken for a quantity and its value: the
        precision the text appears to be computed at (None when no number was taken for one)."""
        taken = [abs(f.value - f.true) / abs(f.true) for f in self.numbers
                 if f.verdict in ("known", "rounding") and f.true and not f.spread]
        return max(taken) if taken else None

    @property
    def suspicious(self) -> tuple[Found, ...]:
        return tuple(f for f in self.numbers if f.verdict == "suspicious")

    @property
    def clean(self) -> bool:
        return not self.suspicious and not self.equalities and not any(f.verdict == "consequence"
                                                                       for f in self.numbers)


def check(spec: Spec, text: str, source: str = "<document>", rates: tuple[float, ...] = (),
          tolerance: Tolerance | None = None) -> Report:
    """Classify every decimal number of `text` against the network of `spec`; with `tolerance`, a number
    within it of a quantity is that quantity (a source computed in float32 is judged at its precision)."""
    text = reading.entities(text)  # HTML's &minus;0.5 is -0.5, at the same line and column
    known = Index(quantities(trained_as_told(spec, text), rates))
    starts = reading.line_starts(text)
    math_spans = _Spans((m.start(), m.end(), None) for m in reading.MATH.finditer(text))
    tags = _Spans((m.start(), m.end(), None) for m in reading.TAG.finditer(text))
    chains = list(reading.chains(text))
    sides = _Spans((a, b, (c, i)) for c in chains for i, (a, b, _) in enumerate(c.sides))
    given = frozenset(v for row in (*spec.inputs, *spec.targets) for v in row) | frozenset(
        p.value for p in spec.parameters()) | frozenset(r for r in (spec.learning_rate, *rates) if r is not None)
    consistent, broken, links = reading.evaluate(chains, starts, given)
    # the document's equation labels, (3.5): the same number in its prose refers to that equation
    labels = {re.search(r"\d+(?:\.\d+)+", m.group()).group() for m in reading.TAG.finditer(text)}
    found, skipped, offsets = [], [], []
    for m in reading.NUMBER.finditer(text):
        start = m.start()
        line, column = reading.position(starts, start)
        number = m.group()
        prose = not math_spans.at(start)
        reason = "label" if tags.at(start) or (prose and number in labels) else None
        if reason is None and prose and _names_a_part(text, starts[line - 1], start, number):
            reason = "section"
        share = reading.percent(text, m.end())
        verdict = None if reason else _verdict(text, m, line, column, known, sides.at(start), consistent, tolerance,
                                               share)
        if share and verdict and verdict.verdict not in ("known", "rounding"):
            reason = "percentage"  # a share of something the network does not compute (the error fell by 12%)
        if reason:
            skipped.append(Skipped(line, column, number + ("%" if share else ""), reason))
        else:
            found.append(verdict)
            offsets.append(start)
    found = _consequences(found, offsets, links)
    wrong = [f for f in found if f.verdict in ("suspicious", "consequence") and f.meant]
    named, unexplained = mistakes_behind(spec, wrong, rates, text_precision(found))
    return Report(source, tuple(found), tuple(broken), spec.samples, tuple(skipped), tolerance, named, unexplained)


def _verdict(text: str, m: re.Match, line: int, column: int, known: Index, side: tuple[Chain, int] | None,
             consistent: set[int], tolerance: Tolerance | None, share: bool) -> Found:
    """The verdict on the number `m` of `text`: a percentage (`share`) is its hundredth, and a negative exponent of
    e that is no quantity is read as the net input it negates (e^(-0.3775))."""
    number, start = m.group(), m.start()
    verdict = _classify(number, line, column, start, known, side, consistent, tolerance, 0.01 if share else 1.0)
    if verdict.verdict not in ("known", "rounding") and reading.in_exponent(text, start):
        verdict = _classify(number, line, column, start, known, None, consistent, tolerance, -1.0)
    return verdict


def _consequences(found: list[Found], offsets: list[int], links) -> list[Found]:
    """A wrong number that the written arithmetic gives from an earlier wrong number (0.6 x
    0.6592603884 + ... = 1.3783843861, after out_h2 = 0.6592603884 was wrong), or that writes an
    earlier wrong value of the same quantity again, is a consequence of that one, not a mistake of its
    own: verdict "consequence", `cause` where the first wrong number of its line of descent stands."""
    found = list(found)
    order = sorted(range(len(found)), key=lambda i: offsets[i])
    position = [offsets[i] for i in order]
    lefts = _Spans((right[0], right[1], left) for left, right in links)  # a right side -> the side before it
    root: dict[int, str] = {}
    first: dict[tuple[str | None, float], str] = {}
    for i in order:
        f = found[i]
        if f.verdict != "suspicious":
            continue
        left = lefts.at(offsets[i])
        before = order[bisect.bisect_left(position, left[0]):bisect.bisect_left(position, left[1])] if left else []
        wrong = [j for j in before if j in root]
        again = f.meant is not None and math.isfinite(f.value)  # a value beyond float64 names no quantity
        cause = root[wrong[0]] if wrong else first.get((f.meant, f.value)) if again else None
        if cause:
            found[i] = dataclasses.replace(f, verdict="consequence", cause=cause)
        root[i] = cause or f"{f.line}:{f.column}"
        if again:
            first.setdefault((f.meant, f.value), root[i])
    return found


# what a short number in prose names, when it is not a value: "Section 3.5", "Eq. 2.1", "第3.2节", "图 1.2"
_PART_BEFORE = re.compile(r"(?:§|\b(?:sections?|sec|chapters?|ch|eqs?|equations?|figures?|figs?|tables?|tab|steps?"
                          r"|parts?|appendix|lemma|theorem|definition|example|exercise|listing)\.?|第|[图表式节章例])"
                          r"\s*[(（]?\s*$", re.IGNORECASE)
_PART_AFTER = re.compile(r"\s*[节章式]")


def _names_a_part(text: str, line_start: int, start: int, number: str) -> bool:
    """Whether a prose number such as 3.5 numbers a section, an equation, a figure: a word for one
    stands right before it, or 节/章/式 right after it, or it opens a heading."""
    if not re.fullmatch(r"[1-9]\d*\.\d{1,2}", number):
        return False
    before = text[line_start:start]
    return bool(_PART_BEFORE.search(before) or _PART_AFTER.match(text, start + len(number))
                or re.fullmatch(r"\s*#+\s*", before))


# "trained for 1,000 iterations", "after 500 epochs", "迭代 1000 次", "1000次迭代"
class _Spans:
    """Non-overlapping spans (start, end, payload) of a text, and which one holds a position, by
    bisection: a document of 100,000 numbers is checked in linear time, not quadratic."""

    def __init__(self, spans):
        self.spans = sorted(spans, key=lambda span: span[0])
        self.starts = [span[0] for span in self.spans]

    def at(self, position: int):
        """The payload of the span holding `position` (True for a span without one), or None."""
        k = bisect.bisect_right(self.starts, position) - 1
        if k >= 0 and position < self.spans[k][1]:
            return self.spans[k][2] if self.spans[k][2] is not None else True
        return None


def _aligned_symbol(chain: Chain, index: int, start: int) -> tuple[str, bool] | None:
    """The symbol standing where the number at `start` stands, in an earlier side of the same shape
    (0.6 x 0.6592603884 under w_6 . out_h2 -> out_h2), and whether a minus sign stands before it there
    (e^{-0.6} under e^{-in_h1}: the number's own sign is the formula's)."""
    a, b, raw = chain.sides[index]
    atoms = reading.atoms(raw)
    position = next((i for i, (x, y, _) in enumerate(atoms) if a + x <= start < a + y), None)
    if position is None:
        return None
    matrix = _MATRIX.search(raw) is not None
    for earlier in reversed(chain.sides[:index]):
        symbols = reading.atoms(earlier[2])
        if (_MATRIX.search(earlier[2]) is not None) != matrix:
            continue  # a matrix's cells line up with no symbol of a side without one (J^T grad E)
        if len(symbols) == len(atoms) and not re.fullmatch(r"-?\d+(\.\d+)?", symbols[position][2]):
            x = symbols[position][0]
            return symbols[position][2], earlier[2][:x].rstrip().endswith("-")
    return None


def _text_before(chain: Chain, index: int, start: int) -> str:
    """The side's text before the number at `start`."""
    a, _, raw = chain.sides[index]
    return raw[:start - a]


def _classify(number: str, line: int, column: int, start: int, known: Index, found: tuple[Chain, int] | None,
              consistent: set[int], tolerance: Tolerance | None = None, scale: float = 1.0) -> Found:
    """The verdict on one number; `found` is the equation side it stands in (its chain and index);
    `scale`: what the written number is multiplied by (0.01 for a percentage)."""
    value, last = reading.parse_number(number)
    value, last = value * scale, last * abs(scale)
    decimals = reading.decimals(number)
    # a number is right within half a unit of its last digit, or within the tolerance asked for
    half = max(0.5 * last, tolerance.absolute(value) if tolerance and math.isfinite(value) else 0.0)
    chain, index = found if found else (None, -1)
    if not math.isfinite(value) or last == 0:  # beyond float64 (1.5e309, 1.5e-400): no quantity is that
        return Found(line, column, number, value, decimals, "suspicious", context=chain.lhs if chain else "")
    base = Found(line, column, number, value, decimals, "known", context=chain.lhs if chain else "")
    exact = known.within(value, half * 1.0000001)
    # what the number stands for: the left-hand side when it is the equation's result, else the symbol
    # at its place in an earlier side of the same shape
    named: list[Quantity] = []
    operand = False  # a number inside an expression (its symbol is a guess), not an equation's result
    if chain is not None:
        if re.fullmatch(r"-?\d+\.\d+", reading.clean(chain.sides[index][2])):
            named = known.named(chain.lhs)
        else:
            aligned = _aligned_symbol(chain, index, start)
            if aligned is not None:
                symbol, negated = aligned
                named, operand = known.named(symbol), True
                base = dataclasses.replace(base, context=symbol)
                own_sign = not re.search(r"-\s*((\\left\s*)?\(\s*)*$", _text_before(chain, index, start))
                if negated and number.startswith("-") and own_sign:
                    value = -value  # the value the document claims for the symbol
                    base = dataclasses.replace(base, value=value)
                    exact = known.within(value, half * 1.0000001)
    nearest = known.nearest(value)
    near = abs(nearest.value - value) <= NEAR * max(abs(nearest.value), 1e-12)
    if operand and named and near and all(abs(q.value - value) > 0.5 * max(abs(q.value), 1e-12) for q in named):
        named = []  # the symbol's quantity is far off and another is close: the number is more likely that one
    if named and not any(q in named for q in exact):
        q = min(named, key=lambda q: abs(q.value - value))
        verdict = "rounding" if abs(q.value - value) <= 1.5 * last else "suspicious"
        return dataclasses.replace(base, verdict=verdict, meant=q.key, true=q.value)
    if exact:
        q = next((q for q in exact if q in named), None) or min(exact, key=lambda q: abs(q.value - value))
        return dataclasses.replace(base, meant=q.key, true=q.value, spread=q.spread)
    close = known.within(value, 1.5 * last)
    if close:
        q = min(close, key=lambda q: abs(q.value - value))
        return dataclasses.replace(base, verdict="rounding", meant=q.key, true=q.value)
    if start in consistent and not near:
        return dataclasses.replace(base, verdict="consistent")
    return dataclasses.replace(base, verdict="suspicious", meant=nearest.key, true=nearest.value)


def parse_rates(text: str | None) -> tuple[float, ...]:
    if not text:
        return ()
    try:
        rates = tuple(float(part) for part in text.split(","))
    except ValueError:
        raise UsageError(f"--lr: expected comma-separated learning rates such as 0.5,0.1, got {text!r}") from None
    if not all(math.isfinite(r) and r > 0 for r in rates):
        raise UsageError(f"--lr: expected positive learning rates, got {text!r}")
    return rates
