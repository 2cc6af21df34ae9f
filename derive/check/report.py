"""The report of derive check, as Markdown (which also reads well in a terminal) or JSON."""
from __future__ import annotations

import dataclasses

from .classify import Report


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.10g}"


def markdown(report: Report) -> str:
    """The report as Markdown (which also reads well in a terminal)."""
    counts = {verdict: sum(f.verdict == verdict for f in report.numbers)
              for verdict in ("known", "rounding", "consistent", "suspicious")}
    lines = [f"# derive check: {report.source}", "",
             f"{len(report.numbers)} numbers: {counts['known']} known quantities, {counts['rounding']} rounded "
             f"in the last digit, {counts['consistent']} inside consistent arithmetic, {counts['suspicious']} "
             f"suspicious; {len(report.equalities)} equalities that do not hold.", ""]
    if report.suspicious:
        lines += ["## Suspicious numbers", "", "| line:col | written | in | likely meant | true value | difference |",
                  "| --- | --- | --- | --- | --- | --- |"]
        for f in report.suspicious:
            difference = "" if f.true is None else _number(f.value - f.true)
            context = f.context.replace("|", r"\|") if f.context else ""
            lines.append(f"| {f.line}:{f.column} | {f.text} | `{context}` | {f.meant or ''} | {_number(f.true)} | "
                         f"{difference} |")
        lines.append("")
    if report.equalities:
        lines += ["## Equalities that do not hold", ""]
        for e in report.equalities:
            lines.append(f"- line {e.line}: `{e.left} = {e.right}`: the left side is {_number(e.left_value)}, "
                         f"the right side {_number(e.right_value)}")
        lines.append("")
    rounded = [f for f in report.numbers if f.verdict == "rounding"]
    if rounded:
        lines += ["## Rounded in the last digit", ""]
        lines += [f"- line {f.line}: {f.text} ({f.meant} = {_number(f.true)})" for f in rounded]
        lines.append("")
    if report.clean:
        lines += ["Every number follows from the network.", ""]
    return "\n".join(lines)


def json_view(report: Report) -> dict:
    return {"source": report.source, "clean": report.clean,
            "numbers": [dataclasses.asdict(f) for f in report.numbers],
            "equalities": [dataclasses.asdict(e) for e in report.equalities]}
