"""One sample worked out: its inputs and targets, the forward pass neuron by neuron, the error, the
backward pass (derive.derivation.backward) and the matrix form (derive.derivation.matrix)."""
from __future__ import annotations

import sympy as sp

from .. import keys
from ..ir import Eq, NeuronForward, Sample
from ..symbolic import Model, Neuron, Notation, label
from .backward import Backward
from .book import Book, dedupe
from .matrix import matrix_step


def sample(model: Model, book: Book, s: int, table: Notation, focus: set[str], needed: set[str],
           training: bool = True, with_matrix: bool = True) -> Sample:
    """Sample s: forward pass and error; with training, the deltas of the `needed` neurons, the chains
    of the `focus` parameters and (`with_matrix`) the matrix form."""
    spec = model.spec

    inputs = tuple(Eq(book.names[x], (), book.assign(x, keys.x(s, label), value))
                   for x, label, value in zip(model.inputs, spec.labels[0], spec.inputs[s]))
    targets = tuple(Eq(book.names[t], (), book.assign(t, keys.target(s, n.label), value))
                    for t, n, value in zip(model.targets, model.outputs, spec.targets[s]))
    units = tuple(Eq(book.names[u], (), book.assign(u, keys.unit(s, l), 1.0)) for l, u in model.units.items())
    units = tuple(u for u in units if u.lhs != "1")  # a notation that writes the unit as 1 has nothing to define
    forward = tuple(_forward(book, layer, s) for layer in model.layers)
    loss_terms = tuple(
        book.eq(symbol, (display,), book.assign(symbol, keys.error(s, n.label), book.evaluate(display.doit())))
        for symbol, display, n in zip(model.loss_terms, model.loss_term_display, model.outputs))
    total = book.evaluate(model.loss_expr)
    loss_total = book.eq(model.loss_total, (sp.Add(*model.loss_terms, evaluate=False),),
                         book.assign(model.loss_total, keys.error(s), total))
    backward, matrix = (), ()
    if training:
        steps = Backward(model, book, s, focus)
        backward = tuple(steps.backward_layer(tuple(n for n in layer if n.label in needed), layer)
                         for layer in reversed(model.layers) if any(n.label in needed for n in layer))
        matrix = tuple(matrix_step(model, book, s, table, l) for l in range(len(model.layers), 0, -1)) \
            if with_matrix else ()
    return Sample(s, inputs, targets, units, forward, loss_terms, loss_total, backward, matrix)


def _forward(book: Book, layer: tuple[Neuron, ...], s: int) -> tuple[NeuronForward, ...]:
    """Every net input of the layer, then every output (a softmax output needs all the net inputs)."""
    nets = [book.eq(n.net, (n.net_display,), book.assign(n.net, keys.net(s, n.label), book.evaluate(n.net_display)))
            for n in layer]
    outs = []
    for n in layer:
        value = book.assign(n.out, keys.out(s, n.label), book.evaluate(n.out_eval))
        named = [book.tex(n.activation.named(n.net))] if n.activation.elementwise else []
        forms = [*named, book.tex(n.out_expr), book.substituted(n.out_expr)]
        outs.append(Eq(book.tex(n.out), tuple(dedupe(forms, value, book.plain)), value))
    return tuple(NeuronForward(n.label, label(n.label), net, out) for n, net, out in zip(layer, nets, outs))


def needed(model: Model, focus: set[str]) -> set[str]:
    """The neurons whose deltas the chains of the `focus` parameters use: those the parameters feed, and
    every neuron of the layers above them (a delta needs every delta of the next layer); a softmax
    layer's deltas need each other."""
    focused = [p for p in model.params if p.name in focus]
    if not focused:
        return set()
    lowest = min(p.layer for p in focused)
    fed = {n.label for p in focused for n in model.consumers(p)}
    whole = [layer for layer in model.layers[lowest - 1:]
             if layer[0].layer > lowest or not layer[0].activation.elementwise]
    return fed | {n.label for layer in whole for n in layer}
