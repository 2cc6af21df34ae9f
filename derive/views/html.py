"""The HTML view: the Markdown document through markdown-it-py, with its mathematics as MathML.

One self-contained file: the styles sit in the page, the figures are data: URIs, and every formula
is converted to MathML now (latex2mathml), which browsers render without any script or network.
Markdown-it runs with raw HTML off, so a user's label such as <script> is text, never markup.
"""
from __future__ import annotations

import base64
import functools
import html
import xml.etree.ElementTree as ET
from pathlib import Path

from latex2mathml.converter import convert_to_element
from markdown_it import MarkdownIt

from ..errors import VerificationError
from ..ir import Derivation, Figure
from . import parsing
from .markdown import markdown as markdown_view
from .templates import environment, messages, render_template

_MEDIA = {"svg": "image/svg+xml", "png": "image/png"}
# LaTeX environments latex2mathml reads under another name: aligned (Markdown's, for GitHub and
# Jupyter) is split's alignment, one table with a right and a left column.
_ENVIRONMENTS = {r"\begin{aligned}": r"\begin{split}", r"\end{aligned}": r"\end{split}"}


@functools.lru_cache(maxsize=1 << 13)
def mathml(tex: str, display: bool) -> str:
    """`tex` as a MathML element (kept: a formula met again, in the document's other language or
    another variant, is converted once). latex2mathml builds an element tree whose text holds character
    references (&#x0002B;); they are decoded into characters and the tree serialized by ElementTree,
    which escapes every text node (latex2mathml's own serializer would unescape a \\text{<b>})."""
    for old, new in _ENVIRONMENTS.items():
        tex = tex.replace(old, new)
    try:
        element = convert_to_element(tex, display="block" if display else "inline")
    except Exception as exc:  # latex2mathml raises its own exception types for what it cannot read
        raise VerificationError(f"internal error: latex2mathml cannot convert {tex!r}: {exc}") from exc
    for node in element.iter():
        if node.text:
            node.text = html.unescape(node.text)
        for key, value in node.attrib.items():
            node.attrib[key] = html.unescape(value)
    return ET.tostring(element, encoding="unicode", short_empty_elements=True)


def data_uri(figure: Figure) -> str:
    media = _MEDIA[figure.file.rsplit(".", 1)[-1]]
    return f"data:{media};base64,{base64.b64encode(figure.data).decode('ascii')}"


def _tex_delimited(tex: str, display: bool) -> str:
    """The formula kept as TeX between \\( \\) or \\[ \\], for a site that typesets TeX itself (Moodle's
    MathJax filter)."""
    return html.escape(rf"\[{tex}\]" if display else rf"\({tex}\)")


def parser(math: str = "mathml") -> MarkdownIt:
    """The views' Markdown parser (derive.views.parsing) with maths as MathML, or as delimited TeX."""
    if math == "mathml":
        return parsing.parser(lambda tex, options: mathml(tex, options["display_mode"]))
    return parsing.parser(lambda tex, options: _tex_delimited(tex, options["display_mode"]))


def body(markdown: str, figures: tuple[Figure, ...] = ()) -> str:
    """The HTML of a Markdown document, its figures inlined."""
    md = parser()
    sources = {f.file: data_uri(f) for f in figures}
    default = md.renderer.rules["image"]

    def image(self, tokens, idx, options, env) -> str:
        """An image whose file is one of the document's figures becomes that figure's data: URI."""
        token = tokens[idx]
        source = token.attrGet("src")
        if source in sources:
            token.attrSet("src", sources[source])
        return default(tokens, idx, options, env)

    md.add_render_rule("image", image)
    return md.render(markdown)


def document(derivation: Derivation, lang: str = "en", template_dir: str | Path | None = None) -> str:
    """The worked solution as one self-contained HTML page."""
    title = messages(lang)["title"] % {"name": derivation.name}
    return page(markdown_view(derivation, lang, template_dir), title, lang, derivation.figures, template_dir)


def page(text: str, title: str, lang: str, figures: tuple[Figure, ...] = (),
         template_dir: str | Path | None = None) -> str:
    """Any of derive's Markdown documents as one self-contained HTML page, its figures inlined."""
    return render_template(environment(template_dir), "page.html.j2", title=title, lang=lang,
                           body=body(text, figures))


def jupyter(derivation: Derivation) -> str:
    """The Markdown Jupyter shows for a derivation: the document, its figures inlined as data: URIs."""
    text = markdown_view(derivation)
    for figure in derivation.figures:
        text = text.replace(f"]({figure.file})", f"]({data_uri(figure)})")
    return text


def jupyter_html(derivation: Derivation) -> str:
    """The HTML Jupyter shows for a derivation: the document's body, maths as MathML, figures inlined,
    with the page's styles for maths scoped to it."""
    return render_template(environment(), "jupyter.html.j2", body=body(markdown_view(derivation), derivation.figures))
