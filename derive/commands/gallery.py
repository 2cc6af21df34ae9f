"""derive gallery: every built-in example's documents regenerated into output/."""
from __future__ import annotations

import argparse
from pathlib import Path

from ..gallery import regenerate_gallery


def run(args: argparse.Namespace) -> int:
    for path in regenerate_gallery(Path(args.output), everything=args.all):
        print(path)
    return 0
