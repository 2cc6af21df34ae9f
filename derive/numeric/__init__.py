"""The numeric engines, independent of the symbolic path: they read the `Spec` and nothing above it.
The step engine (derive.numeric.engine) gives every quantity of one training step under its key;
the training loop (derive.numeric.loop) runs many iterations; finite differences
(derive.numeric.gradcheck) check gradients; the kernels give the same bits on every processor.
"""
from __future__ import annotations

from .arrays import Arrays
from .engine import forward, loss, quantities

__all__ = ["Arrays", "forward", "loss", "quantities"]
