"""derive: step-by-step worked solutions of backpropagation, every number verified.

The whole pipeline, one stage per module:

    spec (TOML) -> symbolic model (SymPy) -> derivation IR (frozen data) -> render (Jinja2)
                                  \\-> numeric engine (NumPy) -/  (cross-checks every number)
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from . import render as _render
from .derivation import build
from .errors import DeriveError, SpecError, UsageError, VerificationError
from .fmt import DEFAULT_DIGITS
from .ir import Derivation
from .spec import Spec, load
from .verify import reference, verify

__all__ = ["derive", "load", "build", "verify", "document", "write", "Derivation", "Spec",
           "DeriveError", "SpecError", "UsageError", "VerificationError"]


def derive(source: str | Path | dict | Spec, *, notation: str | None = None,
           digits: int = DEFAULT_DIGITS) -> Derivation:
    """Load a spec, build its derivation symbolically, and verify every number numerically.

    `notation` overrides the spec's own (default in-out)."""
    spec = source if isinstance(source, Spec) else load(source)
    numbers = reference(spec)  # first: a spec that overflows float64 is refused before any symbolic work
    derivation = build(spec, notation=notation or spec.notation, digits=digits)
    verify(spec, derivation, numbers)
    return derivation


def document(derivation: Derivation, fmt: str, lang: str = "en") -> str:
    """One rendered document: fmt is md or json."""
    if fmt == "md":
        return _render.markdown(derivation, lang)
    if fmt == "json":
        return _render.json_text(derivation)
    raise UsageError(f"--format: expected any of {', '.join(_render.FORMATS)}, got {fmt!r}")


def file_name(name: str, fmt: str, lang: str) -> str:
    """<name>.md for English, <name>.zh.md for Chinese; JSON holds no prose: <name>.json."""
    return f"{name}.{fmt}" if fmt == "json" or lang == "en" else f"{name}.{lang}.{fmt}"


def write(derivation: Derivation, directory: str | Path, formats: tuple[str, ...] = ("md", "json"),
          langs: tuple[str, ...] = ("en",)) -> list[Path]:
    """Render every requested document in memory first, then write each one atomically."""
    rendered: dict[str, str] = {}
    for lang in langs:
        for fmt in formats:
            rendered.setdefault(file_name(derivation.name, fmt, lang), document(derivation, fmt, lang))
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in rendered.items():
        target = folder / name
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.replace(temporary, target)
        written.append(target)
    return written
