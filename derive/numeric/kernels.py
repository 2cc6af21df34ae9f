"""Float64 kernels that give the same bits on every machine, for the numeric engines.

NumPy chooses its matrix product (the BLAS library's kernel for the processor at hand) and its exp,
log and tanh (SIMD versions on AVX-512 processors, the C library's elsewhere) by the processor it runs
on, and the choices round differently in the last bit. One step hides that, but thousands of training
iterations carry it into the printed digits, and a document made on one machine would not be the one
made on another. These kernels fix the order of every operation instead: products by `np.einsum`'s
own loops (compiled once for the baseline every x86-64 processor runs, never handed to BLAS), exp,
log and tanh by the C library through Python's `math`, the functions the symbolic path evaluates
with. Elementwise +, -, * and / are IEEE-rounded, and NumPy's sums add in an order fixed by their
code (pairwise), so both are the same everywhere (tests/test_kernels.py checks the whole training).
"""
from __future__ import annotations

import math
import sys

import numpy as np

_EXP_LIMIT = math.log(sys.float_info.max)  # exp of anything above overflows to inf


def matmul(a: np.ndarray, b: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """a @ b for 2-D arrays, in the same order of additions on every machine."""
    return np.einsum("ij,jk->ik", a, b, out=out)


def matmul_t(a: np.ndarray, b: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """a @ b.T for 2-D arrays, in the same order of additions on every machine: each value one dot
    product of two rows (the faster of einsum's loops when both rows are contiguous)."""
    return np.einsum("ij,kj->ik", a, b, out=out)


def matmul_t_stack(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a[p] @ b[p].T for each p of stacks of 2-D arrays, each value one dot product in a fixed order."""
    return np.einsum("pmi,poi->pmo", a, b)


def _map(function, x: np.ndarray, out: np.ndarray | None) -> np.ndarray:
    """function(v) for every v of x, into `out` if given."""
    x = np.asarray(x, dtype=np.float64)
    values = np.fromiter(map(function, x.ravel().tolist()), np.float64, x.size).reshape(x.shape)
    if out is None:
        return values
    out[...] = values
    return out


def _exp(v: float) -> float:
    return math.inf if v > _EXP_LIMIT else math.exp(v)  # nan stays nan


def _log(v: float) -> float:
    return math.log(v) if v > 0 else -math.inf if v == 0 else math.nan


def exp(x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """e**x elementwise; inf where it overflows (as np.exp)."""
    try:
        return _map(math.exp, x, out)
    except OverflowError:
        return _map(_exp, x, out)


def log(x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """The natural logarithm elementwise; -inf at 0 and nan below (as np.log)."""
    try:
        return _map(math.log, x, out)
    except ValueError:
        return _map(_log, x, out)


def tanh(x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    return _map(math.tanh, x, out)


def log1p(x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """ln(1 + x) elementwise, exact near x = 0; nan below -1 (as np.log1p)."""
    try:
        return _map(math.log1p, x, out)
    except ValueError:
        return _map(lambda v: math.log1p(v) if v > -1 else -math.inf if v == -1 else math.nan, x, out)
