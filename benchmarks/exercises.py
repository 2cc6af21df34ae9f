"""Benchmark: 100 full-step exercise variants with their answer key (md and json), end to end.

Run from the repository root:  python benchmarks/exercises.py
Times `derive exercises --count 100 --level full-step --format md,json` in a fresh process (imports,
drawing the variants, every variant's verified worked solution, writing), the best of REPEATS runs.
The target (issue 6) is 3 s.
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPEATS = 3


def main() -> None:
    best = float("inf")
    with tempfile.TemporaryDirectory() as folder:
        command = [sys.executable, "-m", "derive", "exercises", "--count", "100", "--level", "full-step",
                   "--format", "md,json", "-o", folder]
        for _ in range(REPEATS):
            start = time.perf_counter()
            subprocess.run(command, check=True, cwd=ROOT, capture_output=True)
            best = min(best, time.perf_counter() - start)
    print(f"derive exercises: 100 full-step variants with keys (md, json): {best:.2f} s (target 3 s)")


if __name__ == "__main__":
    main()
