"""Where a spec comes from: a .toml file, a built-in example (spec/presets/), or a dict."""
from __future__ import annotations

import copy
import tomllib
from pathlib import Path

from ..errors import SpecError
from . import presets
from .limits import MAX_SPEC_BYTES
from .parse import parse
from .types import Spec


def load(source: str | Path | dict, *, name: str | None = None) -> Spec:
    """Load a spec from a .toml path, a built-in preset name, or a dict with the same fields."""
    if isinstance(source, dict):
        return parse(source, source="<dict>", default_name=name or "network")
    text = str(source)
    path = Path(text)
    if path.suffix == ".toml" or path.exists():
        return parse(_read_toml(path, text), source=path.name, default_name=path.stem)
    return load_preset(text)


def raw_fields(source: str | Path | dict) -> dict:
    """The fields of a spec before validation (a deep copy for a dict): a .toml path, a built-in
    example's name, or a dict."""
    if isinstance(source, dict):
        return copy.deepcopy(source)
    text = str(source)
    path = Path(text)
    if path.suffix == ".toml" or path.exists():
        return _read_toml(path, text)
    return _preset(text)


def preset_names() -> dict[str, str]:
    """Built-in examples: name -> the one-line description in the preset's first comment."""
    return presets.names()


def load_preset(name: str) -> Spec:
    """Load a built-in example by name."""
    return parse(_preset(name), source=f"{name}.toml", default_name=name)


def _preset(name: str) -> dict:
    names = preset_names()
    if name not in names:
        raise SpecError(name, "SPEC", f"a .toml file or a built-in example ({', '.join(names)})",
                        "no such file or example")
    return tomllib.loads(presets.text(name))


def _read_toml(path: Path, shown: str) -> dict:
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_SPEC_BYTES + 1)  # no further: /dev/zero is refused, not read forever
    except OSError as exc:
        raise SpecError(shown, "SPEC", "a readable .toml file", exc.strerror or "unreadable") from None
    if len(raw) > MAX_SPEC_BYTES:
        raise SpecError(shown, "SPEC", f"a spec of at most {MAX_SPEC_BYTES:,} bytes", "a larger file")
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise SpecError(path.name, "(file)", "UTF-8 text", "undecodable bytes") from None
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(path.name, "(file)", "valid TOML", str(exc)) from None
    except RecursionError:
        raise SpecError(path.name, "(file)", "TOML of reasonable depth", "arrays or tables nested too deeply") from None
