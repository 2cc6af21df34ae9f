"""Assemble the whole worked solution of one training step from the samples: the gradients summed or
averaged over the samples (with the L2 term), the updates, the summary and the tables."""
from __future__ import annotations

import math

import sympy as sp

from .. import collector, fmt, keys
from ..ir import Derivation, Eq, SummaryRow, Value
from ..spec import Spec
from ..symbolic import NOTATIONS, Model, Notation, label, partial, tex
from ..symbolic.forms import frac, mul, whole
from .after import loss_after
from .book import Book, Marks, dedupe
from .matrix import equations
from .penalty import Penalty
from .preliminaries import preliminaries
from .sample import needed, sample
from .tables import LONG_LIST, other_samples, param_row, shortened


def build(spec: Spec, *, notation: str | None = None, digits: int = fmt.DEFAULT_DIGITS,
          numbers: dict[str, float] | None = None, marks: Marks | None = None) -> Derivation:
    """The complete worked solution of one training step of `spec`.

    With spec.focus, only the focused parameters' chains, sums and updates are written out, the matrix
    form is left out, and the other parameters' gradients in the summary come from `numbers` (the
    numeric engine's, checked against finite differences by derive.crosscheck). Built with the garbage
    collector's full passes deferred (derive.collector)."""
    with collector.deferred():
        return _build(spec, notation, digits, numbers, marks)


def _build(spec: Spec, notation: str | None, digits: int, numbers: dict[str, float] | None,
           marks: Marks | None) -> Derivation:
    model = Model(spec)
    focus = set(spec.focus) if spec.focus else {p.name for p in model.params}
    notation = notation or spec.notation
    table = NOTATIONS[notation]
    several = spec.samples > 1
    book = Book(model.names(table), digits, marks=marks)
    rate = sp.Symbol("lr")
    book.names[rate] = table.learning_rate.format()
    training = spec.learning_rate is not None  # without [training]: the forward pass and the error only
    rate_value = book.assign(rate, keys.LEARNING_RATE, spec.learning_rate) if training else None
    rows = tuple(param_row(model, book, p) for p in model.params)
    wanted = needed(model, focus)
    samples = tuple(sample(model, Book(model.names(table, s if several else None), digits, book), s, table, focus,
                           wanted, training, with_matrix=not spec.focus) for s in range(spec.samples))
    penalty = Penalty(model, book, samples) if spec.l2 else None
    trainable = [p for p in model.params if p.trainable and training]
    gradients, symbols, reductions = _gradients(model, book, table, samples, penalty, trainable, focus, numbers)
    updates, summary = _updates(model, book, rows, rate, gradients, symbols, trainable, focus)
    in_full = spec.written_samples
    others = other_samples(model, table, samples[in_full:], [s.chains() for s in samples[in_full:]],
                           [p for p in trainable if p.name in focus]) if in_full < spec.samples else ()
    return Derivation(
        name=spec.name, note=spec.note, layers=spec.layers, labels=spec.labels, activations=spec.activations,
        preliminaries=preliminaries(model),
        loss=spec.loss, bias=spec.bias, reduction=spec.reduction, notation=notation, digits=digits,
        learning_rate=Eq(book.names[rate], (), rate_value) if training else None,
        loss_definition=Eq(book.tex(model.loss_total), (book.tex(model.loss_display),)),
        parameters=rows, samples=samples,
        listed=spec.focus if spec.focus and len(model.params) > LONG_LIST else (),
        equations=equations(model, table) if training else (),
        matrix_notes=tuple(note for note, applies in (("matrix_softmax", spec.activations[-1] == "softmax"),
                                                      ("matrix_no_bias", all(b == "none" for b in spec.bias)))
                           if applies),
        regularization=(penalty.lam_value, penalty.definition, penalty.total) if penalty else None,
        reductions=tuple(reductions), updates=tuple(updates), summary=tuple(summary),
        focus=spec.focus, in_full=in_full if in_full < spec.samples else None, others=others,
        **_network(model, book, samples), **_losses(model, book, samples, summary, training, numbers))


def _network(model: Model, book: Book, samples) -> dict:
    """The network's labels and data as the document's tables show them (wide layers shortened)."""
    return {"names": tuple(tuple(r"\cdots" if text is None else label(text) for text in shortened(group))
                           for group in model.spec.labels),
            "data_columns": tuple(r"\cdots" if x is None else book.names[x]
                                  for x in (*shortened(model.inputs), *shortened(model.targets))),
            "data_rows": tuple((*shortened([e.value for e in s.inputs]), *shortened([e.value for e in s.targets]))
                               for s in samples)}


def _losses(model: Model, book: Book, samples, summary, training: bool, numbers: dict[str, float] | None) -> dict:
    """The loss reduced over the samples, each output's share, and (with training) the loss after the
    step, at the updated parameters, unless it is infinite (by either engine's count)."""
    scale = len(samples) if model.spec.reduction == "mean" else 1
    finite = numbers is None or keys.LOSS_AFTER in numbers
    after = loss_after(model, {row.name: row.updated.value for row in summary}) if training and finite else None
    return {"total_loss": book.value(keys.LOSS, sum(s.loss_total.value.value for s in samples) / scale),
            "loss_terms": tuple(book.value(keys.loss_term(n.label),
                                           sum(s.loss_terms[j].value.value for s in samples) / scale)
                                for j, n in enumerate(model.outputs)),
            "loss_after": None if after is None else book.value(keys.LOSS_AFTER, after)}


def _gradients(model: Model, book: Book, table: Notation, samples, penalty: Penalty | None, trainable,
               focus: set[str], numbers: dict[str, float] | None):
    """dE/dp of every trainable parameter over all samples: the written ones summed (or averaged) from
    their chains, with the L2 term; the others from `numbers`. Also each written gradient's symbol,
    and the equations that assemble them (when there is a sum or an L2 term to show)."""
    spec = model.spec
    gradients: dict[str, Value] = {}
    symbols: dict[str, sp.Symbol] = {}
    reductions = []
    chains = [s.chains() for s in samples]
    for p in trainable:
        if p.name not in focus:
            given = numbers[keys.gradient(p.name)] if numbers else math.nan
            gradients[p.name] = book.value(keys.gradient(p.name), given)
            continue
        symbol = symbols[p.name] = sp.Symbol(keys.gradient(p.name))
        objective = penalty.objective if penalty else model.loss_total
        book.names[symbol] = book.tex(partial(objective, model.param_symbol[p.name]))
        per_sample = [by_param[p.name].result for by_param in chains]
        shares = [eq.value.value / (len(per_sample) if spec.reduction == "mean" else 1) for eq in per_sample]
        total = sum(eq.value.value for eq in per_sample)
        if spec.reduction == "mean":
            total /= len(per_sample)
        form = _reduction(book, spec.reduction, per_sample)
        summed = _summed(model, book, table, p.name, len(per_sample)) if len(per_sample) > SPELLED_OUT else form
        if penalty and p.kind == "weight":
            total += spec.l2 / spec.samples * p.value
            shares.append(spec.l2 / spec.samples * p.value)
            form, summed = (sp.Add(f, penalty.gradient(model.param_symbol[p.name]), evaluate=False)
                            for f in (form, summed))
        gradients[p.name] = book.assign(symbol, keys.gradient(p.name), fmt.settled(total, shares))
        if len(samples) > 1 or (penalty and p.kind == "weight"):
            shown = dedupe([book.tex(summed), book.substituted(form)], gradients[p.name], book.plain)
            reductions.append(Eq(book.tex(symbol), tuple(shown), gradients[p.name]))
    return gradients, symbols, reductions


SPELLED_OUT = 4  # samples whose gradients a sum writes term by term; over this, a sum sign s = 1..m


def _summed(model: Model, book: Book, table: Notation, param: str, count: int) -> sp.Expr:
    """The sum (or mean) over `count` samples of dE^(s)/dparam as a sum sign over s."""
    s = sp.Symbol("s")
    term = sp.Symbol(f"_sample_gradient:{param}")
    names = model.names(table, "s")
    book.names |= {s: "s", term: tex(partial(model.loss_total, model.param_symbol[param]), names)}
    form: sp.Expr = sp.Sum(term, (s, 1, count))
    return mul(whole(frac(1, count)), form) if model.spec.reduction == "mean" else form


def _updates(model: Model, book: Book, rows, rate: sp.Symbol, gradients: dict[str, Value],
             symbols: dict[str, sp.Symbol], trainable, focus: set[str]):
    """p+ = p - lr * dE/dp for every trainable parameter: an equation for each written one, and a
    summary row for each."""
    spec = model.spec
    names = {p.name for p in trainable}
    updates, summary = [], []
    for p, row in zip(model.params, rows):
        if p.name not in names:
            continue
        updated = p.value - spec.learning_rate * gradients[p.name].value
        if p.name not in focus:
            summary.append(SummaryRow(p.name, row.tex, row.value, gradients[p.name],
                                      book.value(keys.updated(p.name), updated)))
            continue
        symbol = model.param_symbol[p.name]
        new = sp.Symbol(f"new:{p.name}")
        book.names[new] = Notation.updated(book.names[symbol])
        form = sp.Add(symbol, sp.Mul(-1, sp.Mul(rate, symbols[p.name], evaluate=False), evaluate=False),
                      evaluate=False)
        value = book.assign(new, keys.updated(p.name), updated)
        updates.append(book.eq(new, (form,), value))
        summary.append(SummaryRow(p.name, row.tex, row.value, gradients[p.name], value))
    return updates, summary


def _reduction(book: Book, reduction: str, per_sample: list[Eq]) -> sp.Expr:
    """The sum (or mean) over samples of dE^(s)/dp, as a form (one sample: its gradient); over
    SPELLED_OUT samples, its first three and last two terms around a \\cdots."""
    terms = [book.placeholder(eq.lhs, eq.value.key, eq.value.value)[0] for eq in per_sample]
    if len(terms) > SPELLED_OUT:
        dots = sp.Symbol("_dots")
        book.names[dots] = book.numbers[dots] = r"\cdots"
        terms = [*terms[:3], dots, *terms[-2:]]
    form: sp.Expr = sp.Add(*terms, evaluate=False) if len(terms) > 1 else terms[0]
    if reduction == "mean" and len(per_sample) > 1:
        form = (mul(whole(frac(1, len(per_sample))), form) if len(per_sample) > SPELLED_OUT else
                sp.Mul(sp.Rational(1, len(terms)), form, evaluate=False))
    return form
