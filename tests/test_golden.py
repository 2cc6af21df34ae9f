"""The IR and rendered documents match their golden files (see tests/golden.py)."""
from __future__ import annotations

import pytest
from golden import CASES, COMMAND, GOLDEN, PRESETS, produce_case, produce_preset

import derive


def compare(files: dict[str, str]) -> None:
    for file, text in files.items():
        path = GOLDEN / file
        assert path.exists(), f"{path} is missing: run `{COMMAND}`"
        assert text == path.read_text(encoding="utf-8"), \
            f"{file} differs from its golden file: if the change is intended, run `{COMMAND}` and review the diff"


@pytest.mark.parametrize("case", sorted(CASES))
def test_case_matches_golden(case):
    compare(produce_case(case))


@pytest.mark.parametrize("name, notation", PRESETS, ids=[f"{n}-{m}" for n, m in PRESETS])
def test_preset_ir_matches_golden(name, notation, preset):
    own = derive.load(name).notation == notation  # the session's derivation is in the example's own notation
    compare(produce_preset(name, notation, preset(name) if own else None))
