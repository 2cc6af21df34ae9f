"""The words a spec may use: activations, losses, bias styles, notations and the other choices.

These are names only; what each one means lives in the stages that implement it (derive.symbolic for
the symbolic path, derive.numeric for the numeric engine), and each of those checks at import that it
implements every name listed here.
"""
from __future__ import annotations

ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "linear", "softmax", "step")
FORWARD_ONLY = ("step",)  # no useful derivative: a forward pass only
KINKED = ("relu", "leaky_relu")  # a derivative that jumps at z = 0
DEFAULT_LEAKY_SLOPE = 0.01
LOSSES = ("half_sse", "mse", "bce", "cross_entropy")
PROBABILITY_LOSSES = {"bce": "sigmoid", "cross_entropy": "softmax"}  # loss -> the output activation it needs
SIMPLIFIED_DELTA = {("softmax", "cross_entropy"), ("sigmoid", "bce")}  # output delta = out - t
BIAS_STYLES = ("per_neuron", "per_layer", "none", "bias_node")
REDUCTIONS = ("sum", "mean")
TRAINING_MODES = ("batch", "online")
LAYOUTS = ("column", "row")
NOTATIONS = ("in-out", "net-out", "nielsen", "ng", "3b1b")
FORMATS = ("md", "html", "tex", "pdf", "json")  # of a document (derive doc --format)
LANGUAGES = ("en", "zh")  # of the prose (templates/lang/<lang>.toml) and of a note
