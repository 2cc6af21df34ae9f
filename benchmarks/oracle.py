"""Benchmark: derive as a test oracle.

Run from the repository root:  python benchmarks/oracle.py
In one process, after `import derive`, the best of REPEATS runs (noise only ever adds time) of
  - `derive.numbers(spec)`: every quantity, cross-checked (finite differences and a second
    backward pass), no symbolic work, no rendering;
  - `derive.derive(spec)`: the whole worked solution (symbolic derivation, verification, figures);
  - `assert_gradients` on right gradients, and on wrong ones (the message's mistake search included);
and prints each time and its ratio to `derive.derive`.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import derive  # noqa: E402
from derive.testing import assert_gradients  # noqa: E402
from derive.testing.asserts import numbers_of  # noqa: E402

REPEATS = 5
SPECS = ("two-two-two", "softmax-3443-batch")


def best(run) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def wrong_gradients(name: str) -> None:
    numbers_of.cache_clear()  # an autograder's first student pays for the oracle too
    right = derive.numbers(name)["gradients"]
    try:
        assert_gradients({key: -value for key, value in right.items()}, name)
    except AssertionError:
        return
    raise SystemExit("the wrong gradients passed")


def right_gradients(name: str) -> None:
    numbers_of.cache_clear()
    assert_gradients(derive.numbers(name)["gradients"], name)


def main() -> None:
    print(f"{'spec':>20} {'what':>34} {'s':>8} {'/ derive.derive':>16}")
    for name in SPECS:
        whole = best(lambda: derive.derive(name))  # noqa: B023 - run at once
        rows = [("derive.numbers", best(lambda: derive.numbers(name))),  # noqa: B023
                ("assert_gradients, right", best(lambda: right_gradients(name))),  # noqa: B023
                ("assert_gradients, wrong (explained)", best(lambda: wrong_gradients(name))),  # noqa: B023
                ("derive.derive (the worked solution)", whole)]
        for what, seconds in rows:
            print(f"{name:>20} {what:>34} {seconds:8.4f} {seconds / whole:15.3f}x")


if __name__ == "__main__":
    main()
