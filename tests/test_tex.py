"""The LaTeX document and its PDF: structure, escaping, wide equations, and (where TeX is installed;
CI installs it) every gallery document compiled in both languages."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

import derive
from derive.cli import main
from derive.gallery import SHOWCASE
from derive.spec import preset_names
from derive.views import typeset
from derive.views.html import parser
from derive.views.tex import display, escape, printed_width

ROOT = Path(__file__).resolve().parent.parent
needs_tex = pytest.mark.skipif(not typeset.available(), reason="xelatex and latexmk are not installed "
                               "(CI installs texlive-xetex, latexmk and the Chinese support)")
CTEX_MISSING = "TeX Live has no ctex package for Chinese (on Debian: texlive-lang-chinese; CI installs it)"
HOSTILE = r"50% of {x} & $y$ #1 ^_~ \end"


@pytest.mark.parametrize("text, expected", [
    ("plain", "plain"), ("50%", r"50\%"), ("a_b", r"a\_b"), ("{x}", r"\{x\}"), ("$", r"\$"), ("a & b", r"a \& b"),
    ("#", r"\#"), ("^", r"\^{}"), ("~", r"\~{}"), ("\\end", r"\textbackslash{}end"), ("反向传播", "反向传播")])
def test_escape(text, expected):
    assert escape(text) == expected


def test_wide_equations_are_scaled_to_the_line():
    narrow = r"\begin{aligned}a &= b + c \\ &= 1\end{aligned}"
    assert display(narrow).startswith(r"\begin{align*}") and "a &= b + c" in display(narrow)
    wide = r"\begin{aligned}a &= " + " + ".join(["0.1234567890 \\times 0.9876543210"] * 6) + r"\end{aligned}"
    assert printed_width(wide) > 95
    assert "adjustbox" in display(wide) and "align*" not in display(wide)
    assert display("E = 1").startswith(r"\begin{equation*}")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_tex_has_the_documents_sections_maths_tables_and_figures(lang, preset, gallery):
    d = preset("two-two-two")
    markdown = derive.document(d, "md", lang)
    tex = derive.document(d, "tex", lang)
    tokens = parser().parse(markdown)
    assert tex.startswith(r"\documentclass[11pt,a4paper,UTF8]{ctexart}" if lang == "zh" else
                          r"\documentclass[11pt,a4paper]{article}")
    headings = [t for t in tokens if t.type == "heading_open" and t.tag == "h2"]
    assert tex.count(r"\section*{") == len(headings)
    blocks = sum(t.type == "math_block" for t in tokens)
    assert tex.count(r"\begin{align*}") + tex.count(r"\begin{equation*}") + tex.count(r"\begin{adjustbox}") == blocks
    assert tex.count(r"\begin{longtable}") == sum(t.type == "table_open" for t in tokens)
    for figure in d.figures:
        assert f"{{{figure.print_file}}}" in tex
        assert (gallery / figure.print_file).is_file()
    assert tex.rstrip().endswith(r"\end{document}")


def test_pdf_without_tex_is_a_one_line_error(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(typeset.shutil, "which", lambda name: None)
    assert main(["doc", "two-two-two", "--format", "md,pdf", "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "xelatex" in err and "apt-get install" in err
    assert not (tmp_path / "out").exists()


@needs_tex
def test_hostile_text_compiles(tmp_path):
    spec = {"name": "hostile", "note": HOSTILE, "network": {"layers": [1, 1], "names": {"inputs": [HOSTILE],
                                                                                            "layers": [["y"]]}},
            "params": {"weights": [[[0.5]]], "biases": [[0.1]]},
            "data": {"inputs": [[1.0]], "targets": [[0.2]]}, "training": {"learning_rate": 0.5}}
    data = derive.pdf(derive.derive(spec))
    assert data.startswith(b"%PDF-")


def _producer(data: bytes) -> bytes | None:
    found = re.search(rb"/Producer\s*\(([^)]*)\)", data)
    return found.group(1) if found else None


@needs_tex
def test_gallery_pdfs_compile_in_both_languages(preset):
    """Every example's PDF compiles in both languages (Chinese where TeX Live has ctex), two xelatex runs
    at a time; the showcase's is the committed one (same bytes) when made by the same TeX."""
    from concurrent.futures import ThreadPoolExecutor

    langs = ("en", "zh") if typeset.available("zh") else ("en",)
    jobs = [(name, lang) for name in preset_names() for lang in langs]
    derivations = {name: preset(name) for name in preset_names()}
    with ThreadPoolExecutor(2) as pool:
        pdfs = dict(zip(jobs, pool.map(lambda job: derive.pdf(derivations[job[0]], job[1]), jobs)))
    for (name, lang), data in pdfs.items():
        assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF"), (name, lang)
        if name != SHOWCASE:
            continue
        committed = ROOT / "output" / derive.file_name(name, "pdf", lang)
        assert committed.is_file(), f"output/{committed.name} is missing: run `derive gallery`"
        kept = committed.read_bytes()
        if _producer(kept) == _producer(data):
            assert data == kept, f"output/{committed.name} is stale: run `derive gallery`"
    if len(langs) == 1:
        pytest.skip(CTEX_MISSING + "; the English PDFs compiled")


def test_a_chinese_pdf_without_ctex_names_the_package(tmp_path, capsys, monkeypatch, preset):
    """TeX Live without ctex: a Chinese PDF is a one-line error naming the package, the English one is
    still made where TeX is, and the gallery notes it and goes on instead of stopping."""
    monkeypatch.setattr(typeset, "_has_ctex", lambda: False)
    assert not typeset.available("zh")
    assert main(["doc", "two-two-two", "--format", "md,pdf", "--lang", "zh", "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "ctex" in err and "texlive-lang-chinese" in err
    assert not (tmp_path / "out").exists()
    from derive.gallery import regenerate_gallery

    written = regenerate_gallery(tmp_path / "gallery", derived=preset)
    note = capsys.readouterr().err
    assert "PDFs not regenerated" in note and "texlive-lang-chinese" in note
    assert written and not any(p.suffix == ".pdf" for p in written)
