"""PDF: the LaTeX document compiled by latexmk with xelatex (Chinese through ctex), in a scratch folder,
with TeX's shell escape off (a document or template can run no program).

The same input gives the same bytes: SOURCE_DATE_EPOCH fixes the dates xelatex writes, and the PDF's
identifier derives from them.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import ToolError
from ..files import remove_stale

INSTALL = ("--format pdf needs xelatex and latexmk; on Debian: apt-get install texlive-xetex latexmk "
           "texlive-latex-extra texlive-lang-chinese fonts-dejavu-core")
EPOCH = "946684800"  # 2000-01-01: every PDF carries this date, not the day it was made
TIMEOUT = 900
SCRATCH = "derive-pdf-"  # + process id + "-" + random, in the temporary folder


CHINESE = ("--format pdf in Chinese needs the ctex package (ctexart.cls), which TeX Live lacks here; on "
           "Debian: apt-get install texlive-lang-chinese fonts-noto-cjk")


def available(lang: str = "en") -> bool:
    """Whether a PDF in `lang` can be made here: xelatex and latexmk, and for Chinese the ctex package."""
    tools = shutil.which("latexmk") is not None and shutil.which("xelatex") is not None
    return tools and (lang != "zh" or _has_ctex())


def missing(lang: str = "en") -> str | None:
    """What to install for a PDF in `lang`, in one sentence, or None when nothing is missing."""
    if not available():
        return INSTALL
    return None if available(lang) else CHINESE


def _has_ctex() -> bool:
    """Whether TeX Live finds ctexart.cls (kpsewhich, TeX's own file lookup)."""
    kpsewhich = shutil.which("kpsewhich")
    if kpsewhich is None:
        return False
    try:
        found = subprocess.run([kpsewhich, "ctexart.cls"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return found.returncode == 0 and bool(found.stdout.strip())


def compile_pdf(tex: str, files: dict[str, bytes], name: str = "document", lang: str = "en") -> bytes:
    """The PDF of `tex` (a document in `lang`), with `files` (the figures) beside it."""
    problem = missing(lang)
    if problem:
        raise ToolError(problem)
    remove_stale(Path(tempfile.gettempdir()), SCRATCH)  # the scratch folders of runs killed outright
    root = Path(tempfile.mkdtemp(prefix=f"{SCRATCH}{os.getpid()}-"))
    try:
        (root / f"{name}.tex").write_text(tex, encoding="utf-8")
        for file, data in files.items():
            (root / file).write_bytes(data)
        command = ["latexmk", "-xelatex", "-no-shell-escape", "-interaction=nonstopmode", "-halt-on-error",
                   "-file-line-error", f"{name}.tex"]
        env = os.environ | {"SOURCE_DATE_EPOCH": EPOCH, "FORCE_SOURCE_DATE": "1"}
        try:
            result = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            raise ToolError(f"xelatex took over {TIMEOUT} s on {name}.tex") from None
        pdf = root / f"{name}.pdf"
        if result.returncode or not pdf.is_file():
            first = _first_error(root / f"{name}.log")
            if "ctexart.cls" in first:
                raise ToolError(CHINESE)
            raise ToolError(f"xelatex failed on {name}.tex: {first}")
        return pdf.read_bytes()
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _first_error(log: Path) -> str:
    """The first error line of a LaTeX log (file:line: message, or ! message)."""
    text = log.read_text(encoding="utf-8", errors="replace") if log.is_file() else ""
    for line in text.splitlines():
        if re.match(r"^(!|.*:\d+: )", line):
            return line.strip()
    return "see its log (no error line found)"
