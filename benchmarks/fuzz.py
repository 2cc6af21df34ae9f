"""A long fuzzing run: hostile specs, arguments, submissions and walkthroughs (tests/fuzzing.py),
drawn by hypothesis, each run through the command line in-process; prints how many were tried, how
many gave a result, how many a one-line refusal, and how many anything else (which must be 0, with the
first such inputs printed).

Run from the repository root:  python benchmarks/fuzz.py [examples per kind, default 1000]
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import fuzzing  # noqa: E402
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402

KINDS = {
    "specs": (fuzzing.specs(), fuzzing.attack_spec),
    "arguments": (fuzzing.arguments, fuzzing.attack_arguments),
    "submissions": (fuzzing.csv_texts, fuzzing.attack_grade),
    "walkthroughs": (fuzzing.walkthroughs, fuzzing.attack_check),
}


def main() -> int:
    examples = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    print(f"{'kind':14} {'tried':>7} {'results':>8} {'refused':>8} {'broken':>7}")
    broken_total = 0
    for name, (strategy, attack) in KINDS.items():
        counts, shown = tally(strategy, attack, examples)
        print(f"{name:14} {sum(counts.values()):>7} {counts['ok']:>8} {counts['refused']:>8} {counts['broken']:>7}")
        for value in shown:
            print("   broken by:", repr(value)[:300])
        broken_total += counts["broken"]
    return 1 if broken_total else 0


def tally(strategy, attack, examples: int) -> tuple[dict[str, int], list]:
    """How many of `examples` drawn inputs gave each outcome, and the first inputs that broke derive."""
    counts = {"ok": 0, "refused": 0, "broken": 0}
    shown: list = []

    @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck), phases=(Phase.generate,))
    @given(strategy)
    def one(value):
        with fuzzing.scratch() as folder:
            outcome = attack(value, Path(folder))
        counts[outcome] += 1
        if outcome == "broken" and len(shown) < 3:
            shown.append(value)

    one()
    return counts, shown


if __name__ == "__main__":
    sys.exit(main())
