"""Results kept from one document to the next in a process (a shape's expressions, printed templates),
and `forget`, which drops them all: a benchmark then times a first document, not a repeat."""
from __future__ import annotations

import functools
from collections.abc import Callable

_CLEARS: list[Callable[[], None]] = []


def kept(maxsize: int):
    """functools.lru_cache(maxsize), cleared by `forget`."""
    def decorate(function):
        cached = functools.lru_cache(maxsize=maxsize)(function)
        _CLEARS.append(cached.cache_clear)
        return cached
    return decorate


def on_forget(clear: Callable[[], None]) -> Callable[[], None]:
    """Register `clear` (a store's own emptying) with `forget`; returns it."""
    _CLEARS.append(clear)
    return clear


def forget() -> None:
    for clear in _CLEARS:
        clear()
