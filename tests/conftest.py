"""Fixtures shared by the tests: each built-in example derived once per session, and the whole
gallery (`derive gallery --all`, without PDFs) built once into a session folder."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import derive
from derive.gallery import regenerate_gallery

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def preset() -> Callable[[str], derive.Derivation]:
    """preset(name): the built-in example's derivation, derived once per session (frozen data)."""
    found: dict[str, derive.Derivation] = {}

    def get(name: str) -> derive.Derivation:
        if name not in found:
            found[name] = derive.derive(name)
        return found[name]

    return get


@pytest.fixture(scope="session")
def gallery(tmp_path_factory, preset) -> Path:
    """A folder holding every gallery file but the PDFs: each example's HTML and LaTeX included."""
    folder = tmp_path_factory.mktemp("gallery")
    regenerate_gallery(folder, pdf=False, everything=True, derived=preset)
    return folder
