"""The README's quick start is two commands, and CI runs the second one verbatim."""
from __future__ import annotations

import re


def quick_start(root) -> list[str]:
    text = (root / "README.md").read_text(encoding="utf-8")
    section = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```\n(.*?)```", section, re.S)[1]
    return [line for line in block.splitlines() if line.strip()]


def test_two_commands_and_ci_runs_the_second(root):
    commands = quick_start(root)
    assert len(commands) == 2
    assert "derive doc two-two-two -o output" in commands[0]
    ci = [line for line in (root / ".ci" / "run").read_text().splitlines() if line and not line.startswith("#")]
    assert commands[1] in ci


def test_documented_files_exist(root):
    assert (root / "output" / "two-two-two.md").is_file()
    assert (root / "output" / "two-two-two.zh.md").is_file()
    assert (root / "output" / "two-two-two.json").is_file()
