"""The live numbers of an explorer page: each marker a derivation built with `Marks` left in its MathML
becomes an element that carries its quantity (derive's key, the JSON's name) and its float64 value, and
shows the number as the document would. The page's script (templates/explore/explore.js) rewrites
the same elements with the same MathML when a value changes; the browser test holds the two to the
same text."""
from __future__ import annotations

import math
import re
from html import escape

from .. import fmt, keys
from ..derivation import Marks
from ..errors import VerificationError

_MARKER = re.compile(f"<mtext>{Marks.OPEN}(\\d+)(:o)?{Marks.CLOSE}</mtext>")
GRAPH_DIGITS = 4  # the computational graph's numbers, as derive's network diagram writes them

# the JSON document's name of each quantity (docs/json.md), dotted: forward.0.h1.out, gradients.w5
_JSON = {"x": "inputs.{s}.{0}", "t": "targets.{s}.{0}", "in": "forward.{s}.{0}.in", "out": "forward.{s}.{0}.out",
         "E": "loss.per_sample.{s}.terms.{0}", "E0": "loss.per_sample.{s}.total"}
_JSON_STEP = {"lr": "learning_rate", "E0": "loss.total", "E": "loss.terms.{0}", "param": "parameters.{0}",
              "grad": "gradients.{0}", "updated": "updated.{0}", "after": "loss.after_update", "l2": "loss.l2",
              "reg": "loss.regularization", "objective": "loss.objective", "m": "loss.samples"}


def quantity(key: str) -> str:
    """The dotted name of quantity `key` as the JSON document writes it (forward.0.h1.out, loss.total,
    gradients.w5, updated.w5); a quantity the JSON does not list (a chain-rule factor) is named
    chain.<sample>.<kind>.<labels...> (chain.0.delta.o1, chain.0.dE/dp.w5)."""
    k = keys.parse(key)
    if k.training or k.rate or k.how:
        return key
    if k.sample is None:
        pattern = _JSON_STEP.get(k.form)
    else:
        pattern = _JSON.get(k.form) or ".".join(("chain", "{s}", k.kind, *(f"{{{i}}}" for i in range(len(k.args)))))
    return key if pattern is None else pattern.format(*k.args, s=k.sample)


def mathml(value: float, digits: int, operand: bool) -> str:
    """The MathML of fmt.latex(value) (fmt.operand's when `operand`): 0.5, −0.5, 1.5 × 10^−5, with
    parentheses where fmt.operand writes them."""
    text = fmt.plain(value, digits)
    if not math.isfinite(value):
        return f"<mi>{text}</mi>"
    negative = text.startswith("-")
    body = text.lstrip("-")
    if "e" in body:
        mantissa, exponent = body.split("e")
        power = (f"<mrow><mo>\u2212</mo><mn>{exponent[1:]}</mn></mrow>" if exponent.startswith("-")
                 else f"<mn>{exponent}</mn>")
        inner = f"<mn>{mantissa}</mn><mo>\u00d7</mo><msup><mn>10</mn>{power}</msup>"
    else:
        inner = f"<mn>{body}</mn>"
    if negative:
        inner = f"<mo>\u2212</mo>{inner}"
    if operand and (negative or "e" in body):
        inner = f'<mo fence="true" form="prefix">(</mo>{inner}<mo fence="true" form="postfix">)</mo>'
    return inner


def attributes(key: str, value: float, form: str) -> str:
    """The data attributes of a live number: derive's key, the JSON's name, the full float64 value,
    and its form (v: a value, o: an operand, p4: plain text to four digits)."""
    return (f'class="q" data-key="{escape(key)}" data-quantity="{escape(quantity(key))}" '
            f'data-value="{value!r}" data-form="{form}"')


def live(html: str, marks: Marks) -> str:
    """`html` with every number marker replaced by its live element."""
    def element(match: re.Match) -> str:
        key, value = marks.entries[int(match[1])]
        operand = bool(match[2])
        return f'<mrow {attributes(key, value, "o" if operand else "v")}>{mathml(value, marks.digits, operand)}</mrow>'

    page = _MARKER.sub(element, html)
    if Marks.OPEN in page:
        raise VerificationError("internal error: a number's marker was left outside the page's formulas")
    return page


def text(key: str, value: float) -> str:
    """A live number in plain text (the computational graph's)."""
    return f'<tspan {attributes(key, value, "p4")}>{escape(fmt.plain(value, GRAPH_DIGITS))}</tspan>'
