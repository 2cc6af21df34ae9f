"""The assertions: a tested implementation's numbers against derive's, and, when they differ, a
message with the working.

Values agree when |yours - derive's| <= atol + rtol * |derive's| (numpy.isclose's rule); a value
that is not finite never agrees. Only the values given are compared.
"""
from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..oracle import numbers as compute
from ..spec import Spec, load
from . import actual as read
from . import explain
from .explain import fmt
from .forward import story

SHOWN = 8  # wrong values listed one by one in a message


def spec_of(spec: str | Path | dict | Spec) -> Spec:
    return spec if isinstance(spec, Spec) else load(spec)


@lru_cache(maxsize=64)
def numbers_of(spec: Spec) -> dict[str, Any]:
    """derive.numbers, once per spec (an autograder asks the same spec for every student)."""
    return compute(spec)


def _close(rtol: float, atol: float):
    def close(_name: str, theirs: float, right: float) -> bool:
        return math.isfinite(theirs) and abs(theirs - right) <= atol + rtol * abs(right)
    return close


def _trained(spec: Spec) -> None:
    if spec.learning_rate is None:
        raise KeyError(f"{spec.name} has no [training]: gradients and updates need training.learning_rate")


def _listing(what: str, wrong: list[str], total: int, theirs: dict, right: dict, spec: Spec, rtol: float,
             atol: float) -> list[str]:
    lines = [f"{len(wrong)} of {total} {what} of {spec.name} differ from derive's (rtol={rtol:g}, atol={atol:g}):"]
    lines += [f"  {name}: yours {fmt(theirs[name])}, derive's {fmt(right[name])}" for name in wrong[:SHOWN]]
    if len(wrong) > SHOWN:
        lines.append(f"  ... and {len(wrong) - SHOWN} more: {', '.join(wrong[SHOWN:])}")
    return lines


def _mistakes(spec: Spec, made: tuple, explained: set[str], wrong: list[str]) -> list[str]:
    """What the mistakes found say about the wrong values."""
    if not made:
        return [f"No mistake derive knows reproduces {'it' if len(wrong) == 1 else 'them'}."]
    said = [instance.describe(spec) for instance in made]
    if explained == set(wrong):
        count = "It follows" if len(wrong) == 1 else f"All {len(wrong)} follow"
        if len(said) == 1:
            return [f"{count} from one mistake: {said[0]}."]
        return [f"{count} from {len(said)} mistakes: " + "; ".join(f"({i}) {s}" for i, s in enumerate(said, 1))
                + "."]
    rest = [name for name in wrong if name not in explained]
    return [f"{', '.join(n for n in wrong if n in explained)} follow from one mistake: {said[0]}; "
            f"no mistake derive knows reproduces {', '.join(rest)} as well."]


def _gradient_story(spec: Spec, numbers: dict[str, Any], gradients: dict[str, float], wrong: list[str],
                    close, own: str = "Your") -> list[str]:
    """Which mistakes reproduce the wrong gradients, then the working of the first, and what its value says."""
    made, explained = explain.mistaken(spec, gradients, close)
    lines = _mistakes(spec, made, explained, wrong)
    layer = {p.name: p.layer for p in spec.parameters()}
    first = max(wrong, key=lambda name: layer[name])  # the first wrong one in backpropagation's order
    right = numbers["gradients"][first]
    lines.append(f"derive's working for {first}:")
    lines += ["  " + line for line in explain.working(numbers, first, spec)]
    finding = (explain.factor_left_out(numbers, first, spec, gradients[first], close)
               or explain.wrong_factor(numbers, first, spec, gradients[first], made, close)
               or explain.ratio(first, gradients[first], right, spec, close)
               or explain.implied(numbers, first, spec, gradients[first]))
    if finding:
        lines.append(f"{own} dE/d{first} = {fmt(gradients[first])} {finding}.")
    return lines


def assert_gradients(actual: dict[str, Any], spec: str | Path | dict | Spec, rtol: float = 1e-7, atol: float = 0.0, *,
                     layout: str | None = None) -> None:
    """Assert that `actual` (parameter -> dE/dp: `w5`, `b3`, or `W1`, `b1` by layer) holds the spec's
    gradients; otherwise an AssertionError with the mistakes that reproduce the wrong ones and the
    working of the first."""
    __tracebackhide__ = True
    spec, numbers, theirs, right, close, wrong = _compared(actual, spec, "gradients", rtol, atol, layout)
    if wrong:
        lines = _listing("gradients", wrong, len(theirs), theirs, right, spec, rtol, atol)
        raise AssertionError("\n".join(lines + _gradient_story(spec, numbers, theirs, wrong, close)))


def assert_updated(actual: dict[str, Any], spec: str | Path | dict | Spec, rtol: float = 1e-7, atol: float = 0.0, *,
                   layout: str | None = None) -> None:
    """Assert that `actual` (parameter -> its value after one step, named as in assert_gradients) holds
    the spec's updated parameters; a wrong update is explained through the gradient it implies,
    (p - p') / learning rate."""
    __tracebackhide__ = True
    spec, numbers, theirs, right, close, wrong = _compared(actual, spec, "updated", rtol, atol, layout)
    if not wrong:
        return
    rate, before = spec.learning_rate, numbers["parameters"]
    implied = {name: (before[name] - value) / rate for name, value in theirs.items()}

    def same_update(name: str, gradient: float, other: float) -> bool:  # gradients compared as the updates they make
        return close(name, before[name] - rate * gradient, before[name] - rate * other)

    lines = _listing("updated parameters", wrong, len(theirs), theirs, right, spec, rtol, atol)
    first = wrong[0]
    step, right_step = before[first] - theirs[first], rate * numbers["gradients"][first]
    if same_update(first, -step / rate, right_step / rate):
        lines.append(f"{first} moved up the gradient: {fmt(before[first])} + {fmt(rate)} * dE/d{first} "
                     "(an update subtracts the step).")
    elif same_update(first, step, right_step / rate):
        lines.append(f"{first}'s step leaves the learning rate out: {fmt(before[first])} - dE/d{first}.")
    lines.append(f"An update is p - {fmt(rate)} * dE/dp; yours imply gradients (p - yours) / {fmt(rate)}.")
    raise AssertionError("\n".join(lines + _gradient_story(spec, numbers, implied, wrong, same_update,
                                                           "The implied")))


def _compared(actual: dict[str, Any], spec: str | Path | dict | Spec, table: str, rtol: float, atol: float,
              layout: str | None):
    """The spec, its numbers, your parameters' values, derive's (`table`: gradients or updated), the
    closeness rule, and the names of yours that differ."""
    spec = spec_of(spec)
    _trained(spec)
    numbers = numbers_of(spec)
    theirs = _trainable(read.parameters(actual, spec, layout), numbers)
    right = numbers[table]
    close = _close(rtol, atol)
    return spec, numbers, theirs, right, close, [name for name in theirs if not close(name, theirs[name], right[name])]


def _trainable(theirs: dict[str, float], numbers: dict[str, Any]) -> dict[str, float]:
    fixed = [name for name in theirs if name not in numbers["gradients"]]
    if fixed:
        raise KeyError(f"{', '.join(fixed)}: fixed in {numbers['name']} (trainable_biases = false): no gradient "
                       "or update to compare")
    return theirs


def assert_loss(actual: float | dict[str, Any], spec: str | Path | dict | Spec, rtol: float = 1e-7,
                atol: float = 0.0) -> None:
    """Assert that `actual` is the spec's loss: a number (the JSON's loss.total), or a dict with any of
    "total", "terms" (output label -> its term), "objective" (with L2)."""
    __tracebackhide__ = True
    spec = spec_of(spec)
    numbers = numbers_of(spec)
    loss = numbers["loss"]
    given = actual if isinstance(actual, dict) else {"total": actual}
    theirs: dict[str, float] = {}
    right: dict[str, float] = {}
    for key, value in given.items():
        if key == "terms":
            for label, term in value.items():
                if label not in loss["terms"]:
                    raise KeyError(f"terms: {label!r}: expected an output of {spec.name} ({', '.join(loss['terms'])})")
                theirs[f"E_{label}"], right[f"E_{label}"] = float(read.array(term, label)), loss["terms"][label]
        elif key in ("total", "objective") and key in loss:
            theirs[key], right[key] = float(read.array(value, key)), loss[key]
        else:
            raise KeyError(f"{key!r}: expected total, terms" + (", objective" if "objective" in loss else ""))
    close = _close(rtol, atol)
    wrong = [key for key in theirs if not close(key, theirs[key], right[key])]
    if not wrong:
        return
    lines = _listing("loss values", wrong, len(theirs), theirs, right, spec, rtol, atol)
    terms = " + ".join(f"E_{label}" for label in loss["terms"])
    values = " + ".join(fmt(v) for v in loss["terms"].values())
    reduce = f"{spec.reduction} over the {spec.samples} samples of " if spec.samples > 1 else ""
    lines.append(f"derive's working: E = {reduce}{terms} = {values} = {fmt(loss['total'])}"
                 + (f"; with the L2 penalty, {fmt(loss['total'])} + {fmt(loss['regularization'])} = "
                    f"{fmt(loss['objective'])}" if "objective" in loss else ""))
    first = wrong[0]
    alternatives = [(loss.get("objective"), "equals the objective E + R (with the L2 penalty)"),
                    (loss["total"] if first == "objective" else None, "equals E without the L2 penalty")]
    alternatives += [(sample["total"], f"equals sample {s + 1}'s loss alone")
                     for s, sample in enumerate(loss.get("per_sample", []))]
    for value, text in alternatives:
        if value is not None and close(first, theirs[first], value):
            lines.append(f"Your {first} {text}.")
            break
    else:
        said = explain.ratio(first, theirs[first], right[first], spec, close)
        if said:
            lines.append(f"Your {first} {said}.")
    raise AssertionError("\n".join(lines))


def assert_forward(actual: dict[str, Any], spec: str | Path | dict | Spec, rtol: float = 1e-7,
                   atol: float = 0.0) -> None:
    """Assert that `actual` (neuron label -> its output, or {"in": ..., "out": ...}, a list over samples;
    or A1, Z1 by layer) holds the spec's forward pass; a wrong value is shown with its working, and
    one that follows from your own earlier wrong values by the right arithmetic is said to."""
    __tracebackhide__ = True
    spec = spec_of(spec)
    numbers = numbers_of(spec)
    theirs = read.neurons(actual, spec)
    forward = numbers["forward"]
    close = _close(rtol, atol)
    name = {key: f"{key[2]}_{key[1]}" + (f" (sample {key[0] + 1})" if spec.samples > 1 else "") for key in theirs}
    right = {key: forward[key[0]][key[1]][key[2]] for key in theirs}
    wrong = [key for key in theirs if not close(name[key], theirs[key], right[key])]
    if not wrong:
        return
    lines = _listing("forward values", [name[k] for k in wrong], len(theirs), {name[k]: v for k, v in theirs.items()},
                     {name[k]: v for k, v in right.items()}, spec, rtol, atol)
    lines += story(spec, numbers, theirs, wrong, close, name)
    raise AssertionError("\n".join(lines))
