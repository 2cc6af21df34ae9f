"""The gallery (output/): every built-in example in English and Chinese, as Markdown, JSON and
figures, which a code-hosting page shows as they are; one example (SHOWCASE) also as a self-contained
HTML page and a PDF per language; a small exercise set (sheet, key, JSON and the sheet that checks
itself, practice.html) and a find-the-mistake set (sheet, key and JSON); and an explorer page (derive explore) of every
example. `derive gallery` writes that; `derive gallery --all` also writes every other example's HTML,
LaTeX and PDF and the exercise sets' HTML, PDF, Moodle XML, PrairieLearn folders and QTI packages, which
the tests build and check without committing them."""
from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from . import exercises, explorer
from .files import write_files
from .ir import Derivation
from .pipeline import derive
from .spec import load_preset, preset_names
from .views import files as document_files
from .views import typeset

GALLERY_LANGS = ("en", "zh")
SHOWCASE = "two-two-two"
EXERCISES = "exercises"  # the exercise set's folder
EXPLORE = "explore"  # the explorer pages' folder
MISTAKES = "find-the-mistake"  # the find-the-mistake set's folder


def formats(name: str, everything: bool = False, pdf: bool = True) -> tuple[str, ...]:
    """The formats of built-in example `name` in the gallery (with `pdf`: PDFs included)."""
    chosen = ("md", "json") + (("html", "tex", "pdf") if everything else ("html", "pdf") if name == SHOWCASE else ())
    return tuple(f for f in chosen if pdf or f != "pdf")


def sheet_formats(everything: bool = False, pdf: bool = True) -> tuple[str, ...]:
    chosen = ("md", "json", "html") + (("pdf", "moodle", "prairielearn", "qti") if everything else ())
    return tuple(f for f in chosen if pdf or f != "pdf")


def _kept(folder: str, name: str, everything: bool) -> bool:
    """Whether an exercise set's file is in the gallery: of the sets' HTML, only the exercise set's
    practice sheet unless everything is written (the sheets and keys are in Markdown beside it)."""
    return everything or not name.endswith(".html") or (folder == EXERCISES and name.startswith("practice"))


def _derived(name: str) -> Derivation:
    return derive(load_preset(name))


def files(everything: bool = False, pdf: bool = True,
          derived: Callable[[str], Derivation] = _derived) -> dict[str, bytes]:
    """Every file of the gallery by its path under output/ (`derived`: each example's derivation)."""
    found: dict[str, bytes] = {}
    for name in preset_names():
        found |= document_files(derived(name), formats(name, everything, pdf), GALLERY_LANGS)
    variants = exercises.generate(3, 1, "hidden-gradient")
    sheets = exercises.files(variants, exercises.parse_tolerance("rel:0.01"), "hidden-gradient", 1,
                             sheet_formats(everything, pdf), GALLERY_LANGS)
    pages = {f"{EXPLORE}/{name}.html": explorer.page(load_preset(name)).encode("utf-8") for name in preset_names()}
    mistaken = exercises.generate(2, 1, "find-the-mistake")
    found_mistakes = exercises.files(mistaken, exercises.parse_tolerance("rel:0.01"), "find-the-mistake", 1,
                                     sheet_formats(everything, pdf), GALLERY_LANGS)
    return found | pages | {f"{folder}/{name}": data if isinstance(data, bytes) else b"".join(data)
                            for folder, made in ((EXERCISES, sheets), (MISTAKES, found_mistakes))
                            for name, data in made.items() if _kept(folder, name, everything)}


def regenerate_gallery(folder: Path, pdf: bool | None = None, everything: bool = False,
                       derived: Callable[[str], Derivation] = _derived) -> list[Path]:
    """Write the gallery into `folder`; PDFs when `pdf` (by default: when xelatex is installed, else a
    one-line note says they were left as they are)."""
    if pdf is None:
        problem = next(filter(None, map(typeset.missing, GALLERY_LANGS)), None)
        pdf = problem is None
        if problem:
            print(f"derive: note: PDFs not regenerated: {problem}", file=sys.stderr)
    found = files(everything, pdf, derived)
    written = write_files({name: data for name, data in found.items() if "/" not in name}, folder)
    for sub in (EXERCISES, EXPLORE, MISTAKES):
        written += write_files({name.split("/", 1)[1]: data for name, data in found.items()
                                if name.startswith(f"{sub}/")}, folder / sub)
    return written
