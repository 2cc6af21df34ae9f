"""The document's tables: the parameter table, the data row, and the results of the samples that are
not written out step by step (a row each), shortened like wide sums where a layer is wide."""
from __future__ import annotations

from .. import keys
from ..ir import Chain, ParamRow, Sample, SampleTable
from ..spec import Param
from ..symbolic import Model, Notation, label, partial, tex
from ..symbolic.printer import WIDE
from .book import Book

TABLE_COLUMNS = 6  # quantities per table of the samples not written out step by step
LONG_LIST = 100  # parameters: beyond, a focused document's tables list the focused ones (the JSON has all)


def shortened(items):
    """Items of a table row, or over WIDE of them the first three and the last two around a None
    (printed as a centred dots), as wide sums are written."""
    items = list(items)
    return items if len(items) <= WIDE else [*items[:3], None, *items[-2:]]


def other_samples(model: Model, table: Notation, samples: tuple[Sample, ...], chains: list[dict[str, Chain]],
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


def param_row(model: Model, book: Book, p: Param) -> ParamRow:
    symbol = model.param_symbol[p.name]
    labels = model.spec.labels
    source = labels[p.layer - 1][p.src] if p.kind == "weight" else None
    dest = labels[p.layer][p.dest] if p.dest is not None else None
    if p.kind == "weight":
        connection = rf"{label(source)} \to {label(dest)}"
    else:
        connection = ", ".join(label(n.label) for n in model.consumers(p))
    return ParamRow(p.name, book.names[symbol], p.kind, p.layer, source, dest, connection, p.trainable,
                    book.assign(symbol, keys.param(p.name), p.value))
