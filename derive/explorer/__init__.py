"""derive explore: one offline HTML page in which every number of a worked solution follows the
reader's edits (derive.explorer.page), and `explore()` to make one from Python or show it in Jupyter."""
from __future__ import annotations

from html import escape
from pathlib import Path

from .. import fmt
from ..files import write_files
from ..spec import Spec
from .page import LIVE_LIMIT, page

__all__ = ["LIVE_LIMIT", "Explorer", "explore", "page"]


class Explorer:
    """An explorer page: `html` is the page, `save(path)` writes it, and Jupyter shows it in a frame."""

    def __init__(self, html: str):
        self.html = html

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        write_files({path.name: self.html.encode("utf-8")}, path.parent)
        return path

    def _repr_html_(self) -> str:
        return (f'<iframe srcdoc="{escape(self.html, quote=True)}" style="width: 100%; height: 48rem; '
                'border: 1px solid #ddd" sandbox="allow-scripts"></iframe>')


def explore(source: str | Path | dict | Spec, lang: str = "en", digits: int = fmt.DEFAULT_DIGITS) -> Explorer:
    """The explorer page of `source` (a built-in example's name, a TOML file, a dict of its fields, or a
    Spec), opening in `lang`."""
    return Explorer(page(source, lang, digits))
