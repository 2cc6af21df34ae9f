"""derive check: find the numbers of a hand-written walkthrough that do not follow from its network.

Every quantity of the network comes from the NumPy engine (the one `derive doc` is verified
against), plus the small intermediate numbers walkthroughs write (each term of a net input, 1 - out,
e^-in, t - out, updates at other learning rates). Every decimal number of the document is then
classified:

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

import numpy as np

from . import numeric, reading
from .errors import UsageError
from .reading import BrokenEquality, Chain
from .spec import Spec

NEAR = 0.02  # relative: a wrong operand within 2% of a quantity is taken to mean it


@dataclass(frozen=True)
class Quantity:
    key: str
    name: str  # readable: out_h1, dE/dw5, w5+ (lr 0.5)
    value: float
    pattern: re.Pattern | None = None  # matches a normalized left-hand side that names this quantity


@dataclass(frozen=True)
class Found:
    """One decimal number of the document and its verdict."""

    line: int
    column: int
    text: str
    value: float
    decimals: int
    verdict: str  # known | rounding | consistent | suspicious
    meant: str | None = None  # the quantity's name
    true: float | None = None
    context: str = ""  # the equation's left-hand side, as written


@dataclass(frozen=True)
class Report:
    source: str
    numbers: tuple[Found, ...]
    equalities: tuple[BrokenEquality, ...]

    @property
    def suspicious(self) -> tuple[Found, ...]:
        return tuple(f for f in self.numbers if f.verdict == "suspicious")

    @property
    def clean(self) -> bool:
        return not self.suspicious and not self.equalities


# -- the quantities ---------------------------------------------------------------------------------

def _norm(text: str) -> str:
    """A left-hand side reduced to letters and digits: {\\rm out}_{h_2} -> outh2, \\sigma_{O_1} -> sigmao1."""
    text = re.sub(r"\^\{\(\d+\)\}", "", text)  # a sample's superscript: (E_o1)^{(2)}
    text = re.sub(r"\\(rm|mathrm|text|mathit|left|right|,|;|!|quad|qquad)\b", "", text)
    text = re.sub(r"\\(partial)", "d", text)
    text = re.sub(r"\\([a-zA-Z]+)", r"\1", text)
    return re.sub(r"[^0-9a-z+'总/]", "", text.lower())


def _label(label: str) -> str:
    return re.escape(_norm(label))


def quantities(spec: Spec, rates: tuple[float, ...] = ()) -> list[Quantity]:
    """Every quantity of one step of `spec` (and the updates at each rate in `rates`)."""
    values = numeric.quantities(spec)
    several = spec.samples > 1
    found: list[Quantity] = []

    def add(key: str, name: str, value: float, pattern: str | None = None):
        found.append(Quantity(key, name, float(value), re.compile(pattern) if pattern else None))

    for key, value in values.items():
        parts = key.split(":")
        sample = ""
        if parts[0].isdigit():
            sample = f" (sample {int(parts[0]) + 1})" if several else ""
            parts = parts[1:]
        kind, rest = parts[0], parts[1:]
        if kind in ("x", "t", "in", "out", "E", "delta", "dE/dout", "dout/din") and len(rest) == 1:
            label = rest[0]
            lab = _label(label)
            pattern = {"x": rf"^{lab}$", "t": rf"^(t|target|o)?{lab}$", "in": rf"^(in|net|z){lab}$",
                       "out": rf"^(out|a|y){lab}$", "E": rf"^e(out)?{lab}$", "delta": rf"^(delta|sigma){lab}$",
                       "dE/dout": rf"^fracde(总|total|tot)?dout{lab}$", "dout/din": rf"^fracdout{lab}din{lab}$"}[kind]
            name = {"dE/dout": f"dE/dout_{label}", "dout/din": f"dout_{label}/din_{label}"}.get(kind, f"{kind}_{label}")
            add(key, name + sample, value, pattern)
        elif kind == "dout/din" and len(rest) == 2:  # a softmax layer's Jacobian entry
            add(key, f"dout_{rest[0]}/din_{rest[1]}{sample}", value,
                rf"^fracdout{_label(rest[0])}din{_label(rest[1])}$")
        elif kind == "E" and not rest:
            add(key, f"E_total{sample}", value, r"^e(总|total|tot)?$")
        elif kind == "param":
            add(key, rest[0], value, rf"^{_label(rest[0])}$")
        elif kind == "grad":
            add(key, f"dE/d{rest[0]}", value, rf"^fracde(总|total|tot)?d{_label(rest[0])}$")
        elif kind == "updated":
            add(key, f"{rest[0]}+ (lr {spec.learning_rate:g})", value,
                rf"^{_label(rest[0])}(\+|'|new|\^\+|\^new)$")
        elif kind == "path":  # delta of rest[1] times the weight from rest[0]: dE_o1/dout_h1 for an output o1
            add(key, f"path {rest[0]}->{rest[1]}{sample}", value,
                rf"^fracde(out)?{_label(rest[1])}d(out)?{_label(rest[0])}$")
        elif kind == "lr":
            add(key, f"learning rate {value:g}", value, r"^(alpha|eta|lr)$")
        elif kind == "dE/dp":  # one sample's gradient
            add(key, f"dE/d{rest[0]}{sample}", value, rf"^fracde(总|total|tot)?d{_label(rest[0])}$")
        elif kind in ("din/dout", "din/dp", "l2", "m", "reg", "objective", "unit"):
            add(key, key, value)
    # the small steps walkthroughs write out
    for key, value in values.items():
        parts = key.split(":")
        if len(parts) == 3 and parts[1] == "out":
            add(f"{key}:complement", f"1 - out_{parts[2]}", 1.0 - value)
        if len(parts) == 3 and parts[1] == "in":
            add(f"{key}:exp", f"e^-in_{parts[2]}", math.exp(-value) if value > -700 else math.inf)
            add(f"{key}:exp1", f"1 + e^-in_{parts[2]}", 1.0 + (math.exp(-value) if value > -700 else math.inf))
        if len(parts) == 3 and parts[1] == "t":
            out = values.get(f"{parts[0]}:out:{parts[2]}")
            if out is not None:
                add(f"{key}:error", f"t - out_{parts[2]}", value - out)
                add(f"{key}:error2", f"(t - out_{parts[2]})^2", (value - out) ** 2)
    arrays = numeric.Arrays.from_spec(spec)
    x = np.array(spec.inputs, dtype=np.float64)
    _, outs = numeric.forward(spec, arrays, x)
    for p in spec.parameters():  # each term w * source of a net input
        if p.kind == "weight":
            for s in range(spec.samples):
                add(f"{s}:term:{p.name}", f"{p.name} x {spec.labels[p.layer - 1][p.src]}",
                    p.value * outs[p.layer - 1][s, p.src])
    if spec.iterations and spec.learning_rate is not None:
        found += _training(spec)
    for rate in rates:
        if rate != spec.learning_rate:
            add(f"lr@{rate:g}", f"learning rate {rate:g}", rate, r"^(alpha|eta|lr)$")
        for p in spec.parameters():
            if f"grad:{p.name}" in values and rate != spec.learning_rate:
                add(f"updated:{p.name}@{rate:g}", f"{p.name}+ (lr {rate:g})", p.value - rate * values[f"grad:{p.name}"],
                    rf"^{_label(p.name)}(\+|'|new|\^\+|\^new)$")
    return found


def _training(spec: Spec) -> list[Quantity]:
    """The numbers of training: the loss after every iteration, and what train.check computes
    independently (losses at the checkpoints, final parameters and outputs, drops, accuracy), for the
    spec and for each network of its hidden-size comparison."""
    from . import train

    found = []
    for prefix, variant in [("train:", spec)] + [(f"train:hidden:{v.layers[1]}:", v) for v in spec.compare_hidden]:
        history = train.run(variant)
        where = "" if variant is spec else f" ({variant.layers[1]} hidden)"
        found += [Quantity(f"{prefix}loss@{k}", f"E after {k} iterations{where}", loss)
                  for k, loss in enumerate(history.losses)]
        for key, value in train.check(variant, history).items():
            name = key[len("train:"):].replace(":", " ")
            found.append(Quantity(prefix + key[len("train:"):], f"{name} after training{where}", value))
    return found


class _Index:
    """The quantities sorted by value, for the questions `_classify` asks of each number: which lie
    within a distance of a value (in list order), which is nearest relatively (the earlier one of a
    tie among the candidates), which a symbol names; in logarithmic instead of linear time, since a
    long training's document holds thousands of numbers and tens of thousands of quantities."""

    def __init__(self, known: list[Quantity]):
        known = [q for q in known if math.isfinite(q.value)]  # an overflowed e^-in is no number written
        self.known = known
        self.order = sorted(range(len(known)), key=lambda i: known[i].value)
        self.values = [known[i].value for i in self.order]
        self._named: dict[str, list[Quantity]] = {}

    def _span(self, low: float, high: float) -> list[int]:
        """Original positions of the quantities with low <= value <= high, in original order."""
        return sorted(self.order[bisect.bisect_left(self.values, low):bisect.bisect_right(self.values, high)])

    def within(self, value: float, distance: float) -> list[Quantity]:
        return [self.known[i] for i in self._span(value - distance, value + distance)]

    def nearest(self, value: float) -> Quantity:
        """The quantity of least |q - value| / max(|q|, 1e-12). That distance falls towards `value` from
        either side, and among values of the other sign it falls with |q|: so the least is among the
        neighbours of `value` in sorted order (every quantity equal to either) and the two extremes.
        For 0 every quantity beyond the floor is at distance 1, a tie the list order breaks: a scan."""
        if value == 0:
            return min(self.known, key=lambda q: abs(q.value) / max(abs(q.value), 1e-12))
        at = bisect.bisect_left(self.values, value)
        candidates = set()
        for k in (at - 1, at, 0, len(self.values) - 1):
            if 0 <= k < len(self.values):
                candidates.update(self._span(self.values[k], self.values[k]))
        below = bisect.bisect_left(self.values, -1e-12)  # every quantity within the floor around 0
        candidates.update(self.order[below:bisect.bisect_right(self.values, 1e-12)])

        def distance(q: Quantity) -> float:
            return abs(q.value - value) / max(abs(q.value), 1e-12)

        return min((self.known[i] for i in sorted(candidates)), key=distance)

    def named(self, symbol: str) -> list[Quantity]:
        if symbol not in self._named:
            norm = _norm(symbol)
            self._named[symbol] = [q for q in self.known if q.pattern is not None and q.pattern.search(norm)]
        return self._named[symbol]


# -- the document ----------------------------------------------------------------------------------

def check(spec: Spec, text: str, source: str = "<document>", rates: tuple[float, ...] = ()) -> Report:
    """Classify every decimal number of `text` against the network of `spec`."""
    known = _Index(quantities(spec, rates))
    starts = reading.line_starts(text)
    math_spans = [(m.start(), m.end()) for m in reading.MATH.finditer(text)]
    tags = [(m.start(), m.end()) for m in reading.TAG.finditer(text)]
    chains = list(reading.chains(text))
    given = frozenset(v for row in (*spec.inputs, *spec.targets) for v in row) | frozenset(
        p.value for p in spec.parameters()) | frozenset(r for r in (spec.learning_rate, *rates) if r is not None)
    consistent, broken = reading.evaluate(chains, starts, given)
    found = []
    for m in reading.NUMBER.finditer(text):
        start = m.start()
        if any(a <= start < b for a, b in tags):
            continue
        in_math = any(a <= start < b for a, b in math_spans)
        number = m.group()
        if not in_math and re.fullmatch(r"-?[1-9]\d*\.\d{1,2}", number):
            continue  # prose like "3.5" names a section or an equation
        line, column = reading.position(starts, start)
        found.append(_classify(number, line, column, start, known, chains, consistent))
    return Report(source, tuple(found), tuple(broken))


def _aligned_symbol(chain: Chain, index: int, start: int) -> tuple[str, bool] | None:
    """The symbol standing where the number at `start` stands, in an earlier side of the same shape
    (0.6 x 0.6592603884 under w_6 . out_h2 -> out_h2), and whether a minus sign stands before it there
    (e^{-0.6} under e^{-in_h1}: the number's own sign is the formula's)."""
    a, b, raw = chain.sides[index]
    atoms = reading.atoms(raw)
    position = next((i for i, (x, y, _) in enumerate(atoms) if a + x <= start < a + y), None)
    if position is None:
        return None
    for earlier in reversed(chain.sides[:index]):
        symbols = reading.atoms(earlier[2])
        if len(symbols) == len(atoms) and not re.fullmatch(r"-?\d+(\.\d+)?", symbols[position][2]):
            x = symbols[position][0]
            return symbols[position][2], earlier[2][:x].rstrip().endswith("-")
    return None


def _text_before(chain: Chain, index: int, start: int) -> str:
    """The side's text before the number at `start`."""
    a, _, raw = chain.sides[index]
    return raw[:start - a]


def _classify(number: str, line: int, column: int, start: int, known: _Index, chains: list[Chain],
              consistent: set[int]) -> Found:
    value, last = reading.parse_number(number)
    decimals = reading.decimals(number)
    half = 0.5 * last
    found = next(((c, i) for c in chains for i, (a, b, _) in enumerate(c.sides) if a <= start < b), None)
    chain, index = found if found else (None, -1)
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
                own_sign = not re.search(r"-\s*(\\left\s*\(|\()?\s*$", _text_before(chain, index, start))
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
        return dataclasses.replace(base, verdict=verdict, meant=q.name, true=q.value)
    if exact:
        q = next((q for q in exact if q in named), None) or min(exact, key=lambda q: abs(q.value - value))
        return dataclasses.replace(base, meant=q.name, true=q.value)
    close = known.within(value, 1.5 * last)
    if close:
        q = min(close, key=lambda q: abs(q.value - value))
        return dataclasses.replace(base, verdict="rounding", meant=q.name, true=q.value)
    if start in consistent and not near:
        return dataclasses.replace(base, verdict="consistent")
    return dataclasses.replace(base, verdict="suspicious", meant=nearest.name, true=nearest.value)


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


# -- the report -------------------------------------------------------------------------------------

def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.10g}"


def markdown(report: Report) -> str:
    """The report as Markdown (which also reads well in a terminal)."""
    counts = {verdict: sum(f.verdict == verdict for f in report.numbers)
              for verdict in ("known", "rounding", "consistent", "suspicious")}
    lines = [f"# derive check: {report.source}", "",
             f"{len(report.numbers)} numbers: {counts['known']} known quantities, {counts['rounding']} rounded "
             f"in the last digit, {counts['consistent']} inside consistent arithmetic, {counts['suspicious']} "
             f"suspicious; {len(report.equalities)} equalities that do not hold.", ""]
    if report.suspicious:
        lines += ["## Suspicious numbers", "", "| line:col | written | in | likely meant | true value | difference |",
                  "| --- | --- | --- | --- | --- | --- |"]
        for f in report.suspicious:
            difference = "" if f.true is None else _number(f.value - f.true)
            context = f.context.replace("|", r"\|") if f.context else ""
            lines.append(f"| {f.line}:{f.column} | {f.text} | `{context}` | {f.meant or ''} | {_number(f.true)} | "
                         f"{difference} |")
        lines.append("")
    if report.equalities:
        lines += ["## Equalities that do not hold", ""]
        for e in report.equalities:
            lines.append(f"- line {e.line}: `{e.left} = {e.right}`: the left side is {_number(e.left_value)}, "
                         f"the right side {_number(e.right_value)}")
        lines.append("")
    rounded = [f for f in report.numbers if f.verdict == "rounding"]
    if rounded:
        lines += ["## Rounded in the last digit", ""]
        lines += [f"- line {f.line}: {f.text} ({f.meant} = {_number(f.true)})" for f in rounded]
        lines.append("")
    if report.clean:
        lines += ["Every number follows from the network.", ""]
    return "\n".join(lines)


def json_view(report: Report) -> dict:
    return {"source": report.source, "clean": report.clean,
            "numbers": [dataclasses.asdict(f) for f in report.numbers],
            "equalities": [dataclasses.asdict(e) for e in report.equalities]}
