"""derive as a test oracle: assertions that compare a tested implementation's numbers with derive's
verified ones and, on a mismatch, say why, with the working.

    from derive.testing import assert_gradients
    assert_gradients({"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}, "two-two-two")

`assert_gradients`, `assert_updated`, `assert_forward` and `assert_loss` take the values (by scalar
name, by label or by layer, see derive.testing.actual) and a spec (a built-in example's name, a TOML
path, a dict such as derive.from_arrays gives, or a Spec), with numpy.isclose's rtol and atol.
Installing derive registers a pytest plugin (derive.pytest_plugin): the `derive_spec` fixture.
"""
from __future__ import annotations

from .asserts import assert_forward, assert_gradients, assert_loss, assert_updated

__all__ = ["assert_forward", "assert_gradients", "assert_loss", "assert_updated"]
