"""Golden files: each case's IR dump (the maths) and rendered documents (the wording).

Regenerate after an intended change with:  python tests/golden.py
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import derive  # noqa: E402
from derive import ir  # noqa: E402

GOLDEN = HERE / "golden"
CASES = {"two-two-two": "two-two-two", **{p.stem: str(p) for p in sorted((HERE / "cases").glob("*.toml"))}}
COMMAND = "python tests/golden.py"


def produce(name: str) -> dict[str, str]:
    """The golden files of one case, by file name."""
    derivation = derive.derive(CASES[name])
    return {
        f"{name}.ir.txt": ir.dump(derivation) + "\n",
        f"{name}.md": derive.document(derivation, "md", "en"),
        f"{name}.zh.md": derive.document(derivation, "md", "zh"),
        f"{name}.json": derive.document(derivation, "json"),
    }


if __name__ == "__main__":
    GOLDEN.mkdir(exist_ok=True)
    for case in CASES:
        for file, text in produce(case).items():
            (GOLDEN / file).write_text(text, encoding="utf-8")
            print(GOLDEN / file)
