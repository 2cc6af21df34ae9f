"""Every gallery HTML page (built by `derive gallery --all`) in a real browser: one headless Chromium
driven by Selenium through Debian's chromedriver for all pages. Nothing is fetched from the network,
no raw $$ or LaTeX is left as text, no MathML error, and a screenshot of each page.

Skipped, saying why, when Chromium, chromedriver or Selenium is missing; CI installs them.
"""
from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from chromium import needed, start
from chromium import open_page as _open

pytestmark = needed
GALLERY_PAGES = ["two-two-two.html", "two-two-two.zh.html", "diamond.html", "diamond.zh.html", "xor-gates.html",
                 "xor-gates.zh.html", "mazur.html", "mazur.zh.html", "chain.html", "chain.zh.html",
                 "softmax-3443.html", "softmax-3443.zh.html", "softmax-3443-batch.html",
                 "softmax-3443-batch.zh.html", "bias-node.html", "bias-node.zh.html", "exercises/exercises.html",
                 "exercises/exercises.zh.html", "exercises/answers.html", "exercises/answers.zh.html",
                 "find-the-mistake/exercises.html", "find-the-mistake/exercises.zh.html",
                 "find-the-mistake/answers.html", "find-the-mistake/answers.zh.html",
                 "exercises/practice.html", "exercises/practice.zh.html", "find-the-mistake/practice.html",
                 "find-the-mistake/practice.zh.html"]


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    driver = start(tmp_path_factory.mktemp("profile"))
    yield driver
    driver.quit()


class _Text(HTMLParser):
    """The page's visible text outside MathML, and whether any MathML error element is present."""

    def __init__(self):
        super().__init__()
        self.outside: list[str] = []
        self.errors = 0
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        self.depth += tag == "math"
        self.errors += tag == "merror"

    def handle_endtag(self, tag):
        self.depth -= tag == "math"

    def handle_data(self, data):
        if not self.depth:
            self.outside.append(data)


def test_the_network_log_sees_a_page_that_fetches(browser, tmp_path):
    """The check can fail: a page that loads an image from the network is caught."""
    page = tmp_path / "leak.html"
    page.write_text('<!DOCTYPE html><p>x</p><img src="https://example.org/x.png">', encoding="utf-8")
    _, requested = _open(browser, page)
    assert requested == ["https://example.org/x.png"]


def test_every_gallery_page_is_listed(gallery):
    """Every document page is opened here (the explorer pages, in explore/, by tests/test_explore.py; a
    PrairieLearn question.html is no page but the question's template, checked by tests/test_prairielearn.py)."""
    pages = {p.relative_to(gallery).as_posix() for p in gallery.rglob("*.html")}
    documents = sorted(p for p in pages if not p.startswith("explore/") and "/prairielearn" not in p)
    assert documents == sorted(GALLERY_PAGES)


_LAYOUT = """
const body = parseFloat(getComputedStyle(document.querySelector('main p')).fontSize);
const headings = [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => parseFloat(getComputedStyle(h).fontSize));
const gaps = [];
for (const row of document.querySelectorAll('mtable:not([columnspacing="0em"]) > mtr')) {
  const boxes = [...row.children].map(td => (td.firstElementChild || td).getBoundingClientRect());
  for (let i = 0; i + 1 < boxes.length; i++) gaps.push(boxes[i + 1].left - boxes[i].right);
}
const brackets = [...document.querySelectorAll('mtable:not([columnspacing="0em"])')]
  .filter(t => t.children.length > 1 && t.previousElementSibling)
  .map(t => t.previousElementSibling.getBoundingClientRect().height / t.getBoundingClientRect().height);
const maths = document.querySelectorAll('math');
return {body: body, headings: headings, gaps: gaps, brackets: brackets,
        font: maths.length ? getComputedStyle(maths[0]).fontFamily : '',
        overflowing: [...document.querySelectorAll('div.math')].filter(d => d.scrollWidth > d.clientWidth + 1).length};
"""


@pytest.mark.parametrize("name", GALLERY_PAGES)
def test_gallery_page_in_a_browser(name, browser, gallery, tmp_path):
    copy = tmp_path / Path(name).name  # the page alone: every image must be inside it
    shutil.copyfile(gallery / name, copy)
    dom, requested = _open(browser, copy)
    assert requested == []
    text = _Text()
    text.feed(dom)
    visible = "".join(text.outside)
    assert "$$" not in visible
    assert not re.search(r"\\(frac|begin|end|left|right|partial|cdot|times|text|mathrm)\b", visible)
    assert text.errors == 0
    assert "<math" in dom and re.search(r"<h1( id=\"[^\"]*\")?>", dom)
    layout = browser.execute_script(_LAYOUT)
    assert min(layout["headings"]) >= layout["body"], "a heading smaller than the text"
    assert min(layout["gaps"], default=10) >= 6, "a matrix's neighbouring cells run together"
    assert min(layout["brackets"], default=1) >= 0.9, "a matrix's brackets do not stretch to its height"
    assert layout["font"].startswith('"Latin Modern Math"'), layout["font"]
    assert layout["overflowing"] == 0, "display maths wider than a 1000-pixel window"
    shot = tmp_path / f"{copy.stem}.png"
    assert browser.save_screenshot(str(shot))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
