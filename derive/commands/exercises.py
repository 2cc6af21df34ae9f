"""derive exercises: exercises.md (questions), answers.md (answers and worked solutions), exercises.json."""
from __future__ import annotations

import argparse

from .. import exercises
from ..files import write_files
from ..spec.vocabulary import LANGUAGES
from .choices import choices


def run(args: argparse.Namespace) -> int:
    formats = choices(args.format, ("md", "html", "pdf", "json", "moodle", "prairielearn", "qti"), "--format")
    langs = choices(args.lang, LANGUAGES, "--lang")
    tolerance = exercises.parse_tolerance(args.tolerance)
    variants = exercises.generate(args.count, args.seed, args.level, args.network, args.activation, args.loss)
    options = {"network": args.network, "activation": args.activation, "loss": args.loss}
    files = exercises.files(variants, tolerance, args.level, args.seed, formats, langs, args.carry_forward, options)
    for path in write_files(files, args.output):
        print(path)
    return 0
