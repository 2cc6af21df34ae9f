"""The wheel carries the templates and presets: an installed derive renders outside the source tree."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile

import pytest


@pytest.fixture(scope="module")
def wheel(tmp_path_factory, request):
    root = request.config.rootpath
    source = tmp_path_factory.mktemp("source")  # a clean copy: no build/ folder left by an earlier build
    for name in ("derive", "templates"):
        shutil.copytree(root / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(root / name, source / name)
    out = tmp_path_factory.mktemp("wheel")
    run = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                          str(source), "-w", str(out)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return next(out.glob("derive_backprop-*.whl"))


def test_wheel_lists_templates_and_presets(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ("derive/templates/document.md.j2", "derive/templates/lang/en.toml",
                 "derive/templates/lang/zh.toml", "derive/templates/check.md.j2",
                 "derive/spec/presets/two-two-two.toml"):
        assert name in names


def test_unpacked_wheel_renders_from_elsewhere(wheel, tmp_path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    work = tmp_path / "work"
    work.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site)}
    run = subprocess.run([sys.executable, "-m", "derive", "doc", "two-two-two", "-o", "out", "--lang", "en,zh"],
                         cwd=work, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert str(site) in subprocess.run([sys.executable, "-c", "import derive; print(derive.__file__)"],
                                       cwd=work, env=env, capture_output=True, text=True).stdout
    assert (work / "out" / "two-two-two.zh.md").read_text(encoding="utf-8").startswith("# 反向传播逐步推导")
