"""Why a walkthrough's numbers are wrong: human mistakes, each a change of the network that the step
engine re-runs, and the fewest of them that reproduce the wrong numbers to their written digits.

A mistake is data (MISTAKES: a kind and the changes it makes), found by trying each in turn: a
neighbour's bias used for a neuron (one bias for a whole layer, article 000's out_h2), two weights
of a layer swapped. The one that reproduces the most wrong numbers is taken, then the next among
the rest (at most MAX_CAUSES); each is said only for the numbers it reproduces, and the wrong numbers
no mistake reproduces are counted as such.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass

from ..numeric import engine
from ..spec import Spec
from . import reading

MAX_CAUSES = 3
MAX_TRIED = 400  # changes of the network tried at most (a small network has a few dozen)
WORK = 2_000_000  # tries x parameters x samples at most
COMPARED = 5_000_000  # tries x wrong numbers at most
PRECISE = 1e-5  # a number's last written digit, relative to it: 6 significant digits or more


@dataclass(frozen=True)
class Cause:
    """One mistake and what it explains: `kind` (bias | swap) with its names and values, how many wrong
    numbers it reproduces, and where the first of them stands."""

    kind: str
    names: tuple[str, ...]  # bias: the neuron, the right bias, the bias used; swap: the two weights
    values: tuple[float, ...]
    count: int
    first: str  # line:column


def _mistakes(spec: Spec) -> Iterator[tuple[str, tuple[str, ...], tuple[float, ...], Spec]]:
    """Each mistake derive knows, as (kind, names, values, the network with it made)."""
    params = spec.parameters()
    for l, style in enumerate(spec.bias):
        if style not in ("per_neuron", "bias_node"):
            continue
        biases = [p for p in params if p.kind == "bias" and p.layer == l + 1]
        for p in biases:
            for q in biases:
                if q is not p and q.value != p.value:
                    row = list(spec.biases[l])
                    row[p.dest] = q.value
                    changed = spec.biases[:l] + (tuple(row),) + spec.biases[l + 1:]
                    yield ("bias", (spec.labels[l + 1][p.dest], p.name, q.name), (p.value, q.value),
                           dataclasses.replace(spec, biases=changed))
    for l in range(spec.depth):
        weights = [p for p in params if p.kind == "weight" and p.layer == l + 1]
        for i, p in enumerate(weights):
            for q in weights[i + 1:]:
                if p.value != q.value:
                    rows = [list(r) for r in spec.weights[l]]
                    rows[p.dest][p.src], rows[q.dest][q.src] = q.value, p.value
                    changed = spec.weights[:l] + (tuple(map(tuple, rows)),) + spec.weights[l + 1:]
                    yield "swap", (p.name, q.name), (p.value, q.value), dataclasses.replace(spec, weights=changed)


def causes(spec: Spec, wrong: list) -> tuple[tuple[Cause, ...], int]:
    """The mistakes that reproduce the wrong numbers `wrong` (Found, with the quantity each was taken
    for), fewest first, and how many wrong numbers none reproduces."""
    if not wrong:
        return (), 0
    # each try is one step of the network: bounded, so that a big network's check ends in seconds
    tries = min(MAX_TRIED, WORK // max(1, len(spec.parameters()) * spec.samples), COMPARED // len(wrong))
    # a number of few digits matches some changed network by chance: only one written to a relative
    # PRECISE or finer counts as reproduced
    units = [unit if unit <= PRECISE * abs(f.value) else 0.0
             for f, unit in ((f, reading.parse_number(f.text)[1]) for f in wrong)]
    candidates = []
    for n, (kind, names, values, changed) in enumerate(_mistakes(spec)):
        if n >= tries:
            break
        numbers = engine.quantities(changed)
        explained = frozenset(i for i, (f, unit) in enumerate(zip(wrong, units)) if unit and f.meant in numbers
                              and abs(numbers[f.meant] - f.value) <= 1.5 * unit)
        if explained:
            candidates.append((kind, names, values, explained))
    left, found = set(range(len(wrong))), []
    while candidates and len(found) < MAX_CAUSES:
        kind, names, values, explained = max(candidates, key=lambda c: len(c[3] & left))
        taken = sorted(explained & left)
        if len(taken) < 2:  # one number is as well explained by a slip of its own
            break
        first = wrong[taken[0]]
        found.append(Cause(kind, names, values, len(taken), f"{first.line}:{first.column}"))
        left -= explained
    return tuple(found), len(left)
