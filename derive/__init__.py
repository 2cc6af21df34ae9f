"""derive: step-by-step worked solutions of backpropagation, every number verified.

The pipeline, one subpackage per stage (derive.pipeline runs them in order):

    spec (TOML) -> symbolic model (SymPy) -> derivation IR (frozen data) -> views (Jinja2)
                                  \\-> numeric engines (NumPy) -/  (derive.crosscheck: every number twice)
"""
from __future__ import annotations

__version__ = "0.1.0"  # the one source: pyproject.toml reads it, `derive --version` prints it

from .crosscheck import verify
from .derivation import build
from .errors import DeriveError, SpecError, UsageError, VerificationError
from .files import file_name, write_files
from .ir import Derivation
from .pipeline import derive, write
from .spec import Spec, load
from .views import document, pdf

__all__ = ["__version__", "derive", "load", "build", "verify", "document", "pdf", "write", "Derivation", "Spec",
           "DeriveError", "SpecError", "UsageError", "VerificationError", "file_name", "write_files"]
