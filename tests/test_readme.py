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


def test_the_first_command_writes_what_the_readme_says(root, tmp_path, monkeypatch):
    """The first command writes exactly the files the README names (and the figure they link), among
    them the page the README tells the reader to open."""
    from derive.cli import main

    command = quick_start(root)[0].split("&& ", 1)[1].split()
    monkeypatch.chdir(tmp_path)
    assert main(command[1:]) == 0
    written = sorted(p.name for p in (tmp_path / "output").iterdir())
    assert written == ["two-two-two.html", "two-two-two.json", "two-two-two.md", "two-two-two.network.svg"]
    readme = (root / "README.md").read_text(encoding="utf-8")
    for name in written[:3]:
        assert f"output/{name}" in readme
    assert "Open\n`output/two-two-two.html`" in readme or "Open `output/two-two-two.html`" in readme
