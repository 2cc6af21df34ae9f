"""derive grade: notes on stderr (rows skipped, answers counted wrong); the scores CSV holds the rest."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import UsageError
from ..exercises import grade
from ..files import read_text, write_files


def run(args: argparse.Namespace) -> int:
    target = Path(args.output)
    for given in (args.answers, args.submissions):
        if target.exists() and Path(given).exists() and target.samefile(given):
            raise UsageError(f"-o {args.output}: it is the input {given}; name another file for the scores")
    specs: dict | None = {} if args.carry_forward else None
    key = grade.load_key(args.answers, specs)
    text = read_text(args.submissions, "a CSV file of answers", grade.MAX_BYTES)
    graded, notes = grade.grade(key, text, args.submissions, specs)
    for note in notes:
        print(f"derive: {note}", file=sys.stderr)
    (written,) = write_files({target.name: grade.scores_csv(graded).encode("utf-8")}, target.parent)
    print(written)
    return 0
