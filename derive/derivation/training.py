"""The training section of a document: the IR of many iterations, from the plain numbers of a run
that derive.crosscheck has accepted (the pipeline hands them over; nothing here trains).

The convergence verdict is decided here, so that templates only print it: the loss levelled off
when its last tenth of iterations lowered it by less than LEVEL percent, was still falling
otherwise, and rose when it ended above where it began.
"""
from __future__ import annotations

from dataclasses import dataclass

from .. import fmt, keys
from ..ir import Checkpoint, Compared, ParamRow, TrainedOutput, TrainedParam, Training, Value
from ..spec import Spec
from ..spec.schedule import checkpoints, percent_drop, tail_start
from ..symbolic import label

LEVEL = 1.0  # percent


@dataclass(frozen=True)
class Run:
    """What a training run produced, as plain numbers."""

    mode: str  # batch | online
    iterations: int
    losses: tuple[float, ...]  # losses[k]: the objective after k iterations
    parameters: dict[str, float]  # every parameter after training, by name
    outputs: tuple[tuple[float, ...], ...]  # the outputs for each sample after training
    accuracy: float | None  # percent classified right (bce, cross_entropy), else None
    shadows: tuple[Run, ...] = ()  # the same training with rounding of its own (derive.numeric.loop.run's nudge)


def build(spec: Spec, history: Run, rows: tuple[ParamRow, ...], digits: int,
          compared: tuple[Compared, ...] = ()) -> Training:
    """The training section: checkpoints, trained parameters and outputs, and the verdict. Each
    number after training is printed to the digits it shares with every shadow run's (fmt.shared_digits)."""
    shadows = history.shadows
    shortened: list[int] = []  # the digits of every number printed with fewer than it would be
    printed: list[tuple[str, int]] = []  # (key, digits) of every number

    def value(key: str, number: float, others: list[float], most: int = digits) -> Value:
        shown = fmt.shared_digits(number, others, most)
        if shown < most:
            shortened.append(shown)
        printed.append((key, shown))
        return Value(key, number, fmt.latex(number, shown))

    n = history.iterations
    losses = history.losses
    final = history.parameters
    parameters = tuple(TrainedParam(row.name, row.tex, row.value, value(keys.trained_param(row.name), final[row.name],
                                                                        [r.parameters[row.name] for r in shadows]))
                       for row in rows)
    outputs = tuple(TrainedOutput(s + 1, name, label(name), value(keys.trained_out(s, name), y,
                                                                  [r.outputs[s][j] for r in shadows]),
                                  Value(keys.target(s, name), t, fmt.latex(t, digits)))
                    for s, (row, targets) in enumerate(zip(history.outputs, spec.targets))
                    for j, (name, y, t) in enumerate(zip(spec.labels[-1], row, targets)))
    marks = tuple(Checkpoint(k, value(keys.trained_loss(k), losses[k], [r.losses[k] for r in shadows]))
                  for k in checkpoints(n))
    start = tail_start(n)
    drop = percent_drop(losses[0], losses[n])
    tail = percent_drop(losses[start], losses[n])
    drops = (value(keys.drop(), drop, [percent_drop(r.losses[0], r.losses[n]) for r in shadows], 4),
             value(keys.tail(), tail, [percent_drop(r.losses[start], r.losses[n]) for r in shadows], 4))
    verdict = "rising" if drop < 0 else "levelled" if tail < LEVEL else "falling"
    rises = sum(1 for a, b in zip(losses, losses[1:]) if b > a * (1 + 1e-12))
    score = history.accuracy
    return Training(
        mode=history.mode, iterations=n,
        checkpoints=marks, settled=min(shortened, default=None), digits=tuple(printed),
        losses=losses, parameters=parameters, outputs=outputs,
        drop=drops[0], tail=drops[1],
        tail_start=start, verdict=verdict, rises=rises,
        accuracy=None if score is None else Value(keys.accuracy(), score, fmt.latex(score, 4)), compared=compared)


def compared(variant: Spec, history: Run, digits: int) -> Compared:
    """One row of the comparison of hidden layer sizes: the loss and accuracy after training."""
    hidden = variant.layers[1]
    n = history.iterations
    loss = history.losses[n]
    score = history.accuracy
    shown = fmt.shared_digits(loss, [r.losses[n] for r in history.shadows], digits)
    return Compared(hidden, variant.layers, Value(keys.trained_loss(n, hidden), loss, fmt.latex(loss, shown)),
                    None if score is None else Value(keys.accuracy(hidden), score, fmt.latex(score, 4)))
