"""Benchmark: derive's training loop against PyTorch on the CPU, and `derive doc --focus` on a big network.

Run from the repository root:  python benchmarks/train.py     (PyTorch: pip install -e .[bench])

Training: the same network (seeded weights), the same data, the same float64 updates (plain gradient
descent on the whole batch, one update per iteration, the loss recorded at every iteration), timed as
the best of REPEATS runs each:
  - derive: `derive.numeric.loop.run`, the loop `derive doc` uses (every loss kept, parameters copied at the
    checkpoints), and
  - PyTorch: float64 tensors, autograd's backward, an in-place update under no_grad, `loss.item()`
    each iteration.
Both histories must agree (relative 1e-9) or the row says DIFFERENT. The ratio is PyTorch's time over
derive's: above 1, derive is faster.

Document: `derive doc` for 784-16-16-10 (one sample, softmax with cross-entropy) with --focus on one
weight, end to end in a fresh process (imports, the symbolic derivation, verification, Markdown and
JSON written), the best of DOC_REPEATS runs.
"""
from __future__ import annotations

import dataclasses
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import derive  # noqa: E402
from derive.numeric import loop as train  # noqa: E402

REPEATS = 5
DOC_REPEATS = 3
# (layers, samples, iterations)
RUNS = (([2, 2, 2], 1, 10_000), ([2, 2, 2], 64, 10_000), ([3, 4, 4, 3], 1, 10_000), ([3, 4, 4, 3], 64, 10_000),
        ([784, 16, 16, 10], 64, 1_000))


def spec_dict(layers: list[int], samples: int, iterations: int, seed: int = 0) -> dict:
    """Sigmoid hidden layers; a softmax output with cross-entropy for 10 classes, else sigmoid with half_sse."""
    rng = np.random.default_rng(seed)
    classes = layers[-1] == 10
    if classes:
        targets = np.eye(10)[rng.integers(0, 10, samples)]
    else:
        targets = rng.uniform(0.05, 0.95, (samples, layers[-1])).round(2)
    return {
        "name": f"{'-'.join(map(str, layers))}_x{samples}",
        "network": {"layers": layers, "loss": "cross_entropy" if classes else "half_sse",
                    "activation": ["sigmoid"] * (len(layers) - 2) + ["softmax" if classes else "sigmoid"],
                    "reduction": "mean" if samples > 1 else "sum"},
        "params": {"weights": [rng.uniform(-1, 1, (b, a)).round(3).tolist() for a, b in zip(layers, layers[1:])],
                   "biases": [rng.uniform(-1, 1, b).round(3).tolist() for b in layers[1:]]},
        "data": {"inputs": rng.uniform(0, 1, (samples, layers[0])).round(2).tolist(), "targets": targets.tolist()},
        "training": {"learning_rate": 0.5, "iterations": iterations},
    }


def torch_losses(spec: derive.Spec) -> list[float]:
    import torch

    weights = [torch.tensor(w, dtype=torch.float64, requires_grad=True) for w in spec.weights]
    biases = [torch.tensor(b, dtype=torch.float64, requires_grad=True) for b in spec.biases]
    x = torch.tensor(spec.inputs, dtype=torch.float64)
    t = torch.tensor(spec.targets, dtype=torch.float64)
    params, rate, softmax = weights + biases, spec.learning_rate, spec.activations[-1] == "softmax"
    scale = 1.0 / len(x) if spec.reduction == "mean" else 1.0
    losses = []

    def objective() -> torch.Tensor:
        a = x
        for l, (w, b) in enumerate(zip(weights, biases)):
            z = a @ w.T + b
            a = z if softmax and l == len(weights) - 1 else torch.sigmoid(z)
        if softmax:
            return -(t * torch.log_softmax(a, dim=1)).sum() * scale
        return 0.5 * ((t - a) ** 2).sum() * scale

    for _ in range(spec.iterations):
        loss = objective()
        losses.append(loss.item())
        loss.backward()
        with torch.no_grad():
            for p in params:
                p -= rate * p.grad
                p.grad = None
    with torch.no_grad():
        losses.append(objective().item())
    return losses


def best(run, repeats: int) -> tuple[float, object]:
    fastest, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = run()
        fastest = min(fastest, time.perf_counter() - start)
    return fastest, result


def document_time() -> float:
    spec = spec_dict([784, 16, 16, 10], 1, 0)
    del spec["training"]["iterations"]
    spec["params"] = {"init": {"scheme": "xavier", "seed": 3}}
    spec["name"] = "digits"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "digits.toml"
        path.write_text(_toml(spec), encoding="utf-8")
        command = [sys.executable, "-m", "derive", "doc", str(path), "--focus", "w1", "-q", "-o", folder]
        seconds, _ = best(lambda: subprocess.run(command, check=True, cwd=ROOT, capture_output=True), DOC_REPEATS)
    return seconds


def _toml(value: dict, prefix: str = "") -> str:
    """Just enough TOML for spec_dict's output: tables of numbers, strings and lists."""
    lines, tables = [], []
    for key, item in value.items():
        if isinstance(item, dict) and key != "init":
            tables.append(f"\n[{prefix}{key}]\n" + _toml(item, f"{prefix}{key}."))
        else:
            lines.append(f"{key} = {_literal(item)}")
    return "\n".join(lines) + "".join(tables) + "\n"


def _literal(item) -> str:
    if isinstance(item, str):
        return f'"{item}"'
    if isinstance(item, dict):
        return "{ " + ", ".join(f"{k} = {_literal(v)}" for k, v in item.items()) + " }"
    if isinstance(item, list):
        return "[" + ", ".join(_literal(v) for v in item) + "]"
    return repr(item)


def main() -> None:
    try:
        import torch
    except ImportError:
        sys.exit("benchmarks/train.py needs PyTorch: pip install -e .[bench]")
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; numpy {np.__version__}")
    print(f"{'network':>18} {'iterations':>10} {'derive s':>9} {'torch s':>8} {'torch/derive':>12}  losses")
    for layers, samples, iterations in RUNS:
        spec = derive.load(spec_dict(layers, samples, iterations))
        ours, history = best(lambda spec=spec: train.run(spec), REPEATS)
        theirs, losses = best(lambda spec=spec: torch_losses(spec), REPEATS)
        same = len(losses) == len(history.losses) and all(
            abs(a - b) <= 1e-9 * max(abs(a), abs(b)) + 1e-15 for a, b in zip(history.losses, losses))
        print(f"{spec.name:>18} {iterations:>10,} {ours:>9.3f} {theirs:>8.3f} {theirs / ours:>11.1f}x  "
              f"{'identical' if same else 'DIFFERENT'} ({len(losses):,} compared)")
    preset = dataclasses.replace(derive.load("two-two-two"), iterations=10_000)
    seconds, _ = best(lambda: train.run(preset), REPEATS)
    print(f"two-two-two preset, 10,000 iterations: {seconds:.3f} s")
    print(f"derive doc 784-16-16-10 --focus w1 (one sample, end to end): {document_time():.2f} s")


if __name__ == "__main__":
    main()
