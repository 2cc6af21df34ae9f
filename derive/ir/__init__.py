"""The derivation IR: frozen plain data, decided completely before rendering, and no rendering.

Every number a document shows is a `Value` under a quantity key (derive.keys); `values()` collects
them all so that derive.crosscheck can check each one against the numeric engines. Every formula is
LaTeX already printed by derive.symbolic; the views only loop over these objects and print them.
"""
from __future__ import annotations

from .document import Derivation, Figure, register_display
from .step import (
                   Chain,
                   Eq,
                   Factor,
                   LayerBackward,
                   MatrixStep,
                   NeuronBackward,
                   NeuronForward,
                   ParamRow,
                   Path,
                   Preliminary,
                   Sample,
                   SampleTable,
                   SummaryRow,
                   Term,
                   Value,
)
from .training import Checkpoint, Compared, TrainedOutput, TrainedParam, Training
from .walk import dump, values

__all__ = ["Chain", "Checkpoint", "Compared", "Derivation", "Eq", "Factor", "Figure", "LayerBackward", "MatrixStep",
           "NeuronBackward", "NeuronForward", "ParamRow", "Path", "Preliminary", "Sample", "SampleTable",
           "SummaryRow", "Term", "TrainedOutput", "TrainedParam", "Training", "Value", "dump", "register_display",
           "values"]
