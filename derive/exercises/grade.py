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
from dataclasses import dataclass
from pathlib import Path

from .. import fmt
from ..errors import UsageError
from .tolerance import Tolerance


@dataclass(frozen=True)
class Graded:
    student: str
    variant: str
    verdicts: dict[str, str]  # key -> right | wrong | missing

    @property
    def score(self) -> float:
        return sum(v == "right" for v in self.verdicts.values()) / len(self.verdicts)


def load_key(path: str | Path) -> dict[str, list[dict]]:
    """exercises.json: variant id -> its asked quantities (key, value, tolerance)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return {v["id"]: v["asked"] for v in data["variants"]}
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as exc:
        raise UsageError(f"{path}: expected the exercises.json that derive exercises writes "
                         f"({exc.__class__.__name__})") from None


def grade(key: dict[str, list[dict]], text: str, source: str = "submissions.csv") -> tuple[list[Graded], list[str]]:
    """Every gradable row, and one note per row skipped (an unknown variant) or answer counted wrong
    because it is not a number. A column the key does not know is an error: a mistyped column would
    otherwise score every answer of it as missing."""
    reader = csv.DictReader(io.StringIO(text))
    columns = reader.fieldnames or []
    known = list(dict.fromkeys(a["key"] for asked in key.values() for a in asked))
    if "student" not in columns or "variant" not in columns:
        raise UsageError(f"{source}: header: expected columns student, variant and one per quantity "
                         f"({', '.join(known)}), got {', '.join(columns) or 'nothing'}")
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
        verdicts = {}
        for asked in key[variant]:
            verdicts[asked["key"]], note = _verdict(asked, (row.get(asked["key"]) or "").strip())
            if note:
                notes.append(f"{source}:{line}: {asked['key']}: {note}")
        graded.append(Graded((row.get("student") or "").strip(), variant, verdicts))
    return graded, notes


def _verdict(asked: dict, cell: str) -> tuple[str, str | None]:
    """right, wrong or missing, and why an answer that is not a number counts as wrong."""
    if not cell:
        return "missing", None
    try:
        answer = float(cell)
    except ValueError:
        return "wrong", f"expected a number, got {cell!r}; counted as wrong"
    if not math.isfinite(answer):
        return "wrong", f"expected a finite number, got {cell!r}; counted as wrong"
    tolerance = Tolerance(asked["tolerance"]["kind"], asked["tolerance"]["value"])
    return ("right" if tolerance.accepts(answer, asked["value"]) else "wrong"), None


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
        writer.writerow([g.student, g.variant, fmt.share(g.score), *(g.verdicts.get(k, "") for k in keys)])
    return out.getvalue()
