"""The IR and rendered documents of each case match their golden files."""
from __future__ import annotations

import pytest

from golden import CASES, COMMAND, GOLDEN, produce


@pytest.mark.parametrize("case", sorted(CASES))
def test_matches_golden(case):
    for file, text in produce(case).items():
        path = GOLDEN / file
        assert path.exists(), f"{path} is missing: run `{COMMAND}`"
        assert text == path.read_text(encoding="utf-8"), f"{file} differs from its golden file: " \
            f"if the change is intended, run `{COMMAND}` and review the diff"
