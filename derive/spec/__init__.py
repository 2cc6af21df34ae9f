"""Stage 1, the spec: a network described in TOML (a file, a built-in example or a dict) read and
validated into a frozen `Spec`: sizes, activations, loss, labels, parameters (written or drawn by a
seeded generator), data (written or generated) and the training settings. It takes raw text and gives
plain numbers and names; nothing in a spec is evaluated as code. The stages above read only the `Spec`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import attributes

__all__ = ["Matrix", "Param", "Spec", "focused", "in_full", "load", "load_preset", "parse", "preset_names"]

# name -> its module: loaded on first use, so that reading the vocabulary or the presets' names
# (derive presets, the command line's options) does not import NumPy
_LAZY = {"focused": "parse", "in_full": "parse", "parse": "parse", "load": "sources", "load_preset": "sources",
         "preset_names": "sources", "Matrix": "types", "Param": "types", "Spec": "types"}

if TYPE_CHECKING:
    from .parse import focused, in_full, parse
    from .sources import load, load_preset, preset_names
    from .types import Matrix, Param, Spec


__getattr__ = attributes(__name__, _LAZY, globals())
