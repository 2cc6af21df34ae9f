"""Typed, shape-checked reading of a spec's raw TOML tables; every error names the field."""
from __future__ import annotations

import math
import sys
from typing import Any

from ..errors import SpecError
from .types import Matrix

_LARGEST = int(sys.float_info.max)
MAX_LABEL = 32  # characters: a label is printed in every formula of its unit
TOP_FIELDS = {"name", "note", "notation", "network", "params", "data", "training", "focus", "samples_in_full"}
FIELDS = {
    "network": {"layers", "activation", "leaky_slope", "loss", "bias", "trainable_biases", "reduction", "names"},
    "network.names": {"inputs", "layers"},
    "params": {"weights", "biases", "layout", "init"},
    "data": {"inputs", "targets", "generate"},
    "data.generate": {"shape", "count", "seed", "decimals"},
    "training": {"learning_rate", "l2", "iterations", "mode", "compare_hidden"},
}


class Reader:
    """Pulls typed, shape-checked values out of the raw TOML tables, naming the field on error."""

    def __init__(self, raw: dict, source: str):
        self.raw, self.source = raw, source

    def fail(self, field: str, expected: str, got: Any = None, *, note: str | None = None) -> SpecError:
        """An error for `field`: `got` is the user's bad value, `note` a plain description instead."""
        return SpecError(self.source, field, expected, note if note is not None else describe(got))

    def table(self, field: str, required: bool = True) -> dict:
        node: Any = self.raw
        for part in field.split("."):
            node = node.get(part) if isinstance(node, dict) else None
            if node is None:
                if required:
                    raise self.fail(field, "a table", note="nothing (missing)")
                return {}
        if not isinstance(node, dict):
            raise self.fail(field, "a table", node)
        allowed = FIELDS.get(field, set())
        for key in node:
            if key not in allowed:
                raise self.fail(f"{field}.{key}", f"one of the known fields ({', '.join(sorted(allowed))})",
                                note="an unknown field")
        return node

    def get(self, table: dict, field: str, default: Any = ...) -> Any:
        key = field.rsplit(".", 1)[-1]
        if key not in table:
            if default is ...:
                raise self.fail(field, "a value", note="nothing (missing)")
            return default
        return table[key]

    def number(self, value: Any, field: str) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.fail(field, "a number", value)
        if isinstance(value, int) and abs(value) > _LARGEST:  # 10**400 has no float
            raise self.fail(field, "a finite number (at most about 1.8e308)", note="a larger integer")
        if not math.isfinite(value):
            raise self.fail(field, "a finite number", value)
        return float(value)

    def vector(self, value: Any, field: str, size: int) -> tuple[float, ...]:
        if not isinstance(value, list) or len(value) != size:
            raise self.fail(field, f"a list of {size} numbers", value)
        return tuple(self.number(v, f"{field}[{i}]") for i, v in enumerate(value))

    def matrix(self, value: Any, field: str, rows: int | None, cols: int) -> Matrix:
        shape = f"{rows} rows of {cols} numbers ({rows}x{cols})" if rows else f"rows of {cols} numbers"
        if not isinstance(value, list) or (rows is not None and len(value) != rows) or not value:
            raise self.fail(field, shape, value)
        if any(not isinstance(row, list) or len(row) != cols for row in value):
            raise self.fail(field, shape, value)
        return tuple(self.vector(row, f"{field}[{i}]", cols) for i, row in enumerate(value))

    def choice(self, value: Any, field: str, options: tuple[str, ...]) -> str:
        if not isinstance(value, str) or value not in options:
            raise self.fail(field, f"one of {', '.join(options)}", value)
        return value

    def per_layer(self, value: Any, field: str, options: tuple[str, ...], depth: int) -> tuple[str, ...]:
        """One of `options` for every layer, or a list with one per layer."""
        if not isinstance(value, list):
            return (self.choice(value, field, options),) * depth
        if len(value) != depth:
            raise self.fail(field, f"one of {', '.join(options)}, or a list of {depth} of them", value)
        return tuple(self.choice(v, f"{field}[{l}]", options) for l, v in enumerate(value))

    def labels(self, value: Any, field: str, size: int) -> tuple[str, ...]:
        if not isinstance(value, list) or len(value) != size:
            raise self.fail(field, f"a list of {size} labels", value)
        for i, label in enumerate(value):
            if (not isinstance(label, str) or not label.strip() or not label.isprintable()
                    or len(label) > MAX_LABEL):
                raise self.fail(f"{field}[{i}]", f"a non-empty printable label of at most {MAX_LABEL} characters",
                                label)
        return tuple(value)


def describe(value: Any) -> str:
    """A short description of a bad value for an error message (never the value's repr at length)."""
    if isinstance(value, str):
        return repr(value) if len(value) <= 40 else repr(value[:37] + "...")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        if value and all(isinstance(row, list) for row in value):
            widths = sorted({len(row) for row in value})
            if len(widths) == 1:
                return f"{len(value)}x{widths[0]}"
            return f"{len(value)} rows of {'/'.join(map(str, widths))} numbers"
        return f"a list of {len(value)}"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__
