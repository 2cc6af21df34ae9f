"""derive grade: score a CSV of students' answers against exercises.json, with partial credit.

submissions.csv has a header row: `student`, `variant`, and one column per asked quantity, named by
its key in exercises.json (grad:w5, 0:out:o1, updated:w5, ...). A quantity left empty scores 0
("missing"). A row with an unknown variant or an answer that is not a number is reported and skipped;
the other rows are still graded.
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
    """Every gradable row, and one line per row skipped."""
    reader = csv.DictReader(io.StringIO(text))
    columns = reader.fieldnames or []
    if "student" not in columns or "variant" not in columns:
        raise UsageError(f"{source}: header: expected columns student, variant and one per quantity, got "
                         f"{', '.join(columns) or 'nothing'}")
    graded, problems = [], []
    for row in reader:
        line = reader.line_num
        variant = (row.get("variant") or "").strip()
        if variant not in key:
            problems.append(f"{source}:{line}: unknown variant {variant!r}")
            continue
        verdicts, bad = {}, None
        for asked in key[variant]:
            cell = (row.get(asked["key"]) or "").strip()
            if not cell:
                verdicts[asked["key"]] = "missing"
                continue
            try:
                answer = float(cell)
            except ValueError:
                bad = f"{source}:{line}: {asked['key']}: expected a number, got {cell!r}"
                break
            if not math.isfinite(answer):
                bad = f"{source}:{line}: {asked['key']}: expected a finite number, got {cell!r}"
                break
            tolerance = Tolerance(asked["tolerance"]["kind"], asked["tolerance"]["value"])
            verdicts[asked["key"]] = "right" if tolerance.accepts(answer, asked["value"]) else "wrong"
        if bad:
            problems.append(bad)
            continue
        graded.append(Graded((row.get("student") or "").strip(), variant, verdicts))
    return graded, problems


def scores_csv(graded: list[Graded]) -> str:
    """student, variant, score (0 to 1), then one verdict column per quantity key."""
    keys = list(dict.fromkeys(k for g in graded for k in g.verdicts))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["student", "variant", "score", *keys])
    for g in graded:
        writer.writerow([g.student, g.variant, fmt.share(g.score), *(g.verdicts.get(k, "") for k in keys)])
    return out.getvalue()
