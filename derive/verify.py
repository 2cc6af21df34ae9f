"""Cross-check every number of a derivation before anything is written.

Each shown `Value` is compared with the independent NumPy engine under the same key, and every
gradient with central finite differences. A disagreement is a bug in derive: it raises
`VerificationError` and no document is produced.
"""
from __future__ import annotations

import math
import re

from . import ir, numeric
from .errors import SpecError, VerificationError
from .spec import Spec

SYMBOLIC_TOLERANCE = 1e-9  # relative, symbolic path vs NumPy (both float64 arithmetic)
FD_TOLERANCE = 1e-6  # relative, NumPy backprop vs central finite differences


def close(a: float, b: float, tolerance: float, floor: float = 1e-12) -> bool:
    return abs(a - b) <= tolerance * max(abs(a), abs(b)) + floor


def floor(key: str, numbers: dict[str, float]) -> float:
    """The absolute agreement asked of `key` besides the relative tolerance. A loss that training has
    driven down by many orders of magnitude is a difference of nearly equal numbers (t - y): float64
    knows it only to within about 1e-12 of the loss it started from. Percentages are shown to 4 digits
    and must agree to half of the last."""
    loss = re.fullmatch(r"(train:(?:hidden:[0-9]+:)?)loss:[0-9]+", key)
    if loss:
        return 1e-12 * max(abs(numbers[f"{loss.group(1)}loss:0"]), 1e-300)
    if key in ("train:drop", "train:tail") or key.endswith("accuracy"):
        return 0.5 * 10.0 ** (math.floor(math.log10(max(abs(numbers[key]), 1e-12))) - 3)  # half the 4th digit
    return 1e-12


def reference(spec: Spec) -> dict[str, float]:
    """The NumPy engine's quantities, refusing a spec whose numbers overflow float64."""
    values = numeric.quantities(spec)
    for key, value in values.items():
        if not math.isfinite(value):
            raise SpecError(spec.source, "params, data", "numbers small enough for every quantity to stay finite "
                            "in float64", f"{_readable(key)} = {value}")
    return values


def _readable(key: str) -> str:
    """0:in:h1 -> in_h1 of sample 1; grad:w1 -> grad_w1."""
    parts = key.split(":")
    if parts[0].isdigit():
        return f"{'_'.join(parts[1:])} of sample {int(parts[0]) + 1}"
    return "_".join(parts)


def verify(spec: Spec, derivation: ir.Derivation, numbers: dict[str, float] | None = None) -> int:
    """Check every number in `derivation` against `numbers` (the NumPy engine's); return how many were checked."""
    reference_values = numbers if numbers is not None else reference(spec)
    checked = 0
    for value in ir.values(derivation):
        if value.key not in reference_values:
            raise VerificationError(f"internal error: no independent value for {value.key!r}")
        if not close(value.value, reference_values[value.key], SYMBOLIC_TOLERANCE, floor(value.key, reference_values)):
            raise VerificationError(f"internal error: {value.key} is {value.value!r} symbolically but "
                                    f"{reference_values[value.key]!r} numerically")
        checked += 1
    if numeric.near_kink(spec):
        return checked  # two engines agree; differences across a kink would measure neither branch
    gradient = {key[len("grad:"):]: value for key, value in reference_values.items() if key.startswith("grad:")}
    if len(gradient) > numeric.FD_EACH:
        # finite differences see every component only along random directions here, so each component
        # is also compared with the training loop's backward pass (code the step engine does not share)
        from . import train
        for name, value in train.gradient(spec).items():
            if not close(value, gradient[name], SYMBOLIC_TOLERANCE, 1e-12):
                raise VerificationError(f"internal error: grad:{name} is {gradient[name]!r} by the step engine but "
                                        f"{value!r} by the training loop")
    problem = numeric.gradient_disagreement(spec, gradient, FD_TOLERANCE, frozenset(spec.focus))
    if problem:
        raise VerificationError(f"internal error: {problem}")
    return checked
