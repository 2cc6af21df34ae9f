"""QTI 1.2: the exercises as an IMS QTI 1.2 content package, the "QTI .zip file" Canvas imports (other
LMSs that read QTI 1.2 take it too).

`--format qti` writes exercises.qti.zip (exercises.zh.qti.zip in Chinese): imsmanifest.xml and one
assessment, a section per variant. A variant that asks one quantity is one numerical question holding
the whole exercise; one that asks several is a text-only question with the exercise, then a numerical
question per asked quantity. Each answer is the exact value with the key's tolerance as its margin, as
Canvas itself writes a numerical answer: equal to the value, or within [value - margin, value + margin].
An answer's feedback is its derivation in three steps (the hints), and the variant's last answer also
carries the worked solution (for find-the-mistake, the exercise is the solution with its mistake, the
feedback the right one). Formulas are MathML, which Canvas's sanitizer keeps and typesets (its
detection of TeX between \\( \\) hangs on an account's feature flag). An exercise whose HTML is longer
than the 16,384 characters Canvas keeps of a question's text is a page of the package, pages/<variant>.html,
listed in the manifest and linked from the question.

Written with ElementTree, so the XML is well-formed whatever the text holds; each question's HTML is
escaped text in <mattext texttype="text/html">, as QTI 1.2 carries HTML. Not text2qti, the package that
writes QTI for Canvas from its own text format: it rounds a margin's bounds to four decimals and refuses
any answer below 1e-4 in size, which would change the key's tolerance on the small gradients of these
exercises.
"""
from __future__ import annotations

import hashlib
import io
import json
import shutil
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Sequence
from typing import IO

from .. import fmt, keys
from ..tolerance import Tolerance
from ..views.html import page, parser
from ..views.templates import prose
from .data import Worked, question, solution
from .variants import Variant

NAMESPACE = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
PACKAGE = "http://www.imsglobal.org/xsd/imscp_v1p1"  # IMS Content Packaging, the manifest's
RESOURCE = "imsqti_xmlv1p2"  # the manifest's type for a QTI 1.2 assessment
STAMP = (1980, 1, 1, 0, 0, 0)  # every member's time in the zip: the same set, the same bytes
QUESTION_TEXT = 16_384  # characters: Canvas replaces a longer question text with a note that it was too long
PAGES = "pages"  # the folder of the pages that hold exercises too long for a question's text
SECTIONS = "\x00"  # where the variants' sections go in the assessment's outline
DEPTH = 3  # a variant's section: in the root section, in the assessment, in questestinterop
SPOOL = 16 << 20  # bytes of the assessment's XML held in memory before it goes to a temporary file


def _html(parent: ET.Element, text: str) -> None:
    ET.SubElement(parent, "mattext", {"texttype": "text/html"}).text = text


def _item(parent: ET.Element, ident: str, title: str, kind: str, text: str) -> tuple[ET.Element, ET.Element]:
    """An item with Canvas's question type and a point each, and its presentation with the text."""
    item = ET.SubElement(parent, "item", {"ident": ident, "title": title})
    meta = ET.SubElement(ET.SubElement(item, "itemmetadata"), "qtimetadata")
    points = "1.0" if kind == "numerical_question" else "0.0"
    for label, entry in (("question_type", kind), ("points_possible", points)):
        field = ET.SubElement(meta, "qtimetadatafield")
        ET.SubElement(field, "fieldlabel").text = label
        ET.SubElement(field, "fieldentry").text = entry
    presentation = ET.SubElement(item, "presentation")
    _html(ET.SubElement(presentation, "material"), text)
    return item, presentation


def _numerical(parent: ET.Element, ident: str, title: str, text: str, value: float, margin: float,
               feedback: str) -> None:
    """A numerical question: a decimal field, full marks for `value` or anything within `margin` of it
    (both ends included), and `feedback` shown whatever the answer."""
    item, presentation = _item(parent, ident, title, "numerical_question", text)
    response = ET.SubElement(presentation, "response_str", {"ident": "response1", "rcardinality": "Single"})
    ET.SubElement(ET.SubElement(response, "render_fib", {"fibtype": "Decimal"}), "response_label", {"ident": "answer1"})
    processing = ET.SubElement(item, "resprocessing")
    ET.SubElement(ET.SubElement(processing, "outcomes"), "decvar",
                  {"maxvalue": "100", "minvalue": "0", "varname": "SCORE", "vartype": "Decimal"})
    shown = ET.SubElement(processing, "respcondition", {"continue": "Yes"})
    ET.SubElement(ET.SubElement(shown, "conditionvar"), "other")
    ET.SubElement(shown, "displayfeedback", {"feedbacktype": "Response", "linkrefid": "general_fb"})
    right = ET.SubElement(processing, "respcondition", {"continue": "No"})
    condition = ET.SubElement(right, "conditionvar")
    within = ET.SubElement(condition, "or") if margin > 0 else condition
    ET.SubElement(within, "varequal", {"respident": "response1"}).text = fmt.exact(value)
    if margin > 0:
        bounds = ET.SubElement(within, "and")
        ET.SubElement(bounds, "vargte", {"respident": "response1"}).text = fmt.exact(value - margin)
        ET.SubElement(bounds, "varlte", {"respident": "response1"}).text = fmt.exact(value + margin)
    ET.SubElement(right, "setvar", {"action": "Set", "varname": "SCORE"}).text = "100"
    shown_feedback = ET.SubElement(item, "itemfeedback", {"ident": "general_fb"})
    _html(ET.SubElement(ET.SubElement(shown_feedback, "flow_mat"), "material"), feedback)


def _variant(section: ET.Element, v: Variant, worked: Worked, tolerance: Tolerance, level: str, lang: str,
             ident: str) -> dict[str, str]:
    """One variant's questions in its own section; returns the page it links to, by file name, when
    its exercise is too long for a question's text (a find-the-mistake solution, a large network)."""
    t = prose(lang)
    md = parser()
    title = t.ex_variant % {"id": v.id}
    blanks = ["" for _ in v.asked]
    whole = question(v, tolerance, level, lang, blanks)
    text, pages = md.render(whole), {}
    if len(text) > QUESTION_TEXT:
        href = f"{PAGES}/{v.id}.html"
        pages[href] = page(whole, title, lang)
        text = md.render(question(v, tolerance, level, lang, blanks, linked=f"[{title}]({href})"))
    single = len(v.asked) == 1
    if not single:
        _item(section, f"{ident}_0", title, "text_only_question", text)
    for n, (asked, hints) in enumerate(zip(v.asked, worked.hints), start=1):
        feedback = md.render("\n".join(f"- {hint}" for hint in hints))
        if n == len(v.asked):
            feedback += md.render(str(worked))
        if single:
            _numerical(section, f"{ident}_1", title, text, asked.value, tolerance.absolute(asked.value), feedback)
            continue
        _numerical(section, f"{ident}_{n}", f"{title}: {keys.readable(asked.key, lang, False)}",
                   md.render(f"{title}: ${asked.label}$ ="), asked.value, tolerance.absolute(asked.value), feedback)
    return pages


def manifest(ident: str, href: str, pages: list[str]) -> str:
    """imsmanifest.xml: the assessment, and the pages its questions link to (web content, which the LMS
    imports as files beside the questions)."""
    root = ET.Element("manifest", {"identifier": f"{ident}_manifest", "xmlns": PACKAGE})
    metadata = ET.SubElement(root, "metadata")
    ET.SubElement(metadata, "schema").text = "IMS Content"
    ET.SubElement(metadata, "schemaversion").text = "1.1.3"
    ET.SubElement(root, "organizations")
    resource = ET.SubElement(ET.SubElement(root, "resources"), "resource",
                             {"identifier": ident, "type": RESOURCE, "href": href})
    ET.SubElement(resource, "file", {"href": href})
    if pages:
        content = ET.SubElement(root.find("resources"), "resource", {"identifier": f"{ident}_pages",
                                                                      "type": "webcontent"})
        for name in pages:
            ET.SubElement(content, "file", {"href": name})
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def identifier(variants: list[Variant], level: str, lang: str) -> str:
    """The assessment's identifier, from what the set holds: an LMS keys imported questions by it, so
    another set never takes the place of this one, and the same set always has the same identifier."""
    content = json.dumps([level, lang, [[v.id, v.spec] for v in variants]], sort_keys=True)
    return "derive_" + hashlib.sha256(content.encode("utf-8")).hexdigest()[:16]


def _member(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, STAMP)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def _assessment(spool: IO[bytes], archive: zipfile.ZipFile, variants: list[Variant], tolerance: Tolerance,
                level: str, lang: str, ident: str, solutions: Sequence[Worked] | None) -> list[str]:
    """The assessment's XML into `spool`, a variant's section at a time (one variant's text is held at
    once, whatever the count), and the pages its questions link to into `archive`; returns their names."""
    t = prose(lang)
    root = ET.Element("questestinterop", {"xmlns": NAMESPACE})
    test = ET.SubElement(root, "assessment", {"ident": ident, "title": f"{t.ex_title}: {level}"})
    ET.SubElement(test, "section", {"ident": "root_section"}).text = SECTIONS
    ET.indent(root)
    opening, closing = ET.tostring(root, encoding="unicode").split(SECTIONS)
    spool.write(f'<?xml version="1.0" encoding="UTF-8"?>\n{opening}\n'.encode())
    pages = []
    for n, v in enumerate(variants):
        worked = solutions[n] if solutions is not None else solution(v, lang)
        section = ET.Element("section", {"ident": f"{ident}_{v.id}", "title": t.ex_variant % {"id": v.id}})
        for name, html in _variant(section, v, worked, tolerance, level, lang, f"{ident}_{v.id}").items():
            archive.writestr(_member(name), html.encode("utf-8"))
            pages.append(name)
        ET.indent(section, level=DEPTH)
        spool.write(f"{'  ' * DEPTH}{ET.tostring(section, encoding='unicode')}\n".encode())
    spool.write(f"{'  ' * (DEPTH - 1)}{closing.lstrip()}\n".encode())
    return pages


def package(variants: list[Variant], tolerance: Tolerance, level: str, lang: str,
            solutions: Sequence[Worked] | None = None) -> bytes:
    """The zip: imsmanifest.xml, the assessment and the pages it links to (`solutions`: the variants'
    worked solutions, when already written). The assessment is spooled (to a temporary file past
    SPOOL bytes, removed however the run ends) while the pages go into the zip."""
    ident = identifier(variants, level, lang)
    href = f"{ident}.xml"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive, tempfile.SpooledTemporaryFile(SPOOL) as spool:
        pages = _assessment(spool, archive, variants, tolerance, level, lang, ident, solutions)
        spool.seek(0)
        with archive.open(_member(href), "w") as member:
            shutil.copyfileobj(spool, member)
        archive.writestr(_member("imsmanifest.xml"), manifest(ident, href, pages).encode("utf-8"))
    return out.getvalue()
