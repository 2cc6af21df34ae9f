"""The built-in examples: one TOML spec per file, its first line a comment that describes it."""
from __future__ import annotations

from importlib import resources


def names() -> dict[str, str]:
    """Built-in examples: name -> the one-line description in the preset's first comment."""
    found = {}
    for entry in sorted(resources.files(__name__).iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            first = entry.read_text(encoding="utf-8").splitlines()[0]
            found[entry.name[: -len(".toml")]] = first.lstrip("# ").strip()
    return found


def text(name: str) -> str:
    """The TOML text of the built-in example `name` (one of `names()`)."""
    return (resources.files(__name__) / f"{name}.toml").read_text(encoding="utf-8")
