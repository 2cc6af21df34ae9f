"""The documentation stays true: every `sh` block of README.md and docs/ is run (each `derive`
command must succeed, in a folder holding docs/examples/), every `toml` block is a spec that
derives, every `python` block runs, every relative link points at a file, and the README stays
short."""
from __future__ import annotations

import re
import shlex
import shutil
import tomllib
from pathlib import Path

import pytest

import derive
from derive.cli import main

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```", re.S | re.M)
README_LIMIT = 8_000  # bytes: the manual lives in docs/


def _blocks(kind: str) -> list[tuple[str, str]]:
    return [(f"{path.relative_to(ROOT)}:{i}", body) for path in DOCS
            for i, (info, body) in enumerate(BLOCK.findall(path.read_text(encoding="utf-8"))) if info == kind]


def test_every_kind_of_block_is_present():
    assert len(_blocks("sh")) >= 3 and len(_blocks("toml")) >= 2 and _blocks("python")


@pytest.mark.parametrize("where, body", _blocks("toml"), ids=[w for w, _ in _blocks("toml")])
def test_every_spec_block_derives(where, body):
    derivation = derive.derive(tomllib.loads(body))
    assert derivation.samples


@pytest.mark.parametrize("where, body", _blocks("sh"), ids=[w for w, _ in _blocks("sh")])
def test_every_command_block_runs(where, body, tmp_path, monkeypatch, capsys):
    for example in (ROOT / "docs" / "examples").iterdir():
        shutil.copy(example, tmp_path)
    monkeypatch.chdir(tmp_path)
    commands = [line for line in body.splitlines() if line.startswith("derive ")]
    assert commands
    for command in commands:
        assert main(shlex.split(command)[1:]) == 0, (command, capsys.readouterr().err)


@pytest.mark.parametrize("where, body", _blocks("python"), ids=[w for w, _ in _blocks("python")])
def test_every_python_block_runs(where, body):
    exec(compile(body, where, "exec"), {})  # noqa: S102 - our own documentation's example


@pytest.mark.parametrize("path", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_points_at_a_file(path):
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", path.read_text(encoding="utf-8")):
        if not re.match(r"[a-z]+:", target):
            assert (path.parent / target).exists(), f"{path.name}: {target}"


def test_the_readme_is_short():
    assert len((ROOT / "README.md").read_bytes()) <= README_LIMIT
