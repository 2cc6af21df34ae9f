"""Stage 2: the symbolic model. Every quantity of the network is a SymPy symbol, every neuron knows
only its local expressions, and the chain rule is composed later from their local derivatives.

Nothing here differentiates the whole loss: each derivative is of one small local expression.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from functools import cached_property

import sympy as sp

from ..spec import Param, Spec
from . import proofs
from .activations import Activation, activation
from .kept import on_forget
from .losses import LOSSES
from .notation import Notation
from .printer import label as tex_label
from .shapes import shape_of


@dataclass(frozen=True)
class Neuron:
    """A non-input unit: its net input and output symbols and its two local expressions."""

    label: str
    layer: int  # 1..L
    index: int
    net: sp.Symbol
    out: sp.Symbol
    net_display: sp.Expr  # sum of weight * source + bias, unevaluated, in textbook order
    activation: Activation
    sources: tuple[sp.Symbol, ...]  # the previous layer's outputs (or the inputs)
    params: tuple[Param, ...]  # the parameters in net_display (weights in source order, then the bias)
    out_expr: sp.Expr  # the output in terms of net input symbols (its own, or its whole layer's: softmax)

    @cached_property
    def _terms_by_symbol(self) -> dict[sp.Symbol, list[sp.Expr]]:
        terms = self.net_display.args if isinstance(self.net_display, sp.Add) else (self.net_display,)
        found: dict[sp.Symbol, list[sp.Expr]] = {}
        for term in terms:
            for symbol in term.free_symbols:
                found.setdefault(symbol, []).append(term)
        return found

    def net_derivative(self, wrt: sp.Symbol) -> sp.Expr:
        """d in / d wrt: `local_derivative` of the terms of the net input that hold `wrt`, found in an
        index, so that the cost does not grow with the neuron's fan-in (784 inputs); kept per symbol
        (a shape's neurons serve every spec of that shape)."""
        found = self._net_derivatives.get(wrt)
        if found is None:
            terms = self._terms_by_symbol.get(wrt, ())
            found = self._net_derivatives[wrt] = local_derivative(sp.Add(*(term.doit() for term in terms)), wrt)
        return found

    @cached_property
    def _net_derivatives(self) -> dict[sp.Symbol, sp.Expr]:
        return {}

    @cached_property
    def out_eval(self) -> sp.Expr:
        """The output expression as SymPy evaluates it."""
        return self.out_expr.doit()


class Model:
    """The network as symbols: inputs x, targets t, parameters p, and per neuron in/out and local expressions.

    Everything symbolic depends on the network's shape alone (sizes, labels, functions, biases, loss),
    so it is built once per shape (`_Frame`) and shared by every spec of that shape (an exercise's
    variants); `params` are the spec's own, with their values."""

    def __init__(self, spec: Spec):
        self.spec = spec
        self.params = spec.parameters()
        frame = _Frame.of(spec)
        self._frame = frame
        self.param_symbol, self.inputs, self.targets = frame.param_symbol, frame.inputs, frame.targets
        self.loss_total, self.units, self.layers = frame.loss_total, frame.units, frame.layers
        self.delta, self.loss_terms, self.loss = frame.delta, frame.loss_terms, frame.loss
        self.loss_term_display, self.loss_display = frame.loss_term_display, frame.loss_display
        self.loss_expr = frame.loss_expr

    @property
    def outputs(self) -> tuple[Neuron, ...]:
        return self.layers[-1]

    @property
    def neurons(self) -> tuple[Neuron, ...]:
        return tuple(n for layer in self.layers for n in layer)

    def consumers(self, param: Param) -> tuple[Neuron, ...]:
        """The neurons whose net input contains `param` (one, or a whole layer for a shared bias)."""
        return self._consumers.get(param.name, ())

    @cached_property
    def _consumers(self) -> dict[str, tuple[Neuron, ...]]:
        found: dict[str, list[Neuron]] = {}
        for layer in self.layers:
            for n in layer:
                for p in n.params:
                    found.setdefault(p.name, []).append(n)
        return {name: tuple(neurons) for name, neurons in found.items()}

    def names(self, notation: Notation, sample: int | str | None = None) -> dict[sp.Symbol, str]:
        """LaTeX for every symbol in `notation`; with several samples, per-sample symbols get ^{(n)} for
        sample index `sample` (n = sample + 1), or ^{(s)} for a sample named by the letter `sample`.
        (A copy: the frame keeps one per notation and sample.)"""
        found = self._frame.names.get((notation, sample))
        if found is None:
            if len(self._frame.names) >= MAX_FRAMES:
                self._frame.names.clear()
            found = self._frame.names[notation, sample] = self._names(notation, sample)
        return dict(found)

    def _names(self, notation: Notation, sample: int | str | None) -> dict[sp.Symbol, str]:
        def per_sample(text: str) -> str:
            if sample is None:
                return text
            return f"{{{text}}}^{{({sample if isinstance(sample, str) else sample + 1})}}"

        spec, depth = self.spec, self.spec.depth

        def unit(pattern: str, l: int, j: int, label: str) -> str:
            fields = notation.fields(l, depth, j, spec.layers[l], label=tex_label(label))
            return per_sample(pattern.format(**fields))

        names: dict[sp.Symbol, str] = {self.loss_total: per_sample(notation.loss_total.format())}
        for j, (symbol, label) in enumerate(zip(self.inputs, spec.labels[0])):
            names[symbol] = unit(notation.input, 0, j, label)
        for j, (symbol, neuron, term) in enumerate(zip(self.targets, self.outputs, self.loss_terms)):
            names[symbol] = unit(notation.target, depth, j, neuron.label)
            names[term] = unit(notation.loss_term, depth, j, neuron.label)
        for neuron in self.neurons:
            names[neuron.net] = unit(notation.net, neuron.layer, neuron.index, neuron.label)
            names[neuron.out] = unit(notation.out, neuron.layer, neuron.index, neuron.label)
            names[self.delta[neuron.label]] = unit(notation.delta, neuron.layer, neuron.index, neuron.label)
        for l, symbol in self.units.items():
            names[symbol] = notation.bias_unit.format(**notation.fields(l, depth, -1, 2))
        for p in self.params:
            fields = notation.fields(p.layer, depth, p.dest or 0, spec.layers[p.layer], k=p.src,
                                     source_size=spec.layers[p.layer - 1], n=p.name[1:])
            pattern = {"weight": notation.weight, "bias": notation.bias}[p.kind] if p.dest is not None or \
                p.kind == "weight" else notation.shared_bias
            names[self.param_symbol[p.name]] = pattern.format(**fields)
        return names


MAX_FRAMES = 64  # shapes kept (and names kept per shape)


class _Frame:
    """The symbols and local expressions of one shape of network. Its neurons' parameters are the
    network's positions without values (nan): a value is read from the spec's own `Model.params`."""

    _kept: dict[tuple, _Frame] = {}

    @classmethod
    def of(cls, spec: Spec) -> _Frame:
        key = (spec.layers, spec.labels, spec.activations, spec.leaky_slope, spec.bias, spec.trainable_biases,
               spec.loss)
        found = cls._kept.get(key)
        if found is None:
            if len(cls._kept) >= MAX_FRAMES:
                cls._kept.clear()
            found = cls._kept[key] = cls(spec)
        return found

    def __init__(self, spec: Spec):
        params = tuple(dataclasses.replace(p, value=math.nan) for p in spec.parameters())
        self.param_symbol = {p.name: sp.Symbol(f"p:{p.name}") for p in params}
        self.inputs = tuple(sp.Symbol(f"x:{label}") for label in spec.labels[0])
        self.targets = tuple(sp.Symbol(f"t:{label}") for label in spec.labels[-1])
        self.loss_total = sp.Symbol("E")
        # bias units x0 = 1 (inputs) and a0 = 1 (hidden layers) of the layers feeding a bias_node layer
        self.units = {l - 1: sp.Symbol(f"unit:{l - 1}") for l in range(1, len(spec.layers))
                      if spec.bias[l - 1] == "bias_node"}
        self.layers: tuple[tuple[Neuron, ...], ...] = self._build_neurons(spec, params)
        self.delta = {n.label: sp.Symbol(f"delta:{n.label}") for layer in self.layers for n in layer}  # dE/din
        outputs = self.layers[-1]
        self.loss_terms = tuple(sp.Symbol(f"E:{n.label}") for n in outputs)
        loss = self.loss = LOSSES[spec.loss]
        self.loss_term_display = tuple(loss.term(t, n.out, len(outputs)) for t, n in zip(self.targets, outputs))
        self.loss_display = sp.Add(*self.loss_term_display, evaluate=False)
        self.loss_expr = self.loss_display.doit()
        self.names: dict[tuple[Notation, int | str | None], dict[sp.Symbol, str]] = {}

    def _build_neurons(self, spec: Spec, params: tuple[Param, ...]) -> tuple[tuple[Neuron, ...], ...]:
        by_dest: dict[tuple[int, int | None], list[Param]] = {}
        for p in params:
            by_dest.setdefault((p.layer, p.dest), []).append(p)
        layers, sources = [], self.inputs
        for l in range(1, len(spec.layers)):
            act = activation(spec.activations[l - 1], spec.leaky_slope)
            proofs.check_used(act, spec.layers[l])
            nets = tuple(sp.Symbol(f"in:{label}") for label in spec.labels[l])
            neurons = []
            for j, (label, out_expr) in enumerate(zip(spec.labels[l], act.outputs(nets))):
                here = by_dest.get((l, j), [])
                weights = [p for p in here if p.kind == "weight"]
                biases = [p for p in here if p.kind == "bias"] + by_dest.get((l, None), [])
                terms = [sp.Mul(self.param_symbol[p.name], sources[p.src], evaluate=False) for p in weights]
                for p in biases:  # a bias unit's term leads, as in Theta x with x0 = 1; a plain bias ends the sum
                    if p.node:
                        terms.insert(0, sp.Mul(self.param_symbol[p.name], self.units[l - 1], evaluate=False))
                    else:
                        terms.append(self.param_symbol[p.name])
                display = sp.Add(*terms, evaluate=False) if len(terms) > 1 else terms[0]
                neurons.append(Neuron(label, l, j, nets[j], sp.Symbol(f"out:{label}"), display, act, sources,
                                      tuple(weights + biases), out_expr))
            layers.append(tuple(neurons))
            sources = tuple(n.out for n in neurons)
        return tuple(layers)


on_forget(_Frame._kept.clear)


def local_derivative(expr: sp.Expr, wrt: sp.Symbol) -> sp.Expr:
    """The derivative of one local expression, as SymPy gives it.

    For a sum (a net input of many terms), only the terms that contain `wrt` are handed to `sp.diff`:
    by linearity the others contribute 0, and skipping them keeps the cost of a derivative
    independent of the neuron's fan-in.
    """
    if isinstance(expr, sp.Add):
        return sp.Add(*(_diff(term, wrt) for term in expr.args if term.has(wrt)))
    return _diff(expr, wrt)


_DERIVATIVES: dict[tuple[object, int], tuple[sp.Expr, tuple[sp.Symbol, ...]]] = {}
MAX_DERIVATIVES = 1 << 14
on_forget(_DERIVATIVES.clear)


def _diff(expr: sp.Expr, wrt: sp.Symbol) -> sp.Expr:
    """sp.diff(expr, wrt), computed once per shape of (expr, wrt) and renamed for the others (a
    derivative commutes with renaming the symbols): w1 * i1 by w1 and w5 * out_h1 by w5 are one."""
    shape, ordered = shape_of(expr)
    key = (shape, ordered.index(wrt) if wrt in ordered else -1)
    found = _DERIVATIVES.get(key)
    if found is None:
        if len(_DERIVATIVES) >= MAX_DERIVATIVES:
            _DERIVATIVES.clear()
        derivative = sp.diff(expr, wrt)
        _DERIVATIVES[key] = (derivative, ordered)
        return derivative
    derivative, symbols = found
    return derivative if symbols == ordered else derivative.xreplace(dict(zip(symbols, ordered)))
