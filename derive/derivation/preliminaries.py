"""The preliminaries of a document: each activation the network uses, defined and differentiated
once, SymPy's derivative first and then the textbook derivation, every step proved by SymPy."""
from __future__ import annotations

import sympy as sp

from ..ir import Eq, Preliminary
from ..symbolic import Activation, Model, kept, partial, proofs, tex
from ..symbolic.forms import Y, Z
from .book import dedupe


def preliminaries(model: Model) -> tuple[Preliminary, ...]:
    """Each activation the network uses, defined and differentiated once, every step proved by SymPy."""
    return tuple(_preliminary(act) for act in dict.fromkeys(layer[0].activation for layer in model.layers))


@kept(64)
def _preliminary(act: Activation) -> Preliminary:
    """One activation's preliminary (kept: it depends on the activation alone)."""
    proofs.check_steps(act)
    names = {Y: "y"}
    value, variable, output = act.subject()
    named = tex(value, names)
    slope = tex(partial(value, variable), names)
    forms = dedupe([tex(form, names) for form in (act.expr, *(f.expr for f in act.forms))], None)
    derivative = tex(sp.diff(act.expr, variable), names)
    steps = tuple(tex(step.expr, names) for step in act.steps)
    return Preliminary(
        act.name, Eq(named, tuple(f for f in forms if f != named)), Eq(slope, (derivative,)),
        None if steps in ((), (derivative,)) else Eq(slope, steps), tuple(step.note for step in act.steps),
        tex(sp.Eq(output, act.named(Z) if act.elementwise else act.expr, evaluate=False), names))
