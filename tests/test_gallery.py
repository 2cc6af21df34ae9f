"""output/ is what `derive gallery` produces now, and output is byte-identical across runs."""
from __future__ import annotations

import re

import derive
from derive import gallery as gallery_module

IMAGES = (".svg", ".png")
_MAKER = re.compile(rb"Matplotlib v(?:ersion ?)?([0-9][0-9a-z.]*)")
# bytes: the committed gallery stays small enough to browse and to clone (the explorer pages, every
# example's worked solution in 10 variants with its numbers live, are about half of it)
LIMIT = 6_000_000


def maker(data: bytes) -> bytes | None:
    """The matplotlib version recorded in an image (SVG creator, PNG Software)."""
    found = _MAKER.search(data)
    return found.group(1) if found else None


def test_gallery_is_fresh(root, preset):
    """Every committed file but the PDFs (tests/test_tex.py compiles those where TeX is installed) is
    what `derive gallery` makes now, and output/ holds nothing else."""
    fresh = gallery_module.files(pdf=False, derived=preset)
    committed = root / "output"
    for name, data in fresh.items():
        target = committed / name
        assert target.exists(), f"output/{name} is missing: run `derive gallery`"
        kept = target.read_bytes()
        if target.suffix in IMAGES and maker(data) != maker(kept):
            continue  # another matplotlib draws other bytes; the documents around the image are still compared
        assert data == kept, f"output/{name} is stale: run `derive gallery`"
    showcase = {derive.file_name(gallery_module.SHOWCASE, "pdf", lang) for lang in gallery_module.GALLERY_LANGS}
    present = {p.relative_to(committed).as_posix() for p in committed.rglob("*") if p.is_file()}
    extra = present - set(fresh) - showcase
    assert not extra, f"output/ holds files the gallery does not make: {sorted(extra)}"
    assert showcase <= present


def test_the_committed_gallery_is_small_and_every_other_file_is_built(root, gallery):
    """output/ holds Markdown, JSON and figures (one HTML page and one PDF per language besides); the
    other HTML, LaTeX and Moodle files are made by `derive gallery --all`, here into a session folder."""
    committed = [p for p in (root / "output").rglob("*") if p.is_file()]
    assert sum(p.stat().st_size for p in committed) < LIMIT
    assert {p.suffix for p in committed} == {".md", ".json", ".csv", ".svg", ".png", ".html", ".pdf"}
    built = {p.relative_to(gallery).as_posix() for p in gallery.rglob("*") if p.is_file()}
    for name in derive.spec.preset_names():
        for lang in gallery_module.GALLERY_LANGS:
            assert {derive.file_name(name, fmt, lang) for fmt in ("md", "html", "tex", "json")} <= built
    assert {"exercises/exercises.moodle.xml", "exercises/answers.zh.html", "exercises/exercises.zh.qti.zip",
            "exercises/practice.html", "find-the-mistake/exercises.qti.zip",
            "exercises/prairielearn/hidden-gradient/server.py"} <= built
    assert {f"explore/{name}.html" for name in derive.spec.preset_names()} <= built


def test_an_explorer_page_is_the_same_bytes_twice():
    from derive.explorer import page

    assert page("softmax-3443-batch") == page("softmax-3443-batch")


def test_same_input_same_bytes(tmp_path, preset):
    formats = ("md", "html", "tex", "json")
    first = derive.write(derive.derive("two-two-two"), tmp_path / "a", formats, ("en", "zh"))
    second = derive.write(preset("two-two-two"), tmp_path / "b", formats, ("en", "zh"))
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
