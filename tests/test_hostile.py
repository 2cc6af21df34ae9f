"""Hostile and careless input: each is one line on stderr naming the file and the field, exit 2, and
nothing written; sizes are refused before any work; text never changes a document's structure; a
user's template runs in a sandbox."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

import derive
from derive.cli import main
from derive.errors import DeriveError
from derive.spec.sources import load_preset, preset_names

ROOT = Path(__file__).resolve().parent.parent
BASE = (ROOT / "derive" / "spec" / "presets" / "two-two-two.toml").read_text(encoding="utf-8")


def spec_file(tmp_path: Path, old: str, new: str) -> Path:
    assert old in BASE
    path = tmp_path / "net.toml"
    path.write_text(BASE.replace(old, new), encoding="utf-8")
    return path


def refused(capsys, argv: list[str], *fields: str) -> str:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    for field in fields:
        assert field in err, err
    return err


CASES = {  # old text of the two-two-two preset -> new text, and what the error names
    "an integer beyond float64": ("learning_rate = 0.5", "learning_rate = 1" + "0" * 309, "training.learning_rate"),
    "5,000-deep arrays": ("inputs = [[0.1, 0.2]]", "inputs = " + "[" * 5000 + "]" * 5000, "(file)"),
    "a billion hidden units": ("layers = [2, 2, 2]", "layers = [2, 1000000000, 2]", "network.layers[1]"),
    "too many parameters": ("layers = [2, 2, 2]", "layers = [2, 300, 300, 2]", "parameters"),
    "too many layers": ("layers = [2, 2, 2]", "layers = [" + ", ".join(["2"] * 40) + "]", "layers"),
    "a 100,000-character label": ('inputs = ["i1", "i2"]', 'inputs = ["' + "x" * 100_000 + '", "i2"]',
                                  "network.names.inputs[0]"),
    "ten million iterations": ("learning_rate = 0.5", "learning_rate = 0.5\niterations = 10000000",
                               "training.iterations"),
    "an empty [training]": ("learning_rate = 0.5", "", "training.learning_rate"),
    "a note in an unknown language": ('name = "two-two-two"', 'name = "two-two-two"\nnote = {fr = "bonjour"}', "note"),
    "a 3,000-character note": ('name = "two-two-two"', f'name = "two-two-two"\nnote = "{"n" * 3000}"', "note"),
    "an init range beyond reach": ("weights = [[[0.1, 0.2], [0.3, 0.4]], [[0.5, 0.6], [0.7, 0.8]]]\n"
                                   "biases = [[0.55, 0.56], [0.66, 0.67]]",
                                   'init = { scheme = "uniform", low = -1e308, high = 1e308 }', "params.init.low"),
    "1,001 samples": ("inputs = [[0.1, 0.2]]", "inputs = [" + "[0.1, 0.2], " * 1001 + "]", "data.inputs"),
    "a learning rate that overflows": ("learning_rate = 0.5", "learning_rate = 1e308\niterations = 100",
                                       "training.learning_rate"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_bad_spec_is_one_line_naming_the_field(tmp_path, capsys, case):
    old, new, field = CASES[case]
    out = tmp_path / "out"
    refused(capsys, ["doc", str(spec_file(tmp_path, old, new)), "-o", str(out)], "net.toml", field)
    assert not out.exists()


def test_the_work_of_a_training_run_is_bounded():
    """200,000 iterations of a network with many parameters and samples: refused before training."""
    raw = {"network": {"layers": [2, 150, 150, 2]}, "params": {"init": {"scheme": "xavier", "seed": 1}},
           "data": {"inputs": [[0.1, 0.2]] * 8, "targets": [[0.0, 1.0]] * 8},
           "training": {"learning_rate": 0.5, "iterations": 200_000}, "focus": ["w1"]}
    with pytest.raises(DeriveError, match=r"training\.iterations.*2,000,000,000"):
        derive.derive(raw)


def test_samples_are_bounded_by_the_size_of_the_network():
    """Every sample is computed, checked and shown: 50 samples of a 23,000-parameter network are refused
    before a row is read, naming the most it takes."""
    raw = {"network": {"layers": [2, 150, 150, 2]}, "params": {"init": {"scheme": "xavier", "seed": 1}},
           "data": {"inputs": [[0.1, 0.2]] * 50, "targets": [[0.0, 1.0]] * 50}}
    with pytest.raises(DeriveError, match=r"data\.inputs: expected at most 42 samples for a 2-150-150-2 network"):
        derive.load(raw)
    raw["network"]["layers"], raw["data"] = [2, 4, 1], {"generate": {"shape": "diamond", "count": 1001}}
    with pytest.raises(DeriveError, match="data.generate.count"):
        derive.load(raw)


def test_a_spec_that_never_ends_is_refused(capsys):
    refused(capsys, ["doc", "/dev/zero", "-o", "unused"], "/dev/zero", "at most 20,000,000 bytes")


@pytest.mark.parametrize("kwargs, field", [({"notation": "bogus"}, "notation"), ({"digits": -1}, "digits"),
                                           ({"digits": 99}, "digits")])
def test_the_python_api_names_a_bad_argument(kwargs, field):
    with pytest.raises(DeriveError, match=field):
        derive.derive("two-two-two", **kwargs)


def test_a_weight_beyond_float64_in_a_dict_spec_names_its_place():
    raw = {"network": {"layers": [1, 1]}, "params": {"weights": [[[10**400]]], "biases": [[0.0]]},
           "data": {"inputs": [[1.0]], "targets": [[0.5]]}}
    with pytest.raises(DeriveError, match=re.escape("params.weights[0][0][0]")):
        derive.load(raw)


@pytest.mark.parametrize("argv, field", [(["--seed", "-1"], "--seed"), (["--network", "99-99-99-99"], "--network"),
                                         (["--network", "9-9-9-9"], "--network"), (["--count", "100000"], "--count")])
def test_exercises_refuse_what_no_one_works_by_hand(tmp_path, capsys, argv, field):
    refused(capsys, ["exercises", *argv, "-o", str(tmp_path / "ex")], field)
    assert not (tmp_path / "ex").exists()


def test_a_multi_line_note_is_one_paragraph_in_every_format(tmp_path):
    note = "line one\n# Heading\n```\ncode\n```\n---\n1. item\n\n| a | b |"
    path = spec_file(tmp_path, 'name = "two-two-two"', f'name = "two-two-two"\nnote = """{note}"""')
    d = derive.derive(str(path))
    html = derive.document(d, "html")
    intro = html[html.index("</h1>"):html.index("<strong>Contents")]
    assert "<p>line one # Heading " in intro and "1. item | a | b |</p>" in intro  # one paragraph
    assert not re.search(r"<(pre|code|hr|ol|table|h[2-6])", intro)
    tex = derive.document(d, "tex")
    title = next(line for line in tex.splitlines() if line.startswith("{\\LARGE"))
    assert "\n\nline one \\# Heading " in tex and "line one" not in title and "\\begin{enumerate}" not in tex


def test_a_label_with_a_bar_keeps_the_tables_whole(tmp_path):
    path = spec_file(tmp_path, 'inputs = ["i1", "i2"]', 'inputs = ["a|b", "i2"]')
    d = derive.derive(str(path))
    markdown = derive.document(d, "md")
    for line in markdown.splitlines():
        if line.startswith("| input"):
            assert line.count("|") - line.count("\\|") == 5, line  # four cells
    html = derive.document(d, "html")
    assert "<mtext>a</mtext><mi>|</mi><mtext>b</mtext>" in html and "\\text" not in re.sub(
        r"<annotation.*?</annotation>", "", html)


def test_a_user_template_cannot_reach_python(tmp_path, capsys):
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "document.md.j2").write_text(
        '{% extends "derive/document.md.j2" %}{% block title %}'
        '{{ cycler.__init__.__globals__.os.popen("echo pwned > ' + str(tmp_path / "pwned") + '").read() }}'
        "{% endblock %}", encoding="utf-8")
    refused(capsys, ["doc", "two-two-two", "-o", str(tmp_path / "out"), "--template-dir", str(folder)],
            "--template-dir", "unsafe")
    assert not (tmp_path / "pwned").exists() and not (tmp_path / "out").exists()


def test_a_user_template_that_fails_is_one_line(tmp_path, capsys):
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "document.md.j2").write_text('{% extends "derive/document.md.j2" %}{% block title %}{{ 1 + "a" }}'
                                           "{% endblock %}", encoding="utf-8")
    refused(capsys, ["doc", "two-two-two", "-o", str(tmp_path / "out"), "--template-dir", str(folder)],
            "--template-dir", "TypeError")


def test_the_presets_are_within_every_limit():
    for name in preset_names():
        load_preset(name)  # none trips a limit
