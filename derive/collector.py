"""The garbage collector's full passes deferred while derive builds. A derivation allocates hundreds of
thousands of SymPy expressions, and CPython's collector makes a full pass whenever enough objects have
survived its young passes, walking every live object each time (all of SymPy's modules and the
derivation so far): 30% of a 2,058-parameter build (benchmarks/run.py's per-parameter rows), a share
that grew with the network. The young passes still run, so a reference cycle made meanwhile is freed
as before; the full passes resume after the build."""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

_NEVER = 1 << 30  # young passes before a full one: more than any build makes


@contextmanager
def deferred() -> Iterator[None]:
    """No full pass of the collector during the block; its thresholds as they were after it (they are
    the process's: a thread running meanwhile shares the deferral)."""
    thresholds = gc.get_threshold()
    gc.set_threshold(thresholds[0], thresholds[1], _NEVER)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
