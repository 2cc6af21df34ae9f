"""Every written form of a derivation, in memory: the text documents (md, html, tex, json), the PDF,
and the figure files the Markdown and LaTeX documents link to."""
from __future__ import annotations

import importlib
from pathlib import Path

from ..errors import UsageError
from ..files import file_name
from ..ir import Derivation
from ..spec.vocabulary import FORMATS

# format -> the view module that writes it, and its function of (derivation, lang, template_dir): a
# view is imported when a document of its format is first written (the HTML view's Markdown parser
# and MathML converter are not needed for JSON)
VIEWS = {"md": ("markdown", "markdown"), "html": ("html", "document"), "tex": ("tex", "document"),
         "json": ("json", "document")}


def view(module: str, name: str):
    return getattr(importlib.import_module(f".{module}", __package__), name)


def document(derivation: Derivation, fmt: str, lang: str = "en", template_dir: str | Path | None = None) -> str:
    """One rendered text document: fmt is md, html, tex or json; `template_dir` overrides template blocks."""
    if fmt not in VIEWS:
        raise UsageError(f"--format: expected any of {', '.join(FORMATS)}, got {fmt!r}")
    return view(*VIEWS[fmt])(derivation, lang, template_dir)


def pdf(derivation: Derivation, lang: str = "en", template_dir: str | Path | None = None) -> bytes:
    """The LaTeX document compiled by xelatex (derive.views.typeset)."""
    _drawn(derivation, "pdf")
    figures = {f.print_file: f.printed for f in derivation.figures}
    stem = file_name(derivation.name, "tex", lang)[:-len(".tex")]
    return view("typeset", "compile_pdf")(document(derivation, "tex", lang, template_dir), figures, stem, lang)


def files(derivation: Derivation, formats: tuple[str, ...] = ("md", "json"), langs: tuple[str, ...] = ("en",),
          template_dir: str | Path | None = None) -> dict[str, bytes]:
    """Every requested document by file name (PDFs compiled), with the figure files they link."""
    found: dict[str, bytes] = {}
    for fmt in formats:
        _drawn(derivation, fmt)
    for lang in langs:
        for fmt in formats:
            name = file_name(derivation.name, fmt, lang)
            if name not in found:
                found[name] = (pdf(derivation, lang, template_dir) if fmt == "pdf" else
                               document(derivation, fmt, lang, template_dir).encode("utf-8"))
    if "md" in formats:  # the documents that link the figures (HTML and PDF carry their own)
        found |= {figure.file: figure.data for figure in derivation.figures}
    if "tex" in formats:  # LaTeX includes an SVG's PDF twin
        found |= {figure.print_file: figure.printed for figure in derivation.figures}
    return found


def _drawn(derivation: Derivation, fmt: str) -> None:
    """A derivation made for some formats (derive(..., formats=...)) has only their figures drawn."""
    if fmt == "json":
        return
    screen = fmt in ("md", "html")
    if any(not (figure.data if screen else figure.printed) for figure in derivation.figures):
        raise UsageError(f"--format {fmt}: this derivation's figures were drawn for other formats only; derive it "
                         f"again with {fmt} among its formats")
