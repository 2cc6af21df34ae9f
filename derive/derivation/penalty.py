"""L2 regularization in the document: the penalty's definition, its value, the objective E + R, and
its share dR/dw of each weight's gradient."""
from __future__ import annotations

import sympy as sp

from .. import keys
from ..ir import Eq, Sample
from ..symbolic import Model
from ..symbolic.forms import frac
from .book import Book


class Penalty:
    """L2 regularization: R = lambda / (2m) * sum of squared weights, biases excluded (article 004)."""

    def __init__(self, model: Model, book: Book, samples: tuple[Sample, ...]):
        spec = model.spec
        self.book = book
        self.lam, self.m, self.symbol, self.objective = sp.symbols("lambda m R objective")
        book.names |= {self.lam: r"\lambda", self.m: "m", self.symbol: "R"}
        book.names[self.objective] = rf"\left({book.names[model.loss_total]} + R\right)"
        self.lam_value = book.assign(self.lam, keys.L2, spec.l2)
        self.m_value = book.assign(self.m, keys.SAMPLES, float(spec.samples))
        weights = [model.param_symbol[p.name] for p in model.params if p.kind == "weight"]
        squares = sp.Add(*(sp.Pow(w, 2, evaluate=False) for w in weights), evaluate=False)
        form = sp.Mul(frac(self.lam, sp.Mul(2, self.m, evaluate=False)), squares, evaluate=False)
        value = spec.l2 / (2 * spec.samples) * sum(p.value ** 2 for p in model.params if p.kind == "weight")
        self.definition = book.eq(self.symbol, (form,), book.assign(self.symbol, keys.PENALTY, value))
        data = sum(s.loss_total.value.value for s in samples) / (spec.samples if spec.reduction == "mean" else 1)
        data_symbol, _ = book.placeholder(book.names[model.loss_total], keys.LOSS, data)
        total = sp.Add(data_symbol, self.symbol, evaluate=False)
        self.total = Eq(book.tex(total), (book.substituted(total),),
                        book.assign(self.objective, keys.OBJECTIVE, data + value))

    def gradient(self, weight: sp.Symbol) -> sp.Expr:
        """d R / d w = lambda / m * w."""
        return sp.Mul(frac(self.lam, self.m), weight, evaluate=False)
