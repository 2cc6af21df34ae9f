"""Why a walkthrough's numbers are wrong: human mistakes, each a change of the network (or of a number
written) that the step engine re-runs, and the fewest of them that reproduce the wrong numbers to
their written digits.

The mistakes are data (derive.numeric.slips, shared with the find-the-mistake exercises: a
neighbour's bias, two weights swapped, a copied output, another learning rate for a layer, the
activation's derivative at the wrong value, the hidden error through updated weights, rounded outputs
reused, the target left out of dE/dout, a softmax without its exponential, mean for sum, the 1/2 of
the squared error, a transposed layer), found by trying each in turn. The one that reproduces the
most wrong numbers is taken, then the next among the rest, made on top of the ones found (at most
MAX_CAUSES); each is said only for the numbers it reproduces, and the wrong numbers no mistake
reproduces are counted as such.
"""
from __future__ import annotations

import bisect
import itertools
import math
from dataclasses import dataclass

from .. import keys
from ..numeric.slips import Slip, slips
from ..spec import Spec
from . import reading

MAX_CAUSES = 3
MAX_TRIED = 400  # changes of the network tried at most (a small network has a few dozen)
WORK = 2_000_000  # tries x parameters x samples at most
COMPARED = 5_000_000  # tries x wrong numbers at most
PRECISE = 1e-5  # a number's last written digit, relative to it: 6 significant digits or more
ANYWHERE = 1e-8  # the same, for a number matched to any quantity of a changed network: 9 digits or more


@dataclass(frozen=True)
class Cause:
    """One mistake and what it explains: its kind, names and values (derive.numeric.slips), how many
    wrong numbers it reproduces and where each stands, and the first of them: where, as written, and
    its right value."""

    kind: str
    names: tuple[str, ...]
    values: tuple[float, ...]
    count: int
    first: str  # line:column
    numbers: tuple[str, ...] = ()  # line:column of every wrong number it reproduces
    written: str = ""  # the first wrong number as the text writes it
    right: float | None = None  # and its right value


def causes(spec: Spec, wrong: list, rates: tuple[float, ...] = (), precision: float = 0.0
           ) -> tuple[tuple[Cause, ...], int]:
    """The mistakes that reproduce the wrong numbers `wrong` (Found, with the quantity each was taken
    for), fewest first, and how many wrong numbers none reproduces (`rates`: other learning rates the
    text updates with, `--lr`; `precision`: the relative precision the text's right numbers show, to
    which a number computed from its rounded intermediates is reproduced too, at most ANYWHERE). The
    first is the single mistake that reproduces the most; each next one is tried on top of those found
    (a walkthrough's later numbers follow from all its earlier slips)."""
    if not wrong:
        return (), 0
    # each try is one step of the network: bounded, so that a big network's check ends in seconds
    tries = min(MAX_TRIED, WORK // max(1, len(spec.parameters()) * spec.samples), COMPARED // len(wrong))
    # a number of few digits matches some changed network by chance: only one written to a relative
    # PRECISE or finer counts as reproduced
    floor = min(2 * precision, ANYWHERE) / 1.5  # relative, as a last digit compared at 1.5 units
    written = [max(unit, floor * abs(f.value)) for f, unit in  # each number's last written digit
               zip(wrong, (reading.parse_number(f.text)[1] for f in wrong))]
    units = [unit if unit <= PRECISE * abs(f.value) else 0.0 for f, unit in zip(wrong, written)]
    left, chosen, base = set(range(len(wrong))), [], None
    while len(chosen) < MAX_CAUSES:
        tried = itertools.islice(slips(spec, base=base), tries)
        candidates = [(slip, _reproduced(wrong, units, _numbers(slip, rates))) for slip in tried]
        if not candidates:
            break
        slip, explained = max(candidates, key=lambda c: len(c[1] & left))
        taken = explained & left
        if len(taken) < 2:  # one number is as well explained by a slip of its own
            break
        # a mistake found by its precise numbers also explains the shorter ones it reproduces to their
        # written digits (a swapped weight 0.71, a net input 0.174)
        taken |= _reproduced(wrong, written, _numbers(slip, rates)) & left
        chosen.append((slip, taken))
        left -= taken
        base = slip
    found = []
    for slip, taken in chosen:
        first = wrong[min(taken)]
        where = tuple(f"{wrong[i].line}:{wrong[i].column}" for i in sorted(taken))
        found.append(Cause(slip.kind, slip.names, slip.values, len(taken), where[0], where, first.text, first.true))
    return tuple(found), len(left)


def precision(numbers: list) -> float:
    """The relative precision a text's right numbers show: the largest relative difference between a
    precise number (PRECISE) taken for a quantity and its value (0 when there is none)."""
    return max((abs(f.value - f.true) / abs(f.true) for f in numbers if f.verdict in ("known", "rounding") and f.true
                and not f.spread and reading.parse_number(f.text)[1] <= PRECISE * abs(f.value)), default=0.0)


def _numbers(slip: Slip, rates: tuple[float, ...]) -> dict[str, float]:
    """Every quantity of the step as `slip` makes it, with the updates and steps at each other rate."""
    values = slip.quantities()
    for rate in rates:
        if rate == slip.spec.learning_rate:
            continue
        for p in slip.spec.parameters():
            gradient = values.get(keys.gradient(p.name))
            if gradient is not None:
                values[keys.updated(p.name, rate)] = p.value - rate * gradient
                values[keys.step(p.name, rate)] = rate * gradient
    return values


def _reproduced(wrong: list, units: list[float], numbers: dict[str, float], anywhere: bool = True) -> frozenset[int]:
    """The wrong numbers that `numbers` (a changed network's) give to within their last digit (a unit of
    0: not counted): the quantity each was taken for, or (`anywhere`) any quantity of the changed network,
    since a number that follows from a mistake was taken for whichever right quantity its value is
    nearest (a matrix entry has no name to go by). Only numbers of nine digits or more (ANYWHERE) are so
    found anywhere: among a few hundred tries of a few hundred quantities, a chance match is then
    negligible."""
    ordered = sorted(v for v in numbers.values() if math.isfinite(v)) if anywhere else []

    def near(value: float, unit: float) -> bool:
        at = bisect.bisect_left(ordered, value - 1.5 * unit)
        return at < len(ordered) and ordered[at] <= value + 1.5 * unit

    return frozenset(i for i, (f, unit) in enumerate(zip(wrong, units)) if unit and (
        (f.meant in numbers and abs(numbers[f.meant] - f.value) <= 1.5 * unit)
        or (anywhere and unit <= ANYWHERE * abs(f.value) and near(f.value, unit))))
