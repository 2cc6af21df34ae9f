"""PrairieLearn: the exercises as questions of a PrairieLearn course (v3 questions).

`--format prairielearn` writes, under prairielearn/:
- <level>/: one question that draws a new variant each time, through derive: info.json,
  question.html (the question, a pl-number-input per asked quantity with the key's tolerance, the
  worked solution in the answer panel) and server.py, whose generate(data) asks derive for a variant
  seeded by PrairieLearn's random generator (derive must be installed on the PrairieLearn server);
- <level>-<variant>/: each drawn variant as a question of its own with its numbers written in
  (singleVariant), for a server without derive.

The text is derive's sheet for one variant, its formulas as TeX between \\( \\) and \\[ \\] for
PrairieLearn's MathJax; a tolerance becomes pl-number-input's comparison: relabs with rtol (relative)
or atol (absolute), or sigfig with digits (significant figures).
"""
from __future__ import annotations

import json
import random
import uuid
from html import escape

from .. import fmt
from ..tolerance import Tolerance, parse_tolerance
from ..views.html import parser
from ..views.templates import prose
from .data import question, solution
from .variants import Variant, generate

ROOT = "prairielearn"
_SERVER = '''"""PrairieLearn's generator of this question: each variant drawn by derive (derive-backprop)."""
from derive.exercises.prairielearn import generate_question


def generate(data):
    generate_question(data, {options})
'''


def _uuid(*parts: object) -> str:
    """A stable UUID for a question: the same set, the same UUIDs (PrairieLearn keys questions by it)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "derive/" + "/".join(map(str, parts))))


def _tolerance(tolerance: Tolerance) -> str:
    if tolerance.kind == "significant":
        return f'comparison="sigfig" digits="{int(tolerance.value)}"'
    if tolerance.kind == "relative":
        return f'comparison="relabs" rtol="{fmt.exact(tolerance.value)}" atol="0"'
    return f'comparison="relabs" rtol="0" atol="{fmt.exact(tolerance.value)}"'


def parts(variant: Variant, tolerance: Tolerance, level: str, lang: str) -> dict:
    """What one variant's question shows: the question's HTML, each asked quantity's label and exact
    value, and the worked solution's HTML."""
    md = parser("tex")
    text = question(variant, tolerance, level, lang, ["" for _ in variant.asked])
    return {"question": md.render(text), "labels": [f"\\({a.label}\\)" for a in variant.asked],
            "answers": [a.value for a in variant.asked], "solution": md.render(str(solution(variant, lang)))}


def _html(count: int, tolerance: Tolerance, answers: list[float] | None = None) -> str:
    """question.html: the question panel, a pl-number-input per asked quantity, the answer panel."""
    inputs = []
    for n in range(count):
        correct = f' correct-answer="{fmt.exact(answers[n])}"' if answers else ""
        inputs.append(f'<pl-number-input answers-name="a{n}" label="{{{{params.label{n}}}}}" '
                      f'{_tolerance(tolerance)}{correct}></pl-number-input>')
    return ("<pl-question-panel>\n{{{params.question}}}\n</pl-question-panel>\n\n" + "\n".join(inputs)
            + "\n\n<pl-answer-panel>\n{{{params.solution}}}\n</pl-answer-panel>\n")


def _static(html: str, shown: dict) -> str:
    """question.html with a variant's text written in place of the generator's parameters."""
    html = html.replace("{{{params.question}}}", shown["question"]).replace("{{{params.solution}}}",
                                                                            shown["solution"])
    for n, label in enumerate(shown["labels"]):
        html = html.replace(f"{{{{params.label{n}}}}}", escape(label, quote=True))
    return html


def _info(title: str, topic: str, level: str, key: tuple, single: bool) -> str:
    info = {"uuid": _uuid(*key), "title": title, "topic": topic, "tags": ["derive", level], "type": "v3"}
    if single:
        info["singleVariant"] = True
    return json.dumps(info, indent=2, ensure_ascii=False) + "\n"


def files(variants: list[Variant], tolerance: Tolerance, level: str, seed: int, lang: str, options: dict) -> dict:
    """Every file of the PrairieLearn export, by path (under prairielearn/, prairielearn.zh/ for Chinese;
    `options`: the arguments the generator draws a variant with: network, activation, loss)."""
    t = prose(lang)
    root = ROOT if lang == "en" else f"{ROOT}.{lang}"
    topic = t.ex_title
    out = {}
    count = len(variants[0].asked)
    generator = dict(options, level=level, tolerance=tolerance.text(), lang=lang)
    out[f"{root}/{level}/info.json"] = _info(f"{topic}: {level}", topic, level, (level, seed, lang), False)
    out[f"{root}/{level}/question.html"] = _html(count, tolerance)
    out[f"{root}/{level}/server.py"] = _SERVER.format(options=repr(generator))
    for v in variants:
        shown = parts(v, tolerance, level, lang)
        folder = f"{root}/{level}-{v.id}"
        out[f"{folder}/info.json"] = _info(t.ex_variant % {"id": v.id}, topic, level, (level, seed, lang, v.id), True)
        out[f"{folder}/question.html"] = _static(_html(count, tolerance, shown["answers"]), shown)
    return {name: text.encode("utf-8") for name, text in out.items()}



def generate_question(data: dict, options: dict) -> None:
    """PrairieLearn's generate(data): a variant drawn with PrairieLearn's per-variant random generator
    as its seed, its question, labels and worked solution in data["params"], its exact answers in
    data["correct_answers"] (a0, a1, ...)."""
    seed = random.getrandbits(62)
    (variant,) = generate(1, seed, options["level"], options["network"], options["activation"], options["loss"])
    shown = parts(variant, parse_tolerance(options["tolerance"]), options["level"], options["lang"])
    data["params"].update({"question": shown["question"], "solution": shown["solution"],
                           **{f"label{n}": label for n, label in enumerate(shown["labels"])}})
    data["correct_answers"].update({f"a{n}": value for n, value in enumerate(shown["answers"])})
