"""Exercise sheets: answers against a computation written here, no answer on the sheet, seeds, the
rejected degenerate variants, tolerances and the command line."""
from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import numpy as np
import pytest

from derive import exercises, fmt
from derive.cli import main
from derive.errors import UsageError
from derive.exercises import LEVELS, Tolerance, generate, parse_tolerance
from derive.exercises import variants as variant_draws


def _independent(raw: dict) -> dict[str, float]:
    """Outputs, gradients and updates of a one-sample network written here: sigmoid/tanh/relu/leaky
    hidden layers, the same or softmax at the output, half_sse, mse or cross-entropy."""
    acts = raw["network"]["activation"]
    loss = raw["network"]["loss"]
    ws = [np.array(w, dtype=float) for w in raw["params"]["weights"]]
    bs = [np.array(b, dtype=float) for b in raw["params"]["biases"]]
    x, t = np.array(raw["data"]["inputs"][0]), np.array(raw["data"]["targets"][0])
    f = {"sigmoid": lambda z: 1 / (1 + np.exp(-z)), "tanh": np.tanh, "relu": lambda z: np.maximum(z, 0),
         "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z)}
    df = {"sigmoid": lambda z, a: a * (1 - a), "tanh": lambda z, a: 1 - a * a,
          "relu": lambda z, a: (z > 0).astype(float), "leaky_relu": lambda z, a: np.where(z > 0, 1.0, 0.01)}
    outs, nets = [x], []
    for w, b, act in zip(ws, bs, acts):
        z = w @ outs[-1] + b
        nets.append(z)
        outs.append(np.exp(z - z.max()) / np.exp(z - z.max()).sum() if act == "softmax" else f[act](z))
    y = outs[-1]
    values = {}
    for l, (z, a) in enumerate(zip(nets, outs[1:])):  # the net inputs and outputs, by derive's default labels
        for j, (zj, aj) in enumerate(zip(z, a)):
            label = f"o{j + 1}" if l == len(ws) - 1 else f"h{j + 1}" if len(ws) == 2 else f"h{l + 1}_{j + 1}"
            values[f"0:in:{label}"], values[f"0:out:{label}"] = zj, aj
    if acts[-1] == "softmax":
        delta = y - t  # with cross-entropy
    else:
        d_out = (y - t) if loss == "half_sse" else 2 * (y - t) / len(y)
        delta = d_out * df[acts[-1]](nets[-1], y)
    grads_w, grads_b = [None] * len(ws), [None] * len(ws)
    for l in range(len(ws) - 1, -1, -1):
        grads_w[l], grads_b[l] = np.outer(delta, outs[l]), delta
        if l:
            delta = (ws[l].T @ delta) * df[acts[l - 1]](nets[l - 1], outs[l])
    labels = [f"o{j + 1}" for j in range(len(y))]
    for label, value in zip(labels, y):
        values[f"0:out:{label}"] = value
    n = 0
    for w, g in zip(ws, grads_w):
        for value, grad in zip(w.ravel(), g.ravel()):
            n += 1
            values[f"grad:w{n}"], values[f"updated:w{n}"] = grad, value - 0.5 * grad
    n = 0
    for b, g in zip(bs, grads_b):
        for value, grad in zip(b, g):
            n += 1
            values[f"grad:b{n}"], values[f"updated:b{n}"] = grad, value - 0.5 * grad
    return values


@pytest.mark.parametrize("level", [level for level in LEVELS if level != "find-the-mistake"])
@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
def test_every_answer_matches_an_independent_computation(level, activation):
    for v in generate(6, 11, level, activation=activation):
        expected = _independent(v.spec)
        assert v.asked
        for a in v.asked:
            assert a.value == pytest.approx(expected[a.key], rel=1e-12, abs=1e-15), (v.id, a.key)


def test_the_sheet_holds_no_answer_and_the_key_holds_every_one():
    variants = generate(4, 3, "full-step")
    sheet, key = exercises.sheets(variants, Tolerance("relative", 0.01), "full-step", "en")
    for v in variants:
        assert f"Exercise {v.id}" in sheet and f"Exercise {v.id}" in key
        for a in v.asked:
            shown = fmt.plain(a.value)
            if len(shown.lstrip("-").replace(".", "").lstrip("0")) >= 4:  # long enough not to be a given number
                assert shown not in sheet, (v.id, a.key)
                assert f"{a.label} = {shown}" in key
    assert key.count("Backpropagation worked step by step") == len(variants)


def test_same_seed_same_variants_other_seed_other_variants():
    first = [v.spec for v in generate(5, 42, "hidden-gradient")]
    assert first == [v.spec for v in generate(5, 42, "hidden-gradient")]
    assert first != [v.spec for v in generate(5, 43, "hidden-gradient")]


@pytest.mark.parametrize("activation", ["sigmoid", "relu"])
def test_degenerate_variants_never_appear(activation):
    """Over a few hundred variants: no saturated sigmoid, no asked gradient that is exactly 0, no repeat."""
    variants = generate(300, 5, "hidden-gradient", activation=activation)
    specs = set()
    for v in variants:
        raw = v.spec
        outs = [np.array(raw["data"]["inputs"][0])]
        for w, b in zip(raw["params"]["weights"], raw["params"]["biases"]):
            z = np.array(w) @ outs[-1] + np.array(b)
            outs.append(1 / (1 + np.exp(-z)) if activation == "sigmoid" else np.maximum(z, 0))
            if activation == "sigmoid":
                assert np.all(outs[-1] * (1 - outs[-1]) >= variant_draws.MIN_SLOPE)
        assert all(a.value != 0.0 for a in v.asked)
        specs.add(json.dumps([raw["params"], raw["data"]]))
    assert len(specs) == len(variants)


@pytest.mark.parametrize("tolerance, answer, exact, right", [
    ("rel:0.01", 0.1009, 0.1, True), ("rel:0.01", 0.1011, 0.1, False),
    ("abs:0.0005", 0.1234, 0.1238, True), ("abs:0.0005", 0.1232, 0.1238, False),
    ("sig:3", 0.0123, 0.012345, True), ("sig:3", 0.0124, 0.012345, False), ("sig:2", -1.2, -1.23, True),
])
def test_tolerances(tolerance, answer, exact, right):
    assert parse_tolerance(tolerance).accepts(answer, exact) is right


@pytest.mark.parametrize("text", ["rel", "rel:-1", "sig:2.5", "pct:3", "abs:nan"])
def test_bad_tolerance(text):
    with pytest.raises(UsageError, match="--tolerance"):
        parse_tolerance(text)


def test_cli_writes_sheet_key_and_json(tmp_path, capsys):
    assert main(["exercises", "--count", "3", "--seed", "9", "--level", "output-gradient", "--lang", "en,zh",
                 "-o", str(tmp_path)]) == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["answers.md", "answers.zh.md", "exercises.json", "exercises.md", "exercises.zh.md",
                     "submissions.csv"]
    data = json.loads((tmp_path / "exercises.json").read_text(encoding="utf-8"))
    assert [v["id"] for v in data["variants"]] == ["9-001", "9-002", "9-003"]
    for v in data["variants"]:
        (asked,) = v["asked"]
        assert asked["value"] == pytest.approx(_independent(v["spec"])[asked["key"]], rel=1e-12)
        assert asked["tolerance"] == {"kind": "relative", "value": 0.01}
    capsys.readouterr()
    assert main(["exercises", "--level", "backward", "-o", str(tmp_path / "bad")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--level" in err and not (tmp_path / "bad").exists()


@pytest.mark.parametrize("level, kind", [("output-gradient", "numerical"), ("full-step", "cloze")])
def test_moodle_xml_structure_and_answers(level, kind):
    import re
    import xml.etree.ElementTree as ET

    from derive.exercises.moodle import quiz

    tolerance = Tolerance("relative", 0.01)
    variants = generate(3, 8, level)
    root = ET.fromstring(quiz(variants, tolerance, level, "en"))
    assert root.tag == "quiz"
    category, *questions = root.findall("question")
    assert category.get("type") == "category" and category.find("category/text").text.endswith(level)
    assert [q.get("type") for q in questions] == [kind] * 3
    for q, v in zip(questions, variants):
        assert q.find("name/text").text == f"Exercise {v.id}"
        assert q.find("questiontext").get("format") == "html"
        assert "Backpropagation worked step by step" in q.find("generalfeedback/text").text
        expected = _independent(v.spec)
        if kind == "numerical":
            (asked,) = v.asked
            answer = q.find("answer")
            assert answer.get("fraction") == "100"
            assert float(answer.find("text").text) == pytest.approx(expected[asked.key], rel=1e-12)
            assert float(answer.find("tolerance").text) == pytest.approx(0.01 * abs(expected[asked.key]), rel=1e-9)
        else:
            # Moodle's cloze grammar (question/type/multianswer): a field starts with {weight:TYPE: and
            # a numerical answer is =number:error, number as Moodle's NUMBER_REGEX reads it
            text = q.find("questiontext/text").text
            number = r"-?(?:[0-9]+[.,]?[0-9]*|[.,][0-9]+)(?:[eE][-+]?[0-9]+)?"
            starts = re.findall(r"\{[0-9]*:[A-Z_]+:", text)
            fields = re.findall(rf"\{{1:NUMERICAL:=({number}):({number})\}}", text)
            assert len(starts) == len(fields) == len(v.asked)
            for (value, tol), asked in zip(fields, v.asked):
                assert float(value) == pytest.approx(expected[asked.key], rel=1e-12)
                assert float(tol) == pytest.approx(0.01 * abs(expected[asked.key]), rel=1e-9)


def test_grading_right_wrong_out_of_tolerance_missing_and_malformed(tmp_path, capsys):
    from derive.exercises.grade import grade, load_key

    assert main(["exercises", "--count", "2", "--seed", "5", "--level", "softmax", "--format", "json",
                 "-o", str(tmp_path)]) == 0
    key = load_key(tmp_path / "exercises.json")
    (first, asked), (second, _) = list(key.items())
    keys = [a["key"] for a in asked]
    exact = [a["value"] for a in asked]
    rows = ["student,variant," + ",".join(keys),
            "ann," + first + "," + ",".join(repr(x) for x in exact),  # all right
            "bob," + first + "," + ",".join(repr(x * 1.005) for x in exact[:-1]) + "," + repr(exact[-1] * 1.02),
            "cy," + first + "," + ",".join(repr(x) for x in exact[:-1]) + ",",  # last one missing
            "dan,no-such-variant," + ",".join("1" for _ in keys),
            "eve," + second + ",zero" + ",1" * (len(keys) - 1)]
    graded, problems = grade(key, "\n".join(rows) + "\n")
    scores = {g.student: g for g in graded}
    assert scores["ann"].score == 1.0
    assert scores["bob"].verdicts[keys[-1]] == "wrong"  # 2% off, beyond the 1% tolerance
    assert scores["bob"].score == pytest.approx((len(keys) - 1) / len(keys))
    assert scores["cy"].verdicts[keys[-1]] == "missing"
    assert set(scores) == {"ann", "bob", "cy", "eve"}  # a bad cell is that answer wrong, not the row dropped
    assert scores["eve"].verdicts[keys[0]] == "wrong" and scores["eve"].score < 1
    assert len(problems) == 2 and "no-such-variant" in problems[0] and "skipped" in problems[0]
    assert "'zero'" in problems[1] and "counted as wrong" in problems[1]
    submissions = tmp_path / "subs.csv"
    submissions.write_text("\n".join(rows) + "\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["grade", str(tmp_path / "exercises.json"), str(submissions), "-o", str(tmp_path / "s.csv")]) == 0
    err = capsys.readouterr().err
    assert err.count("skipped") == 1 and err.count("counted as wrong") == 1
    lines = (tmp_path / "s.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("student,variant,score,") and lines[1].startswith("ann," + first + ",1.0000,")
    submissions.write_text("name,answer\nx,1\n", encoding="utf-8")
    assert main(["grade", str(tmp_path / "exercises.json"), str(submissions)]) == 2
    assert "header" in capsys.readouterr().err
    for typo in ("grad:w99", "gradw5"):  # a mistyped column is an error, not every answer "missing"
        submissions.write_text(f"student,variant,{typo}\nann,{first},0.1\n", encoding="utf-8")
        assert main(["grade", str(tmp_path / "exercises.json"), str(submissions), "-o", str(tmp_path / "t.csv")]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and repr(typo) in err and keys[0] in err
        assert not (tmp_path / "t.csv").exists()


def test_the_set_comes_with_a_submissions_template_and_the_sheet_names_each_column(tmp_path):
    from derive.exercises.grade import grade, load_key

    assert main(["exercises", "--count", "3", "--seed", "2", "--level", "full-step", "--format", "md,json",
                 "--lang", "en,zh", "-o", str(tmp_path)]) == 0
    key = load_key(tmp_path / "exercises.json")
    template = (tmp_path / "submissions.csv").read_text(encoding="utf-8").splitlines()
    asked = list(dict.fromkeys(a["key"] for v in key.values() for a in v))
    assert template[0] == ",".join(["student", "variant", *asked])
    assert [line.split(",")[1] for line in template[1:]] == list(key)
    graded, notes = grade(key, "\n".join(template) + "\n")
    assert not notes and all(set(g.verdicts.values()) == {"missing"} for g in graded)
    for suffix, words in (("", "(answer in the CSV column `{}`)"), (".zh", "（答案填入 CSV 的 `{}` 列）")):
        sheet = (tmp_path / f"exercises{suffix}.md").read_text(encoding="utf-8")
        assert all(words.format(k) in sheet for k in asked)


def test_html_and_pdf_sheets(tmp_path):
    from derive.views import typeset

    formats = "md,html,pdf" if typeset.available("zh") else "md,html"
    assert main(["exercises", "--count", "2", "--seed", "6", "--level", "forward", "--format", formats,
                 "--lang", "en,zh", "-o", str(tmp_path)]) == 0
    variants = generate(2, 6, "forward")
    for suffix in ("", ".zh"):
        sheet = (tmp_path / f"exercises{suffix}.html").read_text(encoding="utf-8")
        key = (tmp_path / f"answers{suffix}.html").read_text(encoding="utf-8")
        assert sheet.startswith("<!DOCTYPE html>") and "<math" in sheet and "<script" not in sheet
        for v in variants:
            for a in v.asked:
                assert fmt.plain(a.value) not in sheet and fmt.plain(a.value) in key
        if "pdf" in formats:
            for stem in ("exercises", "answers"):
                assert (tmp_path / f"{stem}{suffix}.pdf").read_bytes().startswith(b"%PDF-")


def test_a_key_works_out_what_is_asked(tmp_path):
    """One gradient asked: the worked solution writes out that gradient's chain only (every parameter
    stays in the summary table); outputs asked: the forward pass and the error, no backward pass."""
    variants = generate(3, 4, "hidden-gradient")
    _, key = exercises.sheets(variants, Tolerance("relative", 0.01), "hidden-gradient", "en")
    parts = key.split("\n## ")[1:]
    for v, part in zip(variants, parts):
        (asked,) = v.asked
        name = asked.key.split(":")[1]
        chains = re.findall(r"^#+ Gradient of \$(\w)_\{(\d+)\}\$$", part, re.M)
        assert ["".join(c) for c in chains] == [name]
        summary = part[part.index("Summary"):]
        assert all(f"| ${p[0]}_{{{p[1:]}}}$ |" in summary for p in ("w1", "w5", "b1", "b4"))
    _, key = exercises.sheets(generate(2, 4, "forward"), Tolerance("relative", 0.01), "forward", "en")
    assert "Forward pass" in key and "Backward pass" not in key


@pytest.fixture
def answer_set(tmp_path):
    """exercises.json of two variants, and a function writing a submissions CSV with one answer row."""
    assert main(["exercises", "--count", "2", "--seed", "3", "--level", "forward", "--format", "json",
                 "-o", str(tmp_path)]) == 0
    data = json.loads((tmp_path / "exercises.json").read_text(encoding="utf-8"))
    variant = data["variants"][0]
    columns, vid = [a["key"] for a in variant["asked"]], variant["id"]

    def submit(student: str, cells: list[str]) -> Path:
        path = tmp_path / "subs.csv"
        with path.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["student", "variant", *columns])
            writer.writerow([student, vid, *cells, *[""] * (len(columns) - len(cells))])
        return path

    return tmp_path, data, variant, submit


@pytest.mark.parametrize("cell, right", [("1_000", False), ("１２", False), ("٣", False), ("0,5", False),
                                         ("inf", False), ("nan", False), ("0x1p-2", False), (" 0.25 ", True),
                                         ("\u22120.25", True), ("2.5e-1", True), (".25", True), ("+0.25", True)])
def test_an_answer_is_what_a_person_types_as_a_number(cell, right):
    from derive.exercises.grade import _verdict

    target = -0.25 if "\u2212" in cell else 0.25
    asked = {"key": "x", "value": target, "tolerance": {"kind": "relative", "value": 0.01}}
    verdict, note = _verdict(asked, cell.strip())
    assert (verdict == "right") == right
    assert (note is not None) == (not right)


@pytest.mark.parametrize("student", ["=HYPERLINK(\"http://x\",\"y\")", "=cmd|' /C calc'!A0", "@SUM(1)",
                                     "\t=1+1", "+1", "-2"])
def test_a_student_cell_reaches_the_scores_as_text_never_a_formula(answer_set, student):
    folder, _, variant, submit = answer_set
    assert main(["grade", str(folder / "exercises.json"), str(submit(student, ["0.5"])),
                 "-o", str(folder / "scores.csv")]) == 0
    rows = list(csv.reader((folder / "scores.csv").open(encoding="utf-8")))
    cell = rows[1][0]
    assert cell.startswith("'") and cell[1:] == student.strip()


def test_grade_refuses_to_write_over_an_input_or_a_device(answer_set, capsys):
    folder, _, _, submit = answer_set
    subs = submit("ann", ["0.5"])
    before = subs.read_bytes()
    assert main(["grade", str(folder / "exercises.json"), str(subs), "-o", str(subs)]) == 2
    assert subs.read_bytes() == before and "input" in capsys.readouterr().err
    assert main(["grade", str(folder / "exercises.json"), str(subs), "-o", "/dev/null"]) == 2
    assert Path("/dev/null").is_char_device() and "regular file" in capsys.readouterr().err


def test_an_oversized_field_is_one_line(answer_set, capsys):
    folder, _, _, submit = answer_set
    subs = submit("x" * 200_000, ["0.5"])
    assert main(["grade", str(folder / "exercises.json"), str(subs), "-o", str(folder / "s.csv")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(subs) in err and not (folder / "s.csv").exists()


@pytest.mark.parametrize("damage, field", [
    (lambda d: d["variants"][0].update(asked=[]), "asked"),
    (lambda d: d["variants"][0]["asked"][0]["tolerance"].update(value="x"), "not a finite number"),
    (lambda d: d["variants"][0]["asked"][0]["tolerance"].update(kind="roughly"), "tolerance"),
    (lambda d: d["variants"][0]["asked"][0]["tolerance"].update(value=-1), "tolerance"),
    (lambda d: d["variants"][0]["asked"][0].update(value=None), "not a finite number"),
    (lambda d: d["variants"][0].pop("id"), "'id'"),
    (lambda d: d.update(variants=[]), "variants"),
])
def test_a_damaged_exercises_json_is_one_line(answer_set, capsys, damage, field):
    folder, data, _, submit = answer_set
    damage(data)
    (folder / "exercises.json").write_text(json.dumps(data), encoding="utf-8")
    assert main(["grade", str(folder / "exercises.json"), str(submit("ann", ["0.5"])),
                 "-o", str(folder / "s.csv")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "exercises.json" in err and field in err and "Traceback" not in err


def _params(raw: dict) -> dict[str, float]:
    """The parameters of a drawn spec by name, in derive's order (weights layer by layer, then biases)."""
    weights = [v for w in raw["params"]["weights"] for row in w for v in row]
    biases = [v for b in raw["params"]["biases"] for v in b]
    return {**{f"w{n + 1}": v for n, v in enumerate(weights)}, **{f"b{n + 1}": v for n, v in enumerate(biases)}}


def _slipped(raw: dict, mistake: dict) -> dict:
    """The drawn spec with its mistake made, here: two weights swapped, or a neuron's bias replaced."""
    names = _params(raw)
    weights = [np.array(w, dtype=float) for w in raw["params"]["weights"]]
    biases = [np.array(b, dtype=float) for b in raw["params"]["biases"]]
    flat_w = [(l, idx) for l, w in enumerate(weights) for idx in np.ndindex(w.shape)]
    flat_b = [(l, j) for l, b in enumerate(biases) for j in range(len(b))]

    def put(name: str, value: float) -> None:
        n = int(name[1:]) - 1
        if name[0] == "w":
            l, idx = flat_w[n]
            weights[l][idx] = value
        else:
            l, j = flat_b[n]
            biases[l][j] = value

    if mistake["kind"] == "swap":
        a, b = mistake["names"]
        put(a, names[b])
        put(b, names[a])
    else:
        _, own, used = mistake["names"]
        put(own, names[used])
    params = {"weights": [w.tolist() for w in weights], "biases": [b.tolist() for b in biases]}
    return {**raw, "params": params}


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
def test_find_the_mistake_asks_the_right_value_of_the_first_wrong_number(activation):
    """The first wrong number's right value against the network computed here, the value written against
    the same network with the mistake made here (or, for a copied output, the neighbour's output), and
    the mistake changes what it says."""
    for v in generate(8, 5, "find-the-mistake", activation=activation):
        m = v.mistake
        (asked,) = v.asked
        assert asked.key == "first-wrong" and asked.value == m["right"]
        right = _independent(v.spec) | {f"param:{k}": x for k, x in _params(v.spec).items()}
        if m["kind"] == "copied":  # a neuron's output written as its neighbour's
            wrong = {m["first"]: right[f"0:out:{m['names'][1]}"]}
        else:
            wrong = _independent(_slipped(v.spec, m)) | {f"param:{k}": x for k, x in
                                                           _params(_slipped(v.spec, m)).items()}
        assert m["first"] in right, m["first"]
        assert m["right"] == pytest.approx(right[m["first"]], rel=1e-12, abs=1e-15)
        assert m["wrong"] == pytest.approx(wrong[m["first"]], rel=1e-12, abs=1e-15)
        assert m["right"] != m["wrong"] and m["count"] >= 2


def test_derive_check_finds_exactly_the_injected_mistake_of_every_kind():
    """derive check, given a find-the-mistake variant's worked solution, names its one mistake and
    explains (nearly) every wrong number by it; every kind of mistake of the library is met."""
    from derive import load
    from derive.check import check
    from derive.exercises.data import mistaken
    from derive.numeric.slips import EXERCISES

    met = set()
    for seed in range(1, 6):
        for v in generate(6, seed, "find-the-mistake", network="2-3-2" if seed % 2 else "2-2-2"):
            for lang in ("en", "zh") if seed == 1 else ("en",):
                text, listed = mistaken(v, lang)
                report = check(load(v.spec), text)
                assert [(c.kind, list(c.names)) for c in report.causes] == [(v.mistake["kind"],
                                                                              v.mistake["names"])], (v.id, lang)
                assert report.unexplained <= 0.1 * report.causes[0].count
                assert listed[0][2] == fmt.plain(v.mistake["right"])
            met.add(v.mistake["kind"])
    assert met == set(EXERCISES)


def test_find_the_mistake_sheet_key_and_grading(tmp_path, capsys):
    out = tmp_path / "set"
    assert main(["exercises", "--level", "find-the-mistake", "--count", "3", "--seed", "2", "--format",
                 "md,json,moodle", "--lang", "en,zh", "-o", str(out)]) == 0
    data = json.loads((out / "exercises.json").read_text(encoding="utf-8"))
    sheet = (out / "exercises.md").read_text(encoding="utf-8")
    key = (out / "answers.md").read_text(encoding="utf-8")
    assert "This worked solution was written with one mistake in it" in sheet
    assert "checked against an independent NumPy computation" not in sheet.split("## Exercise")[1]
    assert "first-wrong" in sheet and "一处错误" in (out / "exercises.zh.md").read_text(encoding="utf-8")
    for v in data["variants"]:
        m = v["mistake"]
        assert f"The mistake: {m['names'][0]}" in key or f"{m['names'][0]}'s net input" in key
        assert f"its right value is {fmt.plain(m['right'])}" in key
    assert "<question type=\"numerical\">" in (out / "exercises.moodle.xml").read_text(encoding="utf-8")
    rows = ["student,variant,first-wrong"]
    for n, v in enumerate(data["variants"]):
        m = v["mistake"]
        rows += [f"right{n},{v['id']},{m['right']!r}", f"wrong{n},{v['id']},{m['wrong']!r}"]
    (tmp_path / "answers.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert main(["grade", str(out / "exercises.json"), str(tmp_path / "answers.csv"), "-o",
                 str(tmp_path / "scores.csv")]) == 0
    scores = list(csv.DictReader((tmp_path / "scores.csv").open(encoding="utf-8")))
    assert {row["student"]: row["first-wrong"] for row in scores} == {
        **{f"right{n}": "right" for n in range(3)}, **{f"wrong{n}": "wrong" for n in range(3)}}


def _graded(tmp_path, level: str, seed: int, answers, rule: str = "partial", carry: bool = True) -> dict:
    """The verdicts and score of one student's answers (a function of the variant's right answers, by
    key, and its spec) on the first variant of a set."""
    out = tmp_path / f"{level}-{rule}"
    assert main(["exercises", "--level", level, "--count", "1", "--seed", str(seed), "--format", "json",
                 "--carry-forward", rule, "-o", str(out)]) == 0
    data = json.loads((out / "exercises.json").read_text(encoding="utf-8"))
    variant = data["variants"][0]
    right = {a["key"]: a["value"] for a in variant["asked"]}
    given = answers(right, variant["spec"])
    keys = list(right)
    (tmp_path / "in.csv").write_text("student,variant," + ",".join(keys) + "\n" + f"ann,{variant['id']},"
                                     + ",".join(repr(given[k]) for k in keys) + "\n", encoding="utf-8")
    argv = ["grade", str(out / "exercises.json"), str(tmp_path / "in.csv"), "-o", str(tmp_path / "s.csv")]
    assert main(argv + (["--carry-forward"] if carry else [])) == 0
    (row,) = csv.DictReader((tmp_path / "s.csv").open(encoding="utf-8"))
    return row


def _full_step_answers(right: dict, spec: dict) -> dict:
    """Right but for three gradients: w5's half as large again (plausible), w6's 0 and w7's ten times
    (neither plausible), each with its update worked right from it, here."""
    params = _params(spec)
    rate = spec["training"]["learning_rate"]
    given = dict(right)
    for name, factor in (("w5", 1.5), ("w6", 0.0), ("w7", 10.0)):
        given[f"grad:{name}"] = right[f"grad:{name}"] * factor
        given[f"updated:{name}"] = params[name] - rate * given[f"grad:{name}"]
    return given


@pytest.mark.parametrize("rule, credit", [("full", 1.0), ("partial", 0.5), ("none", 0.0)])
def test_carry_forward_credits_an_update_from_the_students_own_gradient(tmp_path, capsys, rule, credit):
    row = _graded(tmp_path, "full-step", 6, _full_step_answers, rule)
    assert row["grad:w5"] == row["grad:w6"] == row["grad:w7"] == "wrong"
    assert row["updated:w5"] == "right from your earlier value"
    assert row["updated:w6"] == row["updated:w7"] == "wrong"  # an absurd earlier answer never carries
    assert all(row[k] == "right" for k in row if k.startswith(("grad:", "updated:")) and k[-2:] not in
               ("w5", "w6", "w7"))
    asked = sum(k.startswith(("grad:", "updated:")) for k in row)
    assert float(row["score"]) == pytest.approx(round((asked - 6 + credit) / asked, 4))
    without = _graded(tmp_path, "full-step", 6, _full_step_answers, rule, carry=False)
    assert without["updated:w5"] == "wrong"


def test_carry_forward_judges_a_softmax_gradient_from_the_students_own_outputs(tmp_path, capsys):
    def answers(right: dict, spec: dict) -> dict:
        values = _independent(spec)
        outputs = [k for k in right if k.startswith("0:out:")]
        given = dict(right)
        for n, key in enumerate(outputs):  # each output wrong, still plausible (within a factor of 2)
            given[key] = right[key] * (1.5 if n % 2 else 0.6)
        (grad,) = [k for k in right if k.startswith("grad:")]
        n = int(grad.split("w")[1]) - 1 - len(spec["params"]["weights"][0]) * len(spec["params"]["weights"][0][0])
        width = len(spec["params"]["weights"][1][0])
        k, j = divmod(n, width)  # the weight into output k from hidden unit j
        target = spec["data"]["targets"][0][k]
        given[grad] = float((given[f"0:out:o{k + 1}"] - target) * values[f"0:out:h{j + 1}"])  # delta = out - t
        return given

    row = _graded(tmp_path, "softmax", 3, answers)
    outputs = [k for k in row if k.startswith("0:out:")]
    assert all(row[k] == "wrong" for k in outputs)
    (grad,) = [k for k in row if k.startswith("grad:")]
    assert row[grad] == "right from your earlier value"


@pytest.mark.parametrize("name", ["two-two-two", "softmax-3443", "xor-gates", "bias-node"])
def test_given_right_values_change_nothing(name):
    """The step engine with its own outputs and gradients given gives its own numbers back; a quantity
    that cannot be given is refused."""
    from derive import load
    from derive.numeric import engine

    spec = load(name)
    right = engine.quantities(spec)
    given = {k: v for k, v in right.items() if k.startswith(("0:out:", "0:in:", "grad:"))}
    again = engine.quantities(spec, given)
    assert again.keys() == right.keys()
    for key, value in right.items():
        assert again[key] == pytest.approx(value, rel=1e-9, abs=1e-15), key
    with pytest.raises(ValueError):
        engine.quantities(spec, {"0:delta:o1": 0.1})


def _numbers(hint: str) -> list[float]:
    """The value after each '= ' that ends a $...$ formula of a hint."""
    return [float(m) for m in re.findall(r"= (-?[\d.]+(?:e-?\d+)?)\$", hint)]


@pytest.mark.parametrize("level", ["output-gradient", "hidden-gradient"])
def test_hints_lead_to_the_answer(level):
    """Three hints per asked gradient: its chain rule, its factors' formulas, then their numbers, whose
    products give the answer computed in the test."""
    from derive.exercises.data import solution

    for v in generate(4, 8, level):
        (asked,) = v.asked
        (hints,) = solution(v, "en").hints
        assert len(hints) == 3
        name = asked.key.split(":")[1]
        assert hints[0].startswith("The chain rule: ") and rf"\partial w_{{{name[1:]}}}" in hints[0]
        assert hints[1].startswith("Each factor as differentiated: ") and "=" in hints[1]
        d_out, d_act, delta, local = _numbers(hints[2])
        assert d_out * d_act == pytest.approx(delta, rel=1e-8)
        assert delta * local == pytest.approx(_independent(v.spec)[asked.key], rel=1e-8)


def test_moodle_questions_carry_the_hints_with_a_penalty(tmp_path):
    import xml.etree.ElementTree as ET

    out = tmp_path / "m"
    assert main(["exercises", "--level", "full-step", "--count", "2", "--format", "moodle", "--lang", "zh",
                 "-o", str(out)]) == 0
    root = ET.parse(out / "exercises.zh.moodle.xml").getroot()
    questions = [q for q in root if q.get("type") != "category"]
    for q in questions:
        hints = q.findall("hint")
        assert len(hints) == 3 and all(h.get("format") == "html" for h in hints)
        assert "链式法则" in hints[0].find("text").text and "<math" not in hints[0].find("text").text
        assert float(q.find("penalty").text) == pytest.approx(1 / 3, abs=1e-6)
