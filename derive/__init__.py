"""derive: step-by-step worked solutions of backpropagation, every number verified.

The pipeline, one subpackage per stage (derive.pipeline runs them in order):

    spec (TOML) -> symbolic model (SymPy) -> derivation IR (frozen data) -> views (Jinja2)
                                  \\-> numeric engines (NumPy) -/  (derive.crosscheck: every number twice)

The names below load their module on first use, so that `import derive` (and the pytest plugin
that installing derive registers) costs nothing until something is asked for.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import DeriveError, SpecError, UsageError, VerificationError
from .lazy import attributes

__version__ = "0.1.0"  # the one source: pyproject.toml reads it, `derive --version` prints it

_LAZY = {
    "derive": "pipeline", "write": "pipeline", "load": "spec", "Spec": "spec", "build": "derivation",
    "verify": "crosscheck", "document": "views", "pdf": "views", "Derivation": "ir", "file_name": "files",
    "write_files": "files", "numbers": "oracle", "from_arrays": "bridges", "from_torch": "bridges",
    "spec_toml": "bridges", "explore": "explorer",
}

__all__ = ["__version__", "DeriveError", "SpecError", "UsageError", "VerificationError", "derive", "write", "load",
           "Spec", "build", "verify", "document", "pdf", "Derivation", "file_name", "write_files", "numbers",
           "from_arrays", "from_torch", "spec_toml", "explore"]

if TYPE_CHECKING:
    from .bridges import from_arrays, from_torch, spec_toml
    from .crosscheck import verify
    from .derivation import build
    from .explorer import explore
    from .files import file_name, write_files
    from .ir import Derivation
    from .oracle import numbers
    from .pipeline import derive, write
    from .spec import Spec, load
    from .views import document, pdf


__getattr__ = attributes(__name__, _LAZY, globals())
