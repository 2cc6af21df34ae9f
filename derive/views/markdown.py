"""The Markdown view: the one document every other text view is made from. Its structure is one
Jinja2 template for every language (templates/document.md.j2), its prose a message table per language;
maths is written as $$ blocks that GitHub, Typora and Jupyter render."""
from __future__ import annotations

from pathlib import Path

from ..ir import Derivation
from .parsing import headings
from .templates import environment, prose, render_template, tidy


def markdown(derivation: Derivation, lang: str = "en", template_dir: str | Path | None = None,
             contents: bool = True) -> str:
    """The worked solution as Markdown with $$ display math; with `contents`, a list of its sections
    and their parts (the headings of levels 2 and 3, linked) before the first section."""
    text = tidy(render_template(environment(template_dir), "document.md.j2", d=derivation, t=prose(lang),
                                lang=lang))
    return with_contents(text, prose(lang).contents) if contents else text


def with_contents(text: str, title: str) -> str:
    """`text` with a linked list of its level-2 and level-3 headings before the first level-2 one."""
    entries = [f"{'  ' * (level - 2)}- [{heading}](#{anchor})" for level, heading, anchor in headings(text)
               if level in (2, 3) and "$" not in heading]
    first = text.find("\n## ")
    if not entries or first < 0:
        return text
    return f"{text[:first + 1]}**{title}**\n\n" + "\n".join(entries) + f"\n\n{text[first + 1:]}"
