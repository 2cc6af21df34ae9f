"""derive exercises --format prairielearn: question folders that PrairieLearn reads. info.json against
the rules of PrairieLearn's question schema (infoQuestion: required fields, a UUID v4-shaped uuid, the
type, no unknown field), written here as a JSON Schema from PrairieLearn's documentation; every
pl-number-input against the attributes that element takes; each static variant's answers against the
network computed in the test; the generator's server.py run as PrairieLearn runs it."""
from __future__ import annotations

import importlib.util
import json
import random
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pytest

from derive.cli import main
from derive.exercises import generate

sys.path.insert(0, str(Path(__file__).parent))
from test_exercises import _independent  # noqa: E402  (outputs and gradients written in the test)

INFO_QUESTION = {  # PrairieLearn's rules for a question's info.json, as its documentation states them
    "type": "object",
    "required": ["uuid", "type", "title", "topic"],
    "additionalProperties": False,
    "properties": {
        "uuid": {"type": "string", "pattern": "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                                              "[0-9a-fA-F]{12}$"},
        "type": {"enum": ["Calculation", "MultipleChoice", "Checkbox", "File", "MultipleTrueFalse", "v3"]},
        "title": {"type": "string"}, "topic": {"type": "string"},
        "tags": {"type": "array", "items": {"type": "string"}}, "singleVariant": {"type": "boolean"},
        "comment": {}, "clientFiles": {"type": "array"}, "template": {"type": "string"},
        "gradingMethod": {"enum": ["Internal", "External", "Manual"]}, "showCorrectAnswer": {"type": "boolean"},
        "partialCredit": {"type": "boolean"},
    },
}
NUMBER_INPUT = {  # the attributes pl-number-input takes, and the values of those derive writes
    "allow-blank", "allow-complex", "allow-fractions", "answers-name", "aria-label", "atol", "blank-value",
    "comparison", "correct-answer", "custom-format", "digits", "display", "initial-value", "label", "placeholder",
    "rtol", "show-correct-answer", "show-help-text", "show-placeholder", "show-score", "size", "suffix", "weight"}


class _Inputs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[dict[str, str]] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        if tag == "pl-number-input":
            self.found.append(dict(attrs))


def _inputs(path: Path) -> tuple[list[dict[str, str]], set[str]]:
    parser = _Inputs()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.found, parser.tags


def _check_inputs(found: list[dict[str, str]], count: int) -> None:
    assert len(found) == count and len({f["answers-name"] for f in found}) == count
    for f in found:
        assert set(f) <= NUMBER_INPUT, set(f) - NUMBER_INPUT
        assert f["comparison"] == "relabs" and float(f["rtol"]) == 0.01 and float(f["atol"]) == 0


@pytest.mark.parametrize("level", ["hidden-gradient", "full-step"])
def test_question_folders(tmp_path, level, capsys):
    assert main(["exercises", "--level", level, "--count", "2", "--seed", "5", "--format", "prairielearn,json",
                 "--lang", "en,zh", "-o", str(tmp_path)]) == 0
    data = json.loads((tmp_path / "exercises.json").read_text(encoding="utf-8"))
    for root in ("prairielearn", "prairielearn.zh"):
        folders = sorted(p.name for p in (tmp_path / root).iterdir())
        assert folders == [level] + [f"{level}-{v['id']}" for v in data["variants"]]
        uuids = set()
        for folder in folders:
            info = json.loads((tmp_path / root / folder / "info.json").read_text(encoding="utf-8"))
            jsonschema.validate(info, INFO_QUESTION)
            uuids.add(info["uuid"])
            assert info.get("singleVariant", False) == (folder != level)
        assert len(uuids) == len(folders)
        for v in data["variants"]:
            page = tmp_path / root / f"{level}-{v['id']}" / "question.html"
            found, tags = _inputs(page)
            _check_inputs(found, len(v["asked"]))
            assert {"pl-question-panel", "pl-answer-panel"} <= tags and "{{" not in page.read_text(encoding="utf-8")
            expected = _independent(v["spec"])
            for f, asked in zip(found, v["asked"]):
                assert float(f["correct-answer"]) == pytest.approx(expected[asked["key"]], rel=1e-12, abs=1e-15)
        text = (tmp_path / root / f"{level}-{data['variants'][0]['id']}" / "question.html").read_text(encoding="utf-8")
        assert ("网络" in text) == (root == "prairielearn.zh")
        assert re.search(r"\\\(.*\\frac\{\\partial", text)  # TeX for PrairieLearn's MathJax
        template = (tmp_path / root / level / "question.html").read_text(encoding="utf-8")
        assert "{{{params.question}}}" in template and "{{params.label0}}" in template


def test_the_generator_draws_a_variant_as_prairielearn_runs_it(tmp_path, capsys):
    assert main(["exercises", "--level", "output-gradient", "--count", "1", "--format", "prairielearn",
                 "-o", str(tmp_path)]) == 0
    spec = importlib.util.spec_from_file_location("server", tmp_path / "prairielearn" / "output-gradient" / "server.py")
    server = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(server)
    random.seed(42)  # PrairieLearn seeds Python's random generator per variant
    data = {"params": {}, "correct_answers": {}}
    server.generate(data)
    random.seed(42)
    (variant,) = generate(1, random.getrandbits(62), "output-gradient")
    (asked,) = variant.asked
    assert data["correct_answers"]["a0"] == pytest.approx(_independent(variant.spec)[asked.key], rel=1e-12)
    assert data["params"]["label0"] == f"\\({asked.label}\\)"
    assert "<table>" in data["params"]["question"] and "Backpropagation" in data["params"]["solution"]
