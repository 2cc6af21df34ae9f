"""QTI 1.2 (`derive exercises --format qti`), the package Canvas imports: the assessment is valid by IMS's
QTI 1.2.1 DTD (tests/data/qti), the manifest names the assessment, every answer is a network computed
in the test, every margin is the tolerance's rule worked here, and a QTI response processor written here
scores answers just inside and just outside the margin as an LMS does."""
from __future__ import annotations

import io
import json
import math
import re
import sys
import zipfile
from html import unescape
from pathlib import Path

import pytest
from lxml import etree

from derive.cli import main

sys.path.insert(0, str(Path(__file__).parent))
from test_exercises import _independent, _params  # noqa: E402  (outputs and gradients written in the test)

DTD = etree.DTD(str(Path(__file__).parent / "data" / "qti" / "ims_qtiasiv1p2p1.dtd"))
QTI = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
PACKAGE = "http://www.imsglobal.org/xsd/imscp_v1p1"
CANVAS_QUESTION_TEXT = 16_384  # characters: Canvas replaces a longer question text by a note


def _bare(data: bytes) -> etree._Element:
    """The XML with its namespace taken off (a DTD knows no namespaces; the DTD then checks the rest)."""
    root = etree.fromstring(data)
    for element in root.iter():
        element.tag = etree.QName(element).localname
    etree.cleanup_namespaces(root)
    return root


def _holds(element: etree._Element, answer: float) -> bool:
    """Whether a QTI 1.2 condition holds for a numeric answer."""
    tag = element.tag
    if tag in ("conditionvar", "and"):
        return all(_holds(child, answer) for child in element)
    if tag == "or":
        return any(_holds(child, answer) for child in element)
    if tag == "other":
        return True
    value = float(element.text)
    return {"varequal": answer == value, "vargte": answer >= value, "varlte": answer <= value,
            "vargt": answer > value, "varlt": answer < value}[tag]


def _score(item: etree._Element, answer: float) -> float:
    """QTI 1.2 response processing of one item: each condition in turn sets SCORE when it holds, and
    one with continue="No" ends the processing."""
    score = 0.0
    for condition in item.iter("respcondition"):
        if _holds(condition.find("conditionvar"), answer):
            for setvar in condition.findall("setvar"):
                score = float(setvar.text) if setvar.get("action") == "Set" else score + float(setvar.text)
            if condition.get("continue") == "No":
                break
    return score


def _margin(tolerance: str, exact: float) -> float:
    kind, amount = tolerance.split(":")
    if kind == "rel":
        return float(amount) * abs(exact)
    if kind == "abs":
        return float(amount)
    return 0.5 * 10.0 ** (math.floor(math.log10(abs(exact))) - int(amount) + 1)


def _right(spec: dict, key: str) -> float:
    return (_independent(spec) | {f"param:{k}": x for k, x in _params(spec).items()})[key]


def _package(path) -> tuple[etree._Element, dict[str, str]]:
    """The assessment of a package, and its pages by name, after checking that the manifest names the
    assessment and every page, and nothing else is in the zip."""
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        manifest = etree.fromstring(archive.read("imsmanifest.xml"))
        resources = {r.get("type"): [f.get("href") for f in r.iter(f"{{{PACKAGE}}}file")]
                     for r in manifest.iter(f"{{{PACKAGE}}}resource")}
        assert set(resources) <= {"imsqti_xmlv1p2", "webcontent"}
        (href,) = resources["imsqti_xmlv1p2"]
        assert sorted(names) == sorted(["imsmanifest.xml", href] + resources.get("webcontent", []))
        data = archive.read(href)
        pages = {name: archive.read(name).decode("utf-8") for name in resources.get("webcontent", [])}
    assert etree.fromstring(data).tag == f"{{{QTI}}}questestinterop"
    root = _bare(data)
    assert DTD.validate(root), DTD.error_log.filter_from_errors()
    return root, pages


def _shows(html: str, value: float) -> bool:
    """Whether the HTML shows `value` to 1e-9 (its sign may be MathML's <mo>, so sizes are compared)."""
    return any(float(n) == pytest.approx(abs(value), rel=1e-9) for n in re.findall(r"\d+\.\d+", html))


@pytest.mark.parametrize("level, tolerance", [("hidden-gradient", "rel:0.01"), ("forward", "abs:0.0005"),
                                              ("full-step", "sig:3"), ("softmax", "rel:0.001"),
                                              ("find-the-mistake", "rel:0.01")])
def test_the_package_is_valid_qti_and_scores_each_answer_by_the_tolerance(tmp_path, capsys, level, tolerance):
    assert main(["exercises", "--level", level, "--count", "2", "--seed", "11", "--tolerance", tolerance,
                 "--format", "qti,json", "--lang", "en,zh", "-o", str(tmp_path)]) == 0
    variants = json.loads((tmp_path / "exercises.json").read_text(encoding="utf-8"))["variants"]
    idents = set()
    for lang, name in (("en", "exercises.qti.zip"), ("zh", "exercises.zh.qti.zip")):
        root, pages = _package(tmp_path / name)
        sections = root.findall("assessment/section/section")
        assert len(sections) == len(variants)
        for section, v in zip(sections, variants):
            items = section.findall("item")
            kinds = [i.find("itemmetadata/qtimetadata/qtimetadatafield/fieldentry").text for i in items]
            several = len(v["asked"]) > 1
            assert kinds == ["text_only_question"] * several + ["numerical_question"] * len(v["asked"])
            idents |= {i.get("ident") for i in items}
            numerical = items[several:]
            for item, asked in zip(numerical, v["asked"]):
                key = v["mistake"]["first"] if level == "find-the-mistake" else asked["key"]
                exact = _right(v["spec"], key)
                written = float(item.find(".//varequal").text)
                assert written == pytest.approx(exact, rel=1e-12, abs=1e-15)
                margin = _margin(tolerance, exact)
                assert float(item.find(".//varlte").text) - written == pytest.approx(margin, rel=1e-9)
                assert written - float(item.find(".//vargte").text) == pytest.approx(margin, rel=1e-9)
                for answer, score in ((exact, 100), (exact + 0.999 * margin, 100), (exact - 0.999 * margin, 100),
                                      (exact + 1.001 * margin, 0), (exact - 1.001 * margin, 0), (-exact, 0)):
                    assert _score(item, answer) == score, (answer, exact, margin)
            feedback = numerical[-1].find("itemfeedback/flow_mat/material/mattext").text
            texts = [i.find("presentation/material/mattext").text for i in items]
            assert max(map(len, texts)) <= CANVAS_QUESTION_TEXT
            shown = texts[0]
            for asked in v["asked"]:  # the last feedback holds the worked solution with every answer
                key = v["mistake"]["first"] if level == "find-the-mistake" else asked["key"]
                assert _shows(feedback, _right(v["spec"], key))
            assert "<math" in feedback and "\\(" not in feedback  # MathML, which Canvas keeps and typesets
            assert ("链式法则" in feedback or "输出" in feedback) == (lang == "zh")
            if level == "find-the-mistake":  # too long for a question: a page of the package, linked
                (link,) = re.findall(r'href="([^"]+)"', shown)
                assert _shows(pages[link], v["mistake"]["wrong"])
                shown = pages[link]
            assert ("网络" in unescape(shown)) == (lang == "zh")
    assert len(idents) == 2 * sum(len(v["asked"]) + (len(v["asked"]) > 1) for v in variants)


def test_the_same_set_gives_the_same_bytes_and_another_set_other_identifiers(tmp_path, capsys):
    made = []
    for folder, seed in (("a", "4"), ("b", "4"), ("c", "5")):
        assert main(["exercises", "--level", "output-gradient", "--count", "2", "--seed", seed, "--format", "qti",
                     "-o", str(tmp_path / folder)]) == 0
        made.append((tmp_path / folder / "exercises.qti.zip").read_bytes())
    assert made[0] == made[1]
    first, other = (_package(io.BytesIO(data))[0].find("assessment").get("ident") for data in (made[0], made[2]))
    assert first != other
