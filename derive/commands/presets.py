"""derive presets: the built-in examples, one line each."""
from __future__ import annotations

import argparse

from ..spec.presets import names


def run(args: argparse.Namespace) -> int:
    found = names()
    width = max(map(len, found))
    for name, line in found.items():
        print(f"{name:{width}}  {line}")
    return 0
