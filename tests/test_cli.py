"""First contact with the command line: every command's --help and -h, and --version."""
from __future__ import annotations

import gc
import importlib.metadata
import subprocess
import sys
import tomllib

import pytest

import derive
from derive.cli import main, parser

COMMANDS = sorted(parser()._subparsers._group_actions[0].choices)  # every subcommand the parser knows


def test_the_commands_are_the_documented_ones():
    assert COMMANDS == ["check", "doc", "exercises", "explore", "gallery", "grade", "presets"]


@pytest.mark.parametrize("flag", ["--help", "-h"])
@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_every_help_works(command, flag, capsys):
    argv = [flag] if command is None else [command, flag]
    with pytest.raises(SystemExit) as exit:
        main(argv)
    assert exit.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: derive") and (command is None or f"derive {command}" in out)


def test_version_has_one_source(root, capsys):
    with pytest.raises(SystemExit) as exit:
        main(["--version"])
    assert exit.value.code == 0
    assert capsys.readouterr().out == f"derive {derive.__version__}\n"
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "derive.__version__"}
    assert importlib.metadata.version(project["project"]["name"]) == derive.__version__
    done = subprocess.run([sys.executable, "-m", "derive", "--version"], capture_output=True, text=True)
    assert done.stdout == f"derive {derive.__version__}\n"


def test_the_license_the_project_promises_is_there(root):
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["license"]["text"] == "MIT"
    assert (root / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")


def test_the_program_freezes_what_its_imports_made_and_an_in_process_caller_keeps_its_collector(capsys):
    """The command line moves the import-time objects out of the garbage collector's full passes (and its
    last one, at exit); main() called with arguments in another program leaves that program's collector
    as it was."""
    before = gc.get_freeze_count()
    assert main(["presets"]) == 0
    assert gc.get_freeze_count() == before
    script = ("import gc, sys; sys.argv = ['derive', 'presets']; from derive.cli import main; "
              "code = main(); print(code, gc.get_freeze_count())")
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    code, frozen = run.stdout.split()[-2:]
    assert code == "0" and int(frozen) > 10_000
