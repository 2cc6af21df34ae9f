"""What the exercise templates receive: each variant as plain data (every number formatted), the
set as exercises.json, and each variant's worked solution, a derivation built and cross-checked like
any document."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .. import fmt, keys
from ..crosscheck import reference, verify
from ..derivation import build
from ..spec import load
from ..symbolic import NOTATIONS, Model
from ..tolerance import Tolerance
from ..views.markdown import markdown
from ..views.templates import environment, prose, render_template
from .hints import hints
from .mistaken import walkthrough
from .variants import NOTATION, Variant


def view(variants: list[Variant], tolerance: Tolerance, level: str) -> dict:
    """Plain data for the sheet and key templates (every number already formatted)."""
    rows = []
    for v in variants:
        spec = load(v.spec)
        model = Model(spec)
        names = model.names(NOTATIONS[NOTATION])
        rows.append({
            "id": v.id,
            "shape": "-".join(map(str, spec.layers)),
            "activations": list(dict.fromkeys(spec.activations)),
            "loss": spec.loss,
            "inputs": [(names[x], fmt.plain(value)) for x, value in zip(model.inputs, spec.inputs[0])],
            "targets": [(names[t], fmt.plain(value)) for t, value in zip(model.targets, spec.targets[0])],
            "parameters": [(names[model.param_symbol[p.name]], spec.labels[p.layer - 1][p.src] if p.kind == "weight"
                            else None, spec.labels[p.layer][p.dest] if p.dest is not None else None, fmt.plain(p.value))
                           for p in spec.parameters()],
            "rate": fmt.plain(spec.learning_rate),
            "asked": [(a.label, fmt.plain(a.value), a.key) for a in v.asked],
            "mistake": _mistake(v.mistake, spec.samples > 1),
        })
    shown = str(int(tolerance.value)) if tolerance.kind == "significant" else fmt.plain(tolerance.value)
    return {"level": level, "tolerance": tolerance, "tolerance_value": shown, "variants": rows}


def _mistake(mistake: dict | None, several: bool) -> dict | None:
    """A find-the-mistake variant's mistake, its numbers formatted, for the key's wording."""
    if mistake is None:
        return None
    names, values = mistake["names"], mistake["values"]
    return {"kind": mistake["kind"], "a": names[0], "b": names[1], "c": names[-1], "va": fmt.plain(values[0]),
            "vb": fmt.plain(values[1]), "first": {lang: keys.readable(mistake["first"], lang, several)
                                                  for lang in keys.LANGUAGES},
            "wrong": fmt.plain(mistake["wrong"]), "right": fmt.plain(mistake["right"]), "count": mistake["count"]}


def question(variant: Variant, tolerance: Tolerance, level: str, lang: str, blanks: list[str],
             linked: str = "") -> str:
    """One variant as an LMS question shows it, in Markdown: the task, the tolerance, the givens (for
    find-the-mistake, the worked solution with its mistake; with `linked`, a Markdown link to a page
    that holds them instead) and the asked quantities, each followed by its entry of `blanks` (a cloze
    field, or nothing where the LMS puts the answer box)."""
    walked = [mistaken(variant, lang)] if variant.mistake and not linked else []
    return render_template(environment(), "exercises.md.j2", s=view([variant], tolerance, level), t=prose(lang),
                           answers=False, solutions=[], question=True, blanks=blanks, lang=lang, mistaken=walked,
                           linked=linked)


def json_view(variants: list[Variant], tolerance: Tolerance, level: str, seed: int) -> dict:
    """exercises.json: every variant with its full spec and every asked quantity's exact value."""
    return {"level": level, "seed": seed, "tolerance": tolerance.describe(),
            "variants": [{"id": v.id, "spec": v.spec,
                          "asked": [{"key": a.key, "label": a.label, "value": a.value,
                                     "tolerance": tolerance.describe()} for a in v.asked]}
                         | ({"mistake": v.mistake} if v.mistake else {}) for v in variants]}


def worked(variant: Variant) -> dict:
    """The spec of the variant's worked solution: focused on the asked gradients, or without training
    when only outputs are asked."""
    if variant.mistake:  # find the mistake: the whole step, right
        return variant.spec
    asked = [keys.parse(a.key) for a in variant.asked]
    if all(k.kind == "out" for k in asked):
        return {key: value for key, value in variant.spec.items() if key != "training"}
    focus = [k.args[0] for k in asked if k.kind in ("grad", "updated")]
    params = load(variant.spec).parameters()
    return variant.spec if len(set(focus)) == sum(p.trainable for p in params) else variant.spec | {"focus": focus}


MAX_HEADING = 6  # Markdown (and HTML) have six heading levels; a seventh # is literal text


@dataclass(frozen=True)
class Worked:
    """A variant's worked solution (its Markdown, which str() gives) and each asked quantity's hints."""

    text: str
    hints: list[list[str]]

    def __str__(self) -> str:
        return self.text


def solution(variant: Variant, lang: str) -> Worked:
    """A variant's worked solution of what it asks (verified like any document; without figures): the
    forward pass for outputs, the chains of the asked gradients only (the others in the summary table),
    everything for a full step; its headings two levels down to sit under the variant's heading (never
    below level six)."""
    spec = load(worked(variant))
    numbers = reference(spec)
    derivation = build(spec, numbers=numbers)
    verify(spec, derivation, numbers)
    asked = [a.key for a in variant.asked]
    return Worked(shifted(markdown(derivation, lang, contents=False)),
                  hints(derivation, asked, prose(lang), variant.mistake, lang))


def shifted(text: str) -> str:
    """A worked solution's headings two levels down, to sit under a variant's heading (never below six)."""
    return re.sub(r"^(#+)", lambda m: "#" * min(MAX_HEADING, len(m.group(1)) + 2), text, flags=re.M)


def mistaken(variant: Variant, lang: str) -> tuple[str, list[tuple[str, str, str]]]:
    """A find-the-mistake variant's worked solution with its mistake made (headings shifted, its note of
    verification replaced by one that says a mistake is in it), and the corrected numbers for the key."""
    text, listed = walkthrough(variant.spec, variant.mistake, lang)
    t = prose(lang)
    text = text.replace(t.precision_note % {"digits": fmt.DEFAULT_DIGITS}, t.ex_mistaken_note)
    return shifted(text), listed
