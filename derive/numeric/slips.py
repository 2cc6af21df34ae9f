"""Human mistakes in a walkthrough, as data: a neighbour's bias used for a neuron (one bias for a whole
layer, article 000's out_h2), two weights of a layer swapped, a neuron's output copied from its
neighbour's line. Each is a changed spec, or quantities given in place of the computed ones, that the
step engine runs like any other, so that every number of a walkthrough made with the mistake follows
from it. `derive check` tries them to explain a text's wrong numbers;
`derive exercises --level find-the-mistake` makes one in a worked solution for the student to find.

To add one: a branch of `slips` yielding its kind, the names and values it says, and the changed spec
(and its wording, check_cause_<kind> and ex_slip_<kind>, in templates/lang/*.toml).
"""
from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass

from .. import keys
from ..spec import Spec
from . import engine

KINDS = ("bias", "swap", "copied")


@dataclass(frozen=True)
class Slip:
    """One mistake in one place: `kind` (bias | swap | copied), its names (bias: the neuron, its own bias,
    the bias used; swap: the two weights; copied: the neuron, the neighbour whose output it took) and
    values (the right bias and the one used; the two weights; the right output and the one copied), the
    network as the mistake makes it, and the quantities it writes in place of the computed ones."""

    kind: str
    names: tuple[str, ...]
    values: tuple[float, ...]
    spec: Spec
    given: tuple[tuple[str, float], ...] = ()

    def quantities(self) -> dict[str, float]:
        """Every quantity of the step as the mistake makes it."""
        return engine.quantities(self.spec, dict(self.given) if self.given else None)


def slips(spec: Spec) -> Iterator[Slip]:
    """Every such mistake that changes something in `spec`, in a fixed order."""
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
                    yield Slip("bias", (spec.labels[l + 1][p.dest], p.name, q.name), (p.value, q.value),
                               dataclasses.replace(spec, biases=changed))
    for l in range(spec.depth):
        weights = [p for p in params if p.kind == "weight" and p.layer == l + 1]
        for i, p in enumerate(weights):
            for q in weights[i + 1:]:
                if p.value != q.value:
                    rows = [list(r) for r in spec.weights[l]]
                    rows[p.dest][p.src], rows[q.dest][q.src] = q.value, p.value
                    changed = spec.weights[:l] + (tuple(map(tuple, rows)),) + spec.weights[l + 1:]
                    yield Slip("swap", (p.name, q.name), (p.value, q.value), dataclasses.replace(spec, weights=changed))
    right = engine.quantities(spec)
    for group in spec.labels[1:]:  # the first sample's output of a neuron copied from a neighbour's line
        for label in group:
            for other in group:
                mine, theirs = right[keys.out(0, label)], right[keys.out(0, other)]
                if other != label and mine != theirs:
                    yield Slip("copied", (label, other), (mine, theirs), spec, ((keys.out(0, label), theirs),))
