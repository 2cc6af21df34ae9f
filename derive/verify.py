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
    # Central differences at the smallest step first; a gradient that disagrees there gets larger steps
    # (rounding noise grows as the step shrinks where a saturated output loses digits), and must agree
    # with at least one of them.
    pending = {key[len("grad:"):]: estimate for key, estimate in numeric.finite_differences(spec).items()}
    for step in numeric.FD_STEPS:
        if step != numeric.FD_STEPS[0]:
            pending = {k[len("grad:"):]: v for k, v in numeric.finite_differences(spec, step, set(pending)).items()}
        pending = {name: estimate for name, estimate in pending.items()
                   if not close(reference_values[f"grad:{name}"], estimate, FD_TOLERANCE, floor=1e-8)}
        if not pending:
            return checked
    name, estimate = next(iter(pending.items()))
    raise VerificationError(f"internal error: grad:{name} is {reference_values['grad:' + name]!r} by "
                            f"backpropagation but {estimate!r} by finite differences")
    return checked
