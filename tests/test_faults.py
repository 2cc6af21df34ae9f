"""Faults while writing: a run's files appear all together or not at all, every failure is one line
naming the path and the cause (exit 2), and nothing of a failed or stopped run stays behind."""
from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from derive import files
from derive.cli import main
from derive.views import typeset

ROOT = Path(__file__).resolve().parent.parent


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


@pytest.fixture
def old_run(tmp_path):
    """A folder holding an earlier run's documents (4 digits), which a failed run must leave as they are."""
    folder = tmp_path / "out"
    assert main(["doc", "two-two-two", "-o", str(folder), "--format", "md,json", "--precision", "4"]) == 0
    return folder, snapshot(folder)


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EACCES, errno.EROFS, errno.ENAMETOOLONG])
@pytest.mark.parametrize("at", ["_write", "replace"])
def test_a_failing_write_leaves_the_old_set_and_one_line(old_run, monkeypatch, capsys, code, at):
    folder, before = old_run
    calls = {"n": 0}

    def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:  # the second file: one is already written (or moved in)
            raise OSError(code, os.strerror(code))
        return original(*args, **kwargs)

    if at == "_write":
        original = files._write
        monkeypatch.setattr(files, "_write", failing)
    else:
        original = os.replace
        monkeypatch.setattr(files.os, "replace", failing)
    assert main(["doc", "two-two-two", "-o", str(folder), "--format", "md,json,html"]) == 2
    line = one_line(capsys.readouterr().err)
    assert str(folder) in line and os.strerror(code) in line
    assert snapshot(folder) == before  # the old documents, and no hidden staging folder


def test_ctrl_c_while_writing_leaves_the_old_set(old_run, monkeypatch, capsys):
    folder, before = old_run
    original = files._write
    calls = {"n": 0}

    def interrupted(*args):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return original(*args)

    monkeypatch.setattr(files, "_write", interrupted)
    assert main(["doc", "two-two-two", "-o", str(folder), "--format", "md,json"]) == 130
    assert "interrupted" in one_line(capsys.readouterr().err)
    assert snapshot(folder) == before


def test_a_new_folder_of_a_failed_run_is_removed(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(files, "_write", lambda *args: (_ for _ in ()).throw(OSError(errno.ENOSPC, "No space")))
    target = tmp_path / "a" / "b"
    assert main(["doc", "two-two-two", "-o", str(target)]) == 2
    assert not (tmp_path / "a").exists()


@pytest.mark.parametrize("kind", ["file", "dangling link", "long name"])
def test_an_output_that_cannot_be_a_folder_is_one_line(tmp_path, capsys, kind):
    if kind == "file":
        target = tmp_path / "out.txt"
        target.write_text("mine")
    elif kind == "dangling link":
        target = tmp_path / "link"
        target.symlink_to(tmp_path / "nowhere")
    else:
        target = tmp_path / ("x" * 300)
    assert main(["doc", "two-two-two", "-o", str(target)]) == 2
    line = one_line(capsys.readouterr().err)
    assert str(target)[:40] in line
    if kind == "file":
        assert target.read_text() == "mine"


def test_a_folder_in_the_place_of_a_document_is_not_replaced(tmp_path, capsys):
    (tmp_path / "two-two-two.md").mkdir()
    assert main(["doc", "two-two-two", "-o", str(tmp_path), "--format", "json,md"]) == 2
    assert "two-two-two.md" in one_line(capsys.readouterr().err)
    assert (tmp_path / "two-two-two.md").is_dir() and not (tmp_path / "two-two-two.json").exists()


def test_a_killed_runs_staging_folder_is_removed_by_the_next_run(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f"{files.STAGE}{dead.pid}-abc"
    stale.mkdir()
    (stale / "two-two-two.md").write_text("half")
    mine = tmp_path / f"{files.STAGE}{os.getpid()}-live"  # a live run's: kept
    mine.mkdir()
    assert main(["doc", "two-two-two", "-o", str(tmp_path), "--format", "md"]) == 0
    assert not stale.exists() and mine.exists()


SLOW_WRITER = """
import os, sys, time
from derive import files
from derive.cli import main
from derive.views import typeset
write, replace = files._write, os.replace
def slowly(name, action):
    def run(*args):
        print(name, flush=True)  # the test sends its signal now, while this call sleeps
        time.sleep(0.3)
        return action(*args)
    return run
files._write, os.replace = slowly("write", write), slowly("move", replace)
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("moment", range(1, 7))
def test_sigterm_at_any_moment_of_the_writing_leaves_one_whole_set(old_run, tmp_path, moment):
    """A run stopped by SIGTERM at each of its writes and moves (the first three write the md, the json
    and the figure into the staging folder, the next three move them in): the folder holds the old
    documents, never a mix, and no temporary file."""
    folder, before = old_run
    process = subprocess.Popen([sys.executable, "-c", SLOW_WRITER, "doc", "two-two-two", "-o", str(folder),
                                "--format", "md,json"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    events = [process.stdout.readline().strip() for _ in range(moment)]
    assert events[-1] == ("write" if moment <= 3 else "move"), events
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 128 + signal.SIGTERM and "signal" in one_line(err)
    assert snapshot(folder) == before  # the old set; no staging folder, no temporary file


@pytest.mark.skipif(not typeset.available(), reason="no TeX Live here")
def test_sigterm_while_typesetting_leaves_no_scratch_folder(tmp_path):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (scratch / f"derive-pdf-{dead.pid}-old").mkdir()  # a run killed outright left it
    process = subprocess.Popen([sys.executable, "-m", "derive", "doc", "two-two-two", "-o", str(tmp_path / "out"),
                                "--format", "pdf"], cwd=ROOT, env=os.environ | {"TMPDIR": str(scratch)},
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for _ in range(600):  # until the TeX run has its scratch folder
        if any(p.name.startswith(f"derive-pdf-{process.pid}-") for p in scratch.iterdir()):
            break
        process.poll()
        assert process.returncode is None, process.communicate()
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 128 + signal.SIGTERM, err
    assert list(scratch.iterdir()) == [] and not (tmp_path / "out").exists()
