"""The network's parameters as NumPy arrays, and copies with some of them moved or replaced."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..spec import Param, Spec


@dataclass(frozen=True)
class Arrays:
    """The network as arrays: W[l] (n_l x n_{l-1}) and b[l] (n_l,) for l = 0..L-1 (layer l + 1)."""

    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]

    @classmethod
    def from_spec(cls, spec: Spec) -> Arrays:
        weights = tuple(np.array(w, dtype=np.float64) for w in spec.weights)
        biases = tuple(np.resize(np.array(b, dtype=np.float64), spec.layers[l + 1]) if b else
                       np.zeros(spec.layers[l + 1]) for l, b in enumerate(spec.biases))
        return cls(weights, biases)

    def perturbed(self, param: Param, delta: float) -> Arrays:
        """A copy with one scalar parameter moved by `delta` (a shared bias moves for the whole layer)."""
        return self.moved({param: delta})

    def moved(self, deltas: dict[Param, float]) -> Arrays:
        """A copy with each parameter moved by its delta."""
        return self.replaced({param: self.value(param) + delta for param, delta in deltas.items()})

    def value(self, param: Param) -> float:
        l = param.layer - 1
        if param.kind == "weight":
            return float(self.weights[l][param.dest, param.src])
        return float(self.biases[l][0 if param.dest is None else param.dest])

    def replaced(self, values: dict[Param, float]) -> Arrays:
        """A copy with each parameter set to its value (a shared bias for its whole layer); only the
        matrices that change are copied."""
        weights, biases = list(self.weights), list(self.biases)
        copied: set[tuple[str, int]] = set()
        for param, value in values.items():
            l = param.layer - 1
            group = weights if param.kind == "weight" else biases
            if (param.kind, l) not in copied:
                group[l] = group[l].copy()
                copied.add((param.kind, l))
            if param.kind == "weight":
                group[l][param.dest, param.src] = value
            elif param.dest is None:
                group[l][:] = value
            else:
                group[l][param.dest] = value
        return Arrays(tuple(weights), tuple(biases))
