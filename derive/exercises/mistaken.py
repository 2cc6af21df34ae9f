"""Find the mistake: a variant's worked solution with one human mistake made in it (a slip of
derive.numeric.slips: a neighbour's bias used for a neuron, two weights swapped, a neuron's output
copied from its neighbour's line), every number that
follows from it written as the mistake makes it.

The worked solution is derive's own, built with number markers (derive.derivation.Marks): each
number knows its quantity, and is written from the mistaken network's step engine instead of the right
one. The given numbers (the tables of parameters, inputs, targets and the learning rate) stay right; a
parameter written inside a formula is written as the mistake uses it. The student names the first wrong
number and gives its right value; the key says the mistake and lists the corrected numbers.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from .. import fmt, keys
from ..derivation import Marks, build
from ..numeric.slips import EXERCISES, slips
from ..spec import Spec, load
from ..views.markdown import markdown

GIVEN = ("param", "x", "t", "lr", "unit")  # kinds of the numbers a problem gives
MIN_WRONG = 2  # numbers a mistake must change in the worked solution: one alone is a slip of the pen
MAX_LISTED = 12  # corrected numbers the key lists


@dataclass(frozen=True)
class Injected:
    """The mistake made in a variant: the slip's kind, names and values; the first wrong number (its key,
    the value written, the right value); and how many numbers it changes."""

    kind: str
    names: tuple[str, ...]
    values: tuple[float, ...]
    first: str
    wrong: float
    right: float
    count: int

    def as_dict(self) -> dict:
        return {"kind": self.kind, "names": list(self.names), "values": list(self.values), "first": self.first,
                "wrong": self.wrong, "right": self.right, "count": self.count}


def _marked(spec: Spec, lang: str) -> tuple[str, Marks]:
    marks = Marks(fmt.DEFAULT_DIGITS)
    text = markdown(build(spec, marks=marks), lang, contents=False)
    return text, marks


def _written(marks: Marks, values: dict[str, float], index: int, operand: bool) -> float:
    """The value a marker is written with: the mistaken run's, but a given number in a table."""
    key, right = marks.entries[index]
    if not operand and keys.parse(key).kind in GIVEN:
        return right
    return values.get(key, right)


def _changed(text: str, marks: Marks, values: dict[str, float]) -> list[tuple[str, float, float]]:
    """(key, written, right) of each number the mistake changes, in the order of the text."""
    found, seen = [], set()
    for match in Marks.PATTERN.finditer(text):
        index, operand = int(match[1]), bool(match[2])
        key, right = marks.entries[index]
        wrong = _written(marks, values, index, operand)
        shown = fmt.operand if operand else fmt.latex
        if key not in seen and shown(wrong, marks.digits) != shown(right, marks.digits):
            seen.add(key)
            found.append((key, wrong, right))
    return found


def inject(spec: Spec, rng: np.random.Generator) -> Injected | None:
    """A slip drawn at random among those that change at least MIN_WRONG numbers of `spec`'s worked
    solution, or None when none does."""
    text, marks = _marked(spec, "en")
    candidates = list(slips(spec, EXERCISES))
    for i in rng.permutation(len(candidates)):
        slip = candidates[int(i)]
        changed = _changed(text, marks, slip.quantities())
        if len(changed) >= MIN_WRONG:
            first, wrong, right = changed[0]
            return Injected(slip.kind, slip.names, slip.values, first, wrong, right, len(changed))
    return None


def walkthrough(raw: dict, injected: dict, lang: str) -> tuple[str, list[tuple[str, str, str]]]:
    """The variant's worked solution in `lang` with the mistake made, and the corrected numbers the key
    lists: (the quantity's name, as written, right), at most MAX_LISTED."""
    spec = load(raw)
    slip = next(s for s in slips(spec, (injected["kind"],)) if list(s.names) == injected["names"])
    text, marks = _marked(spec, lang)
    values = slip.quantities()

    def written(match: re.Match) -> str:
        operand = bool(match[2])
        value = _written(marks, values, int(match[1]), operand)
        return (fmt.operand if operand else fmt.latex)(value, marks.digits)

    listed = [(keys.readable(key, lang, spec.samples > 1), fmt.plain(wrong), fmt.plain(right))
              for key, wrong, right in _changed(text, marks, values)[:MAX_LISTED]]
    return Marks.PATTERN.sub(written, text), listed
