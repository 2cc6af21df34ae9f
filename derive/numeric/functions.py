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
    "tanh": (lambda z, s: kernels.tanh(z), lambda z, a, s: 1.0 - a * a),
    "relu": (lambda z, s: np.where(z > 0, z, 0.0), lambda z, a, s: np.where(z > 0, 1.0, 0.0)),
    "leaky_relu": (lambda z, s: np.where(z > 0, z, s * z), lambda z, a, s: np.where(z > 0, 1.0, s)),
    "linear": (lambda z, s: z, lambda z, a, s: np.ones_like(z)),
    "step": (lambda z, s: np.where(z > 0, 1.0, 0.0), lambda z, a, s: np.zeros_like(z)),
}


def softmax(z: np.ndarray) -> np.ndarray:
    """Each row's softmax (shifted by its maximum, which leaves the value unchanged and never overflows)."""
    e = kernels.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


# name -> (per-output loss terms, dE/dy), both on (samples, outputs) arrays; n = number of outputs
LOSSES = {
    "half_sse": (lambda y, t: 0.5 * (t - y) ** 2, lambda y, t: y - t),
    "mse": (lambda y, t: (t - y) ** 2 / y.shape[1], lambda y, t: 2 * (y - t) / y.shape[1]),
    "bce": (lambda y, t: -(t * kernels.log(y) + (1 - t) * kernels.log(1 - y)), lambda y, t: (y - t) / (y * (1 - y))),
    "cross_entropy": (lambda y, t: -t * kernels.log(y), lambda y, t: -t / y),
}
