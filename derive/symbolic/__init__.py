"""Stage 2, the symbolic model: a `Spec` becomes SymPy symbols and local expressions. It takes a `Spec`
and gives a `Model` (every neuron's net input and output as small unevaluated expressions, the loss
term by term), the activations and losses as data with SymPy's proofs of every hand-written step, the
notations (tables of names), and the printer that turns any expression into LaTeX. Nothing here
differentiates the whole loss, and nothing here sees a number computed by derive.numeric.
"""
from __future__ import annotations

from .activations import Activation, activation
from .evaluate import precise, rough
from .kept import forget, kept
from .losses import LOSSES
from .model import Model, Neuron, local_derivative
from .notation import NOTATIONS, Notation
from .printer import escape, label, partial, tex

__all__ = ["LOSSES", "NOTATIONS", "Activation", "Model", "Neuron", "Notation", "activation", "escape", "forget",
           "kept", "label", "local_derivative", "partial", "precise", "rough", "tex"]

