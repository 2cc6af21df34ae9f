"""What derive's pages with a script share: the network as the script's engine reads it
(templates/explore/engine.js, a second implementation of the step engine in JavaScript), and the
engine's source. Used by derive explore's page and by the self-checking exercise sheet."""
from __future__ import annotations

import json

from ..spec import Spec
from .templates import template_root


def network(spec: Spec) -> dict:
    """The network's structure for the engine (net) and its numbers (start)."""
    params = spec.parameters()
    return {
        "net": {"layers": list(spec.layers), "labels": [list(group) for group in spec.labels],
                "activations": list(spec.activations), "loss": spec.loss, "bias": list(spec.bias),
                "reduction": spec.reduction, "slope": spec.leaky_slope, "l2": spec.l2, "mode": spec.mode,
                "params": [{"name": p.name, "kind": p.kind, "layer": p.layer, "dest": p.dest, "src": p.src,
                            "trainable": p.trainable} for p in params]},
        "start": {"values": [p.value for p in params], "inputs": [list(row) for row in spec.inputs],
                  "targets": [list(row) for row in spec.targets], "lr": spec.learning_rate},
    }


def engine() -> str:
    return (template_root() / "explore" / "engine.js").read_text(encoding="utf-8")


def embedded(data: object) -> str:
    """`data` as JSON that is safe inside a <script> element (no </ to end it early)."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")
