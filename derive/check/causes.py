"""Why a walkthrough's numbers are wrong: human mistakes, each a change of the network (or of a number
written) that the step engine re-runs, and the fewest of them that reproduce the wrong numbers to
their written digits.

The mistakes are data (derive.numeric.slips, shared with the find-the-mistake exercises), found by
trying each in turn: a neighbour's bias used for a neuron (one bias for a whole layer, article 000's
out_h2), two weights of a layer swapped, a neuron's output copied from its neighbour's line. The one
that reproduces the most wrong numbers is taken, then the next among the rest (at most MAX_CAUSES);
each is said only for the numbers it reproduces, and the wrong numbers no mistake reproduces are
counted as such.
"""
from __future__ import annotations

import bisect
import math
from dataclasses import dataclass

from ..numeric.slips import slips
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
    """One mistake and what it explains: `kind` (bias | swap) with its names and values, how many wrong
    numbers it reproduces, and where the first of them stands."""

    kind: str
    names: tuple[str, ...]  # bias: the neuron, the right bias, the bias used; swap: the two weights
    values: tuple[float, ...]
    count: int
    first: str  # line:column


def causes(spec: Spec, wrong: list) -> tuple[tuple[Cause, ...], int]:
    """The mistakes that reproduce the wrong numbers `wrong` (Found, with the quantity each was taken
    for), fewest first, and how many wrong numbers none reproduces."""
    if not wrong:
        return (), 0
    # each try is one step of the network: bounded, so that a big network's check ends in seconds
    tries = min(MAX_TRIED, WORK // max(1, len(spec.parameters()) * spec.samples), COMPARED // len(wrong))
    # a number of few digits matches some changed network by chance: only one written to a relative
    # PRECISE or finer counts as reproduced
    written = [reading.parse_number(f.text)[1] for f in wrong]  # each number's last written digit
    units = [unit if unit <= PRECISE * abs(f.value) else 0.0 for f, unit in zip(wrong, written)]
    candidates = []
    for n, slip in enumerate(slips(spec)):
        if n >= tries:
            break
        explained = _reproduced(wrong, units, slip.quantities())
        if explained:
            candidates.append((slip, explained))
    left, chosen = set(range(len(wrong))), []
    while candidates and len(chosen) < MAX_CAUSES:
        slip, explained = max(candidates, key=lambda c: len(c[1] & left))
        taken = explained & left
        if len(taken) < 2:  # one number is as well explained by a slip of its own
            break
        chosen.append((slip, taken))
        left -= taken
    found = []
    for slip, taken in chosen:
        # a mistake found by its precise numbers also explains the shorter ones it reproduces to their
        # written digits (a swapped weight 0.71, a net input 0.174)
        shorter = _reproduced(wrong, written, slip.quantities()) & left
        left -= shorter
        numbers = sorted(taken | shorter)
        first = wrong[numbers[0]]
        found.append(Cause(slip.kind, slip.names, slip.values, len(numbers), f"{first.line}:{first.column}"))
    return tuple(found), len(left)


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
