"""How big a document would be, estimated from the network before any work is done.

The estimate counts the terms a document prints: each neuron's weighted sum, each hidden neuron's
paths, each written chain, and each printed matrix entry, per sample written out step by step, and
a table row of results for each other sample. A document over LIMIT terms is
refused unless spec.focus (or --focus) picks the parameters to write out in full.
"""
from __future__ import annotations

from ..errors import SpecError
from .types import Spec

LIMIT = 8_000  # terms; softmax-3443-batch with all seven samples written out prints about 4,600
TRAINING_WORK = 2_000_000_000  # multiply-adds of a training run (iterations x samples x parameters): seconds


def terms(spec: Spec) -> int:
    """About how many terms the document of `spec` prints."""
    layers = spec.layers
    # forward: each net input's sum (a wide one is written with 5 of its terms), twice, and the output
    per_sample = sum((min(layers[l] + 1, 5) + 1) * layers[l + 1] for l in range(spec.depth))
    if spec.learning_rate is not None:
        per_sample += sum(layers[l + 1] * (layers[l + 2] + 4) for l in range(spec.depth - 1)) + 4 * layers[-1]
        params = spec.parameters()
        written = [p for p in params if not spec.focus or p.name in spec.focus]
        per_sample += sum(8 + (layers[p.layer] if p.dest is None else 1) for p in written)
        if not spec.focus:
            per_sample += sum(3 * layers[l] * layers[l + 1] + 4 * layers[l + 1] for l in range(spec.depth))
    shown = spec.written_samples
    row = layers[-1] + 1 + (len([p for p in spec.parameters() if not spec.focus or p.name in spec.focus])
                            if spec.learning_rate is not None else 0)
    return shown * per_sample + (spec.samples - shown) * row  # the other samples: a table row each


def refuse_oversize(spec: Spec) -> None:
    refuse_long_training(spec)
    count = terms(spec)
    if not spec.focus and count > LIMIT:
        raise SpecError(spec.source, "focus", f"a focus for a network this size (its full document would print "
                        f"about {count:,} terms, over the {LIMIT:,} a readable document holds): name the parameters "
                        "to write out with --focus, e.g. --focus w1,w5 or --focus layer2", "no focus")


def refuse_long_training(spec: Spec) -> None:
    """Training that would take more than seconds is refused before it starts."""
    work = spec.iterations * spec.samples * len(spec.parameters()) * (1 + len(spec.compare_hidden))
    if work > TRAINING_WORK:
        raise SpecError(spec.source, "training.iterations", f"fewer iterations for a network and data this size "
                        f"(iterations x samples x parameters at most {TRAINING_WORK:,}, for each network trained)",
                        f"{spec.iterations:,} iterations, {work:,} in all")
