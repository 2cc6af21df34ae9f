"""Cross-check every number of a derivation before anything is written.

Each shown `Value` is compared with the independent NumPy engine under the same key, and every
gradient with central finite differences. A disagreement is a bug in derive: it raises
`VerificationError` and no document is produced.
"""
from __future__ import annotations

from . import ir, numeric
from .errors import VerificationError
from .spec import Spec

SYMBOLIC_TOLERANCE = 1e-9  # relative, symbolic path vs NumPy (both float64 arithmetic)
FD_TOLERANCE = 1e-6  # relative, NumPy backprop vs central finite differences


def close(a: float, b: float, tolerance: float, floor: float = 1e-12) -> bool:
    return abs(a - b) <= tolerance * max(abs(a), abs(b)) + floor


def verify(spec: Spec, derivation: ir.Derivation) -> int:
    """Check every number in `derivation`; return how many were checked."""
    reference = numeric.quantities(spec)
    checked = 0
    for value in ir.values(derivation):
        if value.key not in reference:
            raise VerificationError(f"internal error: no independent value for {value.key!r}")
        if not close(value.value, reference[value.key], SYMBOLIC_TOLERANCE):
            raise VerificationError(f"internal error: {value.key} is {value.value!r} symbolically but "
                                    f"{reference[value.key]!r} numerically")
        checked += 1
    for key, estimate in numeric.finite_differences(spec).items():
        if not close(reference[key], estimate, FD_TOLERANCE, floor=1e-8):
            raise VerificationError(f"internal error: {key} is {reference[key]!r} by backpropagation but "
                                    f"{estimate!r} by finite differences")
    return checked
