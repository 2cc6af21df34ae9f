"""Golden files: each case's IR dump (the maths) and rendered documents (the wording).

- every built-in example's IR in every notation (the 7-sample batch and the 50-sample diamond only in their own: each IR
  alone is over a megabyte); their rendered documents are the gallery in output/, checked by
  test_gallery.py;
- the purpose-written specs in tests/cases/: IR, Markdown in both languages and JSON.

Regenerate after an intended change with:  python tests/golden.py
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import derive  # noqa: E402
from derive import ir  # noqa: E402
from derive.spec import preset_names  # noqa: E402
from derive.symbolic import NOTATIONS  # noqa: E402

GOLDEN = HERE / "golden"
COMMAND = "python tests/golden.py"
CASES = {p.stem: str(p) for p in sorted((HERE / "cases").glob("*.toml"))}
LARGE = {"softmax-3443-batch", "diamond"}
PRESETS = [(name, notation) for name in preset_names() for notation in NOTATIONS
           if name not in LARGE or notation == derive.load(name).notation]


def produce_case(name: str) -> dict[str, str]:
    """The golden files of one purpose-written case, by file name."""
    derivation = derive.derive(CASES[name])
    return {
        f"{name}.ir.txt": ir.dump(derivation) + "\n",
        f"{name}.md": derive.document(derivation, "md", "en"),
        f"{name}.zh.md": derive.document(derivation, "md", "zh"),
        f"{name}.json": derive.document(derivation, "json"),
    }


def produce_preset(name: str, notation: str, derivation=None) -> dict[str, str]:
    """The IR of one built-in example in one notation (`derivation`: already derived in it)."""
    return {f"{name}.{notation}.ir.txt": ir.dump(derivation or derive.derive(name, notation=notation)) + "\n"}


def everything() -> dict[str, str]:
    files: dict[str, str] = {}
    for case in CASES:
        files |= produce_case(case)
    for name, notation in PRESETS:
        files |= produce_preset(name, notation)
    return files


if __name__ == "__main__":
    GOLDEN.mkdir(exist_ok=True)
    files = everything()
    for stale in set(p.name for p in GOLDEN.iterdir()) - set(files):
        (GOLDEN / stale).unlink()
    for file, text in files.items():
        (GOLDEN / file).write_text(text, encoding="utf-8")
    print(f"{len(files)} golden files in {GOLDEN}")
