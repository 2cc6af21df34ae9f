"""The report of derive check: Markdown through a template (templates/check.md.j2, its messages in
English and Chinese), which also reads well in a terminal, or JSON. Quantities are named for a reader
(derive.keys.readable), never by their internal keys."""
from __future__ import annotations

import dataclasses
import math
from typing import Any

from .. import fmt, keys
from ..views.templates import environment, prose, render_template, tidy
from .causes import Cause
from .classify import Found, Report


def _meant(report: Report, found: Found, lang: str) -> str:
    return keys.readable(found.meant, lang, several=report.samples > 1) if found.meant else ""


def view(report: Report, lang: str = "en") -> dict[str, Any]:
    """Plain data for the report's template: every number formatted, every quantity named."""
    def row(f: Found) -> dict[str, str]:
        return {"where": f"{f.line}:{f.column}", "line": str(f.line), "text": f.text, "cause": f.cause,
                "context": f.context.replace("|", r"\|"), "meant": _meant(report, f, lang),
                "true": fmt.general(f.true), "difference": "" if f.true is None else fmt.general(f.value - f.true)}

    counts = {verdict: sum(f.verdict == verdict for f in report.numbers)
              for verdict in ("known", "rounding", "consistent")}
    return {"source": report.source, "numbers": len(report.numbers), **counts, "clean": report.clean,
            "suspicious": [row(f) for f in report.suspicious],
            "rounded": [row(f) for f in report.numbers if f.verdict == "rounding"],
            "consequences": [row(f) for f in report.numbers if f.verdict == "consequence"],
            "equalities": [{"line": e.line, "left": e.left, "right": e.right, "left_value": fmt.general(e.left_value),
                            "right_value": fmt.general(e.right_value), "odd": e.odd or ""} for e in report.equalities],
            "skipped": [{"where": f"{k.line}:{k.column}", "text": k.text, "reason": k.reason} for k in report.skipped],
            "causes": [{"kind": c.kind, "description": describe(c, lang)} for c in report.causes],
            "unexplained": report.unexplained,
            "precision": fmt.general(report.precision) if report.precision else "",
            "tolerance": _tolerance(report)}


def describe(cause: Cause, lang: str) -> str:
    """One mistake found, in a sentence: what it was, how many wrong numbers follow, where the first stands."""
    names, amounts = cause.names, [fmt.general(v) for v in cause.values]
    return getattr(prose(lang), f"check_cause_{cause.kind}") % {
        "count": cause.count, "first": cause.first, "a": names[0], "b": names[1], "c": names[-1],
        "va": amounts[0], "vb": amounts[1]}


def _tolerance(report: Report) -> str:
    t = report.tolerance
    return "" if t is None else f"{dict(relative='rel', absolute='abs', significant='sig')[t.kind]}:{t.value:g}"


def markdown(report: Report, lang: str = "en") -> str:
    """The report as Markdown."""
    return tidy(render_template(environment(), "check.md.j2", r=view(report, lang), t=prose(lang)))


def json_view(report: Report, lang: str = "en") -> dict:
    """The report as plain data: every number with its verdict, the quantity it most likely meant (by
    name), and the equalities that do not hold."""
    numbers = [dataclasses.asdict(f) | {"meant": _meant(report, f, lang) or None,
                                        "value": f.value if math.isfinite(f.value) else None}  # JSON has no inf
               for f in report.numbers]
    return {"source": report.source, "clean": report.clean, "numbers": numbers,
            "equalities": [dataclasses.asdict(e) for e in report.equalities],
            "unread": [dataclasses.asdict(k) for k in report.skipped],
            "mistakes": [dataclasses.asdict(c) | {"description": describe(c, lang)} for c in report.causes],
            "unexplained": report.unexplained,
            "precision": report.precision, "tolerance": _tolerance(report) or None}
