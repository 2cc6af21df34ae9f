"""Why a value is wrong: the smallest set of known mistakes that reproduces a set of wrong gradients,
the chain-rule working of one parameter, and which of its factors the wrong value is consistent
with leaving out, and what a wrong value's ratio to the right one says.

Each explanation is said only when it reproduces the value it explains (to the test's tolerance).
"""
from __future__ import annotations

import math
from collections.abc import Callable
from itertools import combinations
from typing import Any

from ..fmt import plain
from ..numeric import mistakes
from ..spec import Spec

MAX_SET = 3  # mistakes combined at most
COMBINED_UP_TO = 2_000  # parameters: beyond, mistakes are tried one at a time


WORKING_DIGITS = 7


def fmt(value: float) -> str:
    """A number as the working shows it: derive's one formatter, to 7 significant digits."""
    return plain(value, WORKING_DIGITS)


# (parameter, their gradient, a gradient) -> the same, to the test's tolerance
Close = Callable[[str, float, float], bool]


def mistaken(spec: Spec, theirs: dict[str, float], close: Close) -> tuple[tuple[mistakes.Instance, ...], set[str]]:
    """The smallest set of mistakes under which every gradient in `theirs` is reproduced, and the names it
    explains; failing that, the single mistake that reproduces the most of the wrong ones (without
    changing a right one), and those names; ((), set()) if none reproduces any."""
    right = mistakes.gradients(spec)
    wrong = {name for name, value in theirs.items() if not close(name, value, right[name])}
    candidates = mistakes.instances(spec)
    most = MAX_SET if len(right) <= COMBINED_UP_TO else 1
    best: tuple[tuple[mistakes.Instance, ...], set[str]] = ((), set())
    for size in range(1, most + 1):
        for made in combinations(candidates, size):
            if len({(i.mistake.option, i.layer) for i in made}) < size or _exclusive(made):
                continue
            alternative = mistakes.gradients(spec, made)
            explained = {name for name in wrong if close(name, theirs[name], alternative[name])}
            broken = any(not close(name, theirs[name], alternative[name]) for name in theirs if name not in wrong)
            if explained == wrong and not broken:
                return made, explained
            if size == 1 and not broken and len(explained) > len(best[1]):
                best = (made, explained)
    return best


def _exclusive(made: tuple[mistakes.Instance, ...]) -> bool:
    """Sets that contradict themselves: two derivative mistakes in one layer, or both reductions."""
    layered = [i.layer for i in made if i.mistake.option in ("skip", "at_output", "out_formula")]
    options = {i.mistake.option for i in made}
    return len(layered) != len(set(layered)) or {"sum_for_mean", "mean_for_sum"} <= options


def working(numbers: dict[str, Any], name: str, spec: Spec) -> list[str]:
    """The chain rule of parameter `name`, factor by factor, as derive works it (plain text lines)."""
    chain = numbers["chain"][name]
    terms = _terms(chain)
    head = f"dE/d{name} = "
    formula = " + ".join(" * ".join(f["factor"] for f in factors) for factors in _first_sample(terms))
    lines = []
    several = spec.samples > 1
    if several:
        reduce = "the mean" if spec.reduction == "mean" else "the sum"
        lines.append(f"{head}{reduce} over the {spec.samples} samples of {formula}"
                     + (f" + ({spec.l2:g}/{spec.samples}) * {name}" if _l2(spec, name) else ""))
    else:
        lines.append(head + formula + (f" + ({spec.l2:g}/1) * {name}" if _l2(spec, name) else ""))
    pad = " " * (len(head) - 2)
    for (sample, _), factors in list(terms.items())[:3 * len(_first_sample(terms))]:
        values = " * ".join(fmt(f["value"]) for f in factors)
        lines.append(f"{pad}{'sample ' + str(sample + 1) + ': ' if several else '= '}{values}")
    if len(terms) > 3 * len(_first_sample(terms)):
        lines.append(f"{pad}... ({len(terms)} terms in all)")
    lines.append(f"{pad}= {fmt(numbers['gradients'][name])}")
    return lines


def _terms(chain: list[dict[str, Any]]) -> dict[tuple[int, str], list[dict[str, Any]]]:
    """The chain's factors grouped into terms: one product per sample and neuron."""
    terms: dict[tuple[int, str], list[dict[str, Any]]] = {}
    for factor in chain:
        terms.setdefault((factor["sample"], factor["neuron"]), []).append(factor)
    return terms


def _first_sample(terms: dict[tuple[int, str], list[dict[str, Any]]]) -> list[list[dict[str, Any]]]:
    first = min(sample for sample, _ in terms)
    return [factors for (sample, _), factors in terms.items() if sample == first]


def _l2(spec: Spec, name: str) -> bool:
    return bool(spec.l2) and name.startswith("w") and any(p.name == name and p.kind == "weight"
                                                          for p in spec.parameters())


def factor_left_out(numbers: dict[str, Any], name: str, spec: Spec, theirs: float, close: Close) -> str | None:
    """'equals the right value without the factor X = v' when leaving one factor (the same one in every
    term) out of the chain reproduces `theirs`."""
    terms = list(_terms(numbers["chain"][name]).values())
    scale = 1.0 / spec.samples if spec.reduction == "mean" else 1.0
    extra = spec.l2 / spec.samples * numbers["parameters"][name] if _l2(spec, name) else 0.0
    for position in range(min(len(t) for t in terms)):
        total = 0.0
        for factors in terms:
            product = 1.0
            for i, f in enumerate(factors):
                if i != position:
                    product *= f["value"]
            total += product
        if close(name, theirs, scale * total + extra):
            left = terms[0][position]
            shown = (f"{left['factor']} = {fmt(left['value'])}" if len(terms) == 1
                     else f"{left['factor']} (and its like in each of the {len(terms)} terms)")
            return f"equals the right value without the factor {shown}"
    return None


def ratio(name: str, theirs: float, right: float, spec: Spec, close: Close) -> str | None:
    """What a wrong value's ratio to the right one says: the sign, the samples, a factor 2, the rate."""
    if right == 0:
        return None
    m = spec.samples
    known = [(-1.0, "is the right value with the opposite sign"), (2.0, "is twice the right value (a 1/2 dropped?)"),
             (0.5, "is half the right value")]
    if m > 1:
        known += [(float(m), f"is {m} times the right value (summed where the loss averages the samples?)"),
                  (1.0 / m, f"is the right value divided by {m} (averaged where the loss sums the samples?)")]
    if spec.learning_rate:
        rate = spec.learning_rate
        known += [(1.0 / rate, "is the right value divided by the learning rate"),
                  (rate, "is the right value times the learning rate")]
    for factor, text in known:
        if close(name, theirs, factor * right):
            return text
    return None


def implied(numbers: dict[str, Any], name: str, spec: Spec, theirs: float) -> str | None:
    """For a chain of one term: the value each factor would need for the product to be `theirs`, were it
    the only wrong one."""
    terms = list(_terms(numbers["chain"][name]).values())
    if len(terms) != 1 or _l2(spec, name) or not all(f["value"] for f in terms[0]):
        return None
    right = numbers["gradients"][name]  # one term: one sample, so no reduction
    if not right:
        return None
    scale = theirs / right
    return "would follow from one wrong factor: " + ", or ".join(
        f"{f['factor']} = {fmt(f['value'] * scale)} (right: {fmt(f['value'])})" for f in terms[0])


def wrong_factor(numbers: dict[str, Any], name: str, spec: Spec, theirs: float, made: tuple[mistakes.Instance, ...],
                 close: Close) -> str | None:
    """'has X = v where derive has w' when replacing one factor of the chain (in every term) by its value
    under the mistakes `made` reproduces `theirs`."""
    if not made:
        return None
    terms = _terms(numbers["chain"][name])
    if any(f["factor"].startswith("dE/din_") for factors in terms.values() for f in factors):
        return None  # a softmax layer's dE/din: no separate dout/din to swap
    under = mistakes.factors(spec, made)
    scale = 1.0 / spec.samples if spec.reduction == "mean" else 1.0
    extra = spec.l2 / spec.samples * numbers["parameters"][name] if _l2(spec, name) else 0.0
    for position in (0, 1):
        total, changed = 0.0, []
        for (sample, neuron), factors in terms.items():
            swapped = under[sample, neuron][position]
            if swapped is None:
                break
            product = swapped
            for i, f in enumerate(factors):
                if i != position:
                    product *= f["value"]
            total += product
            if not math.isclose(swapped, factors[position]["value"], rel_tol=1e-12, abs_tol=1e-300):
                changed.append((factors[position], swapped))
        else:
            if changed and close(name, theirs, scale * total + extra):
                f, swapped = changed[0]
                return (f"is derive's chain with {f['factor']} = {fmt(swapped)} in place of {fmt(f['value'])}"
                        + (f" (and {len(changed) - 1} more terms like it)" if len(changed) > 1 else "")
                        + ", which the mistake gives")
    return None
