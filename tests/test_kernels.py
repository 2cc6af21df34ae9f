"""The numeric engines' kernels: the same bits on every processor.

NumPy's own matrix product and exp/log/tanh depend on the processor (BLAS kernels, AVX-512 loops);
derive's kernels must not. In-process the kernels are compared with Python's math module bit for bit
and with NumPy's product to rounding; a subprocess with NumPy's AVX-512 and AVX2 loops switched off
and OpenBLAS pinned to an old kernel must then train to the very same bits (on a processor without
those features the switches change nothing, and the comparison still holds).
"""
from __future__ import annotations

import math
import os
import subprocess
import sys

import numpy as np
import pytest

from derive.numeric import kernels
from derive.numeric import loop as train
from derive.spec import load_preset

EDGES = [0.0, -0.0, 1.0, -1.0, 1e-300, -1e-300, 5e-324, 700.0, 709.78, 709.7827128933841, 710.0, -745.2, -1000.0,
         1e308, math.inf, -math.inf, math.nan]


def _bits(values) -> list[str]:
    return [float(v).hex() for v in np.ravel(values)]


@pytest.mark.parametrize("name, reference", [("exp", math.exp), ("log", math.log), ("tanh", math.tanh)])
def test_elementwise_kernels_are_the_c_librarys_functions_bit_for_bit(name, reference):
    rng = np.random.default_rng(7)
    x = np.concatenate([rng.standard_normal(500) * 30, rng.uniform(0, 3, 500), np.array(EDGES), [0.5]]).reshape(2, -1)
    got = getattr(kernels, name)(x)

    def expected(v: float) -> float:
        try:
            return reference(v)
        except OverflowError:
            return math.inf
        except ValueError:  # log of 0 or of a negative number: what NumPy's log gives
            return -math.inf if v == 0 else math.nan

    assert got.shape == x.shape
    assert _bits(got) == _bits([expected(v) for v in x.ravel()])
    out = np.empty_like(x)
    assert getattr(kernels, name)(x, out=out) is out and _bits(out) == _bits(got)


def test_matmul_is_the_matrix_product():
    rng = np.random.default_rng(3)
    for rows, inner, cols in [(1, 2, 2), (4, 3, 4), (64, 785, 16), (7, 1, 5)]:
        a, b = rng.standard_normal((rows, inner)), rng.standard_normal((inner, cols))
        exact = [[math.fsum(a[i, k] * b[k, j] for k in range(inner)) for j in range(cols)] for i in range(rows)]
        scale = np.abs(a) @ np.abs(b)
        assert np.all(np.abs(kernels.matmul(a, b) - exact) <= 1e-14 * inner * scale)
        out = np.empty((cols, rows))
        kernels.matmul(b.T, a.T, out=out)  # transposed views, into a given array
        assert np.all(np.abs(out - np.array(exact).T) <= 1e-14 * inner * scale.T)


_TRAIN = """
import hashlib, dataclasses, sys
from derive.numeric import loop as train
from derive.spec import load_preset
spec = dataclasses.replace(load_preset(sys.argv[1]), iterations=300)
history = train.run(spec)
print(hashlib.sha256(repr((history.losses, [a.weights for _, a in history.snapshots])).encode()).hexdigest())
"""


@pytest.mark.parametrize("preset", ["diamond", "softmax-3443"])  # the NumPy loop; written-out code (fused)
def test_training_gives_the_same_bits_without_the_processors_fast_paths(preset):
    import dataclasses
    import hashlib

    spec = dataclasses.replace(load_preset(preset), iterations=300)
    history = train.run(spec)
    here = hashlib.sha256(repr((history.losses, [a.weights for _, a in history.snapshots])).encode()).hexdigest()
    # NumPy 2.4 names its feature groups X86_V3 / X86_V4; earlier versions name each feature
    features = "X86_V3,X86_V4,AVX512F,AVX512CD,AVX512_SKX,AVX512_CLX,AVX512_CNL,AVX512_ICL,AVX512_SPR,AVX2,FMA3,F16C"
    env = dict(os.environ, NPY_DISABLE_CPU_FEATURES=features, OPENBLAS_CORETYPE="Nehalem")
    done = subprocess.run([sys.executable, "-c", _TRAIN, preset], env=env, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == here
