"""derive's pytest plugin, registered by installing derive (entry point `pytest11`).

- The `derive_spec` fixture: a factory that loads a spec (a built-in example's name, a TOML path or
  a dict) with any fields replaced: `derive_spec("two-two-two", training={"learning_rate": 0.1})`.
- Pytest rewrites the assertions of derive.testing, and the helpers hide their own frames from the
  traceback (`__tracebackhide__`), so a failing test shows its own line and then the working.

The plugin loads only derive's spec reader (NumPy's import, about 0.06 s), not derive.testing, so
that having derive installed costs other test suites little.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .spec import Spec
from .spec import load as load_spec
from .spec.sources import raw_fields

pytest.register_assert_rewrite("derive.testing")


@pytest.fixture
def derive_spec():
    """Load a spec, with top-level fields (or a table's fields) replaced by keyword."""
    def load(source: Any = "two-two-two", **fields: Any):
        if isinstance(source, Spec) and not fields:
            return source
        raw = raw_fields(source)
        for key, value in fields.items():
            if isinstance(value, dict) and isinstance(raw.get(key), dict):
                raw[key] = {**raw[key], **value}
            else:
                raw[key] = value
        return load_spec(raw, name=Path(str(source)).stem if not isinstance(source, dict) else None)
    return load
