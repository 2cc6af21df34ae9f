"""PDF: the LaTeX document compiled by latexmk with xelatex (Chinese through ctex), in a scratch folder.

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

INSTALL = ("--format pdf needs xelatex and latexmk; on Debian: apt-get install texlive-xetex latexmk "
           "texlive-latex-extra texlive-lang-chinese fonts-dejavu-core")
EPOCH = "946684800"  # 2000-01-01: every PDF carries this date, not the day it was made
TIMEOUT = 900


def available() -> bool:
    return shutil.which("latexmk") is not None and shutil.which("xelatex") is not None


def compile_pdf(tex: str, files: dict[str, bytes], name: str = "document") -> bytes:
    """The PDF of `tex`, with `files` (the figures) beside it."""
    if not available():
        raise ToolError(INSTALL)
    with tempfile.TemporaryDirectory(prefix="derive-pdf-") as folder:
        root = Path(folder)
        (root / f"{name}.tex").write_text(tex, encoding="utf-8")
        for file, data in files.items():
            (root / file).write_bytes(data)
        command = ["latexmk", "-xelatex", "-interaction=nonstopmode", "-halt-on-error", "-file-line-error",
                   f"{name}.tex"]
        env = os.environ | {"SOURCE_DATE_EPOCH": EPOCH, "FORCE_SOURCE_DATE": "1"}
        try:
            result = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            raise ToolError(f"xelatex took over {TIMEOUT} s on {name}.tex") from None
        pdf = root / f"{name}.pdf"
        if result.returncode or not pdf.is_file():
            raise ToolError(f"xelatex failed on {name}.tex: {_first_error(root / f'{name}.log')}")
        return pdf.read_bytes()


def _first_error(log: Path) -> str:
    """The first error line of a LaTeX log (file:line: message, or ! message)."""
    text = log.read_text(encoding="utf-8", errors="replace") if log.is_file() else ""
    for line in text.splitlines():
        if re.match(r"^(!|.*:\d+: )", line):
            return line.strip()
    return "see its log (no error line found)"
