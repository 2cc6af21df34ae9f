"""Notations as data: a table of LaTeX patterns per role of a symbol (net input, output, weight, ...).
Every symbol of the symbolic model has a role, and a notation turns the role and the unit's label into
LaTeX; every notation renders every network. The names are derive.spec.vocabulary.NOTATIONS."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Notation:
    """LaTeX patterns for each role of a symbol.

    Fields a pattern may use: {label} (the unit's label in LaTeX), {l} (the unit's layer, numbered as
    `layers` says; for a weight or bias, the layer it feeds), {ls} (the layer a weight comes from),
    {j} and {k} (1-based indices of the unit and of a weight's source), {jk} (both), {n} (a parameter's
    number: w5), and {_j} / {_jk}: "_{j}" / "_{jk}", or nothing when `drop_single` and the layer has one unit.
    """

    name: str
    input: str
    net: str
    out: str
    target: str
    weight: str
    bias: str
    shared_bias: str
    loss_term: str
    loss_total: str
    delta: str
    learning_rate: str
    bias_unit: str = "1"  # the unit of value 1 that carries a bias_node bias ({l}: its layer, {j}: 0)
    layers: str = "zero"  # zero: input layer 0 | one: input layer 1 | relative: output layer L, then L-1, ...
    drop_single: bool = False

    @staticmethod
    def updated(name: str) -> str:
        """A parameter after the step, from its LaTeX name: w_{5} -> {w_{5}}^{+}."""
        return f"{{{name}}}^{{+}}"

    def layer(self, l: int, depth: int) -> str:
        """Layer l (0 = inputs, depth = outputs) as this notation numbers it."""
        if self.layers == "one":
            return str(l + 1)
        if self.layers == "relative":
            return "L" if l == depth else f"L-{depth - l}"
        return str(l)

    def fields(self, l: int, depth: int, j: int, size: int, k: int | None = None, source_size: int = 1,
               label: str = "", n: str = "") -> dict[str, str]:
        """The pattern fields of unit j (0-based) of layer l, or of a weight into it from unit k."""
        jk = f"{j + 1}{k + 1}" if k is not None and j < 9 and k < 9 else f"{j + 1},{(k or 0) + 1}"
        single = self.drop_single and size == 1 and source_size == 1
        return {"label": label, "l": self.layer(l, depth), "ls": self.layer(max(l - 1, 0), depth), "j": str(j + 1),
                "k": "" if k is None else str(k + 1), "jk": jk, "n": n,
                "_j": "" if self.drop_single and size == 1 else f"_{{{j + 1}}}",
                "_jk": "" if single else f"_{{{jk}}}"}


NOTATIONS = {
    "in-out": Notation(
        name="in-out", input="{label}", net=r"{{\rm in}}_{{{label}}}", out=r"{{\rm out}}_{{{label}}}",
        target="t_{{{label}}}", weight="w_{{{n}}}", bias="b_{{{n}}}", shared_bias="b_{{{n}}}",
        loss_term="E_{{{label}}}", loss_total=r"E_{{\rm total}}", delta=r"\delta_{{{label}}}",
        learning_rate=r"\alpha"),
    "net-out": Notation(
        name="net-out", input="{label}", net=r"{{\rm net}}_{{{label}}}", out=r"{{\rm out}}_{{{label}}}",
        target=r"{{\rm target}}_{{{label}}}", weight="w_{{{n}}}", bias="b_{{{n}}}", shared_bias="b_{{{n}}}",
        loss_term="E_{{{label}}}", loss_total=r"E_{{\rm total}}", delta=r"\delta_{{{label}}}",
        learning_rate=r"\eta"),
    "nielsen": Notation(
        name="nielsen", input="x_{{{j}}}", net="z^{{{l}}}_{{{j}}}", out="a^{{{l}}}_{{{j}}}", target="y_{{{j}}}",
        weight="w^{{{l}}}_{{{jk}}}", bias="b^{{{l}}}_{{{j}}}", shared_bias="b^{{{l}}}", loss_term="C_{{{j}}}",
        loss_total="C", delta=r"\delta^{{{l}}}_{{{j}}}", learning_rate=r"\eta", layers="one"),
    "ng": Notation(
        name="ng", input="x_{{{j}}}", net="z^{{({l})}}_{{{j}}}", out="a^{{({l})}}_{{{j}}}", target="y_{{{j}}}",
        weight=r"\Theta^{{({ls})}}_{{{jk}}}", bias=r"\Theta^{{({ls})}}_{{{j}0}}",
        shared_bias=r"\Theta^{{({ls})}}_{{0}}",
        loss_term="J_{{{j}}}", loss_total="J", delta=r"\delta^{{({l})}}_{{{j}}}", learning_rate=r"\alpha",
        bias_unit="a^{{({l})}}_{{0}}", layers="one"),
    "3b1b": Notation(
        name="3b1b", input="a^{{({l})}}{_j}", net="z^{{({l})}}{_j}", out="a^{{({l})}}{_j}", target="y{_j}",
        weight="w^{{({l})}}{_jk}", bias="b^{{({l})}}{_j}", shared_bias="b^{{({l})}}", loss_term="C_{{0,{j}}}",
        loss_total="C_{{0}}", delta=r"\delta^{{({l})}}{_j}", learning_rate=r"\eta", layers="relative",
        drop_single=True),
}
