"""derive explore: one offline HTML page where every number of the worked solution follows the reader's
edits."""
from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

from ..errors import UsageError
from ..explorer import Explorer, page
from ..spec import focused, load
from ..spec.vocabulary import LANGUAGES


def run(args: argparse.Namespace) -> int:
    if args.lang not in LANGUAGES:
        raise UsageError(f"--lang: expected one of {', '.join(LANGUAGES)}, got {args.lang!r}")
    spec = load(args.spec)
    if args.focus is not None:
        spec = dataclasses.replace(spec, focus=focused(spec, args.focus.split(","), spec.source, "--focus"))
    output = Path(args.output) if args.output else Path(f"{spec.name}.explore.html")
    if output.suffix.lower() not in (".html", ".htm"):
        raise UsageError(f"-o: expected a file name ending in .html, got {str(output)!r}")
    print(Explorer(page(spec, args.lang, args.precision)).save(output))
    return 0
