"""The Markdown view: the one document every other text view is made from. Its structure is one
Jinja2 template for every language (templates/document.md.j2), its prose a message table per language;
maths is written as $$ blocks that GitHub, Typora and Jupyter render."""
from __future__ import annotations

from pathlib import Path

from ..ir import Derivation
from .templates import environment, prose, render_template, tidy


def markdown(derivation: Derivation, lang: str = "en", template_dir: str | Path | None = None) -> str:
    """The worked solution as Markdown with $$ display math."""
    text = render_template(environment(template_dir), "document.md.j2", d=derivation, t=prose(lang), lang=lang)
    return tidy(text)
