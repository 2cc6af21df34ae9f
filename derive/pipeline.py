"""The whole pipeline in one function: load the spec, compute its reference numbers, build the
derivation symbolically, train, cross-check every number, and draw the figures; then write.

    spec -> reference (numeric engine) -> build (symbolic) -> train (loop) -> verify -> figures -> views
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from . import derivation as build_stage
from . import keys
from .crosscheck import check_training, reference, verify
from .errors import UsageError
from .files import write_files
from .fmt import DEFAULT_DIGITS
from .ir import Derivation
from .numeric import Arrays, loop
from .spec import Spec, load
from .spec.size import refuse_oversize
from .spec.vocabulary import NOTATIONS
from .views import figures as drawing
from .views import files


def derive(source: str | Path | dict | Spec, *, notation: str | None = None, digits: int = DEFAULT_DIGITS,
           progress: Callable[[int], None] | None = None, formats: tuple[str, ...] | None = None) -> Derivation:
    """Load a spec, build its derivation symbolically, train it (training.iterations), verify every
    number numerically, and draw its figures.

    `notation` overrides the spec's own (default in-out); `progress(k)` hears of training's iterations;
    `formats` (default: all) are the formats it will be written in, so that only the figures those show
    are drawn (none for json; an SVG's PDF twin only for tex and pdf)."""
    if notation is not None and notation not in NOTATIONS:
        raise UsageError(f"notation: expected one of {', '.join(NOTATIONS)}, got {notation!r}")
    if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= 17:
        raise UsageError(f"digits: expected a whole number of significant digits from 1 to 17, got {digits!r}")
    spec = source if isinstance(source, Spec) else load(source)
    numbers = reference(spec)  # first: a spec that overflows float64 is refused before any symbolic work
    refuse_oversize(spec)
    derivation = build_stage.build(spec, notation=notation or spec.notation, digits=digits, numbers=numbers)
    trained: dict[str, tuple[Spec, Arrays]] = {}  # figure key -> (spec, trained parameters)
    if spec.iterations and spec.learning_rate is not None:
        history = loop.run(spec, progress)
        shadows = [loop.run(spec, nudge=seed) for seed in loop.SHADOWS]
        numbers = numbers | check_training(spec, history)
        trained["final"] = (spec, history.final)
        compared = []
        for variant in spec.compare_hidden:
            other = loop.run(variant)
            other_shadows = [loop.run(variant, nudge=seed) for seed in loop.SHADOWS]
            width = variant.layers[1]
            numbers |= {keys.for_hidden(key, width): value for key, value in check_training(variant, other).items()}
            trained[f"hidden:{width}"] = (variant, other.final)
            compared.append(build_stage.compared(variant, _run(variant, other, other_shadows), digits))
        training = build_stage.training(spec, _run(spec, history, shadows), derivation.parameters, digits,
                                        tuple(compared))
        derivation = dataclasses.replace(derivation, training=training)
    verify(spec, derivation, numbers)
    screen, printed = drawing.needed(formats)
    figures = tuple(dataclasses.replace(f, data=drawing.draw(spec, derivation, f, trained)
                                        if screen or (printed and not f.twin) else b"",
                                        print_data=drawing.draw(spec, derivation, f, trained, "pdf")
                                        if printed and f.twin else b"")
                    for f in drawing.plan(spec, derivation))
    return dataclasses.replace(derivation, figures=figures)


def _run(spec: Spec, history: loop.History, shadows: list[loop.History] = ()) -> build_stage.Run:
    """A training history as the plain numbers the document shows (with its shadow runs')."""
    final = loop.trained(spec, history)
    return build_stage.Run(history.mode, history.iterations, history.losses, final, history.outputs,
                           loop.accuracy(spec, history.outputs), tuple(_run(spec, other) for other in shadows))


def write(derivation: Derivation, directory: str | Path, formats: tuple[str, ...] = ("md", "json"),
          langs: tuple[str, ...] = ("en",), template_dir: str | Path | None = None) -> list[Path]:
    """Render every requested document in memory first (PDFs compiled), then write each one atomically."""
    return write_files(files(derivation, formats, langs, template_dir), directory)
