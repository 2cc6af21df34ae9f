"""derive: step-by-step worked solutions of backpropagation, every number verified.

The whole pipeline, one stage per module:

    spec (TOML) -> symbolic model (SymPy) -> derivation IR (frozen data) -> render (Jinja2)
                                  \\-> numeric engine (NumPy) -/  (cross-checks every number)
"""
from __future__ import annotations

import dataclasses
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from . import figures as _figures
from . import history as _history
from . import render as _render
from . import train as _train
from .derivation import build
from .errors import DeriveError, SpecError, UsageError, VerificationError
from .fmt import DEFAULT_DIGITS
from .ir import Derivation
from .spec import Spec, load
from .size import refuse_oversize
from .verify import reference, verify

__all__ = ["derive", "load", "build", "verify", "document", "pdf", "write", "Derivation", "Spec",
           "DeriveError", "SpecError", "UsageError", "VerificationError"]


def derive(source: str | Path | dict | Spec, *, notation: str | None = None, digits: int = DEFAULT_DIGITS,
           progress: Callable[[int], None] | None = None) -> Derivation:
    """Load a spec, build its derivation symbolically, train it (training.iterations), verify every
    number numerically, and draw its figures.

    `notation` overrides the spec's own (default in-out); `progress(k)` hears of training's iterations."""
    spec = source if isinstance(source, Spec) else load(source)
    numbers = reference(spec)  # first: a spec that overflows float64 is refused before any symbolic work
    refuse_oversize(spec)
    derivation = build(spec, notation=notation or spec.notation, digits=digits, numbers=numbers)
    trained: dict[str, tuple[Spec, object]] = {}  # figure key -> (spec, trained parameters)
    if spec.iterations and spec.learning_rate is not None:
        history = _train.run(spec, progress)
        numbers = numbers | _train.check(spec, history)
        trained["final"] = (spec, history.final)
        compared = []
        for variant in spec.compare_hidden:
            other = _train.run(variant)
            width = variant.layers[1]
            numbers |= {f"train:hidden:{width}:{key[len('train:'):]}": value
                        for key, value in _train.check(variant, other).items()}
            trained[f"hidden:{width}"] = (variant, other.final)
            compared.append(_history.compared(variant, other, digits))
        training = _history.build(spec, history, derivation.parameters, digits, tuple(compared))
        derivation = dataclasses.replace(derivation, training=training)
    verify(spec, derivation, numbers)
    figures = tuple(dataclasses.replace(f, data=_figures.draw(spec, derivation, f, trained),
                                        print_data=_figures.draw(spec, derivation, f, trained, "pdf")
                                        if f.file.endswith(".svg") else b"")
                    for f in _figures.plan(spec, derivation))
    return dataclasses.replace(derivation, figures=figures)


def document(derivation: Derivation, fmt: str, lang: str = "en", template_dir: str | Path | None = None) -> str:
    """One rendered text document: fmt is md, html, tex or json; `template_dir` overrides template blocks."""
    if fmt == "md":
        return _render.markdown(derivation, lang, template_dir)
    if fmt == "html":
        return _render.html(derivation, lang, template_dir)
    if fmt == "tex":
        return _render.tex(derivation, lang, template_dir)
    if fmt == "json":
        return _render.json_text(derivation)
    raise UsageError(f"--format: expected any of {', '.join(_render.FORMATS)}, got {fmt!r}")


def pdf(derivation: Derivation, lang: str = "en", template_dir: str | Path | None = None) -> bytes:
    """The LaTeX document compiled by xelatex (derive/typeset.py)."""
    from .typeset import compile_pdf

    figures = {f.print_file: f.print_data or f.data for f in derivation.figures}
    stem = file_name(derivation.name, "tex", lang)[:-len(".tex")]
    return compile_pdf(document(derivation, "tex", lang, template_dir), figures, stem)


def file_name(name: str, fmt: str, lang: str) -> str:
    """<name>.md for English, <name>.zh.md for Chinese; JSON holds no prose: <name>.json."""
    return f"{name}.{fmt}" if fmt == "json" or lang == "en" else f"{name}.{lang}.{fmt}"


def write(derivation: Derivation, directory: str | Path, formats: tuple[str, ...] = ("md", "json"),
          langs: tuple[str, ...] = ("en",), template_dir: str | Path | None = None) -> list[Path]:
    """Render every requested document in memory first (PDFs compiled), then write each one atomically."""
    files: dict[str, bytes] = {}
    for lang in langs:
        for fmt in formats:
            name = file_name(derivation.name, fmt, lang)
            if name not in files:
                files[name] = (pdf(derivation, lang, template_dir) if fmt == "pdf" else
                               document(derivation, fmt, lang, template_dir).encode("utf-8"))
    if "md" in formats:  # the documents that link the figures (HTML and PDF carry their own)
        files |= {figure.file: figure.data for figure in derivation.figures}
    if "tex" in formats:  # LaTeX includes an SVG's PDF twin
        files |= {figure.print_file: figure.print_data or figure.data for figure in derivation.figures}
    return write_files(files, directory)


def write_files(files: dict[str, bytes], directory: str | Path) -> list[Path]:
    """Write each file into `directory` atomically (a complete file or none), readable as the umask says."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in files.items():
        target = folder / name
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp's files are private; documents are not
        os.replace(temporary, target)
        written.append(target)
    return written


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
