"""Build the derivation IR from the symbolic model: the symbolic path of derive.

Forward values come from evaluating each neuron's local expression; every chain-rule factor is the
SymPy derivative of one local expression, evaluated at those values; the chain rule multiplies and
sums them along the paths. The numeric engine does not feed this module (`verify` compares the two),
with one exception: with spec.focus, the summary's gradients of the parameters not written out are the
numeric engine's, and finite differences check them.
"""
from __future__ import annotations

import math

import sympy as sp

from . import fmt, latex
from .ir import (Chain, Derivation, Eq, Factor, LayerBackward, MatrixStep, NeuronBackward, NeuronForward, ParamRow, Path,
                 Preliminary, Sample, SampleTable, SummaryRow, Term, Value)
from .functions import SIMPLIFIED_DELTA, Y, Z, check_sigmoid_bce, check_softmax_cross_entropy, check_steps, frac
from .latex import partial, tex
from .model import Model, Neuron, local_derivative, value_of
from .spec import Param, Spec


class _Book:
    """Names, numbers and values of the symbols of one sample (or of the whole step)."""

    def __init__(self, names: dict[sp.Symbol, str], digits: int, parent: _Book | None = None):
        self.digits = digits
        self.names = dict(parent.names) if parent else {}
        self.names.update(names)
        self.numbers: dict[sp.Symbol, str] = dict(parent.numbers) if parent else {}
        self.env: dict[sp.Symbol, float] = dict(parent.env) if parent else {}
        self.by_key: dict[str, float] = dict(parent.by_key) if parent else {}  # every number by quantity key
        self._placeholders = 0

    def value(self, key: str, number: float) -> Value:
        self.by_key[key] = number
        return Value(key, number, fmt.latex(number, self.digits))

    def assign(self, symbol: sp.Symbol, key: str, number: float) -> Value:
        """Give `symbol` a value: it prints as that number in substituted forms from now on."""
        self.env[symbol] = number
        self.numbers[symbol] = fmt.operand(number, self.digits)
        return self.value(key, number)

    def entry(self, key: str, found: list[Value]) -> sp.Symbol:
        """A placeholder for the already computed quantity `key`, recorded in `found` (matrix entries)."""
        symbol, value = self.placeholder(key, key, self.by_key[key])
        self.numbers[symbol] = value.tex  # a matrix cell needs no parentheses
        found.append(value)
        return symbol

    def placeholder(self, name: str, key: str, number: float) -> tuple[sp.Symbol, Value]:
        """A fresh symbol standing for an already computed quantity (a factor, a delta) in products."""
        self._placeholders += 1
        symbol = sp.Symbol(f"_q{self._placeholders}:{key}")
        self.names[symbol] = name
        return symbol, self.assign(symbol, key, number)

    def evaluate(self, expr: sp.Expr) -> float:
        return value_of(expr, self.env)

    def tex(self, expr: sp.Basic) -> str:
        return tex(expr, self.names)

    def substituted(self, expr: sp.Basic) -> str:
        return tex(expr, self.numbers, numbers=True)

    def eq(self, lhs: sp.Basic, forms: tuple[sp.Basic, ...], value: Value | None, with_numbers: bool = True) -> Eq:
        """lhs = each form symbolically [= the last form with numbers] [= value]."""
        rhs = [self.tex(f) for f in forms]
        if with_numbers and forms:
            rhs.append(self.substituted(forms[-1]))
        return Eq(self.tex(lhs), tuple(_dedupe(rhs, value)), value)


def _dedupe_forms(forms: tuple[sp.Basic, ...]) -> list[sp.Basic]:
    """Drop a form equal to the one before it (a single-term sum is its term)."""
    return [f for i, f in enumerate(forms) if i == 0 or f != forms[i - 1]]


def _dedupe(rhs: list[str], value: Value | None) -> list[str]:
    """Drop a right-hand side that repeats the previous one or the final value (x = 0.5 = 0.5)."""
    kept: list[str] = []
    for form in rhs:
        if (not kept or form != kept[-1]) and (value is None or form != value.tex):
            kept.append(form)
    return kept


def build(spec: Spec, *, notation: str | None = None, digits: int = fmt.DEFAULT_DIGITS,
          numbers: dict[str, float] | None = None) -> Derivation:
    """The complete worked solution of one training step of `spec`.

    With spec.focus, only the focused parameters' chains, sums and updates are written out, the matrix
    form is left out, and the other parameters' gradients in the summary come from `numbers` (the
    numeric engine's, checked against finite differences by `verify`)."""
    model = Model(spec)
    focus = set(spec.focus) if spec.focus else {p.name for p in model.params}
    notation = notation or spec.notation
    table = latex.NOTATIONS[notation]
    several = spec.samples > 1
    book = _Book(model.names(table), digits)
    rate = sp.Symbol("lr")
    book.names[rate] = table.learning_rate.format()
    training = spec.learning_rate is not None  # without [training]: the forward pass and the error only
    rate_value = book.assign(rate, "lr", spec.learning_rate) if training else None
    rows = tuple(_param_row(model, book, p) for p in model.params)

    needed = _needed(model, focus)
    samples = tuple(_Sampler(model, _Book(model.names(table, s if several else None), digits, book), s, table,
                             focus, needed).run(training, with_matrix=not spec.focus)
                    for s in range(spec.samples))

    penalty = _Penalty(model, book, samples) if spec.l2 else None
    chains = [sample.chains() for sample in samples]
    gradients: dict[str, Value] = {}
    gradient_symbols: dict[str, sp.Symbol] = {}
    reductions = []
    trainable = [p for p in model.params if p.trainable and training]
    trainable_names = {p.name for p in trainable}
    for p in trainable:
        if p.name not in focus:
            total = numbers[f"grad:{p.name}"] if numbers else math.nan
            gradients[p.name] = book.value(f"grad:{p.name}", total)
            continue
        gradient_symbol = gradient_symbols[p.name] = sp.Symbol(f"grad:{p.name}")
        objective = penalty.objective if penalty else model.loss_total
        book.names[gradient_symbol] = book.tex(partial(objective, model.param_symbol[p.name]))
        per_sample = [by_param[p.name].result for by_param in chains]
        total = sum(eq.value.value for eq in per_sample)
        if spec.reduction == "mean":
            total /= len(per_sample)
        form = _reduction(book, spec.reduction, per_sample)
        if penalty and p.kind == "weight":
            total += spec.l2 / spec.samples * p.value
            form = sp.Add(form, penalty.gradient(model.param_symbol[p.name]), evaluate=False)
        gradients[p.name] = book.assign(gradient_symbol, f"grad:{p.name}", total)
        if several or (penalty and p.kind == "weight"):
            reductions.append(book.eq(gradient_symbol, (form,), gradients[p.name]))

    updates, summary = [], []
    for p, row in zip(model.params, rows):
        if p.name not in trainable_names:
            continue
        if p.name not in focus:
            updated = p.value - spec.learning_rate * gradients[p.name].value
            summary.append(SummaryRow(p.name, row.tex, row.value, gradients[p.name],
                                      book.value(f"updated:{p.name}", updated)))
            continue
        symbol = model.param_symbol[p.name]
        new = sp.Symbol(f"new:{p.name}")
        book.names[new] = f"{{{book.names[symbol]}}}^{{+}}"
        updated = p.value - spec.learning_rate * gradients[p.name].value
        form = sp.Add(symbol, sp.Mul(-1, sp.Mul(rate, gradient_symbols[p.name], evaluate=False),
                                     evaluate=False), evaluate=False)
        value = book.assign(new, f"updated:{p.name}", updated)
        updates.append(book.eq(new, (form,), value))
        summary.append(SummaryRow(p.name, row.tex, row.value, gradients[p.name], value))

    in_full = spec.written_samples
    others = _other_samples(model, table, samples[in_full:], chains[in_full:],
                            [p for p in trainable if p.name in focus]) if in_full < spec.samples else ()
    loss_values = [s.loss_total.value.value for s in samples]
    total_loss = sum(loss_values) / (len(loss_values) if spec.reduction == "mean" else 1)
    return Derivation(
        name=spec.name, note=spec.note, layers=spec.layers, labels=spec.labels,
        names=tuple(tuple(r"\cdots" if text is None else latex.label(text) for text in _shortened(group))
                    for group in spec.labels), activations=spec.activations,
        preliminaries=_preliminaries(model),
        loss=spec.loss, bias=spec.bias, reduction=spec.reduction, notation=notation, digits=digits,
        learning_rate=Eq(book.names[rate], (), rate_value) if training else None,
        loss_definition=Eq(book.tex(model.loss_total), (book.tex(model.loss_display),)),
        parameters=rows, data_columns=tuple(r"\cdots" if x is None else book.names[x]
                                            for x in (*_shortened(model.inputs), *_shortened(model.targets))),
        data_rows=tuple((*_shortened([e.value for e in s.inputs]), *_shortened([e.value for e in s.targets]))
                        for s in samples), samples=samples,
        listed=spec.focus if spec.focus and len(model.params) > LONG_LIST else (),
        equations=_equations(model, table) if training else (),
        regularization=(penalty.lam_value, penalty.definition, penalty.total) if penalty else None,
        reductions=tuple(reductions), updates=tuple(updates),
        summary=tuple(summary), total_loss=book.value("E", total_loss), focus=spec.focus,
        in_full=in_full if in_full < spec.samples else None, others=others,
        loss_terms=tuple(book.value(f"E:{n.label}", sum(s.loss_terms[j].value.value for s in samples)
                                    / (len(samples) if spec.reduction == "mean" else 1))
                         for j, n in enumerate(model.outputs)))


TABLE_COLUMNS = 6  # quantities per table of the samples not written out step by step
LONG_LIST = 100  # parameters: beyond, a focused document's tables list the focused ones (the JSON has all)


def _shortened(items):
    """Items of a table row, or over latex.WIDE of them the first three and the last two around a None
    (printed as a centred dots), as wide sums are written."""
    items = list(items)
    return items if len(items) <= latex.WIDE else [*items[:3], None, *items[-2:]]


def _other_samples(model: Model, table: latex.Notation, samples: tuple[Sample, ...], chains: list[dict[str, Chain]],
                   params: list[Param]) -> tuple[SampleTable, ...]:
    """The samples not written out step by step, a row each: the outputs, the loss and the gradient of
    each written parameter (the terms of the sum over samples), TABLE_COLUMNS quantities per table;
    the columns are named for sample s."""
    names = model.names(table, "s")
    columns = [names[n.out] for n in model.outputs] + [names[model.loss_total]] + [
        tex(partial(model.loss_total, model.param_symbol[p.name]), names) for p in params]
    rows = [(s.index, tuple(n.out.value for n in s.forward[-1]) + (s.loss_total.value,) +
             tuple(by_param[p.name].result.value for p in params)) for s, by_param in zip(samples, chains)]
    return tuple(SampleTable(tuple(columns[a:a + TABLE_COLUMNS]),
                             tuple((index, values[a:a + TABLE_COLUMNS]) for index, values in rows))
                 for a in range(0, len(columns), TABLE_COLUMNS))


def _needed(model: Model, focus: set[str]) -> set[str]:
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


def _preliminaries(model: Model) -> tuple[Preliminary, ...]:
    """Each activation the network uses, defined and differentiated once, every step proved by SymPy."""
    found = []
    for act in dict.fromkeys(layer[0].activation for layer in model.layers):
        check_steps(act)
        names = {Y: "y"}
        value, variable, output = act.subject()
        named = tex(value, names)
        slope = tex(partial(value, variable), names)
        forms = _dedupe([tex(form, names) for form in (act.expr, *(f.expr for f in act.forms))], None)
        derivative = tex(sp.diff(act.expr, variable), names)
        steps = tuple(tex(step.expr, names) for step in act.steps)
        found.append(Preliminary(
            act.name, Eq(named, tuple(f for f in forms if f != named)), Eq(slope, (derivative,)),
            None if steps in ((), (derivative,)) else Eq(slope, steps), tuple(step.note for step in act.steps),
            tex(sp.Eq(output, act.named(Z) if act.elementwise else act.expr, evaluate=False), names)))
    return tuple(found)


def _param_row(model: Model, book: _Book, p: Param) -> ParamRow:
    symbol = model.param_symbol[p.name]
    labels = model.spec.labels
    source = labels[p.layer - 1][p.src] if p.kind == "weight" else None
    dest = labels[p.layer][p.dest] if p.dest is not None else None
    if p.kind == "weight":
        connection = rf"{latex.label(source)} \to {latex.label(dest)}"
    else:
        connection = ", ".join(latex.label(n.label) for n in model.consumers(p))
    return ParamRow(p.name, book.names[symbol], p.kind, p.layer, source, dest, connection, p.trainable,
                    book.assign(symbol, f"param:{p.name}", p.value))


def _reduction(book: _Book, reduction: str, per_sample: list[Eq]) -> sp.Expr:
    """The sum (or mean) over samples of dE^(s)/dp, as a form (one sample: its gradient)."""
    terms = [book.placeholder(eq.lhs, eq.value.key, eq.value.value)[0] for eq in per_sample]
    form: sp.Expr = sp.Add(*terms, evaluate=False) if len(terms) > 1 else terms[0]
    if reduction == "mean" and len(terms) > 1:
        form = sp.Mul(sp.Rational(1, len(terms)), form, evaluate=False)
    return form


def _matrix_names(model: Model, table: latex.Notation, l: int | None) -> dict[str, sp.Expr]:
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


def _equations(model: Model, table: latex.Notation) -> tuple[Eq, ...]:
    """BP1-BP4 in matrix form, for a general layer l and the output layer L."""
    general = _matrix_names(model, table, None)
    loss = table.loss_total.format()
    output_delta = sp.MatrixSymbol(r"\delta^{(L)}", 1, 1)
    slope_out = sp.MatrixSymbol(r"f'\left(z^{(L)}\right)", 1, 1)
    grad_a = sp.MatrixSymbol(rf"\nabla_{{a^{{(L)}}}} {loss}", 1, 1)
    return (
        Eq(tex(output_delta, {}), (tex(sp.HadamardProduct(grad_a, slope_out), {}),)),
        Eq(tex(general["delta"], {}), (tex(general["rule"], {}),)),
        Eq(tex(general["bias"], {}), (tex(general["delta"], {}),)),
        Eq(tex(general["gradient"], {}), (tex(general["outer"], {}),)),
    )


class _Penalty:
    """L2 regularization: R = lambda / (2m) * sum of squared weights, biases excluded (article 004)."""

    def __init__(self, model: Model, book: _Book, samples: tuple[Sample, ...]):
        spec = model.spec
        self.book = book
        self.lam, self.m, self.symbol, self.objective = sp.symbols("lambda m R objective")
        book.names |= {self.lam: r"\lambda", self.m: "m", self.symbol: "R"}
        book.names[self.objective] = rf"\left({book.names[model.loss_total]} + R\right)"
        self.lam_value = book.assign(self.lam, "l2", spec.l2)
        self.m_value = book.assign(self.m, "m", float(spec.samples))
        weights = [model.param_symbol[p.name] for p in model.params if p.kind == "weight"]
        squares = sp.Add(*(sp.Pow(w, 2, evaluate=False) for w in weights), evaluate=False)
        form = sp.Mul(frac(self.lam, sp.Mul(2, self.m, evaluate=False)), squares, evaluate=False)
        value = spec.l2 / (2 * spec.samples) * sum(p.value ** 2 for p in model.params if p.kind == "weight")
        self.definition = book.eq(self.symbol, (form,), book.assign(self.symbol, "reg", value))
        data = sum(s.loss_total.value.value for s in samples) / (spec.samples if spec.reduction == "mean" else 1)
        data_symbol, _ = book.placeholder(book.names[model.loss_total], "E", data)
        total = sp.Add(data_symbol, self.symbol, evaluate=False)
        self.total = Eq(book.tex(total), (book.substituted(total),),
                        book.assign(self.objective, "objective", data + value))

    def gradient(self, weight: sp.Symbol) -> sp.Expr:
        """d R / d w = lambda / m * w."""
        return sp.Mul(frac(self.lam, self.m), weight, evaluate=False)


class _Sampler:
    """Forward pass, error and backward pass of one sample, evaluated symbolically."""

    def __init__(self, model: Model, book: _Book, index: int, table: latex.Notation, focus: set[str],
                 needed: set[str]):
        self.model, self.book, self.s, self.table, self.focus, self.needed = model, book, index, table, focus, needed
        self.deltas: dict[str, tuple[sp.Symbol, Value]] = {}
        self.known: dict[str, tuple[Eq, ...]] = {}  # label -> the factors of delta derived in its section
        self.givens: dict[str, Eq] = {}  # label -> in_n = its net input, printed once

    def key(self, name: str) -> str:
        return f"{self.s}:{name}"

    def run(self, training: bool = True, with_matrix: bool = True) -> Sample:
        model, book, spec = self.model, self.book, self.model.spec
        inputs = tuple(Eq(book.names[x], (), book.assign(x, self.key(f"x:{label}"), value))
                       for x, label, value in zip(model.inputs, spec.labels[0], spec.inputs[self.s]))
        targets = tuple(Eq(book.names[t], (), book.assign(t, self.key(f"t:{n.label}"), value))
                        for t, n, value in zip(model.targets, model.outputs, spec.targets[self.s]))
        units = tuple(Eq(book.names[u], (), book.assign(u, self.key(f"unit:{l}"), 1.0)) for l, u in model.units.items())
        forward = tuple(self.forward(layer) for layer in model.layers)
        loss_terms = tuple(
            book.eq(symbol, (display,), book.assign(symbol, self.key(f"E:{n.label}"), book.evaluate(display.doit())))
            for symbol, display, n in zip(model.loss_terms, model.loss_term_display, model.outputs))
        total = book.evaluate(model.loss_expr)
        loss_total = book.eq(model.loss_total, (sp.Add(*model.loss_terms, evaluate=False),),
                             book.assign(model.loss_total, self.key("E"), total))
        backward, matrix = (), ()
        if training:
            backward = tuple(self.backward_layer(tuple(n for n in layer if n.label in self.needed), layer)
                             for layer in reversed(model.layers) if any(n.label in self.needed for n in layer))
            matrix = tuple(self.matrix_step(l) for l in range(len(model.layers), 0, -1)) if with_matrix else ()
        return Sample(self.s, inputs, targets, units, forward, loss_terms, loss_total, backward, matrix)

    def matrix_step(self, l: int) -> MatrixStep:
        """Layer l's deltas and weight gradient as matrix products, with every matrix printed."""
        model, book, key = self.model, self.book, self.key
        layer, below = model.layers[l - 1], model.spec.labels[l - 1]
        found: list[Value] = []
        names = _matrix_names(model, self.table, l)

        def column(keys: list[str]) -> sp.Matrix:
            return sp.ImmutableMatrix([[book.entry(k, found)] for k in keys])

        if l == len(model.layers):
            incoming = column([key(f"dE/dout:{n.label}") for n in layer])
            if layer[0].activation.elementwise:
                numeric = sp.HadamardProduct(incoming, column([key(f"dout/din:{n.label}") for n in layer]))
            else:
                jacobian = sp.ImmutableMatrix([[book.entry(key(f"dout/din:{k.label}:{n.label}"), found) for n in layer]
                                      for k in layer])
                numeric = sp.MatMul(sp.Transpose(jacobian), incoming, evaluate=False)
        else:
            above = model.layers[l]
            weights = sp.ImmutableMatrix([[book.entry(f"param:{p.name}", found) for p in m.params if p.kind == "weight"]
                                 for m in above])
            back = sp.MatMul(sp.Transpose(weights), column([key(f"delta:{m.label}") for m in above]), evaluate=False)
            numeric = sp.HadamardProduct(back, column([key(f"dout/din:{n.label}") for n in layer]))
        result = column([key(f"delta:{n.label}") for n in layer])
        delta = Eq(book.tex(names["delta"]), (book.tex(names["rule"]), book.substituted(numeric), book.substituted(result)))
        sources = [key(f"x:{label}") if l == 1 else key(f"out:{label}") for label in below]
        outer = sp.MatMul(result, sp.Transpose(column(sources)), evaluate=False)
        by_param = {(p.dest, p.src): p for n in layer for p in n.params if p.kind == "weight"}
        grads = sp.ImmutableMatrix([[book.entry(key(f"dE/dp:{by_param[(j, k)].name}"), found) for k in range(len(below))]
                           for j in range(len(layer))])
        gradient = Eq(book.tex(names["gradient"]), (book.tex(names["outer"]), book.substituted(outer),
                                                     book.substituted(grads)))
        return MatrixStep(l, delta, gradient, tuple(found))

    def forward(self, layer: tuple[Neuron, ...]) -> tuple[NeuronForward, ...]:
        """Every net input of the layer, then every output (a softmax output needs all the net inputs)."""
        book = self.book
        nets = [book.eq(n.net, (n.net_display,), book.assign(n.net, self.key(f"in:{n.label}"),
                                                                 book.evaluate(n.net_display))) for n in layer]
        outs = []
        for n in layer:
            value = book.assign(n.out, self.key(f"out:{n.label}"), book.evaluate(n.out_eval))
            named = [book.tex(n.activation.named(n.net))] if n.activation.elementwise else []
            forms = [*named, book.tex(n.out_expr), book.substituted(n.out_expr)]
            outs.append(Eq(book.tex(n.out), tuple(_dedupe(forms, value)), value))
        return tuple(NeuronForward(n.label, latex.label(n.label), net, out) for n, net, out in zip(layer, nets, outs))

    def backward_layer(self, shown: tuple[Neuron, ...], layer: tuple[Neuron, ...]) -> LayerBackward:
        """The deltas of the `shown` neurons of `layer` (all of it, unless a focus needs fewer)."""
        output_layer = layer[0].layer == len(self.model.layers)
        d_outs = {n.label: self.d_out_output(n) if output_layer else self.d_out_hidden(n) for n in shown}
        neurons = tuple(self.backward_neuron(n, layer, d_outs) for n in shown)
        shared = tuple(self.chain(p, layer) for p in layer[0].params
                       if p.dest is None and p.kind == "bias" and p.trainable and p.name in self.focus)
        return LayerBackward(layer[0].layer, neurons, shared)

    def backward_neuron(self, n: Neuron, layer: tuple[Neuron, ...], d_outs: dict[str, Factor]) -> NeuronBackward:
        """delta_n = dE/din_n: dE/dout_n * dout_n/din_n, or for softmax the sum over the layer's outputs."""
        model, book = self.model, self.book
        if n.activation.elementwise:
            d_net, jacobian = self.d_net(n), ()
            pairs = [(d_outs[n.label], d_net)]
            general = sp.Mul(partial(model.loss_total, n.out), partial(n.out, n.net), evaluate=False)
        else:
            d_net, jacobian = None, tuple(self.jacobian_factor(k, n, layer) for k in layer)
            pairs = [(d_outs[k.label], factor) for k, factor in zip(layer, jacobian)]
            general = sp.Add(*(sp.Mul(partial(model.loss_total, k.out), partial(k.out, n.net), evaluate=False)
                               for k in layer), evaluate=False)
        products = [sp.Mul(*(book.placeholder(f.symbol, f.eq.value.key, f.eq.value.value)[0] for f in pair),
                           evaluate=False) for pair in pairs]
        delta_symbol = model.delta[n.label]
        delta_value = book.assign(delta_symbol, self.key(f"delta:{n.label}"),
                                  sum(a.eq.value.value * b.eq.value.value for a, b in pairs))
        forms = (partial(model.loss_total, n.net), general, sp.Add(*products, evaluate=False) if len(products) > 1
                 else products[0])
        delta = book.eq(delta_symbol, tuple(_dedupe_forms(forms)), delta_value)
        self.deltas[n.label] = (delta_symbol, delta_value)
        if n.activation.elementwise:
            known = tuple(Eq(f.symbol, (), f.eq.value) for f in (d_outs[n.label], d_net))
        else:
            known = (Eq(book.tex(partial(model.loss_total, n.net)), (), delta_value),)
        self.known[n.label] = known
        chains = tuple(self.chain(p, (n,)) for p in n.params
                       if p.trainable and (p.dest is not None or p.kind == "weight") and p.name in self.focus)
        return NeuronBackward(n.label, latex.label(n.label), n.layer == len(model.layers), d_outs[n.label], d_net,
                              jacobian, delta, self.simplified(n, delta_value), chains)

    def simplified(self, n: Neuron, delta: Value) -> Eq | None:
        """Softmax with cross-entropy, sigmoid with binary cross-entropy: the output delta_n = out_n - t_n,
        a SymPy-proved identity, with numbers."""
        model, book = self.model, self.book
        if n.layer != len(model.layers) or (n.activation.name, model.spec.loss) not in SIMPLIFIED_DELTA:
            return None
        if n.activation.elementwise:
            check_sigmoid_bce()
        else:
            check_softmax_cross_entropy(len(model.outputs))
        form = sp.Add(n.out, sp.Mul(-1, model.targets[n.index], evaluate=False), evaluate=False)
        return book.eq(model.delta[n.label], (form,), book.value(delta.key, book.evaluate(form)))

    def jacobian_factor(self, k: Neuron, n: Neuron, layer: tuple[Neuron, ...]) -> Factor:
        """dout_k/din_n for a softmax layer: SymPy's derivative, then the form y_k (delta_kn - y_n)."""
        book = self.book
        derivative = local_derivative(k.out_eval, n.net)
        rewrite = n.activation.jacobian_from_outputs(k.index, n.index, tuple(m.out for m in layer))
        value = book.value(self.key(f"dout/din:{k.label}:{n.label}"), book.evaluate(derivative))
        symbol = partial(k.out, n.net)
        given = Eq(book.tex(k.out), (book.tex(k.out_expr),))
        return Factor(book.tex(symbol), book.tex(n.net), given, book.eq(symbol, (derivative, rewrite), value))

    def d_out_output(self, n: Neuron) -> Factor:
        """dE/dout of an output neuron: the derivative of the loss."""
        model, book = self.model, self.book
        derivative = local_derivative(model.loss_expr, n.out)
        value = book.value(self.key(f"dE/dout:{n.label}"), book.evaluate(derivative))
        symbol = partial(model.loss_total, n.out)
        given = book.eq(model.loss_total, (model.loss_display,), None, with_numbers=False)
        return Factor(book.tex(symbol), book.tex(n.out), given, book.eq(symbol, (derivative,), value))

    def d_out_hidden(self, n: Neuron) -> Factor:
        """dE/dout of a hidden neuron: the sum over the paths through every neuron of the next layer."""
        model, book = self.model, self.book
        paths, general, with_deltas, total = [], [], [], 0.0
        for m in model.layers[n.layer]:
            local = self.local_factor(m, n.out, self.key(f"din/dout:{m.label}:{n.label}"))
            delta_symbol, delta_value = self.deltas[m.label]
            local_symbol, _ = book.placeholder(local.symbol, local.eq.value.key, local.eq.value.value)
            product_value = book.value(self.key(f"path:{n.label}:{m.label}"),
                                       delta_value.value * local.eq.value.value)
            product_form = sp.Mul(delta_symbol, local_symbol, evaluate=False)
            product = Eq(book.tex(product_form), (book.substituted(product_form),), product_value)
            total += product_value.value
            delta_eq = Eq(book.tex(delta_symbol), (book.tex(partial(model.loss_total, m.net)),), delta_value)
            paths.append(Path(m.label, latex.label(m.label), delta_eq, local, product))
            general.append(sp.Mul(partial(model.loss_total, m.net), partial(m.net, n.out), evaluate=False))
            with_deltas.append(sp.Mul(delta_symbol, m.net_derivative(n.out), evaluate=False))
        symbol = partial(model.loss_total, n.out)
        value = book.value(self.key(f"dE/dout:{n.label}"), total)
        forms = tuple(sp.Add(*terms, evaluate=False) if len(terms) > 1 else terms[0] for terms in (general, with_deltas))
        return Factor(book.tex(symbol), book.tex(n.out), None, book.eq(symbol, forms, value), tuple(paths))

    def d_net(self, n: Neuron) -> Factor:
        """dout/din: the activation's derivative by SymPy, then its rewrite in terms of the output."""
        book = self.book
        derivative = n.activation.derivative(n.net)
        rewrite = n.activation.derivative_from_output(n.out)
        value = book.value(self.key(f"dout/din:{n.label}"), book.evaluate(derivative))
        if rewrite is not None:
            shown = book.evaluate(rewrite)
            if abs(shown - value.value) > 1e-12 * max(1.0, abs(shown)):
                raise AssertionError(f"rewrite of {n.activation.name}' disagrees at {n.label}")
        forms = (derivative,) if rewrite is None else (derivative, rewrite)
        symbol = partial(n.out, n.net)
        given = Eq(book.tex(n.out), (book.tex(n.out_expr),))
        return Factor(book.tex(symbol), book.tex(n.net), given, book.eq(symbol, forms, value))

    def local_factor(self, n: Neuron, wrt: sp.Symbol, key: str) -> Factor:
        """d in_n / d wrt, the derivative of n's net input with respect to one of its symbols."""
        book = self.book
        derivative = n.net_derivative(wrt)
        value = book.value(key, book.evaluate(derivative))
        symbol = partial(n.net, wrt)
        given = self.givens.get(n.label) or self.givens.setdefault(n.label, Eq(book.tex(n.net), (book.tex(n.net_display),)))
        return Factor(book.tex(symbol), book.tex(wrt), given, book.eq(symbol, (derivative,), value))

    def chain(self, p: Param, neurons: tuple[Neuron, ...]) -> Chain:
        """dE/dp = sum over the neurons p feeds of dE/dout * dout/din * din/dp."""
        model, book = self.model, self.book
        p_symbol = model.param_symbol[p.name]
        general, terms, shown, total = [], [], [], 0.0
        for n in neurons:
            local = self.local_factor(n, p_symbol, self.key(f"din/dp:{n.label}:{p.name}"))
            delta_symbol, delta_value = self.deltas[n.label]
            first = ((partial(model.loss_total, n.out), partial(n.out, n.net)) if n.activation.elementwise
                     else (partial(model.loss_total, n.net),))
            general.append(sp.Mul(*first, partial(n.net, p_symbol), evaluate=False))
            delta = Eq(book.tex(delta_symbol), (), delta_value)
            terms.append(Term(n.label, latex.label(n.label), self.known[n.label], delta, local))
            shown.append(sp.Mul(delta_symbol, n.net_derivative(p_symbol), evaluate=False))
            total += delta_value.value * local.eq.value.value
        symbol = partial(model.loss_total, p_symbol)
        value = book.value(self.key(f"dE/dp:{p.name}"), total)
        result = book.eq(symbol, (sp.Add(*shown, evaluate=False) if len(shown) > 1 else shown[0],), value)
        general_form = sp.Add(*general, evaluate=False) if len(general) > 1 else general[0]
        return Chain(p.name, book.names[p_symbol], book.eq(symbol, (general_form,), None, with_numbers=False),
                     tuple(terms), result)
