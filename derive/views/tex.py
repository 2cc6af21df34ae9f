"""The LaTeX view: the Markdown document's token stream (markdown-it-py) written as LaTeX.

The Markdown is the one document; this module maps each of its few token kinds to LaTeX: headings
to unnumbered sections (the Markdown headings carry their numbers), paragraphs, lists, tables to
longtable (a parameter table may run over pages), $$ blocks to align* (an aligned block keeps its
& alignment; a block too wide for the page is scaled down to the line width instead), inline maths
as it is, figures by \\includegraphics. The page around it is templates/page.tex.j2.
"""
from __future__ import annotations

import re
from pathlib import Path

from ..ir import Derivation, Figure
from ..symbolic.printer import escape
from .html import parser
from .markdown import markdown as markdown_view
from .templates import environment, render_template, tidy

_HEADINGS = {"h2": "section", "h3": "subsection", "h4": "subsubsection", "h5": "paragraph", "h6": "subparagraph"}
WIDE = 95  # characters of printed maths a line of the page holds, about


def printed_width(tex: str) -> int:
    """About how many characters the widest row of `tex` prints: commands, braces, sub- and
    superscript markers dropped; a fraction counts as its wider part (roughly)."""
    widest = 0
    for row in tex.split(r"\\"):
        row = re.sub(r"\\frac\{([^{}]*)\}\{([^{}]*)\}", lambda m: max(m.group(1), m.group(2), key=len), row)
        row = re.sub(r"\\(left|right|begin\{[a-z*]+\}|end\{[a-z*]+\}|rm|mathrm|text)\b", "", row)
        row = re.sub(r"\\[a-zA-Z]+", "x", row)
        widest = max(widest, len(re.sub(r"[{}_^&\s]", "", row)))
    return widest


def display(tex: str) -> str:
    """A $$ block: align* for an aligned block, equation* otherwise; scaled to the line when too wide."""
    tex = tex.strip()
    inner = tex
    aligned = tex.startswith(r"\begin{aligned}") and tex.endswith(r"\end{aligned}")
    if aligned:
        inner = tex[len(r"\begin{aligned}"):-len(r"\end{aligned}")].strip()
    if printed_width(tex) > WIDE:
        return ("\\begin{center}\n\\begin{adjustbox}{max width=\\linewidth}\n$\\displaystyle " + tex +
                "$\n\\end{adjustbox}\n\\end{center}")
    if aligned:
        return f"\\begin{{align*}}\n{inner}\n\\end{{align*}}"
    return f"\\begin{{equation*}}\n{tex}\n\\end{{equation*}}"


def body(markdown: str, figures: tuple[Figure, ...] = ()) -> tuple[str, str]:
    """The document's title and its body in LaTeX."""
    printed = {f.file: f.print_file for f in figures}
    tokens = parser().parse(markdown)
    out: list[str] = []
    title = ""
    i = 0
    row: list[str] = []
    while i < len(tokens):
        token = tokens[i]
        kind = token.type
        if kind == "heading_open":
            text = _inline(tokens[i + 1], printed)
            if token.tag == "h1":
                title = text
            else:
                out.append(f"\\{_HEADINGS[token.tag]}*{{{text}}}\n")
            i += 3
            continue
        if kind == "inline":
            out.append(_inline(token, printed))
        elif kind == "paragraph_close" and not token.hidden:
            out.append("\n\n")
        elif kind == "math_block":
            out.append(display(token.content) + "\n\n")
        elif kind == "bullet_list_open":
            out.append("\\begin{itemize}\n")
        elif kind == "bullet_list_close":
            out.append("\\end{itemize}\n\n")
        elif kind == "list_item_open":
            out.append("\\item ")
        elif kind == "list_item_close":
            out.append("\n")
        elif kind == "table_open":
            columns = _columns(tokens, i)
            out.append(f"\\begin{{longtable}}{{{'l' * columns}}}\n\\toprule\n")
        elif kind in ("th_open", "td_open"):
            row.append(_inline(tokens[i + 1], printed))
            i += 3
            continue
        elif kind == "tr_close":
            out.append(" & ".join(row) + " \\\\\n")
            row = []
        elif kind == "thead_close":
            out.append("\\midrule\n\\endhead\n")
        elif kind == "table_close":
            out.append("\\bottomrule\n\\end{longtable}\n\n")
        i += 1
    return title, tidy("".join(out).lstrip())


def _columns(tokens, start: int) -> int:
    count = 0
    for token in tokens[start:]:
        if token.type == "th_open":
            count += 1
        elif token.type == "tr_close":
            return count
    return count


def _inline(token, printed: dict[str, str]) -> str:
    parts = []
    for child in token.children or ():
        if child.type == "text":
            parts.append(escape(child.content))
        elif child.type == "math_inline":
            parts.append(f"${child.content}$")
        elif child.type == "softbreak":
            parts.append("\n")
        elif child.type == "hardbreak":
            parts.append("\\\\\n")
        elif child.type == "code_inline":
            parts.append(f"\\texttt{{{escape(child.content)}}}")
        elif child.type in ("strong_open", "strong_close"):
            parts.append("\\textbf{" if child.type == "strong_open" else "}")
        elif child.type in ("link_open", "link_close"):
            pass  # the contents list's links: its text stays, the page numbers are LaTeX's own business
        elif child.type in ("em_open", "em_close"):
            parts.append("\\emph{" if child.type == "em_open" else "}")
        elif child.type == "image":
            source = child.attrGet("src")
            caption = escape("".join(c.content for c in child.children or ()))
            parts.append(f"\\begin{{center}}\n\\includegraphics[width=0.8\\linewidth,height=0.45\\textheight,"
                         f"keepaspectratio]{{{printed.get(source, source)}}}\\\\\n{{\\small {caption}}}\n"
                         "\\end{center}")
        else:
            raise ValueError(f"the LaTeX view has no rule for Markdown's {child.type}")
    return "".join(parts)


def document(derivation: Derivation, lang: str = "en", template_dir: str | Path | None = None) -> str:
    """The worked solution as a standalone LaTeX document, for xelatex."""
    return page(markdown_view(derivation, lang, template_dir), lang, derivation.figures, template_dir)


def page(text: str, lang: str, figures: tuple[Figure, ...] = (), template_dir: str | Path | None = None) -> str:
    """Any of derive's Markdown documents as a standalone LaTeX document, its first heading the title."""
    title, text = body(text, figures)
    return render_template(environment(template_dir), "page.tex.j2", title=title, lang=lang, body=text)
