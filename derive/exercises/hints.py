"""Progressive hints for each asked quantity, taken from the variant's worked solution (its derivation):
first the formula (the chain rule, the update rule, the output's activation), then the formulas of its
factors, then their values. A find-the-mistake variant's hints lead to its first wrong number. Each
hint is a line of Markdown with its maths between $ signs."""
from __future__ import annotations

from types import SimpleNamespace

from .. import fmt, keys
from ..ir import Derivation, Eq


def _inline(eq: Eq, value: bool = False) -> str:
    """`lhs = rhs[0]` (the formula), or with `value` `lhs = value`, between $ signs."""
    if value and eq.value is not None:
        return f"${eq.lhs} = {eq.value.tex}$"
    return f"${eq.lhs} = {eq.rhs[0]}$" if eq.rhs else f"${eq.lhs}$"


def hints(derivation: Derivation | None, asked: list[str], t: SimpleNamespace, mistake: dict | None = None,
          lang: str = "en") -> list[list[str]]:
    """Three hints for each asked key (for a find-the-mistake variant, from its `mistake`)."""
    if mistake is not None:
        where = keys.readable(mistake["first"], lang, False)
        return [[t.hint_mistake_order, t.hint_mistake_where % {"name": where},
                 t.hint_mistake_written % {"name": where, "wrong": fmt.plain(mistake["wrong"])}] for _ in asked]
    return [_hints(derivation, key, t) for key in asked]


def _hints(d: Derivation, key: str, t: SimpleNamespace) -> list[str]:
    k = keys.parse(key)
    sample = d.samples[0]
    if k.kind == "out":
        l, neuron = next((l, n) for l, layer in enumerate(sample.forward) for n in layer if n.label == k.args[0])
        before = [_inline(n.out, True) for n in sample.forward[l - 1]] if l else []  # the layer before's outputs
        return [t.hint_output % {"formula": _inline(neuron.out)}, t.hint_net % {"formula": _inline(neuron.net)},
                t.hint_values % {"values": ", ".join([*before, _inline(neuron.net, True)])}]
    name = k.args[0]
    chain = sample.chains().get(name)
    if k.kind == "updated":
        update = next((u for u in d.updates if u.value and u.value.key == keys.updated(name)), None)
        row = next(r for r in d.summary if r.name == name)
        first = t.hint_update % {"formula": _inline(update) if update else ""}
        second = t.hint_chain % {"formula": _inline(chain.general)} if chain else first
        return [first, second, t.hint_gradient % {"value": f"${row.gradient.tex}$"}]
    neurons = {n.label: n for layer in sample.backward for n in layer.neurons}
    return [t.hint_chain % {"formula": _inline(chain.general)},
            t.hint_factors % {"formulas": _factors(chain, neurons)}, t.hint_values % {"values": _values(chain)}]


def _factors(chain, neurons: dict) -> str:
    """The formulas of a chain's factors: for each neuron the parameter feeds, dE/dout and dout/din (a
    softmax layer: its delta) as SymPy differentiates them, and the local derivative din/dp."""
    found = []
    for term in chain.terms:
        n = neurons[term.neuron]
        found += [_inline(f.eq) for f in (n.d_out, n.d_net) if f is not None] if n.d_net else [_inline(n.delta)]
        found.append(_inline(term.local.eq))
    return ", ".join(dict.fromkeys(found))


def _values(chain) -> str:
    found = []
    for term in chain.terms:
        found += [_inline(e, True) for e in term.known] + [_inline(term.delta, True), _inline(term.local.eq, True)]
    return ", ".join(dict.fromkeys(found))
