"""What a training run produced (History), and what is read from it: the spec at trained parameters,
the share of samples classified right, a gradient by parameter name."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from ..spec import Spec
from .arrays import Arrays


@dataclass(frozen=True)
class History:
    """What training produced: the loss after each iteration and the parameters at the checkpoints."""

    mode: str
    iterations: int
    losses: tuple[float, ...]  # losses[k]: the objective after k iterations
    snapshots: tuple[tuple[int, Arrays], ...]  # (k, parameters after k iterations) at every checkpoint
    gradient: Arrays  # the batch gradient at the final parameters
    outputs: tuple[tuple[float, ...], ...]  # the network's outputs for each sample at the end

    @property
    def final(self) -> Arrays:
        return self.snapshots[-1][1]


def with_arrays(spec: Spec, arrays: Arrays) -> Spec:
    """The spec with its parameters replaced by `arrays` (each bias style keeps its own shape)."""
    biases = tuple(() if style == "none" else (float(b[0]),) if style == "per_layer" else tuple(map(float, b))
                   for style, b in zip(spec.bias, arrays.biases))
    weights = tuple(tuple(tuple(map(float, row)) for row in w) for w in arrays.weights)
    return dataclasses.replace(spec, weights=weights, biases=biases)


def trained(spec: Spec, history: History) -> dict[str, float]:
    """Every parameter after training, by name."""
    return {p.name: p.value for p in with_arrays(spec, history.final).parameters()}


def accuracy(spec: Spec, outputs) -> float | None:
    """Percent of samples classified right, for the classification losses: every sigmoid output on its
    target's side of 0.5 (bce), or the largest output where the target is largest (cross_entropy)."""
    y, t = np.asarray(outputs, dtype=np.float64), np.array(spec.targets, dtype=np.float64)
    if spec.loss == "bce":
        right = np.all((y >= 0.5) == (t >= 0.5), axis=1)
    elif spec.loss == "cross_entropy":
        right = np.argmax(y, axis=1) == np.argmax(t, axis=1)
    else:
        return None
    return 100.0 * float(np.mean(right))


def named(spec: Spec, gradient: Arrays) -> dict[str, float]:
    """A gradient in the loop's arrays, by trainable parameter name."""
    by_name = {}
    for p in spec.parameters():
        if not p.trainable:
            continue
        if p.kind == "weight":
            by_name[p.name] = float(gradient.weights[p.layer - 1][p.dest, p.src])
        else:
            by_name[p.name] = float(gradient.biases[p.layer - 1][0 if p.dest is None else p.dest])
    return by_name
