"""The training loop: many iterations of gradient descent in a lean, vectorized NumPy loop.

The spec is compiled once into per-layer steps on preallocated arrays, so that a small network runs
at tens of microseconds per iteration. The loop has a forward and backward pass of its own (one
augmented matrix [b | W] per layer, one flat parameter vector); it shares only the activation and loss
functions (derive.numeric.functions) and the kernels with the step engine. derive.crosscheck checks
its numbers against the step engine and finite differences.

Batch mode makes one update per iteration with the gradient of the spec's objective over all samples.
Online mode makes one update per sample, in order, each with the gradient of that sample's objective
(the spec restricted to the one sample); one iteration is one pass over the data. Either way
losses[k] is the objective over all samples after k iterations (losses[0]: before training).
"""
from __future__ import annotations

import math
import sys
from collections.abc import Callable

import numpy as np

from ..errors import SpecError
from ..spec import Spec
from ..spec.schedule import checkpoints, tail_start
from . import fused, kernels
from .arrays import Arrays
from .functions import ACTIVATIONS, LOSSES, softmax
from .history import History, accuracy, named, trained, with_arrays

NUDGES = 61  # rows of nudges, taken in turn
# the seeds of the shadow runs' nudges, which show how many digits of a training's numbers float64
# settles (derive.derivation.training.build, derive.oracle)
SHADOWS = (1, 2)


def _sigmoid(z: np.ndarray, out: np.ndarray, slope: float, kept: np.ndarray) -> None:
    np.negative(z, out=kept)
    kernels.exp(kept, out=kept)  # e^-z, kept for the derivative
    np.add(kept, 1.0, out=out)
    np.reciprocal(out, out=out)


def _leaky(z: np.ndarray, out: np.ndarray, slope: float, kept: np.ndarray) -> None:
    np.maximum(z, slope * z, out=out)  # slope < 1


# name -> f(z, out, slope, kept), writing the activation of z into `out` (a view of the next layer's
# input); a sigmoid also writes e^-z into `kept`
_IN_PLACE = {
    "sigmoid": _sigmoid,
    "tanh": lambda z, out, slope, kept: kernels.tanh(z, out=out),
    "relu": lambda z, out, slope, kept: np.maximum(z, 0.0, out=out),
    "leaky_relu": _leaky,
    "linear": lambda z, out, slope, kept: np.copyto(out, z),
    "softmax": lambda z, out, slope, kept: np.copyto(out, softmax(z)),
}


# Derivatives f'(z, a, slope, kept) where the training loop has a cheaper form than the step engine's,
# as exact and accurate to rounding (the loop is checked against the engine to 1e-9): a sigmoid's
# a (1 - a) = a^2 e^-z from the e^-z of the forward pass (with its digits where a rounds to 1, like the
# engine's a / (1 + e^z), and without another exp); tanh' as float64's 1 - a^2 (the engine keeps its
# digits where tanh saturates, at the cost of an exp)
_DERIVATIVES = {"sigmoid": lambda z, a, slope, kept: a * a * kept, "tanh": lambda z, a, slope, kept: 1.0 - a * a}


class _Loop:
    """One spec compiled for fast repeated steps.

    Every layer's parameters are one augmented matrix [b | W] (column 0 the bias, 0 and never updated
    for a layer without one), and every layer's input carries a leading column of ones, so that a
    layer is one matrix product. All matrices are views into one flat parameter vector, and all
    gradients views into one flat gradient vector, so that an update is one vector operation."""

    def __init__(self, spec: Spec, arrays: Arrays):
        self.spec = spec
        self.depth = spec.depth
        self.slope = spec.leaky_slope
        self.activations = [_IN_PLACE[name] for name in spec.activations]
        self.derivatives = [None if name == "softmax" else _DERIVATIVES.get(name, _engines(ACTIVATIONS[name][1]))
                            for name in spec.activations]
        self.softmax = [name == "softmax" for name in spec.activations]
        shapes = [(spec.layers[l + 1], spec.layers[l] + 1) for l in range(self.depth)]
        sizes = [rows * cols for rows, cols in shapes]
        offsets = np.cumsum([0] + sizes)
        self.flat = np.zeros(offsets[-1])
        self.grad = np.zeros(offsets[-1])
        self.matrices = [self.flat[a:b].reshape(shape) for a, b, shape in zip(offsets, offsets[1:], shapes)]
        self.grads = [self.grad[a:b].reshape(shape) for a, b, shape in zip(offsets, offsets[1:], shapes)]
        self.weights = [m[:, 1:] for m in self.matrices]  # views: W of each layer
        for matrix, w, b in zip(self.matrices, arrays.weights, arrays.biases):
            matrix[:, 1:] = w
            matrix[:, 0] = b
        # how each layer's bias learns: vector (one per neuron), shared (one per layer), or not at all
        self.bias_kind = ["fixed" if style == "none" or not spec.trainable_biases else
                          "shared" if style == "per_layer" else "vector" for style in spec.bias]
        self.rate = spec.learning_rate or 0.0
        self.terms, self.loss_grad = LOSSES[spec.loss]
        # dE/d(in) of the output layer directly where the activation's derivative cancels
        self.direct = (spec.activations[-1], spec.loss) in (("softmax", "cross_entropy"), ("sigmoid", "bce"))
        x = np.array(spec.inputs, dtype=np.float64)
        self.x = np.hstack([np.ones((len(x), 1)), x])
        self.t = np.array(spec.targets, dtype=np.float64)
        self.fixed = [g[:, 0] for g, kind in zip(self.grads, self.bias_kind) if kind == "fixed"]
        self.fixed_at = [offsets[l] + row * shapes[l][1] for l, kind in enumerate(self.bias_kind) if kind == "fixed"
                         for row in range(shapes[l][0])]  # their places in the flat vector
        self.shared = [g[:, 0] for g, kind in zip(self.grads, self.bias_kind) if kind == "shared"]
        self._buffers: dict[int, tuple[list[np.ndarray], ...]] = {}
        self.nudges: np.ndarray | None = None
        self.updates = 0

    def buffers(self, m: int) -> tuple[list[np.ndarray], ...]:
        """Per batch size: each layer's net input, its output with a leading ones column, that output's
        view without the ones, and what its activation keeps for the derivative."""
        if m not in self._buffers:
            nets = [np.empty((m, n)) for n in self.spec.layers[1:]]
            outs = [np.ones((m, n + 1)) for n in self.spec.layers[1:]]
            self._buffers[m] = (nets, outs, [o[:, 1:] for o in outs], [np.empty((m, n)) for n in self.spec.layers[1:]])
        return self._buffers[m]

    def forward(self, x: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray]]:
        """Net inputs, augmented outputs (outs[0] = x with its ones column) and kept values of every layer."""
        nets, outs, views, kept = self.buffers(len(x))
        a, slope = x, self.slope
        for z, out, view, matrix, keep, f in zip(nets, outs, views, self.matrices, kept, self.activations):
            kernels.matmul_t(a, matrix, out=z)
            f(z, view, slope, keep)
            a = out
        return nets, [x, *outs], kept

    def objective(self, outs: list[np.ndarray], t: np.ndarray) -> float:
        data = float(np.add.reduce(self.terms(outs[-1][:, 1:], t, None), axis=None))
        if self.spec.reduction == "mean":
            data /= len(t)
        if self.spec.l2:
            data += self.spec.l2 / (2 * len(t)) * sum(float(np.sum(w * w)) for w in self.weights)
        return data

    def gradients(self, nets: list[np.ndarray], outs: list[np.ndarray], kept: list[np.ndarray],
                  t: np.ndarray) -> np.ndarray:
        """dJ/d(parameters) over the samples in `t`, as the flat gradient vector (its views: self.grads)."""
        spec, m = self.spec, len(t)
        last = self.depth - 1
        y = outs[-1][:, 1:]
        delta = y - t if self.direct else self._through(last, self.loss_grad(y, t, None), nets, outs, kept)
        for l in range(last, -1, -1):
            kernels.matmul(delta.T, outs[l], out=self.grads[l])
            if l:
                delta = self._through(l - 1, kernels.matmul(delta, self.weights[l]), nets, outs, kept)
        for column in self.fixed:
            column[:] = 0.0
        for column in self.shared:
            column[:] = column.sum()
        if spec.reduction == "mean" and m > 1:
            self.grad *= 1.0 / m
        if spec.l2:
            for g, w in zip(self.grads, self.weights):
                g[:, 1:] += spec.l2 / m * w
        return self.grad

    def _through(self, l: int, g: np.ndarray, nets: list[np.ndarray], outs: list[np.ndarray],
                 kept: list[np.ndarray]) -> np.ndarray:
        """dE/d(in) of layer l + 1 from dE/d(out): through the activation's derivative (softmax: its Jacobian)."""
        a = outs[l + 1][:, 1:]
        if self.softmax[l]:
            return a * (g - np.sum(g * a, axis=1, keepdims=True))
        return g * self.derivatives[l](nets[l], a, self.slope, kept[l])

    def update(self, grad: np.ndarray) -> None:
        grad *= self.rate
        self.flat -= grad
        if self.nudges is not None:
            self.flat *= self.nudges[self.updates % len(self.nudges)]
            self.updates += 1

    def nudge(self, seed: int) -> None:
        """From now on, move every parameter that learns by a unit or two in the last place, up or down
        by a seeded draw, after each update: a run with rounding of its own, whose spread from the plain
        run shows how many digits float64 settles after many iterations."""
        signs = np.random.default_rng(seed).choice((-1.0, 1.0), (NUDGES, self.flat.size))
        signs[:, self.fixed_at] = 0.0  # a bias that does not learn stays where it is
        self.nudges = 1.0 + signs * sys.float_info.epsilon

    def arrays(self, matrices: list[np.ndarray] | None = None) -> Arrays:
        """The parameters (or a gradient's views) as the numeric engine's Arrays."""
        matrices = self.matrices if matrices is None else matrices
        return Arrays(tuple(m[:, 1:].copy() for m in matrices), tuple(m[:, 0].copy() for m in matrices))


def _engines(derivative: Callable) -> Callable:
    """The step engine's f'(z, a, slope) as the loop's f'(z, a, slope, kept)."""
    return lambda z, a, slope, kept: derivative(z, a, slope)


def run(spec: Spec, progress: Callable[[int], None] | None = None, nudge: int | None = None) -> History:
    """Train for spec.iterations; `progress(k)` is told how many iterations are done, now and then.
    With a `nudge` seed, every update is followed by a nudge of a unit in the last place (_Loop.nudge),
    and a run that diverges returns its numbers, inf and nan, instead of refusing the spec.
    A tiny network trains by its written-out code (derive.numeric.fused); one whose run overflows
    there, and every other, by the NumPy loop."""
    if fused.fits(spec):
        with np.errstate(all="ignore"):
            try:
                done = _written_out(spec, progress, nudge)
            except (ArithmeticError, ValueError):  # math.exp's overflow, log(0): the NumPy loop reports it
                done = None
        if done is not None:
            return done
    return _vectorized(spec, progress, nudge)


def _start(spec: Spec, nudge: int | None) -> tuple[_Loop, int, set[int], int]:
    loop = _Loop(spec, Arrays.from_spec(spec))
    if nudge is not None:
        loop.nudge(nudge)
    n = spec.iterations
    return loop, n, set(checkpoints(n)) | {tail_start(n)}, max(1, n // 200)


def _written_out(spec: Spec, progress: Callable[[int], None] | None, nudge: int | None) -> History | None:
    """The run by the shape's written-out code, between the checkpoints and progress reports; None
    where a loss or parameter is not finite (the NumPy loop then says where), unless it is a shadow run."""
    loop, n, marks, report_every = _start(spec, nudge)
    train = fused.compiled(fused.shape(spec, loop.bias_kind, loop.nudges is not None))
    samples = np.hstack([loop.x[:, 1:], loop.t]).tolist()
    nudges = None if loop.nudges is None else loop.nudges.tolist()
    p, losses, snapshots, used, k = loop.flat.tolist(), [], [], 0, 0
    for stop in sorted(marks | set(range(report_every, n, report_every)) | {0, n}):
        if stop > k:
            p, used = train(p, samples, stop - k, losses, loop.rate, loop.slope, spec.l2, spec.samples, nudges, used)
            k = stop
        loop.flat[:] = p
        if k in marks:
            snapshots.append((k, loop.arrays()))
        if progress and k and k % report_every == 0:
            progress(k)
    nets, outs, kept = loop.forward(loop.x)
    losses.append(loop.objective(outs, loop.t))
    if nudge is None and not (np.all(np.isfinite(losses)) and np.all(np.isfinite(loop.flat))):
        return None
    loop.gradients(nets, outs, kept, loop.t)
    return History(spec.mode, n, tuple(losses), tuple(snapshots), loop.arrays(loop.grads),
                   tuple(tuple(float(v) for v in row) for row in outs[-1][:, 1:]))


def _vectorized(spec: Spec, progress: Callable[[int], None] | None, nudge: int | None) -> History:
    """The run by the NumPy loop."""
    loop, n, marks, report_every = _start(spec, nudge)
    x, t = loop.x, loop.t
    losses = np.empty(n + 1)
    snapshots = []
    nets, outs, kept = loop.forward(x)
    with np.errstate(all="ignore"):
        for k in range(n + 1):
            losses[k] = loop.objective(outs, t)
            if k in marks:
                snapshots.append((k, loop.arrays()))
                if nudge is None and not math.isfinite(losses[k]):
                    raise SpecError(spec.source, "training.learning_rate", "a learning rate small enough for the "
                                    "loss to stay finite", f"a loss of {losses[k]} after {k} iterations")
            if k == n:
                break
            if spec.mode == "batch":
                loop.update(loop.gradients(nets, outs, kept, t))
            else:
                for s in range(len(x)):
                    loop.update(loop.gradients(*loop.forward(x[s:s + 1]), t[s:s + 1]))
            nets, outs, kept = loop.forward(x)
            if progress and (k + 1) % report_every == 0:
                progress(k + 1)
        if nudge is None:  # a shadow run shows its divergence in its numbers instead
            _refuse_non_finite(spec, losses, loop.flat)
        loop.gradients(nets, outs, kept, t)
    return History(spec.mode, n, tuple(float(v) for v in losses), tuple(snapshots), loop.arrays(loop.grads),
                   tuple(tuple(float(v) for v in row) for row in outs[-1][:, 1:]))


def _refuse_non_finite(spec: Spec, losses: np.ndarray, flat: np.ndarray) -> None:
    if not np.all(np.isfinite(losses)):
        first = int(np.argmin(np.isfinite(losses)))
        raise SpecError(spec.source, "training.learning_rate", "a learning rate small enough for the loss to "
                        "stay finite", f"a loss of {losses[first]} after {first} iterations")
    if not np.all(np.isfinite(flat)):  # a weight past float64's range (the loss may look finite)
        raise SpecError(spec.source, "training.learning_rate", "a learning rate small enough for the "
                        "parameters to stay finite", f"parameters beyond {sys.float_info.max:.3g} in training")


def gradient(spec: Spec) -> dict[str, float]:
    """dJ/dp of every trainable parameter at the spec's own parameters, by this module's backward pass."""
    loop = _Loop(spec, Arrays.from_spec(spec))
    with np.errstate(all="ignore"):
        loop.gradients(*loop.forward(loop.x), loop.t)
    return named(spec, loop.arrays(loop.grads))


__all__ = ["History", "accuracy", "gradient", "named", "run", "trained", "with_arrays"]
