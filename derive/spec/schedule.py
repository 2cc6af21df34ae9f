"""Which iterations of a training run a document shows, and how its progress is measured: shared by
the training loop that records them, its cross-check, and the document that shows them."""
from __future__ import annotations

import math


def checkpoints(n: int) -> tuple[int, ...]:
    """0, 1, 2, 5, 10, 20, 50, ... up to n, and n itself."""
    found, scale = [0], 1
    while scale <= n:
        found += [k for k in (scale, 2 * scale, 5 * scale) if k <= n]
        scale *= 10
    return tuple(sorted(set(found) | {n}))


def tail_start(n: int) -> int:
    """The first iteration of the last tenth of n iterations."""
    return n - max(1, n // 10) if n else 0


def percent_drop(before: float, after: float) -> float:
    """By how many percent `after` is below `before` (negative: above)."""
    return 100.0 * (before - after) / before if before else 0.0


HISTORY = 10_000  # losses of a training history kept in the JSON at most (plus the first and the last)


def history(losses: tuple[float, ...]) -> dict:
    """The loss before training and after every `loss_every`-th iteration, and after the last one: every
    iteration's up to HISTORY iterations, evenly thinned beyond."""
    every = max(1, math.ceil((len(losses) - 1) / HISTORY))
    kept = list(losses[::every])
    if (len(losses) - 1) % every:
        kept.append(losses[-1])
    return {"loss": kept, "loss_every": every}
