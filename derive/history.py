"""Stage 3, training: the IR of many iterations, from a `train.History` that `train.check` accepted.

The convergence verdict is decided here, so that templates only print it: the loss levelled off
when its last tenth of iterations lowered it by less than LEVEL percent, was still falling
otherwise, and rose when it ended above where it began.
"""
from __future__ import annotations

from . import fmt, latex, train
from .ir import Checkpoint, Compared, ParamRow, TrainedOutput, TrainedParam, Training, Value
from .spec import Spec

LEVEL = 1.0  # percent


def build(spec: Spec, history: train.History, rows: tuple[ParamRow, ...], digits: int,
          compared: tuple[Compared, ...] = ()) -> Training:
    def value(key: str, number: float) -> Value:
        return Value(key, number, fmt.latex(number, digits))

    n = history.iterations
    losses = history.losses
    final = {p.name: p.value for p in train.with_arrays(spec, history.final).parameters()}
    parameters = tuple(TrainedParam(row.name, row.tex, row.value, value(f"train:param:{row.name}", final[row.name]))
                       for row in rows)
    outputs = tuple(TrainedOutput(s + 1, label, latex.label(label), value(f"train:out:{s}:{label}", y),
                                  Value(f"{s}:t:{label}", t, fmt.latex(t, digits)))
                    for s, (row, targets) in enumerate(zip(history.outputs, spec.targets))
                    for label, y, t in zip(spec.labels[-1], row, targets))
    start = train.tail_start(n)
    drop = train.percent_drop(losses[0], losses[n])
    tail = train.percent_drop(losses[start], losses[n])
    verdict = "rising" if drop < 0 else "levelled" if tail < LEVEL else "falling"
    rises = sum(1 for a, b in zip(losses, losses[1:]) if b > a * (1 + 1e-12))
    score = train.accuracy(spec, history.outputs)
    return Training(
        mode=history.mode, iterations=n,
        checkpoints=tuple(Checkpoint(k, value(f"train:loss:{k}", losses[k])) for k in train.checkpoints(n)),
        losses=losses, parameters=parameters, outputs=outputs,
        drop=Value("train:drop", drop, fmt.latex(drop, 4)), tail=Value("train:tail", tail, fmt.latex(tail, 4)),
        tail_start=start, verdict=verdict, rises=rises,
        accuracy=None if score is None else Value("train:accuracy", score, fmt.latex(score, 4)), compared=compared)


def compared(variant: Spec, history: train.History, digits: int) -> Compared:
    """One row of the comparison of hidden layer sizes: the loss and accuracy after training."""
    prefix = f"train:hidden:{variant.layers[1]}"
    n = history.iterations
    loss = history.losses[n]
    score = train.accuracy(variant, history.outputs)
    return Compared(variant.layers[1], variant.layers, Value(f"{prefix}:loss:{n}", loss, fmt.latex(loss, digits)),
                    None if score is None else Value(f"{prefix}:accuracy", score, fmt.latex(score, 4)))
