"""Stage 3: the derivation IR. Frozen plain data, decided completely before rendering.

Every number a document shows is a `Value` with a key naming the quantity; `values()` collects
them all so that derive.crosscheck can check each one against the independent numeric engine. Every formula
is LaTeX produced by derive.symbolic.tex; templates only loop over these objects and print them.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from collections.abc import Callable, Iterator
from typing import Any


@dataclass(frozen=True)
class Value:
    """A shown number: its quantity key, its float64 value and its formatted LaTeX."""

    key: str
    value: float
    tex: str


@dataclass(frozen=True)
class Eq:
    """`lhs = rhs[0] = rhs[1] = ...`, ending with `value` when there is one."""

    lhs: str
    rhs: tuple[str, ...]
    value: Value | None = None


@dataclass(frozen=True)
class Factor:
    """One chain-rule factor d top/d bottom: the local expression it differentiates (`given`), then
    `eq`: the symbol = SymPy's derivative [= its rewrite] = numbers substituted = value. A factor that
    sums over paths (dE/dout of a hidden neuron) lists them in `paths`."""

    symbol: str
    wrt: str  # the variable differentiated by
    given: Eq | None
    eq: Eq
    paths: tuple[Path, ...] = ()


@dataclass(frozen=True)
class Path:
    """One path from a hidden output to the error: through neuron `via`, dE/din_via * din_via/dout."""

    via: str  # label of the next-layer neuron
    name: str  # its LaTeX
    delta: Eq  # delta_via = dE/din_via (derived in via's own section)
    local: Factor  # din_via/dout, derived from via's net input
    product: Eq  # delta_via * din_via/dout = numbers = value


@dataclass(frozen=True)
class Term:
    """One neuron's share of a parameter's gradient: delta_n * din_n/dp (one term unless the
    parameter is a bias shared by the whole layer)."""

    neuron: str
    name: str  # the neuron's LaTeX
    known: tuple[Eq, ...]  # the factors derived in the neuron's section (dE/dout, dout/din; or dE/din), = value
    delta: Eq  # delta_n = value
    local: Factor  # din_n/dp, derived here


@dataclass(frozen=True)
class Chain:
    """The gradient of one parameter for one sample: the chain rule, its factors, its value."""

    param: str
    name: str  # the parameter's LaTeX
    general: Eq  # dE/dp = dE/dout * dout/din * din/dp (no value)
    terms: tuple[Term, ...]
    result: Eq  # dE/dp = delta * din/dp = numbers = value


@dataclass(frozen=True)
class Preliminary:
    """An activation's derivative worked out once: f(z) = ..., f'(z) as SymPy gives it, then the
    textbook derivation, every step proved equal to SymPy's derivative."""

    name: str  # the activation's registry name
    definition: Eq  # f(z) = its expression [= other forms]
    derivative: Eq  # f'(z) = SymPy's derivative
    steps: Eq | None  # f'(z) = each hand-written step (None when they would only repeat SymPy's form)
    notes: tuple[str, ...]  # message key per step: how it follows from the previous one
    output: str  # LaTeX of y = f(z): what the output y in the last step stands for


@dataclass(frozen=True)
class NeuronForward:
    label: str
    name: str  # LaTeX of the label
    net: Eq
    out: Eq


@dataclass(frozen=True)
class NeuronBackward:
    label: str
    name: str
    output_layer: bool
    d_out: Factor  # dE/dout
    d_net: Factor | None  # dout/din (elementwise activations)
    jacobian: tuple[Factor, ...]  # dout_k/din for every output k of the layer (softmax)
    delta: Eq
    simplified: Eq | None  # softmax with cross-entropy: delta = out - t
    chains: tuple[Chain, ...]  # the parameters feeding this neuron alone


@dataclass(frozen=True)
class LayerBackward:
    layer: int
    neurons: tuple[NeuronBackward, ...]
    shared: tuple[Chain, ...]  # parameters shared by the whole layer (per-layer bias)


@dataclass(frozen=True)
class MatrixStep:
    """One layer in matrix form: its deltas as a vector and its weight gradient as a matrix."""

    layer: int
    delta: Eq  # delta^(l) = general form = the matrices with numbers = the vector
    gradient: Eq  # dE/dW^(l) = delta^(l) (a^(l-1))^T = numbers = the matrix
    entries: tuple[Value, ...]  # every number in the two equations, checked like any other


@dataclass(frozen=True)
class Sample:
    index: int
    inputs: tuple[Eq, ...]
    targets: tuple[Eq, ...]
    units: tuple[Eq, ...]  # bias units = 1 (bias_node layers)
    forward: tuple[tuple[NeuronForward, ...], ...]  # by layer
    loss_terms: tuple[Eq, ...]
    loss_total: Eq
    backward: tuple[LayerBackward, ...]  # output layer first
    matrix: tuple[MatrixStep, ...]  # the same numbers in matrix form, output layer first

    def chains(self) -> dict[str, Chain]:
        """Every parameter's chain for this sample, by parameter name, in document order."""
        return {c.param: c for layer in self.backward
                for c in (*(c for n in layer.neurons for c in n.chains), *layer.shared)}


@dataclass(frozen=True)
class SampleTable:
    """Samples not written out step by step, a row each: their results, computed the same way."""

    columns: tuple[str, ...]  # LaTeX of each column's quantity, without a sample index
    rows: tuple[tuple[int, tuple[Value, ...]], ...]  # (sample index, one value per column)


@dataclass(frozen=True)
class ParamRow:
    name: str
    tex: str
    kind: str  # weight | bias
    layer: int
    source: str | None  # label of the source unit (weights)
    dest: str | None  # label of the destination neuron (None: shared by the layer)
    connection: str  # LaTeX: i_{1} \to h_{1} for a weight, the neuron(s) for a bias
    trainable: bool  # False: fixed, never updated
    value: Value


@dataclass(frozen=True)
class SummaryRow:
    name: str
    tex: str
    value: Value
    gradient: Value
    updated: Value


@dataclass(frozen=True)
class Checkpoint:
    iteration: int
    loss: Value  # the objective after `iteration` iterations


@dataclass(frozen=True)
class TrainedParam:
    name: str
    tex: str
    initial: Value
    final: Value


@dataclass(frozen=True)
class TrainedOutput:
    sample: int  # 1-based
    label: str
    tex: str
    output: Value
    target: Value


@dataclass(frozen=True)
class Compared:
    """The same network trained with another number of hidden neurons."""

    hidden: int
    layers: tuple[int, ...]
    loss: Value  # after training
    accuracy: Value | None


@dataclass(frozen=True)
class Training:
    """Many iterations after the worked step: the loss at checkpoints, the parameters and outputs at the
    end, and the verdict on convergence (decided here, printed by the templates)."""

    mode: str  # batch | online
    iterations: int
    checkpoints: tuple[Checkpoint, ...]
    losses: tuple[float, ...]  # the objective after every iteration (checked at the checkpoints)
    parameters: tuple[TrainedParam, ...]
    outputs: tuple[TrainedOutput, ...]
    drop: Value  # percent by which the loss fell from iteration 0 to the end (negative: it rose)
    tail: Value  # percent by which it fell over the last tenth of the iterations
    tail_start: int
    verdict: str  # levelled | falling | rising
    rises: int  # iterations after which the loss was higher than before
    accuracy: Value | None  # percent of samples classified right (bce, cross_entropy)
    compared: tuple[Compared, ...] = ()  # training.compare_hidden


@dataclass(frozen=True)
class Figure:
    """A picture written beside the document (`file`, referenced relatively); `kind` picks its caption."""

    kind: str  # network | loss | boundary | hidden
    file: str
    data: bytes = dataclasses.field(default=b"", repr=False, compare=False)  # the image, drawn by `figures`
    print_data: bytes = dataclasses.field(default=b"", repr=False, compare=False)  # an SVG's PDF twin, for LaTeX

    @property
    def print_file(self) -> str:
        """The file LaTeX includes: the PDF twin of an SVG (xelatex reads no SVG), else the image itself."""
        return self.file.rsplit(".", 1)[0] + ".pdf" if self.print_data else self.file


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

    def note_for(self, lang: str) -> str:
        """The spec's note in `lang` (or its note for every language), or ""."""
        notes = dict(self.note)
        return notes.get(lang, notes.get("*", ""))

    def _repr_markdown_(self) -> str | None:
        """Jupyter shows a derivation as its document: the view derive.views registers for it (the IR
        imports no view), or, before any is registered, its plain repr."""
        view = _DISPLAY.get("markdown")
        return view(self) if view else None


_DISPLAY: dict[str, Callable[[Derivation], str]] = {}  # mime kind -> view; written once, by derive.views


def register_display(kind: str, view: Callable[[Derivation], str]) -> None:
    """Let `view` show a derivation in Jupyter as `kind` (markdown): the views register themselves here."""
    _DISPLAY[kind] = view


def values(node: Any) -> Iterator[Value]:
    """Every `Value` inside an IR object, in document order."""
    if isinstance(node, Value):
        yield node
    elif dataclasses.is_dataclass(node):
        for field in dataclasses.fields(node):
            yield from values(getattr(node, field.name))
    elif isinstance(node, tuple):
        for item in node:
            yield from values(item)


def _plain(item: Any) -> bool:
    """A tuple of strings and numbers, possibly nested: printed on one line."""
    return isinstance(item, tuple) and all(isinstance(i, (str, int, float)) or _plain(i) for i in item)


def dump(node: Any, indent: int = 0) -> str:
    """A compact, deterministic, indented text form of an IR object (the golden-file format)."""
    pad = "  " * indent
    if isinstance(node, Value):
        return f"{pad}{node.key} = {node.value!r}  [{node.tex}]"
    if isinstance(node, Eq):  # one line: lhs = rhs... = value {key: float}
        value = f"  {{{node.value.key} = {node.value.value!r}}}" if node.value else ""
        shown = " = ".join((node.lhs, *node.rhs, *((node.value.tex,) if node.value else ())))
        return f"{pad}{shown}{value}"
    if isinstance(node, Figure):  # the image's bytes depend on the plotting library's version
        return f"{pad}Figure {node.kind} {node.file}"
    if dataclasses.is_dataclass(node):
        lines = [f"{pad}{type(node).__name__}"]
        for field in dataclasses.fields(node):
            item = getattr(node, field.name)
            if isinstance(item, (str, int, float)) or item is None:
                lines.append(f"{pad}  {field.name}: {item!r}")
            elif _plain(item):
                lines.append(f"{pad}  {field.name}: {item!r}")
            else:
                lines.append(f"{pad}  {field.name}:")
                lines.append(dump(item, indent + 2))
        return "\n".join(lines)
    if isinstance(node, tuple):
        return "\n".join(dump(item, indent) for item in node) if node else f"{pad}()"
    return f"{pad}{node!r}"
