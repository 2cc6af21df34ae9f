"""Markdown validity, the self-contained HTML page, user templates and Jupyter's view."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

import derive
from derive.cli import main
from derive.views.html import mathml, parser

ROOT = Path(__file__).resolve().parent.parent
GALLERY_MD = sorted((ROOT / "output").rglob("*.md"))
HOSTILE = "<script>alert(1)</script>"


@pytest.mark.parametrize("path", GALLERY_MD, ids=lambda p: p.name)
def test_gallery_markdown_parses_with_balanced_math(path):
    """Display math sits in $$ blocks on lines of their own (GitHub, Typora and Jupyter all read that),
    markdown-it's dollarmath finds exactly those blocks, and no $ or LaTeX command is left as text."""
    text = path.read_text(encoding="utf-8")
    fences = [i for i, line in enumerate(text.splitlines()) if line.strip() == "$$"]
    assert len(fences) % 2 == 0
    assert "$$" not in re.sub(r"^\$\$$", "", text, flags=re.M), "$$ outside a line of its own"
    tokens = parser().parse(text)
    assert sum(t.type == "math_block" for t in tokens) == len(fences) // 2
    for token in tokens:
        for child in token.children or ():
            if child.type == "text":
                assert "$" not in child.content, child.content
                assert not re.search(r"\\[a-zA-Z]+", child.content), child.content


def test_every_formula_converts_to_mathml():
    for path in GALLERY_MD[:4]:
        for token in parser().parse(path.read_text(encoding="utf-8")):
            if token.type == "math_block":
                ET.fromstring(mathml(token.content, display=True))  # well-formed XML


class _Page(HTMLParser):
    """Text outside MathML, and every tag with its attributes."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self.depth += tag == "math"

    def handle_endtag(self, tag):
        self.depth -= tag == "math"

    def handle_data(self, data):
        if not self.depth:
            self.text.append(data)


def _hostile_spec() -> dict:
    return {"name": "hostile", "note": HOSTILE,
            "network": {"layers": [1, 1], "names": {"inputs": [HOSTILE], "layers": [["y"]]}},
            "params": {"weights": [[[0.5]]], "biases": [[0.1]]},
            "data": {"inputs": [[1.0]], "targets": [[0.2]]}, "training": {"learning_rate": 0.5}}


def test_html_escapes_user_text():
    page = derive.document(derive.derive(_hostile_spec()), "html")
    parsed = _Page()
    parsed.feed(page)
    assert not [tag for tag, _ in parsed.tags if tag == "script"]
    assert HOSTILE in "".join(parsed.text)  # the note, shown as text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;</mtext>" in page  # the label, as MathML text


@pytest.mark.parametrize("name", ["two-two-two", "diamond"])
def test_html_is_self_contained_and_deterministic(name, preset):
    d = preset(name)
    page = derive.document(d, "html", "zh" if name == "diamond" else "en")
    parsed = _Page()
    parsed.feed(page)
    for tag, attrs in parsed.tags:
        assert tag not in ("script", "link", "iframe", "object")
        for key in ("src", "href"):
            if key in attrs:
                assert attrs[key].startswith("data:") or attrs[key].startswith("#"), attrs
    images = [attrs["src"] for tag, attrs in parsed.tags if tag == "img"]
    assert len(images) == len(d.figures) > 0
    assert "$$" not in "".join(parsed.text)
    assert page == derive.document(d, "html", "zh" if name == "diamond" else "en")


def test_template_dir_overrides_one_block(tmp_path, capsys):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "document.md.j2").write_text(
        '{% extends "derive/document.md.j2" %}\n{% block title %}\n# Week 3: {{ d.name }}\n{% endblock %}\n',
        encoding="utf-8")
    assert main(["doc", "two-two-two", "--format", "md,html", "-o", str(tmp_path / "out"),
                 "--template-dir", str(templates)]) == 0
    text = (tmp_path / "out" / "two-two-two.md").read_text(encoding="utf-8")
    assert text.startswith("# Week 3: two-two-two\n")
    assert text.split("\n", 1)[1] == derive.document(derive.derive("two-two-two"), "md").split("\n", 1)[1]
    assert '<h1 id="week-3-two-two-two">Week 3: two-two-two</h1>' in (tmp_path / "out" / "two-two-two.html").read_text(
        encoding="utf-8")
    capsys.readouterr()
    (templates / "document.md.j2").write_text("{% block title %}{% endblock\n", encoding="utf-8")
    assert main(["doc", "two-two-two", "-o", str(tmp_path / "bad"), "--template-dir", str(templates)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--template-dir" in err and "document.md.j2" in err
    assert not (tmp_path / "bad").exists()


def test_jupyter_shows_the_document_with_figures_inlined():
    d = derive.derive("two-two-two")
    text = d._repr_markdown_()
    assert text.startswith("# ") and "data:image/svg+xml;base64," in text
    assert not any(f"]({f.file})" in text for f in d.figures)
