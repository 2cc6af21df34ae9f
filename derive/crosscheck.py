"""The cross-checks: every number is computed twice, by code that shares nothing but the spec, and
compared before anything is written. A disagreement is a bug in derive: `VerificationError` (exit
code 3), never a document.

- One step (`verify`): each `Value` of a derivation (the symbolic path) against the step engine under
  the same key, and every gradient against central finite differences.
- Training (`check_training`): the loop's first iterations replayed by the step engine, the loss at
  every checkpoint recomputed from the stored parameters, the final outputs by the step engine's
  forward pass, and the final gradient against finite differences. It returns the independent values
  of what a document shows of training, which `verify` then compares with the document's.
"""
from __future__ import annotations

import dataclasses
import math

import numpy as np

from . import ir, keys
from .errors import SpecError, VerificationError
from .numeric import Arrays, engine, gradcheck, loop
from .spec import Spec
from .spec.schedule import percent_drop, tail_start

# The tolerance table. Relative tolerances, each with an absolute floor of FLOOR:
SYMBOLIC = 1e-9  # the symbolic path vs the step engine: the same float64 arithmetic in another order
LOOP = 1e-9  # the training loop vs the step engine
FINITE_DIFFERENCES = 1e-6  # backpropagation vs central differences
FLOOR = 1e-12
# A loss that training drove down by orders of magnitude is a difference of nearly equal numbers
# (t - y): float64 knows it only to within LOSS_FLOOR times the loss it started from.
LOSS_FLOOR = 1e-12
PERCENT_DIGITS = 4  # percentages are shown to 4 digits and must agree to half of the last
REPLAYED = 10  # training iterations replayed by the step engine


def close(a: float, b: float, tolerance: float, floor: float = FLOOR) -> bool:
    return abs(a - b) <= tolerance * max(abs(a), abs(b)) + floor


def floor(key: str, numbers: dict[str, float]) -> float:
    """The absolute agreement asked of `key` besides the relative tolerance (see the table above)."""
    if not key.startswith("train:"):
        return FLOOR
    found = keys.parse(key)
    if found.training and found.kind == "loss":
        return LOSS_FLOOR * max(abs(numbers[keys.trained_loss(0, found.hidden)]), 1e-300)
    if found.training and found.kind in ("drop", "tail", "accuracy"):
        return 0.5 * 10.0 ** (math.floor(math.log10(max(abs(numbers[key]), 1e-12))) - PERCENT_DIGITS + 1)
    return FLOOR


def reference(spec: Spec) -> dict[str, float]:
    """The NumPy engine's quantities, refusing a spec whose numbers overflow float64."""
    values = engine.quantities(spec)
    for key, value in values.items():
        if not math.isfinite(value):
            raise SpecError(spec.source, "params, data", "numbers small enough for every quantity to stay finite "
                            "in float64", f"{keys.readable(key, )} = {value}")
    return values


def verify(spec: Spec, derivation: ir.Derivation, numbers: dict[str, float] | None = None) -> int:
    """Check every number in `derivation` against `numbers` (the NumPy engine's); return how many were checked."""
    reference_values = numbers if numbers is not None else reference(spec)
    checked = 0
    for value in ir.values(derivation):
        if value.key not in reference_values:
            raise VerificationError(f"internal error: no independent value for {value.key!r}")
        if not close(value.value, reference_values[value.key], SYMBOLIC, floor(value.key, reference_values)):
            raise VerificationError(f"internal error: {value.key} is {value.value!r} symbolically but "
                                    f"{reference_values[value.key]!r} numerically")
        checked += 1
    check_gradient(spec, reference_values)
    return checked


def check_gradient(spec: Spec, reference_values: dict[str, float], second_pass: bool = False) -> None:
    """The step engine's gradient (in `reference_values`) against central finite differences, and against
    the training loop's backward pass (code the step engine does not share) when `second_pass` asks or
    the network is too big to difference every parameter."""
    gradient = {p.name: reference_values[keys.gradient(p.name)] for p in spec.parameters()
                if keys.gradient(p.name) in reference_values}
    if second_pass or len(gradient) > gradcheck.FD_EACH:
        # beyond FD_EACH, finite differences see each component only along random directions
        for name, value in loop.gradient(spec).items():
            if not close(value, gradient[name], LOOP):
                raise VerificationError(f"internal error: grad:{name} is {gradient[name]!r} by the step engine but "
                                        f"{value!r} by the training loop")
    if gradcheck.near_kink(spec):
        return  # two engines agree; differences across a kink would measure neither branch
    problem = gradcheck.gradient_disagreement(spec, gradient, FINITE_DIFFERENCES, frozenset(spec.focus))
    if problem:
        raise VerificationError(f"internal error: {problem}")


def _step(spec: Spec) -> Spec:
    """One update by the step engine (`engine.quantities`), in the spec's mode."""
    batches = [spec] if spec.mode == "batch" else [
        dataclasses.replace(spec, inputs=spec.inputs[s:s + 1], targets=spec.targets[s:s + 1])
        for s in range(spec.samples)]
    for batch in batches:
        values = engine.quantities(dataclasses.replace(batch, weights=spec.weights, biases=spec.biases))
        params = {p.name: values.get(keys.updated(p.name), p.value) for p in spec.parameters()}
        spec = _assign(spec, params)
    return spec


def _assign(spec: Spec, params: dict[str, float]) -> Spec:
    return loop.with_arrays(spec, Arrays.from_spec(spec).replaced({p: params[p.name] for p in spec.parameters()}))


def check_training(spec: Spec, history: loop.History) -> dict[str, float]:
    """Cross-check a training history against independent code, and return the independent values of
    what a document shows of it: train:loss:<k> at every snapshot, train:out:<s>:<label> at the end,
    and train:param:<name> (the loop's, whose loss and gradient were checked)."""
    compared = 0
    replay = spec
    snapshots = dict(history.snapshots)
    for k in range(1, min(history.iterations, REPLAYED) + 1):
        replay = _step(replay)
        expected = engine.loss(replay, Arrays.from_spec(replay))
        if not math.isfinite(expected):  # the user's learning rate threw the parameters out of range
            raise SpecError(spec.source, "training.learning_rate", "a learning rate small enough for training to "
                            "stay within float64's range", f"a loss of {expected} after {k} iterations")
        compared += _compare(f"training loss after {k} iterations", history.losses[k], expected, LOOP,
                             LOSS_FLOOR * history.losses[0])
        if k in snapshots:
            for name, a, b in _pairs(Arrays.from_spec(replay), snapshots[k]):
                compared += _compare(f"{name} after {k} iterations", a, b, LOOP)
    values = {}
    for k, arrays in history.snapshots:
        values[keys.trained_loss(k)] = engine.loss(spec, arrays)
        compared += _compare(f"training loss after {k} iterations", history.losses[k],
                             values[keys.trained_loss(k)], LOOP, LOSS_FLOOR * history.losses[0])
    final = loop.with_arrays(spec, history.final)
    _, outs = engine.forward(final, history.final, np.array(spec.inputs, dtype=np.float64))
    for s, (got_row, row) in enumerate(zip(history.outputs, outs[-1])):
        for label, got, expected in zip(spec.labels[-1], got_row, row):
            values[keys.trained_out(s, label)] = float(expected)
            compared += _compare("a final output", got, expected, LOOP)
    if spec.learning_rate is not None and not gradcheck.near_kink(final):
        compared += _check_gradient(final, history.gradient)
    for p in final.parameters():
        values[keys.trained_param(p.name)] = p.value
    n = history.iterations
    first, last, tail = (values[keys.trained_loss(k)] for k in (0, n, tail_start(n)))
    values[keys.drop()] = percent_drop(first, last)
    values[keys.tail()] = percent_drop(tail, last)
    score = loop.accuracy(spec, outs[-1])
    if score is not None:
        values[keys.accuracy()] = score
    return values


def _pairs(a: Arrays, b: Arrays):
    for l, (wa, wb) in enumerate(zip(a.weights, b.weights)):
        for i, (u, v) in enumerate(zip(wa.ravel(), wb.ravel())):
            yield f"weight {i} of layer {l + 1}", float(u), float(v)
    for l, (ba, bb) in enumerate(zip(a.biases, b.biases)):
        for i, (u, v) in enumerate(zip(ba, bb)):
            yield f"bias {i} of layer {l + 1}", float(u), float(v)


def _check_gradient(spec: Spec, found: Arrays) -> int:
    """The loop's gradient at the final parameters against central differences."""
    by_name = loop.named(spec, found)
    problem = gradcheck.gradient_disagreement(spec, by_name, FINITE_DIFFERENCES)
    if problem:
        raise VerificationError(f"internal error: the training loop's final gradient: {problem}")
    return len(by_name)


def _compare(what: str, got: float, expected: float, tolerance: float, floor: float = FLOOR) -> int:
    if not close(got, expected, tolerance, floor):
        raise VerificationError(f"internal error: {what}: the training loop has {got!r}, "
                                f"an independent computation {expected!r}")
    return 1
