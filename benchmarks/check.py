"""Benchmark: derive check grows linearly with the document.

Run from the repository root:  python benchmarks/check.py
For documents of N inline numbers, N one-line equations and N aligned rows with tags (N = 10,000 and
100,000), it times `derive.check.check` against the two-two-two network (the best of REPEATS runs) and
prints the time per 1,000 numbers: a linear check keeps that figure flat as N grows tenfold.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import derive  # noqa: E402
from derive.check import check  # noqa: E402

REPEATS = 3
SIZES = (10_000, 100_000)
SHAPES = {
    "inline numbers": lambda n: "\n".join(f"The value is $0.{i % 999_983:06d}$ here." for i in range(n)),
    "one-line equations": lambda n: "\n".join(f"$$x_{{{i}}} = 0.1 \\times 0.{i % 9 + 1} = 0.0{i % 9 + 1}$$"
                                              for i in range(n)),
    "aligned rows with tags": lambda n: "$$\n\\begin{aligned}\n" + "\\\\\n".join(
        f"y_{{{i}}} &= 0.5 + 0.{i % 9 + 1} \\tag{{{i}}}" for i in range(n)) + "\n\\end{aligned}\n$$\n",
}


def main() -> None:
    spec = derive.load("two-two-two")
    print(f"{'document':24} {'N':>8} {'seconds':>8} {'ms per 1,000':>13}")
    for name, make in SHAPES.items():
        per = []
        for n in SIZES:
            text = make(n)
            best = min(_timed(spec, text) for _ in range(REPEATS))
            per.append(best / n * 1000)
            print(f"{name:24} {n:>8,} {best:>8.2f} {per[-1] * 1000:>13.1f}")
        print(f"{'':24} growth of the time per number, N x10: {per[1] / per[0]:.2f}x (1.00x is linear)")


def _timed(spec, text: str) -> float:
    start = time.perf_counter()
    check(spec, text)
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
