"""derive explore's page: the worked solution in every notation and language, each number live, with
the controls, the computational graph, training and the decision boundary, in one HTML file that
needs no server and no network.

The worked solution is derive's own (built, verified against the NumPy engine, rendered): only its
numbers move. Each is written as a marker (derive.derivation.Marks), so the page knows which quantity
every number is; the page's script computes every quantity again in JavaScript (a second
implementation of the step engine) and rewrites the numbers. Every variant (notation and language)
travels deflated, a tenth of its size, and is opened when chosen: first the spec's notation in the
asked language.
"""
from __future__ import annotations

import base64
import dataclasses
import zlib
from pathlib import Path

from .. import fmt
from ..crosscheck import reference, verify
from ..derivation import Marks, build
from ..errors import SpecError
from ..spec import Spec, load
from ..spec.size import refuse_oversize
from ..spec.vocabulary import LANGUAGES, NOTATIONS
from ..views.html import body
from ..views.markdown import markdown
from ..views.script import embedded, engine, network
from ..views.templates import environment, messages, prefixed, render_template, template_root
from . import graph
from .numbers import live

LIVE_LIMIT = 100  # parameters with a control of their own in the page
TRAIN_DEFAULT = 100  # iterations "Train N" proposes when the spec names none
TRAIN_LIMIT = 100_000  # iterations the page runs at most in one go


def live_spec(spec: Spec) -> Spec:
    """The spec the page starts from: the one worked step (the page trains by itself)."""
    return dataclasses.replace(spec, iterations=0, compare_hidden=())


def controlled(spec: Spec) -> list[str]:
    """The parameters the page gives a control: the focus, or every one; refused over LIVE_LIMIT."""
    names = list(spec.focus) if spec.focus else [p.name for p in spec.parameters()]
    if len(names) > LIVE_LIMIT:
        raise SpecError(spec.source, "focus", f"at most {LIVE_LIMIT} parameters to explore live: name them with "
                        "--focus, e.g. --focus w1,w5 or --focus layer2", f"{len(names)} parameters")
    return names


def page(source: str | Path | dict | Spec, lang: str = "en", digits: int = fmt.DEFAULT_DIGITS,
         notations: tuple[str, ...] = NOTATIONS) -> str:
    """The explorer page of `source` (a spec, a built-in example's name, a TOML file or a dict), opening
    in language `lang` and the spec's notation; `notations`: those the reader can switch to (the
    spec's own is always there)."""
    messages(lang)  # refuses an unknown language first
    spec = source if isinstance(source, Spec) else load(source)
    names = controlled(spec)
    refuse_oversize(spec)
    iterations = min(spec.iterations or TRAIN_DEFAULT, TRAIN_LIMIT)
    spec = live_spec(spec)
    numbers = reference(spec)
    variants: dict[str, str] = {}
    for notation in dict.fromkeys((spec.notation, *notations)):
        marks = Marks(digits)
        derivation = build(spec, notation=notation, digits=digits, numbers=numbers, marks=marks)
        verify(spec, derivation, numbers)
        for language in LANGUAGES:
            variants[f"{notation}/{language}"] = live(body(markdown(derivation, language)), marks)
    first = f"{spec.notation}/{lang}"
    state = _state(spec, names, digits, iterations, first, {name: _deflated(text) for name, text in variants.items()})
    t = messages(lang)
    root = template_root() / "explore"
    return render_template(environment(), "explore.html.j2", lang=lang, t=t, title=t["explore_title"] % {
        "name": spec.name}, graph=graph.svg(spec, numbers, t["explore_graph"]),
        state=embedded(state), engine=engine(),
        script=(root / "explore.js").read_text(encoding="utf-8"),
        style=(root / "explore.css").read_text(encoding="utf-8"))


def _deflated(text: str) -> str:
    return base64.b64encode(zlib.compress(text.encode("utf-8"), 9)).decode("ascii")


def _state(spec: Spec, names: list[str], digits: int, iterations: int, first: str, variants: dict[str, str]) -> dict:
    """Everything the page's script needs: the network, its starting values, the controls, the
    variants of the document and the words of each language."""
    words = {lang: prefixed(lang, "explore_") for lang in LANGUAGES}
    return {
        **network(spec),
        "name": spec.name, "controls": names, "digits": digits, "variant": first, "variants": variants,
        "notations": [n for n in NOTATIONS if any(v.startswith(f"{n}/") for v in variants)],
        "languages": list(LANGUAGES), "words": words,
        "train": {"default": iterations, "limit": TRAIN_LIMIT},
        "classes": spec.loss in ("bce", "cross_entropy"),
    }
