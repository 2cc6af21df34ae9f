"""derive check: exit 0 when every number follows from the network, 1 when something is suspicious."""
from __future__ import annotations

import argparse
import json

from .. import check
from ..files import read_text
from ..spec import load
from ..tolerance import parse_tolerance


def run(args: argparse.Namespace) -> int:
    rates = check.parse_rates(args.lr)
    spec = load(args.spec)
    text = read_text(args.document, "a walkthrough as text (Markdown, plain text or LaTeX)", check.MAX_BYTES)
    tolerance = parse_tolerance(args.tolerance) if args.tolerance else None
    report = check.check(spec, text, args.document, rates, tolerance)
    if args.report == "json":
        print(json.dumps(check.json_view(report, args.lang), indent=2, ensure_ascii=False))
    else:
        print(check.markdown(report, args.lang), end="")
    return 0 if report.clean else 1
