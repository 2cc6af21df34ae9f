"""The IR of training over many iterations: the loss at checkpoints, the trained parameters and
outputs, the verdict, and the comparison of hidden layer sizes."""
from __future__ import annotations

from dataclasses import dataclass

from .step import Value


@dataclass(frozen=True)
class Checkpoint:
    iteration: int
    loss: Value  # the objective after `iteration` iterations


@dataclass(frozen=True)
class TrainedParam:
    name: str
    tex: str
    initial: Value
    final: Value


@dataclass(frozen=True)
class TrainedOutput:
    sample: int  # 1-based
    label: str
    tex: str
    output: Value
    target: Value


@dataclass(frozen=True)
class Compared:
    """The same network trained with another number of hidden neurons."""

    hidden: int
    layers: tuple[int, ...]
    loss: Value  # after training
    accuracy: Value | None


@dataclass(frozen=True)
class Training:
    """Many iterations after the worked step: the loss at checkpoints, the parameters and outputs at the
    end, and the verdict on convergence (decided here, printed by the templates)."""

    mode: str  # batch | online
    iterations: int
    checkpoints: tuple[Checkpoint, ...]
    losses: tuple[float, ...]  # the objective after every iteration (checked at the checkpoints)
    parameters: tuple[TrainedParam, ...]
    outputs: tuple[TrainedOutput, ...]
    drop: Value  # percent by which the loss fell from iteration 0 to the end (negative: it rose)
    tail: Value  # percent by which it fell over the last tenth of the iterations
    tail_start: int
    verdict: str  # levelled | falling | rising
    rises: int  # iterations after which the loss was higher than before
    accuracy: Value | None  # percent of samples classified right (bce, cross_entropy)
    compared: tuple[Compared, ...] = ()  # training.compare_hidden
    digits: tuple[tuple[str, int], ...] = ()  # (key, significant digits printed) of every number after training
    settled: int | None = None  # the fewest significant digits a number is printed with, where float64's
    # rounding over the iterations leaves fewer than the document's (derive.fmt.shared_digits); else None
