"""derive explore from the command line and from Python, without a browser (tests/test_explore.py opens
the pages): the file written, its state, its limits, and one-line errors with nothing written."""
from __future__ import annotations

import base64
import html
import json
import re
import zlib

import pytest

import derive
from derive.cli import main
from derive.explorer import LIVE_LIMIT


def _state(text: str) -> dict:
    return json.loads(re.search(r'<script type="application/json" id="derive-state">(.*?)</script>', text, re.S)[1])


def test_explore_writes_one_page(tmp_path, capsys):
    target = tmp_path / "page.html"
    assert main(["explore", "two-two-two", "-o", str(target), "--lang", "zh"]) == 0
    assert capsys.readouterr().out.strip() == str(target)
    text = target.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and '<html lang="zh">' in text
    assert "https://" not in text and "http://" not in text.replace("http://www.w3.org/", "")  # nothing fetched
    state = _state(text)
    spec = derive.load("two-two-two")
    assert state["start"]["values"] == [p.value for p in spec.parameters()]
    assert state["variant"] == "in-out/zh" and len(state["variants"]) == 10
    document = zlib.decompress(base64.b64decode(state["variants"]["ng/en"])).decode("utf-8")
    assert "<math" in document and 'data-quantity="gradients.w5"' in document
    assert len(text.encode("utf-8")) < 1_000_000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.html"]  # no temporary left


def test_explore_names_its_page_after_the_spec(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["explore", "chain"]) == 0
    assert (tmp_path / "chain.explore.html").is_file()


def _wide(n: int) -> dict:
    """A network of one layer with n weights and no bias."""
    return {"network": {"layers": [n, 1], "activation": "sigmoid", "bias": "none"},
            "params": {"weights": [[[0.01] * n]]}, "data": {"inputs": [[0.5] * n], "targets": [[0.2]]},
            "training": {"learning_rate": 0.1}}


def _toml(raw: dict, path) -> None:
    path.write_text(derive.spec_toml(dict(raw, name="wide")), encoding="utf-8")


@pytest.mark.parametrize("argv, says", [
    (["explore", "two-two-two", "--lang", "fr"], "--lang: expected one of en, zh, got 'fr'"),
    (["explore", "two-two-two", "-o", "page.txt"], "-o: expected a file name ending in .html"),
    (["explore", "no-such-example"], "no-such-example"),
    (["explore", "two-two-two", "--focus", "w99"], "w99"),
])
def test_bad_arguments_get_one_line_and_exit_2(argv, says, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and says in err, err
    assert list(tmp_path.iterdir()) == []


def test_over_the_live_limit_asks_for_a_focus(tmp_path, capsys):
    spec = tmp_path / "wide.toml"
    _toml(_wide(LIVE_LIMIT + 1), spec)
    assert main(["explore", str(spec), "-o", str(tmp_path / "p.html")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--focus" in err and f"{LIVE_LIMIT + 1} parameters" in err
    assert not (tmp_path / "p.html").exists()
    assert main(["explore", str(spec), "-o", str(tmp_path / "p.html"), "--focus", "w1,w2,w3"]) == 0
    state = _state((tmp_path / "p.html").read_text(encoding="utf-8"))
    assert state["controls"] == ["w1", "w2", "w3"] and len(state["net"]["params"]) == LIVE_LIMIT + 1


def test_a_forward_only_spec_has_no_training_controls():
    raw = _wide(3)
    raw.pop("training")
    text = derive.explore(dict(raw, name="forward")).html
    state = _state(text)
    assert state["start"]["lr"] is None
    document = zlib.decompress(base64.b64decode(state["variants"]["in-out/en"])).decode("utf-8")
    assert 'data-key="0:out:o1"' in document and "grad:" not in document


def test_in_jupyter_the_page_is_a_sandboxed_frame():
    shown = derive.explore("chain")._repr_html_()
    assert shown.startswith("<iframe srcdoc=") and 'sandbox="allow-scripts"' in shown
    source = html.unescape(re.search(r'srcdoc="([^"]*)"', shown)[1])
    assert source == derive.explore("chain").html


def test_save_writes_the_page(tmp_path):
    path = derive.explore("chain").save(tmp_path / "x.html")
    assert path.read_text(encoding="utf-8") == derive.explore("chain").html
