"""The one Markdown parser of the views: CommonMark with tables and $ / $$ maths (mdit-py-plugins'
dollarmath), raw HTML off, and an id on every heading named as GitHub names it (the anchors plugin), so
that a contents list links the same headings on a code-hosting page and in the HTML page."""
from __future__ import annotations

from collections.abc import Callable

from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin


def parser(render_math: Callable[[str, dict], str] | None = None) -> MarkdownIt:
    """The parser; `render_math(tex, options)` writes a formula (options["display_mode"]: a $$ block)."""
    return (MarkdownIt("commonmark", {"html": False}).enable("table")
            .use(dollarmath_plugin, allow_labels=False, allow_digits=False, allow_blank_lines=False,
                 renderer=render_math or (lambda tex, options: tex))
            .use(anchors_plugin, min_level=1, max_level=6))


def headings(markdown: str) -> list[tuple[int, str, str]]:
    """Every heading of a Markdown document: (level, its Markdown text, its id), in order."""
    tokens = parser().parse(markdown)
    return [(int(token.tag[1]), tokens[i + 1].content, token.attrGet("id"))
            for i, token in enumerate(tokens) if token.type == "heading_open"]
