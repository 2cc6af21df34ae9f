"""Moodle XML: one question per variant, for Moodle's "Moodle XML format" import.

A variant that asks one quantity is a numerical question (its answer with an absolute tolerance, as
Moodle's numerical type takes it); one that asks several is a cloze ("embedded answers") question
with a {1:NUMERICAL:=value:tolerance} field per quantity, each weighted 1. The worked solution is the
general feedback, and each asked quantity's hints go into the question's <hint> elements, one more
shown after each wrong try at the question's penalty (for find-the-mistake, the worked solution with
its mistake is the question, the right one the feedback). Formulas stay TeX between \\( \\) and \\[ \\],
which Moodle's MathJax filter typesets. Written with ElementTree, so the file is well-formed whatever the text holds.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET

from .. import fmt
from ..tolerance import Tolerance
from ..views.html import parser
from ..views.templates import prose
from .data import question as question_text
from .data import solution
from .variants import Variant

PENALTY = "0.3333333"  # of each try after the first, which reveals the next hint


def _text(parent: ET.Element, tag: str, text: str, fmt: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, tag, {"format": fmt} if fmt else {})
    ET.SubElement(element, "text").text = text
    return element


def quiz(variants: list[Variant], tolerance: Tolerance, level: str, lang: str,
         solutions: list | None = None) -> str:
    """The Moodle XML of every variant, in a category named after the level (`solutions`: the
    variants' worked solutions, when already written)."""
    t = prose(lang)
    md = parser("tex")
    root = ET.Element("quiz")
    category = ET.SubElement(root, "question", {"type": "category"})
    _text(category, "category", f"$course$/derive/{level}")
    solutions = solutions or [solution(v, lang) for v in variants]
    for v, worked in zip(variants, solutions):
        single = len(v.asked) == 1
        if single:
            blanks = [""]
        else:
            blanks = [f"{{1:NUMERICAL:={fmt.exact(a.value)}:{fmt.exact(tolerance.absolute(a.value))}}}"
                      for a in v.asked]
        text = question_text(v, tolerance, level, lang, blanks)
        question = ET.SubElement(root, "question", {"type": "numerical" if single else "cloze"})
        _text(question, "name", t.ex_variant % {"id": v.id})
        _text(question, "questiontext", md.render(text), "html")
        _text(question, "generalfeedback", md.render(str(worked)), "html")
        ET.SubElement(question, "penalty").text = PENALTY
        ET.SubElement(question, "hidden").text = "0"
        ET.SubElement(question, "idnumber").text = v.id
        if single:
            (asked,) = v.asked
            ET.SubElement(question, "defaultgrade").text = "1"
            answer = ET.SubElement(question, "answer", {"fraction": "100", "format": "moodle_auto_format"})
            ET.SubElement(answer, "text").text = fmt.exact(asked.value)
            ET.SubElement(answer, "tolerance").text = fmt.exact(tolerance.absolute(asked.value))
            _text(answer, "feedback", "", "html")
        for n in range(min(map(len, worked.hints), default=0)):  # one per try: each asked quantity's n-th hint
            _text(question, "hint", md.render("\n\n".join(h[n] for h in worked.hints)), "html")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
