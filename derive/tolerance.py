"""How close a number must be to count as right: relative (rel:0.01 = 1%), absolute (abs:0.0005) or
to significant figures (sig:3), as one allowed absolute error per exact value. Exercise sheets, the
grader and Moodle's numerical questions accept the same answers by it, and derive check judges a
walkthrough computed at a lower precision (float32) by it."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .errors import UsageError


@dataclass(frozen=True)
class Tolerance:
    """How close an answer must be: relative (0.01 = 1%), absolute, or significant figures."""

    kind: str  # relative | absolute | significant
    value: float

    def absolute(self, exact: float) -> float:
        """The largest error allowed around `exact` (Moodle's numerical tolerance): for significant
        figures, half a unit in the last of the exact value's first `value` digits."""
        if self.kind == "absolute":
            return self.value
        if self.kind == "relative":
            return self.value * abs(exact)
        if exact == 0:
            return 0.0
        return 0.5 * 10.0 ** (math.floor(math.log10(abs(exact))) - int(self.value) + 1)

    def accepts(self, answer: float, exact: float) -> bool:
        """Whether `answer` is within the tolerance of `exact` (a significant-figure boundary, itself a
        rounded float, gets a relative 1e-9 of slack)."""
        slack = 1 + 1e-9 if self.kind == "significant" else 1
        return abs(answer - exact) <= self.absolute(exact) * slack

    def text(self) -> str:
        """The tolerance as parse_tolerance reads it: rel:0.01, abs:0.0005, sig:3."""
        short = {"relative": "rel", "absolute": "abs", "significant": "sig"}[self.kind]
        return f"{short}:{self.value!r}"

    def describe(self) -> dict[str, float | str]:
        return {"kind": self.kind, "value": self.value}


def parse_tolerance(text: str) -> Tolerance:
    """rel:0.01, abs:0.0005 or sig:3."""
    match = re.fullmatch(r"(rel|abs|sig):([0-9.eE+-]+)", text.strip())
    kinds = {"rel": "relative", "abs": "absolute", "sig": "significant"}
    try:
        value = float(match.group(2)) if match else math.nan
    except ValueError:
        value = math.nan
    if not match or not math.isfinite(value) or value <= 0 or (match.group(1) == "sig" and not value.is_integer()):
        raise UsageError("--tolerance: expected rel:R, abs:A or sig:N (e.g. rel:0.01, abs:0.0005, sig:3), "
                         f"got {text!r}")
    return Tolerance(kinds[match.group(1)], value)
