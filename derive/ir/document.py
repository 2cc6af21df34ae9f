"""The IR of a whole document: the `Derivation` (one training step, its training and its figures)."""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from .step import Eq, ParamRow, Preliminary, Sample, SampleTable, SummaryRow, Value
from .training import Training


@dataclass(frozen=True)
class Figure:
    """A picture written beside the document (`file`, referenced relatively); `kind` picks its caption."""

    kind: str  # network | loss | boundary | hidden
    file: str
    data: bytes = dataclasses.field(default=b"", repr=False, compare=False)  # the image, drawn by `figures`
    print_data: bytes = dataclasses.field(default=b"", repr=False, compare=False)  # an SVG's PDF twin, for LaTeX

    @property
    def twin(self) -> bool:
        """Whether LaTeX needs a PDF twin of this image (xelatex reads no SVG)."""
        return self.file.endswith(".svg")

    @property
    def print_file(self) -> str:
        """The file LaTeX includes: the PDF twin of an SVG, else the image itself."""
        return self.file.rsplit(".", 1)[0] + ".pdf" if self.twin else self.file

    @property
    def printed(self) -> bytes:
        """The bytes of `print_file`."""
        return self.print_data if self.twin else self.data


@dataclass(frozen=True)
class Derivation:
    """The whole worked solution of one training step."""

    name: str
    note: tuple[tuple[str, str], ...]  # (language or "*", text) from the spec
    layers: tuple[int, ...]
    labels: tuple[tuple[str, ...], ...]
    names: tuple[tuple[str, ...], ...]  # the labels in LaTeX (over latex.WIDE in a layer: 3, \cdots, 2)
    activations: tuple[str, ...]
    preliminaries: tuple[Preliminary, ...]  # one per activation used
    loss: str
    bias: tuple[str, ...]  # bias style of each non-input layer
    reduction: str
    notation: str
    digits: int
    learning_rate: Eq | None  # None: no training, a forward-pass-only document
    loss_definition: Eq  # E = sum of the per-output terms, symbolically
    parameters: tuple[ParamRow, ...]
    data_columns: tuple[str, ...]  # LaTeX of the inputs then the targets, without a sample index (over
    # latex.WIDE of either: the first three and the last two around a \cdots column)
    samples: tuple[Sample, ...]
    equations: tuple[Eq, ...]  # BP1-BP4, the backward pass in delta form
    matrix_notes: tuple[str, ...]  # what the matrix form's introduction adds (message keys of templates/lang)
    regularization: tuple[Value, Eq, Eq] | None  # lambda, R = lambda/(2m) sum w^2, E + R (with training.l2)
    reductions: tuple[Eq, ...]  # dE/dp assembled: sum or mean over samples [+ lambda/m w] (when there is either)
    updates: tuple[Eq, ...]
    summary: tuple[SummaryRow, ...]
    total_loss: Value  # the reduced loss over all samples
    loss_terms: tuple[Value, ...]  # each output's term, reduced over all samples
    training: Training | None = None  # with training.iterations > 0
    focus: tuple[str, ...] = ()  # the parameters written out in full (empty: every one)
    figures: tuple[Figure, ...] = ()
    in_full: int | None = None  # the first samples written out step by step (None: every one)
    listed: tuple[str, ...] = ()  # a focus on a big network: the parameters its tables list (empty: every one)
    data_rows: tuple[tuple[Value | None, ...], ...] = ()  # per sample, under data_columns (None: the \cdots)
    others: tuple[SampleTable, ...] = ()  # the other samples' results, a few columns per table
    loss_after: Value | None = None  # the reduced loss after the step (with training)

    def note_for(self, lang: str) -> str:
        """The spec's note in `lang` (or its note for every language), or ""."""
        notes = dict(self.note)
        return notes.get(lang, notes.get("*", ""))

    def _repr_markdown_(self) -> str | None:
        """Jupyter shows a derivation as its document: the view derive.views registers for it (the IR
        imports no view), or, before any is registered, its plain repr."""
        view = _DISPLAY.get("markdown")
        return view(self) if view else None

    def _repr_html_(self) -> str | None:
        """The document as HTML with its maths as MathML, for notebooks opened offline or exported
        (Markdown's maths needs MathJax, which a notebook loads from the network)."""
        view = _DISPLAY.get("html")
        return view(self) if view else None


_DISPLAY: dict[str, Callable[[Derivation], str]] = {}  # mime kind -> view; written once, by derive.views


def register_display(kind: str, view: Callable[[Derivation], str]) -> None:
    """Let `view` show a derivation in Jupyter as `kind` (markdown): the views register themselves here."""
    _DISPLAY[kind] = view
