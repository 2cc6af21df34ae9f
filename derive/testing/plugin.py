"""derive's pytest plugin, registered by installing derive (entry point `pytest11`).

- The `derive_spec` fixture: a factory that loads a spec (a built-in example's name, a TOML path or
  a dict) with any fields replaced: `derive_spec("two-two-two", training={"learning_rate": 0.1})`.
- Pytest rewrites the assertions of derive.testing, and the helpers hide their own frames from the
  traceback (`__tracebackhide__`), so a failing test shows its own line and then the working.

The plugin imports derive only when a test asks for the fixture, so that having derive installed
costs other test suites nothing.
"""
from __future__ import annotations

from typing import Any

import pytest

pytest.register_assert_rewrite("derive.testing")


@pytest.fixture
def derive_spec():
    """Load a spec, with top-level fields (or a table's fields) replaced by keyword."""
    def load(source: Any = "two-two-two", **fields: Any):
        from ..spec import Spec, load as load_spec
        from ..spec.sources import raw_fields
        if isinstance(source, Spec) and not fields:
            return source
        raw = raw_fields(source)
        for key, value in fields.items():
            if isinstance(value, dict) and isinstance(raw.get(key), dict):
                raw[key] = {**raw[key], **value}
            else:
                raw[key] = value
        return load_spec(raw, name=raw.get("name"))
    return load
