"""The activations and losses in NumPy, shared by the step engine and the training loop (the loop
writes its own in-place forms of the activations). They are written here, not taken from the
symbolic path: derive.crosscheck compares every value they give with the SymPy expressions'."""
from __future__ import annotations

import numpy as np

from . import kernels

# name -> (f(z, slope), f'(z, a = f(z), slope)); at a kink (z = 0) the derivative is the left branch's
ACTIVATIONS = {
    # sigmoid': a (1 - a) with 1 - a = sigmoid(-z), which keeps its digits where a rounds to 1
    "sigmoid": (lambda z, s: 1.0 / (1.0 + kernels.exp(-z)), lambda z, a, s: a / (1.0 + kernels.exp(z))),
    "tanh": (lambda z, s: kernels.tanh(z), lambda z, a, s: _tanh_slope(z)),
    "relu": (lambda z, s: np.where(z > 0, z, 0.0), lambda z, a, s: np.where(z > 0, 1.0, 0.0)),
    "leaky_relu": (lambda z, s: np.where(z > 0, z, s * z), lambda z, a, s: np.where(z > 0, 1.0, s)),
    "linear": (lambda z, s: z, lambda z, a, s: np.ones_like(z)),
    "step": (lambda z, s: np.where(z > 0, 1.0, 0.0), lambda z, a, s: np.zeros_like(z)),
}


# f' as a formula of the output y = f(z), as a hand computation writes it (out (1 - out), 1 - out^2): the
# derivative taken from a given output (derive.numeric.engine.Given) or at the wrong value (mistakes)
FROM_OUTPUT = {"sigmoid": lambda y: y * (1.0 - y), "tanh": lambda y: 1.0 - y * y}


def _tanh_slope(z: np.ndarray) -> np.ndarray:
    """1 - tanh(z)^2 as (1 - |a|)(1 + |a|), with 1 - |a| = 2 / (1 + e^{2|z|}) keeping its digits where
    tanh rounds to +-1 (1 - a * a would be 0 there)."""
    small = 2.0 / (1.0 + kernels.exp(2.0 * np.abs(z)))
    return small * (2.0 - small)


def softmax(z: np.ndarray) -> np.ndarray:
    """Each row's softmax (shifted by its maximum, which leaves the value unchanged and never overflows)."""
    e = kernels.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def complement(name: str, z: np.ndarray, y: np.ndarray) -> np.ndarray:
    """1 - y for the outputs y = f(z) of activation `name`, with its digits where y is close to 1: for
    a sigmoid sigmoid(-z), for a softmax the sum of the other outputs' exponentials over the sum of
    all; 1 - y itself otherwise."""
    if name == "sigmoid":
        return 1.0 / (1.0 + kernels.exp(z))
    if name == "softmax":
        e = kernels.exp(z - z.max(axis=1, keepdims=True))
        others = np.einsum("sj,kj->sk", e, 1.0 - np.eye(z.shape[1]))  # each row's sum without column k
        return others / e.sum(axis=1, keepdims=True)
    return 1.0 - y


def _log(y: np.ndarray, c: np.ndarray | None) -> np.ndarray:
    """ln(y) for y = 1 - c: log1p(-c) where y is close to 1 (ln of a y rounded to 1 would be 0)."""
    if c is None:
        return kernels.log(y)
    return np.where(y > 0.5, kernels.log1p(-np.minimum(c, 0.5)), kernels.log(np.maximum(y, 0.0)))


def _minus(y: np.ndarray, t: np.ndarray, c: np.ndarray | None) -> np.ndarray:
    """y - t, as (1 - t) - c where y is close to 1 (where y = 1 - c has lost the digits of c)."""
    if c is None:
        return y - t
    return np.where(y > 0.5, (1.0 - t) - c, y - t)


# name -> (per-output loss terms, dE/dy), both of (y, t, c) on (samples, outputs) arrays, c = 1 - y with
# its digits (`complement`), or None for plain float64 arithmetic (the training loop's); n = number of outputs
LOSSES = {
    "half_sse": (lambda y, t, c: 0.5 * _minus(y, t, c) ** 2, lambda y, t, c: _minus(y, t, c)),
    "mse": (lambda y, t, c: _minus(y, t, c) ** 2 / y.shape[1], lambda y, t, c: 2 * _minus(y, t, c) / y.shape[1]),
    "bce": (lambda y, t, c: -(t * _log(y, c) + (1 - t) * kernels.log(1 - y if c is None else c)),
            lambda y, t, c: _minus(y, t, c) / (y * (1 - y if c is None else c))),
    "cross_entropy": (lambda y, t, c: -t * _log(y, c), lambda y, t, c: -t / y),
}
