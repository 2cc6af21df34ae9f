"""Walking an IR object: every `Value` in it (what the cross-checks compare), and its compact,
deterministic text form (the golden-file format)."""
from __future__ import annotations

import dataclasses
import functools
from typing import Any

from .document import Figure
from .step import Eq, Value


def values(node: Any) -> list[Value]:
    """Every `Value` inside an IR object, in document order."""
    found: list[Value] = []
    _collect(node, found)
    return found


def _collect(node: Any, found: list[Value]) -> None:
    kind = type(node)
    if kind is Value or isinstance(node, Value):
        found.append(node)
    elif isinstance(node, tuple):
        for item in node:
            if type(item) not in _LEAVES:
                _collect(item, found)
    elif kind not in _LEAVES and dataclasses.is_dataclass(node):
        for name in _fields(kind):
            item = getattr(node, name)
            if type(item) not in _LEAVES:
                _collect(item, found)


_LEAVES = frozenset({str, int, float, bool, bytes, type(None)})  # hold no Value


@functools.cache
def _fields(kind: type) -> tuple[str, ...]:
    return tuple(field.name for field in dataclasses.fields(kind))


def _plain(item: Any) -> bool:
    """A tuple of strings and numbers, possibly nested: printed on one line."""
    return isinstance(item, tuple) and all(isinstance(i, (str, int, float)) or _plain(i) for i in item)


def dump(node: Any, indent: int = 0) -> str:
    """A compact, deterministic, indented text form of an IR object (the golden-file format)."""
    pad = "  " * indent
    if isinstance(node, Value):
        return f"{pad}{node.key} = {node.value!r}  [{node.tex}]"
    if isinstance(node, Eq):  # one line: lhs = rhs... = value {key: float}
        value = f"  {{{node.value.key} = {node.value.value!r}}}" if node.value else ""
        shown = " = ".join((node.lhs, *node.rhs, *((node.value.tex,) if node.value else ())))
        return f"{pad}{shown}{value}"
    if isinstance(node, Figure):  # the image's bytes depend on the plotting library's version
        return f"{pad}Figure {node.kind} {node.file}"
    if dataclasses.is_dataclass(node):
        lines = [f"{pad}{type(node).__name__}"]
        for field in dataclasses.fields(node):
            item = getattr(node, field.name)
            if isinstance(item, (str, int, float)) or item is None:
                lines.append(f"{pad}  {field.name}: {item!r}")
            elif _plain(item):
                lines.append(f"{pad}  {field.name}: {item!r}")
            else:
                lines.append(f"{pad}  {field.name}:")
                lines.append(dump(item, indent + 2))
        return "\n".join(lines)
    if isinstance(node, tuple):
        return "\n".join(dump(item, indent) for item in node) if node else f"{pad}()"
    return f"{pad}{node!r}"
