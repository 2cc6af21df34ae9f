"""Stage 3, the derivation: the symbolic model evaluated at a spec's numbers and composed into the
IR (derive.ir). It takes a `Spec` and gives a `Derivation`: the forward pass neuron by neuron, the
error, every chain-rule factor as SymPy's derivative of one local expression (never of the whole
loss), substituted and evaluated, the chain rule's products and sums along the paths, the matrix form,
the sums over samples, the updates and the tables, each formula already printed as LaTeX and each
number a `Value` under its quantity key. The numeric engine does not feed it (derive.crosscheck
compares the two), with one exception: with spec.focus, the summary's gradients of the parameters not
written out are the numeric engine's, and finite differences check them.
"""
from __future__ import annotations

from .book import Marks
from .build import build
from .training import Run, compared
from .training import build as training

__all__ = ["Marks", "Run", "build", "compared", "training"]
