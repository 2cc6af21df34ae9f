"""Stage 4, the views: a finished `Derivation` written out. It takes the IR (every formula already
LaTeX, every number already a formatted `Value`) and gives text and bytes: Markdown through Jinja2
templates that only loop and print, HTML (the Markdown parsed by markdown-it-py, maths as MathML),
LaTeX (the Markdown's tokens) and its PDF (xelatex), JSON, and the figures (matplotlib). No view
computes or decides anything about the maths.
"""
from __future__ import annotations

from ..ir import register_display
from ..spec.vocabulary import FORMATS, LANGUAGES
from .document import document, files, pdf, view

# Jupyter's views, imported when a notebook first shows a derivation
register_display("markdown", lambda derivation: view("html", "jupyter")(derivation))
register_display("html", lambda derivation: view("html", "jupyter_html")(derivation))

__all__ = ["FORMATS", "LANGUAGES", "document", "files", "pdf"]
