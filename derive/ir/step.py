"""The IR of one training step: values and equations, the factors and chains of the chain rule,
each sample's forward and backward pass, the matrix form, and the tables."""
from __future__ import annotations

from dataclasses import dataclass


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
    # a softmax layer: every neuron's dE/dout is derived first, since each delta uses all of them
    outputs_first: bool = False


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
