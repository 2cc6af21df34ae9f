"""Exercise variants: seeded draws of one kind of backpropagation exercise, each with its asked
quantities and their exact values.

A variant is a spec with numbers a student can work by hand (inputs and weights with one or two
decimals, targets such as 0.01 and 0.99); a variant whose answers would be degenerate (a saturated
sigmoid whose derivative is below 0.01, a dead ReLU that makes an asked gradient exactly 0) or that
repeats an earlier one is drawn again. The values come from the step engine.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

import numpy as np

from .. import keys
from ..errors import UsageError
from ..numeric import engine
from ..spec import Spec, load
from ..symbolic import NOTATIONS, Model, Notation, escape, partial, tex
from .mistaken import inject

NOTATION = "in-out"  # the notation of the sheets' names
LEVELS = ("forward", "output-gradient", "hidden-gradient", "full-step", "softmax", "find-the-mistake")
FIRST_WRONG = "first-wrong"  # the find-the-mistake level's one answer: the right value of the first wrong number


MIN_SLOPE = 0.01  # a sigmoid derivative below this is a saturated neuron: the numbers say little


MAX_DRAWS = 1000  # per variant, before giving up on the options



@dataclass(frozen=True)
class Asked:
    """One quantity a variant asks for."""

    key: str  # its quantity key (derive.keys): 0:out:o1, grad:w5, updated:w5
    label: str  # what the sheet calls it, in LaTeX, in the in-out notation
    value: float


@dataclass(frozen=True)
class Variant:
    id: str
    spec: dict  # the raw spec: the same fields as a spec file
    asked: tuple[Asked, ...]
    mistake: dict | None = None  # find-the-mistake: the mistake made in its worked solution (Injected.as_dict)


MAX_COUNT = 1_000  # variants of one set: 1,000 full-step variants of 2-2-2 take about 20 s
MAX_PARAMETERS = 64  # of one variant's network


def _network(text: str, level: str) -> list[int]:
    if level == "softmax" and text == "2-2-2":
        text = "2-2-3"
    if not re.fullmatch(r"[1-9](-[1-9]){1,3}", text):
        raise UsageError(f"--network: expected layer sizes from 1 to 9 such as 2-2-2 (2 to 4 layers), got {text!r}")
    layers = [int(n) for n in text.split("-")]
    params = sum((a + 1) * b for a, b in zip(layers, layers[1:]))
    if params > MAX_PARAMETERS:
        raise UsageError(f"--network: expected at most {MAX_PARAMETERS} weights and biases (an exercise is worked "
                         f"by hand), got {params} for {text}")
    if level in ("hidden-gradient", "full-step", "find-the-mistake") and len(layers) < 3:
        raise UsageError(f"--network: level {level} needs a hidden layer, got {text!r}")
    return layers


def _draw(rng: np.random.Generator, layers: list[int], activation: str, loss: str, level: str, n: int) -> dict:
    """A spec with hand-workable numbers."""
    def numbers(shape, low, high):
        values = rng.uniform(low, high, shape).round(int(rng.integers(1, 3)))
        return np.where(values == 0, 0.1, values)  # no zero weight: every path counts

    softmax = level == "softmax"
    if softmax:
        target = np.zeros(layers[-1])
        target[int(rng.integers(layers[-1]))] = 1.0
    else:
        target = rng.choice([0.01, 0.99], layers[-1]) if activation == "sigmoid" else numbers(layers[-1], 0, 1)
    activations = [activation] * (len(layers) - 2) + ["softmax" if softmax else activation]
    return {
        "name": f"variant-{n}",
        "network": {"layers": layers, "activation": activations, "loss": "cross_entropy" if softmax else loss},
        "params": {"weights": [numbers((b, a), -1, 1).tolist() for a, b in zip(layers, layers[1:])],
                   "biases": [numbers(b, -1, 1).tolist() for b in layers[1:]]},
        "data": {"inputs": [numbers(layers[0], 0, 1).tolist()], "targets": [target.tolist()]},
        "training": {"learning_rate": 0.5},
    }


def _asked(spec: Spec, values: dict[str, float], level: str, rng: np.random.Generator) -> list[Asked]:
    """The quantities a variant of `level` asks for (without their labels: see `_labelled`)."""
    outputs = [keys.out(0, label) for label in spec.labels[-1]]
    weights = [p for p in spec.parameters() if p.kind == "weight"]
    last = [keys.gradient(p.name) for p in weights if p.layer == spec.depth]
    hidden = [keys.gradient(p.name) for p in weights if p.layer < spec.depth]
    trainable = [p.name for p in spec.parameters() if p.trainable]
    chosen = {
        "forward": lambda: outputs,
        "output-gradient": lambda: [last[int(rng.integers(len(last)))]],
        "hidden-gradient": lambda: [hidden[int(rng.integers(len(hidden)))]],
        "softmax": lambda: outputs + [last[int(rng.integers(len(last)))]],
        "full-step": lambda: [keys.gradient(p) for p in trainable] + [keys.updated(p) for p in trainable],
    }["full-step" if level == "find-the-mistake" else level]()
    return [Asked(key, "", values[key]) for key in chosen]


def _labelled(spec: Spec, asked: list[Asked]) -> tuple[Asked, ...]:
    """Each asked quantity with its LaTeX name in the sheet's notation (in-out)."""
    model = Model(spec)
    names = model.names(NOTATIONS[NOTATION])
    outputs = {n.label: n for n in model.outputs}
    labelled = []
    for a in asked:
        k = keys.parse(a.key)
        if k.kind == "out":
            label = names[outputs[k.args[0]].out]
        elif k.kind == "grad":
            label = tex(partial(model.loss_total, model.param_symbol[k.args[0]]), names)
        else:
            label = Notation.updated(names[model.param_symbol[k.args[0]]])
        labelled.append(dataclasses.replace(a, label=label))
    return tuple(labelled)


def degenerate(spec: Spec, values: dict[str, float], asked: list[Asked]) -> str | None:
    """Why a variant makes a poor exercise, or None."""
    for l, name in enumerate(spec.activations):
        if name == "sigmoid":
            for label in spec.labels[l + 1]:
                if values[keys.d_activation(0, label)] < MIN_SLOPE:
                    return f"saturated sigmoid at {label}"
    for a in asked:
        if keys.parse(a.key).kind == "grad" and a.value == 0.0:
            return f"{a.key} is exactly 0 (a dead unit)"
    return None


def generate(count: int, seed: int, level: str, network: str = "2-2-2", activation: str = "sigmoid",
             loss: str = "half_sse") -> list[Variant]:
    """`count` distinct, non-degenerate variants, the same for the same arguments."""
    if level not in LEVELS:
        raise UsageError(f"--level: expected one of {', '.join(LEVELS)}, got {level!r}")
    if activation not in ("sigmoid", "tanh", "relu", "leaky_relu"):
        raise UsageError(f"--activation: expected sigmoid, tanh, relu or leaky_relu, got {activation!r}")
    if loss not in ("half_sse", "mse") and level != "softmax":
        raise UsageError(f"--loss: expected half_sse or mse, got {loss!r}")
    if not 1 <= count <= MAX_COUNT:
        raise UsageError(f"--count: expected 1 to {MAX_COUNT}, got {count}")
    if not 0 <= seed < 2**63:
        raise UsageError(f"--seed: expected a whole number from 0 to 2^63 - 1, got {seed}")
    layers = _network(network, level)
    rng = np.random.default_rng(seed)
    variants: list[Variant] = []
    seen: set[str] = set()
    draws = 0
    while len(variants) < count:
        draws += 1
        if draws > MAX_DRAWS * count:
            raise UsageError(f"--level {level} with --network {network} --activation {activation}: no "
                             f"non-degenerate variants found in {draws - 1} draws")
        raw = _draw(rng, layers, activation, loss, level, len(variants) + 1)
        fingerprint = repr((raw["params"], raw["data"]))
        if fingerprint in seen:
            continue
        spec = load(raw)
        values = engine.quantities(spec)
        asked = _asked(spec, values, level, rng)
        if degenerate(spec, values, asked):
            continue
        mistake = None
        if level == "find-the-mistake":
            mistake = inject(spec, rng)
            if mistake is None:
                continue
        seen.add(fingerprint)
        number = len(variants) + 1
        raw["name"] = f"{seed}-{number:03d}"
        if mistake:
            label = r"\text{" + escape(keys.readable(mistake.first, "en", False)) + "}"
            variants.append(Variant(raw["name"], raw, (Asked(FIRST_WRONG, label, mistake.right),), mistake.as_dict()))
        else:
            variants.append(Variant(raw["name"], raw, _labelled(spec, asked)))
    return variants
