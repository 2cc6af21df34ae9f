"""The matrix form of the backward pass: BP1-BP4 for a general layer, and each layer's deltas and
weight gradient as matrix products with every matrix printed (its entries the values already derived
neuron by neuron, so the two forms show the same numbers)."""
from __future__ import annotations

import sympy as sp

from .. import keys
from ..ir import Eq, MatrixStep, Value
from ..symbolic import Model, Notation, kept, tex
from .book import Book, cell


def matrix_names(model: Model, table: Notation, l: int | None) -> dict[str, sp.Expr]:
    """The vector and matrix symbols of layer l (l = None: the general layer l of BP1-BP4)."""
    return _names(len(model.layers), table, l, model.layers[-1][0].activation.elementwise)


@kept(1 << 8)
def _names(depth: int, table: Notation, l: int | None, elementwise: bool) -> dict[str, sp.Expr]:
    """matrix_names of a network `depth` layers deep whose output layer is `elementwise` (or a softmax):
    kept, for every exercise variant of one shape names them alike (callers only read it)."""
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
    if output and not elementwise:
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
    """Layer l's deltas and weight gradient as matrix products, with every matrix printed.

    Each matrix entry is a symbol named by its quantity key, and every product is built from the keys
    alone (and kept): the variants of one exercise, of one shape, share the expressions and only give
    the entries other numbers."""
    layer, below = model.layers[l - 1], model.spec.labels[l - 1]
    found: list[Value] = []
    names = matrix_names(model, table, l)

    def column(keys_: list[str]) -> tuple[str, ...]:
        return book.cells(keys_, found)

    if l == len(model.layers):
        incoming = column([keys.d_out(s, n.label) for n in layer])
        if layer[0].activation.elementwise:
            numeric = _hadamard(_matrix((incoming,), True), _matrix((column([keys.d_activation(s, n.label)
                                                                                for n in layer]),), True))
        else:
            jacobian = tuple(column([keys.d_activation(s, k.label, n.label) for n in layer]) for k in layer)
            numeric = _transposed_times(_matrix(jacobian), _matrix((incoming,), True))
    else:
        weights = tuple(column([keys.param(p.name) for p in m.params if p.kind == "weight"]) for m in model.layers[l])
        back = _transposed_times(_matrix(weights), _matrix((column([keys.delta(s, m.label) for m in model.layers[l]]),),
                                                            True))
        numeric = _hadamard(back, _matrix((column([keys.d_activation(s, n.label) for n in layer]),), True))
    result = _matrix((column([keys.delta(s, n.label) for n in layer]),), True)
    delta = Eq(book.tex(names["delta"]), (book.tex(names["rule"]), book.substituted(numeric), book.substituted(result)))
    sources = column([keys.x(s, label) if l == 1 else keys.out(s, label) for label in below])
    outer = _times_transposed(result, _matrix((sources,), True))
    by_param = {(p.dest, p.src): p for n in layer for p in n.params if p.kind == "weight"}
    grads = _matrix(tuple(column([keys.sample_gradient(s, by_param[(j, k)].name) for k in range(len(below))])
                          for j in range(len(layer))))
    gradient = Eq(book.tex(names["gradient"]), (book.tex(names["outer"]), book.substituted(outer),
                                                 book.substituted(grads)))
    return MatrixStep(l, delta, gradient, tuple(found))


@kept(1 << 10)
def _matrix(rows: tuple[tuple[str, ...], ...], column: bool = False) -> sp.ImmutableMatrix:
    """The matrix of the quantities `rows` hold (their keys; `column`: the one row is a column)."""
    if column:
        return sp.ImmutableMatrix([[cell(key)] for key in rows[0]])
    return sp.ImmutableMatrix([[cell(key) for key in row] for row in rows])


@kept(1 << 10)
def _hadamard(a: sp.MatrixExpr, b: sp.MatrixExpr) -> sp.MatrixExpr:
    return sp.HadamardProduct(a, b)


@kept(1 << 10)
def _transposed_times(a: sp.MatrixExpr, b: sp.MatrixExpr) -> sp.MatrixExpr:
    return sp.MatMul(sp.Transpose(a), b, evaluate=False)


@kept(1 << 10)
def _times_transposed(a: sp.MatrixExpr, b: sp.MatrixExpr) -> sp.MatrixExpr:
    return sp.MatMul(a, sp.Transpose(b), evaluate=False)
