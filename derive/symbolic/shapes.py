"""The shape of an expression: the expression with each symbol replaced by the order in which it is
first met (with its assumptions). Two expressions of one shape differ only in their symbols' names,
so what SymPy does with one (print it, differentiate it) it does alike with the other, the names
swapped: the printer and the local derivatives keep one result per shape.
"""
from __future__ import annotations

import functools

import sympy as sp

from .kept import kept

_SYMBOL = object()  # marks a symbol's place in a shape


class Shape:
    """A shape as a dictionary key: its nested tuple, with the hash computed once (a tuple hashes all
    its items again at every lookup, and the printer and the derivatives look a shape up at each use)."""

    __slots__ = ("tree", "_hash")

    def __init__(self, tree: tuple):
        self.tree = tree
        self._hash = hash(tree)

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        return self is other or (isinstance(other, Shape) and self._hash == other._hash and self.tree == other.tree)

    def __repr__(self) -> str:
        return f"Shape({self.tree!r})"


@kept(1 << 15)
def shape_of(expr: sp.Basic, atom: sp.Symbol | None = None) -> tuple[Shape, tuple[sp.Symbol, ...]]:
    """The shape of `expr` and its symbols in the order the shape numbers them (`atom`, a symbol with a
    meaning of its own such as the printer's dots, is kept as it is). Kept for the last expressions
    asked: a formula is printed with its names, then with its numbers."""
    order: dict[sp.Symbol, int] = {}
    return Shape(_walk(expr, atom, order)), tuple(order)


def _walk(e: sp.Basic, atom: sp.Symbol | None, order: dict[sp.Symbol, int]) -> object:
    """The shape of `e`, numbering its symbols in `order` as they are met. (A function of the module, not
    a closure: a closure calling itself is a reference cycle, garbage only the collector frees.)"""
    args = e._args
    if args:
        return (type(e), *[_walk(a, atom, order) for a in args])
    if isinstance(e, sp.Symbol) and e is not atom:
        return (_SYMBOL, order.setdefault(e, len(order)), _assumed(e))
    # an atom by its plain content (a number's digits): cheaper to hash and compare than SymPy's
    return (type(e), *e._hashable_content())


@functools.lru_cache(maxsize=1 << 14)
def _assumed(symbol: sp.Symbol) -> tuple:
    return (type(symbol), tuple(sorted(symbol.assumptions0.items())))
