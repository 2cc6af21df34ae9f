"""Benchmark: every speed figure of the README's table, each a ratio to its reference measured in the
same run (these machines are shared and noisy: only ratios measured side by side mean anything).

Run from the repository root:  python3 benchmarks/run.py  [--quick]
Times are the best of REPEATS (noise only ever adds time). Rows:
  - the command line for small documents against the floor `python -c "import sympy, numpy"`;
  - `derive presets` against the floor `python -c pass`;
  - building a derivation (`derive.build`, every parameter derived symbolically) against differentiating
    the whole loss with SymPy, in-process and end to end; and derive's build time per parameter;
  - training against PyTorch (float64, skipped with a note without torch) and against a plain Python
    scalar loop;
  - 1,000 full-step exercise variants with keys, and their peak memory; 100 find-the-mistake variants;
  - derive explore's pages in Chromium: an edit, training, the page's size (benchmarks/explore.py).
--quick skips the slowest references (the whole-loss method on 4-8-8-3, 1,000 variants).
"""
from __future__ import annotations

import argparse
import math
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import engine  # noqa: E402  (benchmarks/engine.py: random specs, the whole-loss method)
import explore  # noqa: E402  (benchmarks/explore.py: derive explore's pages in Chromium)
import train  # noqa: E402  (benchmarks/train.py: training specs, PyTorch's loop)

import derive  # noqa: E402
from derive.bridges import spec_toml  # noqa: E402
from derive.numeric import loop  # noqa: E402
from derive.symbolic import forget  # noqa: E402

REPEATS = 5


def best(run, repeats: int = REPEATS) -> float:
    fastest = math.inf
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        fastest = min(fastest, time.perf_counter() - start)
    return fastest


def command(*argv: str) -> float:
    """The best wall time of a fresh process running argv."""
    return best(lambda: subprocess.run([sys.executable, *argv], check=True, capture_output=True, cwd=ROOT))


def row(what: str, derive_s: float, reference: str, reference_s: float, ratio: float, goal: str,
        unit: str = "s") -> None:
    print(f"| {what} | {derive_s:.3f} {unit} | {reference} | {reference_s:.3f} {unit} | {ratio:.2f}x | {goal} |",
          flush=True)


def command_line(folder: str) -> None:
    floor = command("-c", "import sympy, numpy")
    for fmt, goal in (("json", "within 1.5x"), ("md", "within 2.5x")):
        t = command("-m", "derive", "doc", "two-two-two", "--format", fmt, "-o", folder)
        row(f"`derive doc two-two-two --format {fmt}`", t, "`import sympy, numpy`", floor, t / floor, goal)
    bare = command("-c", "pass")
    t = command("-m", "derive", "presets")
    row("`derive presets`", t, "`python -c pass`", bare, t / bare, "under 0.15 s")


def building(folder: str, quick: bool) -> None:
    spec = derive.load(engine.random_spec([4, 8, 8, 3]))

    def build() -> None:
        forget()
        derive.build(spec)

    t = best(build)
    if not quick:
        start = time.perf_counter()
        engine.whole_loss_gradients(spec, math.inf)
        whole = time.perf_counter() - start
        row("`derive.build` 4-8-8-3, in-process", t, "whole-loss `sp.diff`", whole, whole / t, "at least 200x")
        path = Path(folder) / "net.toml"
        path.write_text(spec_toml(engine.random_spec([4, 8, 8, 3])), encoding="utf-8")
        cli = command("-m", "derive", "doc", str(path), "--format", "json", "-o", folder)
        floor = command("-c", "import sympy, numpy")
        row("`derive doc` 4-8-8-3 json, above the import floor", cli - floor, "whole-loss `sp.diff`", whole,
            whole / (cli - floor), "at least 100x")
    for layers in ([2, 2, 2], [4, 8, 8, 3], [10, 16, 16, 10], [20, 32, 32, 10]):
        spec = derive.load(engine.random_spec(layers))
        n = len(spec.parameters())

        def build_it(spec=spec) -> None:
            forget()
            derive.build(spec)

        t = best(build_it, 3 if n > 1000 else REPEATS)
        row(f"build per parameter, {'-'.join(map(str, layers))} ({n:,} parameters)", t / n * 1000, "goal", 1.0,
            t / n * 1000, "under 1 ms from 139 parameters up", "ms")


def scalar_loop(x, t, w1, b1, w2, b2, rate: float, iterations: int) -> float:
    """2-2-2 sigmoid, half squared error, one sample: plain Python floats, the fewest operations."""
    exp = math.exp
    for _ in range(iterations + 1):
        h = [1 / (1 + exp(-(w1[j][0] * x[0] + w1[j][1] * x[1] + b1[j]))) for j in range(2)]
        o = [1 / (1 + exp(-(w2[k][0] * h[0] + w2[k][1] * h[1] + b2[k]))) for k in range(2)]
        loss = 0.5 * ((t[0] - o[0]) ** 2 + (t[1] - o[1]) ** 2)
        d2 = [(o[k] - t[k]) * o[k] * (1 - o[k]) for k in range(2)]
        d1 = [(d2[0] * w2[0][j] + d2[1] * w2[1][j]) * h[j] * (1 - h[j]) for j in range(2)]
        for k in range(2):
            for j in range(2):
                w2[k][j] -= rate * d2[k] * h[j]
            b2[k] -= rate * d2[k]
        for j in range(2):
            for i in range(2):
                w1[j][i] -= rate * d1[j] * x[i]
            b1[j] -= rate * d1[j]
    return loss


def training() -> None:
    spec = derive.load("two-two-two")
    fast = derive.load({**train.spec_dict([2, 2, 2], 1, 10_000)})
    t = best(lambda: loop.run(fast))
    plain = best(lambda: scalar_loop(fast.inputs[0], fast.targets[0], [list(r) for r in fast.weights[0]],
                                     list(fast.biases[0]), [list(r) for r in fast.weights[1]],
                                     list(fast.biases[1]), fast.learning_rate, 10_000))
    row("training 2-2-2, 10,000 iterations", t, "plain Python scalar loop", plain, t / plain, "within 1.5x")
    del spec
    try:
        import torch  # noqa: F401
    except ImportError:
        print("| training 784-16-16-10 vs PyTorch | skipped: PyTorch is not installed | | | | |")
        return
    big = derive.load(train.spec_dict([784, 16, 16, 10], 64, 1_000))
    t = best(lambda: loop.run(big), 3)
    reference = best(lambda: train.torch_losses(big), 3)
    row("training 784-16-16-10, batch 64, 1,000 iterations", t, "PyTorch CPU float64", reference, reference / t,
        "at least 1x (PyTorch's time / derive's)")


def exercises(folder: str) -> None:
    argv = ["-m", "derive", "exercises", "--count", "1000", "--level", "full-step", "--format", "md,json",
            "-o", folder]
    start = time.perf_counter()
    subprocess.run([sys.executable, *argv], check=True, capture_output=True, cwd=ROOT)
    t = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # MB (the largest child so far)
    print(f"| 1,000 full-step exercise variants with keys, md+json | {t:.2f} s | goal 8 s | | "
          f"{peak:.0f} MB peak | under 8 s, under 150 MB |", flush=True)


def find_the_mistake(folder: str) -> None:
    argv = ["-m", "derive", "exercises", "--count", "100", "--level", "find-the-mistake", "--format", "md,json",
            "-o", folder]
    t = command(*argv)
    row("100 find-the-mistake variants with keys, md+json", t, "goal", 5.0, t / 5.0, "under 5 s")


def installed() -> None:
    """derive's modules byte-compiled, as `pip install` leaves them (and SymPy's and NumPy's, which every
    reference imports): where PYTHONDONTWRITEBYTECODE is set, as on these machines, a fresh process
    would otherwise compile derive from source on every run, a cost no installed copy pays."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "derive")], check=True)


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--quick", action="store_true", help="skip the slowest references")
    quick = options.parse_args().quick
    installed()
    print("| what | derive | reference | reference | ratio | goal |")
    print("| --- | --- | --- | --- | --- | --- |")
    with tempfile.TemporaryDirectory() as folder:
        if not quick:
            exercises(folder)  # first: the children's peak memory is then its own
        command_line(folder)
        find_the_mistake(folder)
        building(folder, quick)
        training()
    print("\n".join(explore.rows()), flush=True)


if __name__ == "__main__":
    main()
