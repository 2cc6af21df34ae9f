"""output/ is what `derive gallery` produces now, and output is byte-identical across runs."""
from __future__ import annotations

import re

import derive
from derive.gallery import regenerate_gallery


IMAGES = (".svg", ".png")
_MAKER = re.compile(rb"Matplotlib v(?:ersion ?)?([0-9][0-9a-z.]*)")


def maker(data: bytes) -> bytes | None:
    """The matplotlib version recorded in an image (SVG creator, PNG Software)."""
    found = _MAKER.search(data)
    return found.group(1) if found else None


def test_gallery_is_fresh(root, tmp_path):
    """Every file but the PDFs (tests/test_tex.py compiles those where TeX is installed)."""
    written = regenerate_gallery(tmp_path, pdf=False)
    assert written
    committed = root / "output"
    for path in written:
        name = path.relative_to(tmp_path).as_posix()
        target = committed / name
        assert target.exists(), f"output/{name} is missing: run `derive gallery`"
        fresh, kept = path.read_bytes(), target.read_bytes()
        if path.suffix in IMAGES and maker(fresh) != maker(kept):
            continue  # another matplotlib draws other bytes; the documents around the image are still compared
        assert fresh == kept, f"output/{name} is stale: run `derive gallery`"
    names = {p.name for p in written} | {p.with_suffix(".pdf").name for p in written if p.suffix == ".tex"}
    extra = {p.name for p in committed.iterdir() if p.is_file()} - names
    assert not extra, f"output/ holds files the gallery does not make: {sorted(extra)}"


def test_same_input_same_bytes(tmp_path):
    formats = ("md", "html", "tex", "json")
    first = derive.write(derive.derive("two-two-two"), tmp_path / "a", formats, ("en", "zh"))
    second = derive.write(derive.derive("two-two-two"), tmp_path / "b", formats, ("en", "zh"))
    assert {p.suffix for p in first} >= {".md", ".html", ".tex", ".json", ".svg", ".pdf"}
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


def test_gallery_has_both_languages(root):
    english = (root / "output" / "two-two-two.md").read_text(encoding="utf-8")
    chinese = (root / "output" / "two-two-two.zh.md").read_text(encoding="utf-8")
    assert "Backward pass" in english and "反向传播" in chinese and "链式法则" in chinese
    for text in (english, chinese):
        blocks = text.split("$$")
        assert len(blocks) % 2 == 1, "unbalanced $$"
        for math in blocks[1::2]:
            assert math.startswith("\n") and math.endswith("\n"), "display math must sit on its own lines"
            assert "\n\n" not in math, "a blank line inside display math breaks GitHub's renderer"
            assert math.count(r"\begin{aligned}") == math.count(r"\end{aligned}")
