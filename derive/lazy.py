"""Names of a package loaded on first use (PEP 562's module __getattr__): a package lists which of
its modules defines each name, and `import derive` or `import derive.spec` costs nothing until a
name is asked for."""
from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def attributes(package: str, where: dict[str, str], namespace: dict[str, Any]) -> Callable[[str], Any]:
    """The package's __getattr__: `where` maps each name to the module (relative to `package`) that
    defines it; a name, once loaded, is kept in the package's `namespace`."""
    def load(name: str) -> Any:
        if name not in where:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f".{where[name]}", package), name)
        namespace[name] = value
        return value
    return load
