"""Grading with errors carried forward: a later answer that is wrong against the key but right from
the student's own earlier answers (out_h1 wrong, everything after it worked right from it) earns the
credit the key's rule gives (full, partial or none).

The values a later answer is judged against come from the step engine with the student's earlier
answers taken as given (derive.numeric.engine.Given): an updated parameter from the student's own
gradient, a softmax layer's gradient from the student's own outputs. An earlier answer carries only
when it is plausible: of the right sign and within a factor of PLAUSIBLE of the right value (an answer
of 0 everywhere, which would make every later one trivial, never carries).
"""
from __future__ import annotations

from .. import keys
from ..numeric import engine
from ..spec import load

RULES = {"full": 1.0, "partial": 0.5, "none": 0.0}  # the credit of an answer right from earlier values
DEFAULT_RULE = "partial"
PLAUSIBLE = 2.0
CARRIED = "right from your earlier value"
FORWARD = ("in", "out", "grad")  # the kinds of answer that carry forward


def plausible(answer: float, right: float) -> bool:
    """Whether a wrong earlier answer may carry: the right sign, within a factor PLAUSIBLE of the value."""
    if right == 0 or answer == 0 or (answer > 0) != (right > 0):
        return False
    return 1 / PLAUSIBLE <= answer / right <= PLAUSIBLE


def recomputed(spec: dict, asked: list[dict], answers: dict[str, float], wrong: set[str]) -> dict[str, float]:
    """For each asked quantity after a wrong but plausible earlier answer: its value from the student's
    earlier answers (`answers`, by key; `wrong`: those counted wrong), as far as they can be given."""
    network = load(spec)
    given: dict[str, float] = {}
    found: dict[str, float] = {}
    for a in asked:
        key = a["key"]
        if given:
            value = engine.quantities(network, given).get(key)
            if value is not None:
                found[key] = value
        if key in wrong and key in answers and plausible(answers[key], a["value"]) and givable(network, key):
            given[key] = answers[key]
    return found


def givable(network, key: str) -> bool:
    """Whether a student's answer for quantity `key` carries forward: a net input, an output or a
    gradient the step engine can take as given (derive.numeric.engine.Given, and its JavaScript twin in
    the practice sheet, take those)."""
    if keys.parse(key).kind not in FORWARD:
        return False
    try:
        engine.Given(network, {key: 0.0})
    except ValueError:
        return False
    return True
