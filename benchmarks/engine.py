"""Benchmark: derive's local chain-rule engine against differentiating the whole loss with SymPy.

Run from the repository root:  python benchmarks/engine.py
For each network (seeded random sigmoid weights, one sample) it times
  - derive: `derive.build`, the whole derivation IR (every local derivative, value and LaTeX form),
    the best of REPEATS runs (on a shared machine noise only ever adds time), each with the printed
    formula templates forgotten (a repeat would otherwise only fill them), and
  - whole-loss: the loss written as one SymPy expression in the parameters, `sp.diff` by each
    parameter, each derivative evaluated at the parameter values,
checks that both give the same gradients, and prints the times, their ratio and derive's time per
parameter. The whole-loss method gets a time budget per network; past it, the figure printed is a
lower bound (">").
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import sympy as sp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import derive  # noqa: E402
from derive.symbolic import forget  # noqa: E402

SHAPES = ([2, 2, 2], [3, 4, 4, 3], [4, 8, 8, 3], [10, 16, 16, 10])
REPEATS = 5


def random_spec(layers: list[int], seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    return {
        "name": "-".join(map(str, layers)),
        "network": {"layers": layers},
        "params": {"weights": [rng.uniform(-1, 1, (b, a)).round(2).tolist() for a, b in zip(layers, layers[1:])],
                   "biases": [rng.uniform(-1, 1, b).round(2).tolist() for b in layers[1:]]},
        "data": {"inputs": [rng.uniform(0, 1, layers[0]).round(2).tolist()],
                 "targets": [rng.uniform(0.05, 0.95, layers[-1]).round(2).tolist()]},
        "training": {"learning_rate": 0.5},
    }


def whole_loss_gradients(spec: derive.Spec, budget: float) -> tuple[dict[str, float], bool]:
    """The naive method: one expression for the loss, differentiated by every parameter."""
    params = spec.parameters()
    symbols = {p.name: sp.Symbol(p.name) for p in params}
    activations = [sp.Float(v) for v in spec.inputs[0]]
    for l in range(1, len(spec.layers)):
        layer = []
        for j in range(spec.layers[l]):
            net = sum(symbols[p.name] * activations[p.src] for p in params
                      if p.kind == "weight" and p.layer == l and p.dest == j)
            net += sum(symbols[p.name] for p in params if p.kind == "bias" and p.layer == l and p.dest == j)
            layer.append(1 / (1 + sp.exp(-net)))
        activations = layer
    loss = sum(sp.Rational(1, 2) * (sp.Float(t) - y) ** 2 for t, y in zip(spec.targets[0], activations))
    at = {symbols[p.name]: sp.Float(p.value) for p in params}
    start, gradients = time.perf_counter(), {}
    for p in params:
        gradients[p.name] = float(sp.diff(loss, symbols[p.name]).xreplace(at))
        if time.perf_counter() - start > budget:
            return gradients, False
    return gradients, True


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--budget", type=float, default=120.0, help="seconds allowed to the whole-loss method")
    budget = options.parse_args().budget
    derive.build(derive.load(random_spec([2, 2, 2], seed=1)))  # warm-up: imports, SymPy's one-off proofs
    print(f"{'network':>12} {'params':>6} {'derive s':>9} {'per param ms':>12} {'whole-loss s':>13} "
          f"{'ratio':>8}  values")
    for layers in SHAPES:
        spec = derive.load(random_spec(layers))
        ours = float("inf")
        for _ in range(REPEATS):
            forget()  # each run prints its formulas afresh, as the first document of a process does
            start = time.perf_counter()
            derivation = derive.build(spec)
            ours = min(ours, time.perf_counter() - start)
        gradients = {row.name: row.gradient.value for row in derivation.summary}
        start = time.perf_counter()
        theirs, finished = whole_loss_gradients(spec, budget)
        naive = time.perf_counter() - start
        same = all(abs(gradients[k] - v) <= 1e-9 * max(1.0, abs(v)) for k, v in theirs.items())
        bound = "" if finished else ">"
        print(f"{spec.name:>12} {len(gradients):>6} {ours:>9.3f} {1000 * ours / len(gradients):>12.2f} "
              f"{bound + format(naive, '.2f'):>13} {bound + format(naive / ours, '.0f') + 'x':>8}  "
              f"{'identical' if same else 'DIFFERENT'} ({len(theirs)} compared)")


if __name__ == "__main__":
    main()
