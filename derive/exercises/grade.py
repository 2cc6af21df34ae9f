"""derive grade: score a CSV of students' answers against exercises.json, with partial credit.

submissions.csv has a header row: `student`, `variant`, and one column per asked quantity, named by
its key in exercises.json (grad:w5, 0:out:o1, updated:w5, ...); `derive exercises` writes it with the
exact header. A quantity left empty scores 0 ("missing"); an answer that is not a number counts as
wrong, with a note; a row with an unknown variant is reported and skipped; a column that is no
quantity of the exercises is an error.
"""
from __future__ import annotations

import csv
import io
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

from .. import fmt
from ..errors import UsageError
from ..files import read_text
from ..tolerance import Tolerance
from .carry import CARRIED, DEFAULT_RULE, RULES, recomputed


@dataclass(frozen=True)
class Graded:
    student: str
    variant: str
    verdicts: dict[str, str]  # key -> right | right from your earlier value | wrong | missing
    credit: float = 0.0  # of an answer right from the student's earlier values (derive.exercises.carry)

    @property
    def score(self) -> float:
        return sum(1.0 if v == "right" else self.credit if v == CARRIED else 0.0
                   for v in self.verdicts.values()) / len(self.verdicts)


MAX_BYTES = 20_000_000  # an exercises.json or a submissions CSV larger than this is refused unread
_KINDS = ("relative", "absolute", "significant")


def load_key(path: str | Path, specs: dict | None = None) -> dict[str, list[dict]]:
    """exercises.json: variant id -> its asked quantities (key, value, tolerance), each checked; with
    `specs` (a dict to fill), each variant's spec and the set's carry-forward rule ("rule")."""
    try:
        data = json.loads(read_text(path, "the exercises.json that derive exercises writes", MAX_BYTES))
        variants = data["variants"]
        if not isinstance(variants, list) or not variants:
            raise ValueError("no variants")
        key = {_id(v): [_asked(a) for a in v["asked"]] for v in variants}
        if specs is not None:
            rule = data.get("carry_forward", DEFAULT_RULE)
            if rule not in RULES:
                raise ValueError(f"carry_forward {rule!r}, expected one of {', '.join(RULES)}")
            specs |= {_id(v): v["spec"] for v in variants} | {"rule": rule}
    except (json.JSONDecodeError, KeyError, TypeError, ValueError, RecursionError) as exc:
        raise UsageError(f"{path}: expected the exercises.json that derive exercises writes (variants, each "
                         f"with an id and a non-empty list of asked quantities): {_why(exc)}") from None
    if not all(key.values()):
        raise UsageError(f"{path}: expected at least one asked quantity in every variant")
    return key


def _id(variant: dict) -> str:
    if not isinstance(variant["id"], str):
        raise TypeError("a variant's id is not a string")
    return variant["id"]


def _asked(asked: dict) -> dict:
    """One asked quantity, checked: a string key, a finite value, a tolerance the grader can apply."""
    key, value, tolerance = asked["key"], asked["value"], asked["tolerance"]
    kind, allowed = tolerance["kind"], tolerance["value"]
    if not isinstance(key, str) or not key:
        raise ValueError("an asked key is not a string")
    for number in (value, allowed):
        if isinstance(number, bool) or not isinstance(number, (int, float)) or not math.isfinite(number):
            raise ValueError(f"{key}: {number!r} is not a finite number")
    if kind not in _KINDS or allowed <= 0 or (kind == "significant" and not float(allowed).is_integer()):
        raise ValueError(f"{key}: tolerance {kind!r} {allowed!r}, expected one of {', '.join(_KINDS)} with a "
                         "positive value (a whole number of significant figures)")
    return {"key": key, "value": float(value), "tolerance": {"kind": kind, "value": float(allowed)}}


def _why(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"missing field {exc.args[0]!r}"
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    return str(exc) or exc.__class__.__name__


def grade(key: dict[str, list[dict]], text: str, source: str = "submissions.csv",
          specs: dict | None = None) -> tuple[list[Graded], list[str]]:
    """Every gradable row, and one note per row skipped (an unknown variant) or answer counted wrong
    because it is not a number. A column the key does not know is an error: a mistyped column would
    otherwise score every answer of it as missing. With `specs` (load_key's), errors carry forward."""
    try:
        return _grade(key, text, source, specs)
    except csv.Error as exc:  # a field beyond csv's limit (128 KB), a NUL byte
        raise UsageError(f"{source}: expected a CSV file ({exc})") from None


def _grade(key: dict[str, list[dict]], text: str, source: str, specs: dict | None) -> tuple[list[Graded], list[str]]:
    reader = csv.DictReader(io.StringIO(text))
    columns = reader.fieldnames or []
    known = list(dict.fromkeys(a["key"] for asked in key.values() for a in asked))
    if "student" not in columns or "variant" not in columns:
        raise UsageError(f"{source}: header: expected columns student, variant and one per quantity "
                         f"({', '.join(known)}), got {', '.join(map(_printable, columns)) or 'nothing'}")
    unknown = [c for c in columns if c not in ("student", "variant", *known)]
    if unknown:
        raise UsageError(f"{source}: header: column {unknown[0]!r} is no quantity of the exercises; expected "
                         f"student, variant and any of {', '.join(known)}")
    graded, notes = [], []
    for row in reader:
        line = reader.line_num
        variant = (row.get("variant") or "").strip()
        if variant not in key:
            notes.append(f"skipped: {source}:{line}: unknown variant {variant!r}")
            continue
        verdicts, answers = {}, {}
        for asked in key[variant]:
            cell = (row.get(asked["key"]) or "").strip()
            verdicts[asked["key"]], note = _verdict(asked, cell)
            if note:
                notes.append(f"{source}:{line}: {asked['key']}: {note}")
            elif verdicts[asked["key"]] != "missing":
                answers[asked["key"]] = float(cell.replace("\u2212", "-"))
        credit = 0.0
        if specs is not None:
            _carry(key[variant], specs[variant], answers, verdicts)
            credit = RULES[specs["rule"]]
        graded.append(Graded((row.get("student") or "").strip(), variant, verdicts, credit))
    return graded, notes


def _carry(asked: list[dict], spec: dict, answers: dict[str, float], verdicts: dict[str, str]) -> None:
    """Each wrong answer that is right from the student's own earlier answers becomes CARRIED."""
    wrong = {k for k, v in verdicts.items() if v == "wrong"}
    if not wrong:
        return
    values = recomputed(spec, asked, answers, wrong)
    for a in asked:
        found = values.get(a["key"]) if a["key"] in wrong else None
        if found is not None and a["key"] in answers and math.isfinite(found) and \
                _tolerance(a).accepts(answers[a["key"]], found):
            verdicts[a["key"]] = CARRIED


def _tolerance(asked: dict) -> Tolerance:
    return Tolerance(asked["tolerance"]["kind"], asked["tolerance"]["value"])


def _printable(text: str) -> str:
    """A column name as one line of a message: as written, or as a Python literal if it holds a line
    break or another unprintable character."""
    return text if text.isprintable() else repr(text)


def _verdict(asked: dict, cell: str) -> tuple[str, str | None]:
    """right, wrong or missing, and why an answer that is not a number counts as wrong."""
    if not cell:
        return "missing", None
    if not NUMBER.fullmatch(cell):
        shown = cell if len(cell) <= 40 else cell[:40] + "..."
        return "wrong", f"expected a number such as -0.0123 or 1.2e-3, got {shown!r}; counted as wrong"
    answer = float(cell.replace("\u2212", "-"))
    if not math.isfinite(answer):
        return "wrong", f"expected a finite number, got {cell!r}; counted as wrong"
    return ("right" if _tolerance(asked).accepts(answer, asked["value"]) else "wrong"), None


# what a person types as a number: ASCII digits, a point, an exponent, a sign (the typographic minus
# U+2212 too); not 1_000, full-width or Arabic-Indic digits, a decimal comma, inf or nan
NUMBER = re.compile(r"[+\-\u2212]?(\d+\.?\d*|\.\d+)([eE][+\-]?\d+)?", re.ASCII)


def template_csv(key: dict[str, list[dict]]) -> str:
    """submissions.csv to fill in: the exact header, and a row per variant with its id."""
    known = list(dict.fromkeys(a["key"] for asked in key.values() for a in asked))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["student", "variant", *known])
    for variant in key:
        writer.writerow(["", variant, *("" for _ in known)])
    return out.getvalue()


def scores_csv(graded: list[Graded]) -> str:
    """student, variant, score (0 to 1), then one verdict column per quantity key."""
    keys = list(dict.fromkeys(k for g in graded for k in g.verdicts))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["student", "variant", "score", *keys])
    for g in graded:
        writer.writerow([inert(g.student), inert(g.variant), fmt.share(g.score),
                         *(g.verdicts.get(k, "") for k in keys)])
    return out.getvalue()


def inert(cell: str) -> str:
    """A text cell a spreadsheet shows as text: a leading =, +, -, @, tab or carriage return (which a
    spreadsheet would run as a formula) gets a ' before it, as OWASP's advice on CSV injection says."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell
