"""The matrix form of the backward pass: BP1-BP4 for a general layer, and each layer's deltas and
weight gradient as matrix products with every matrix printed (its entries the values already derived
neuron by neuron, so the two forms show the same numbers)."""
from __future__ import annotations

import sympy as sp

from .. import keys
from ..ir import Eq, MatrixStep, Value
from ..symbolic import Model, Notation, tex
from .book import Book


def matrix_names(model: Model, table: Notation, l: int | None) -> dict[str, sp.Expr]:
    """The vector and matrix symbols of layer l (l = None: the general layer l of BP1-BP4)."""
    depth = len(model.layers)
    if l is None:
        here, above, last, below = "l", "l+1", "L", "l-1"
    else:
        here, above, last, below = (table.layer(i, depth) for i in (l, l + 1, depth, l - 1))
    loss = table.loss_total.format()

    def m(name: str) -> sp.MatrixSymbol:
        return sp.MatrixSymbol(name, 1, 1)

    delta, delta_above, w_above = m(rf"\delta^{{({here})}}"), m(rf"\delta^{{({above})}}"), m(rf"W^{{({above})}}")
    slope, a_below = m(rf"f'\left(z^{{({here})}}\right)"), m(rf"a^{{({below})}}")
    grad_a = m(rf"\nabla_{{a^{{({last})}}}} {loss}")
    output = l == depth
    rule = (sp.HadamardProduct(grad_a, slope) if output else
            sp.HadamardProduct(sp.MatMul(sp.Transpose(w_above), delta_above, evaluate=False), slope))
    if output and not model.layers[-1][0].activation.elementwise:
        rule = sp.MatMul(sp.Transpose(m(rf"J^{{({here})}}")), grad_a, evaluate=False)
    return {"delta": delta, "rule": rule, "gradient": m(rf"\frac{{\partial {loss}}}{{\partial W^{{({here})}}}}"),
            "outer": sp.MatMul(delta, sp.Transpose(a_below), evaluate=False),
            "bias": m(rf"\frac{{\partial {loss}}}{{\partial b^{{({here})}}}}")}


def equations(model: Model, table: Notation) -> tuple[Eq, ...]:
    """BP1-BP4 in matrix form, for a general layer l and the output layer L (BP1 through the Jacobian for a
    softmax output; BP3 only when some layer has a bias)."""
    general = matrix_names(model, table, None)
    loss = table.loss_total.format()
    output_delta = sp.MatrixSymbol(r"\delta^{(L)}", 1, 1)
    slope_out = sp.MatrixSymbol(r"f'\left(z^{(L)}\right)", 1, 1)
    grad_a = sp.MatrixSymbol(rf"\nabla_{{a^{{(L)}}}} {loss}", 1, 1)
    if model.layers[-1][0].activation.elementwise:
        bp1 = sp.HadamardProduct(grad_a, slope_out)
    else:  # a softmax output: each delta sums over the layer's outputs, through its Jacobian
        bp1 = sp.MatMul(sp.Transpose(sp.MatrixSymbol(r"J^{(L)}", 1, 1)), grad_a, evaluate=False)
    found = [Eq(tex(output_delta, {}), (tex(bp1, {}),)), Eq(tex(general["delta"], {}), (tex(general["rule"], {}),))]
    if any(style != "none" for style in model.spec.bias):  # BP3 only where there is a bias
        found.append(Eq(tex(general["bias"], {}), (tex(general["delta"], {}),)))
    return (*found, Eq(tex(general["gradient"], {}), (tex(general["outer"], {}),)))



def matrix_step(model: Model, book: Book, s: int, table: Notation, l: int) -> MatrixStep:
    """Layer l's deltas and weight gradient as matrix products, with every matrix printed."""
    layer, below = model.layers[l - 1], model.spec.labels[l - 1]
    found: list[Value] = []
    names = matrix_names(model, table, l)

    def column(keys: list[str]) -> sp.Matrix:
        return sp.ImmutableMatrix([[book.entry(k, found)] for k in keys])

    if l == len(model.layers):
        incoming = column([keys.d_out(s, n.label) for n in layer])
        if layer[0].activation.elementwise:
            numeric = sp.HadamardProduct(incoming, column([keys.d_activation(s, n.label) for n in layer]))
        else:
            jacobian = sp.ImmutableMatrix([[book.entry(keys.d_activation(s, k.label, n.label), found) for n in layer]
                                  for k in layer])
            numeric = sp.MatMul(sp.Transpose(jacobian), incoming, evaluate=False)
    else:
        above = model.layers[l]
        weights = sp.ImmutableMatrix([[book.entry(keys.param(p.name), found) for p in m.params if p.kind == "weight"]
                             for m in above])
        back = sp.MatMul(sp.Transpose(weights), column([keys.delta(s, m.label) for m in above]), evaluate=False)
        numeric = sp.HadamardProduct(back, column([keys.d_activation(s, n.label) for n in layer]))
    result = column([keys.delta(s, n.label) for n in layer])
    delta = Eq(book.tex(names["delta"]), (book.tex(names["rule"]), book.substituted(numeric), book.substituted(result)))
    sources = [keys.x(s, label) if l == 1 else keys.out(s, label) for label in below]
    outer = sp.MatMul(result, sp.Transpose(column(sources)), evaluate=False)
    by_param = {(p.dest, p.src): p for n in layer for p in n.params if p.kind == "weight"}
    grads = sp.ImmutableMatrix([[book.entry(keys.sample_gradient(s, by_param[(j, k)].name), found)
                                 for k in range(len(below))]
                       for j in range(len(layer))])
    gradient = Eq(book.tex(names["gradient"]), (book.tex(names["outer"]), book.substituted(outer),
                                                 book.substituted(grads)))
    return MatrixStep(l, delta, gradient, tuple(found))
