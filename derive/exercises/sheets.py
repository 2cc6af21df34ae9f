"""The exercise sheet and its answer key in Markdown, HTML and PDF, exercises.json and Moodle XML:
every file of a set, by file name."""
from __future__ import annotations

import json
from collections.abc import Iterator, Sequence

from ..tolerance import Tolerance
from ..views import html as html_view
from ..views import tex as tex_view
from ..views import typeset
from ..views.templates import environment, messages, prose, stream_template, tidy, tidy_stream
from . import prairielearn, qti, selfcheck
from .carry import DEFAULT_RULE
from .data import Worked, json_view, mistaken, solution, view
from .grade import template_csv
from .moodle import quiz
from .variants import Variant


def sheets(variants: list[Variant], tolerance: Tolerance, level: str, lang: str,
           solutions: Sequence[str] | None = None, walked: _Mistaken | None = None) -> tuple[str, str]:
    """The exercise sheet and its answer key, in Markdown (`solutions`: the variants' worked solutions,
    when already written; `walked`: their worked solutions with a mistake, when already made)."""
    sheet, key = _rendered(variants, tolerance, level, lang, solutions, walked)
    return tidy("".join(sheet)), tidy("".join(key))


def practice(variants: list[Variant], tolerance: Tolerance, level: str, lang: str,
             walked: _Mistaken | None = None) -> str:
    """The sheet as the practice page takes it: each asked quantity's key alone where the paper sheet
    has a blank and says which CSV column its answer goes in (the page puts a field there)."""
    return tidy("".join(_rendered(variants, tolerance, level, lang, [], walked, practice=True)[0]))


def _rendered(variants: list[Variant], tolerance: Tolerance, level: str, lang: str,
              solutions: Sequence[str] | None = None, walked: _Mistaken | None = None,
              practice: bool = False) -> tuple[Iterator[str], Iterator[str]]:
    """The sheet's and the key's Markdown as the template produces them, piece by piece."""
    t = prose(lang)
    data = view(variants, tolerance, level)
    env = environment()
    walked = walked if walked is not None else _Mistaken(variants, lang)
    sheet = stream_template(env, "exercises.md.j2", s=data, t=t, answers=False, solutions=[], question=False,
                            blanks=[], mistaken=walked, lang=lang, practice=practice)
    key = stream_template(env, "exercises.md.j2", s=data, t=t, answers=True, question=False, blanks=[],
                          solutions=_Solutions(variants, lang) if solutions is None else solutions, mistaken=walked,
                          lang=lang)
    return sheet, key


class _Solutions(Sequence[Worked]):
    """The variants' worked solutions, each written when the key reaches it and then let go: a key of a
    thousand variants streams to its file without ever holding them all (only the last one is kept, for
    the template asks for its hints and its text in turn)."""

    def __init__(self, variants: list[Variant], lang: str):
        self.variants, self.lang = variants, lang
        self.last: tuple[int, Worked] | None = None

    def __len__(self) -> int:
        return len(self.variants)

    def __getitem__(self, index):  # the template asks by position
        if self.last is None or self.last[0] != index:
            self.last = (index, solution(self.variants[index], self.lang))
        return self.last[1]


class _Mistaken(Sequence[tuple[str, list]]):
    """Each find-the-mistake variant's worked solution with its mistake, and its corrected numbers, made
    when the sheet first asks and kept for the key (the sheet is written before the key)."""

    def __init__(self, variants: list[Variant], lang: str):
        self.variants, self.lang, self.made = variants, lang, {}

    def __len__(self) -> int:
        return len(self.variants)

    def __getitem__(self, index):
        if index not in self.made:
            self.made[index] = mistaken(self.variants[index], self.lang)
        return self.made[index]


def _streamed(pieces: Iterator[str]) -> Iterator[bytes]:
    return (piece.encode("utf-8") for piece in tidy_stream(pieces))


def files(variants: list[Variant], tolerance: Tolerance, level: str, seed: int, formats: tuple[str, ...],
          langs: tuple[str, ...], carry: str = DEFAULT_RULE, options: dict | None = None
          ) -> dict[str, bytes | Iterator[bytes]]:
    """Every file of a set: exercises / answers as md, html and pdf per language (with html, also
    practice.html: the sheet that checks its own answers), exercises.json with the blank submissions.csv
    that `derive grade` reads, exercises.moodle.xml per language, PrairieLearn's question folders, and
    exercises.qti.zip per language (QTI 1.2 for Canvas)."""
    out: dict[str, bytes] = {}
    if "json" in formats:
        data = json_view(variants, tolerance, level, seed) | {"carry_forward": carry}
        out["exercises.json"] = (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
        answers = {v.id: [{"key": a.key} for a in v.asked] for v in variants}
        out["submissions.csv"] = template_csv(answers).encode("utf-8")  # the students' answers, to fill in
    sheet_formats = {"md", "html", "pdf"} & set(formats)
    # each variant's worked solution, written once per language for the key and the Moodle feedback;
    # for a key in Markdown alone, written as the key streams to its file instead
    held = bool({"html", "pdf", "moodle", "qti"} & set(formats))
    solutions = {lang: [solution(v, lang) for v in variants] for lang in (langs if held else ())}
    for lang in langs if sheet_formats else ():
        suffix = "" if lang == "en" else f".{lang}"
        if not held:
            sheet, key = _rendered(variants, tolerance, level, lang)
            out[f"exercises{suffix}.md"] = tidy("".join(sheet)).encode("utf-8")
            out[f"answers{suffix}.md"] = _streamed(key)
            continue
        walked = _Mistaken(variants, lang)
        sheet, key = sheets(variants, tolerance, level, lang, solutions[lang], walked)
        titles = messages(lang)
        for stem, text, title in (("exercises", sheet, titles["ex_title"]), ("answers", key, titles["ex_key_title"])):
            if "md" in formats:
                out[f"{stem}{suffix}.md"] = text.encode("utf-8")
            if "html" in formats:
                out[f"{stem}{suffix}.html"] = html_view.page(text, title, lang).encode("utf-8")
            if "html" in formats and stem == "exercises":  # the sheet that checks its own answers, for practice
                hints = [worked.hints for worked in solutions[lang]]
                out[f"practice{suffix}.html"] = selfcheck.page(practice(variants, tolerance, level, lang, walked),
                                                              title, lang, variants, tolerance, carry,
                                                              hints).encode("utf-8")
            if "pdf" in formats:
                out[f"{stem}{suffix}.pdf"] = typeset.compile_pdf(tex_view.page(text, lang), {}, f"{stem}{suffix}",
                                                                     lang)
    return out | _lms(variants, tolerance, level, seed, formats, langs, options, solutions)


def _lms(variants: list[Variant], tolerance: Tolerance, level: str, seed: int, formats: tuple[str, ...],
         langs: tuple[str, ...], options: dict | None, solutions: dict[str, list[Worked]]) -> dict[str, bytes]:
    """The files for learning management systems: PrairieLearn's question folders, Moodle XML and QTI."""
    out: dict[str, bytes] = {}
    if "prairielearn" in formats:  # options: what the question's generator draws with
        drawn = options or {"network": "2-2-2", "activation": "sigmoid", "loss": "half_sse"}
        for lang in langs:
            out |= prairielearn.files(variants, tolerance, level, seed, lang, drawn)
    for lang in langs:
        suffix = "" if lang == "en" else f".{lang}"
        if "moodle" in formats:
            out[f"exercises{suffix}.moodle.xml"] = quiz(variants, tolerance, level, lang, solutions[lang]).encode()
        if "qti" in formats:
            out[f"exercises{suffix}.qti.zip"] = qti.package(variants, tolerance, level, lang, solutions[lang])
    return out
