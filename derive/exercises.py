"""Exercise sheets: seeded variants of one kind of backpropagation exercise, each with its asked
quantities, their exact values and tolerances, and (in the key) the complete worked solution.

A variant is a spec with numbers a student can work by hand (inputs and weights with one or two
decimals, targets such as 0.01 and 0.99); a variant whose answers would be degenerate (a saturated
sigmoid whose derivative is below 0.01, a dead ReLU that makes an asked gradient exactly 0) or that
repeats an earlier one is drawn again. The values come from the NumPy engine, and each variant's
worked solution from `derive` itself, verified like any document.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from . import numeric
from .errors import UsageError
from .fmt import plain
from .spec import Spec, load

LEVELS = ("forward", "output-gradient", "hidden-gradient", "full-step", "softmax")
MIN_SLOPE = 0.01  # a sigmoid derivative below this is a saturated neuron: the numbers say little
MAX_DRAWS = 1000  # per variant, before giving up on the options


@dataclass(frozen=True)
class Tolerance:
    """How close an answer must be: relative (0.01 = 1%), absolute, or significant figures."""

    kind: str  # relative | absolute | significant
    value: float

    def accepts(self, answer: float, exact: float) -> bool:
        if self.kind == "absolute":
            return abs(answer - exact) <= self.value
        if self.kind == "relative":
            return abs(answer - exact) <= self.value * abs(exact)
        digits = int(self.value)  # significant: the answer rounds to the exact value's first digits
        if exact == 0:
            return answer == 0
        scale = 10.0 ** (math.floor(math.log10(abs(exact))) - digits + 1)
        return abs(answer - exact) <= 0.5 * scale * (1 + 1e-9)

    def describe(self) -> dict[str, float | str]:
        return {"kind": self.kind, "value": self.value}


def parse_tolerance(text: str) -> Tolerance:
    """rel:0.01, abs:0.0005 or sig:3."""
    match = re.fullmatch(r"(rel|abs|sig):([0-9.eE+-]+)", text.strip())
    kinds = {"rel": "relative", "abs": "absolute", "sig": "significant"}
    try:
        value = float(match.group(2)) if match else math.nan
    except ValueError:
        value = math.nan
    if not match or not math.isfinite(value) or value <= 0 or (match.group(1) == "sig" and not value.is_integer()):
        raise UsageError(f"--tolerance: expected rel:R, abs:A or sig:N (e.g. rel:0.01, abs:0.0005, sig:3), got {text!r}")
    return Tolerance(kinds[match.group(1)], value)


@dataclass(frozen=True)
class Asked:
    """One quantity a variant asks for."""

    key: str  # the numeric engine's key: 0:out:o1, grad:w5, updated:w5
    label: str  # what the sheet calls it, in LaTeX: out_{o1}, dE/dw5, w5^+
    value: float


@dataclass(frozen=True)
class Variant:
    id: str
    spec: dict  # the raw spec: the same fields as a spec file
    asked: tuple[Asked, ...]


def _network(text: str, level: str) -> list[int]:
    if level == "softmax" and text == "2-2-2":
        text = "2-2-3"
    if not re.fullmatch(r"[1-9]\d?(-[1-9]\d?){1,3}", text):
        raise UsageError(f"--network: expected layer sizes such as 2-2-2 (2 to 4 layers), got {text!r}")
    layers = [int(n) for n in text.split("-")]
    if level in ("hidden-gradient", "full-step") and len(layers) < 3:
        raise UsageError(f"--network: level {level} needs a hidden layer, got {text!r}")
    return layers


def _draw(rng: np.random.Generator, layers: list[int], activation: str, loss: str, level: str, n: int) -> dict:
    """A spec with hand-workable numbers."""
    def numbers(shape, low, high):
        values = rng.uniform(low, high, shape).round(int(rng.integers(1, 3)))
        return np.where(values == 0, 0.1, values)  # no zero weight: every path counts

    softmax = level == "softmax"
    if softmax:
        target = np.zeros(layers[-1])
        target[int(rng.integers(layers[-1]))] = 1.0
    else:
        target = rng.choice([0.01, 0.99], layers[-1]) if activation == "sigmoid" else numbers(layers[-1], 0, 1)
    activations = [activation] * (len(layers) - 2) + ["softmax" if softmax else activation]
    return {
        "name": f"variant-{n}",
        "network": {"layers": layers, "activation": activations, "loss": "cross_entropy" if softmax else loss},
        "params": {"weights": [numbers((b, a), -1, 1).tolist() for a, b in zip(layers, layers[1:])],
                   "biases": [numbers(b, -1, 1).tolist() for b in layers[1:]]},
        "data": {"inputs": [numbers(layers[0], 0, 1).tolist()], "targets": [target.tolist()]},
        "training": {"learning_rate": 0.5},
    }


def _asked(spec: Spec, values: dict[str, float], level: str, rng: np.random.Generator) -> list[Asked]:
    outputs = [Asked(f"0:out:{label}", rf"{{\rm out}}_{{{label}}}", values[f"0:out:{label}"])
               for label in spec.labels[-1]]
    weights = [p for p in spec.parameters() if p.kind == "weight"]
    last = [p for p in weights if p.layer == spec.depth]
    hidden = [p for p in weights if p.layer < spec.depth]

    def gradient(p) -> Asked:
        return Asked(f"grad:{p.name}", rf"\partial E / \partial {p.name[0]}_{{{p.name[1:]}}}", values[f"grad:{p.name}"])

    if level == "forward":
        return outputs
    if level == "output-gradient":
        return [gradient(last[int(rng.integers(len(last)))])]
    if level == "hidden-gradient":
        return [gradient(hidden[int(rng.integers(len(hidden)))])]
    if level == "softmax":
        return outputs + [gradient(last[int(rng.integers(len(last)))])]
    asked = [gradient(p) for p in spec.parameters() if p.trainable]
    return asked + [Asked(f"updated:{p.name}", rf"{p.name[0]}_{{{p.name[1:]}}}^{{+}}", values[f"updated:{p.name}"])
                    for p in spec.parameters() if p.trainable]


def degenerate(spec: Spec, values: dict[str, float], asked: list[Asked]) -> str | None:
    """Why a variant makes a poor exercise, or None."""
    for l, name in enumerate(spec.activations):
        if name == "sigmoid":
            for label in spec.labels[l + 1]:
                if values[f"0:dout/din:{label}"] < MIN_SLOPE:
                    return f"saturated sigmoid at {label}"
    for a in asked:
        if a.key.startswith("grad:") and a.value == 0.0:
            return f"{a.key} is exactly 0 (a dead unit)"
    return None


def generate(count: int, seed: int, level: str, network: str = "2-2-2", activation: str = "sigmoid",
             loss: str = "half_sse") -> list[Variant]:
    """`count` distinct, non-degenerate variants, the same for the same arguments."""
    if level not in LEVELS:
        raise UsageError(f"--level: expected one of {', '.join(LEVELS)}, got {level!r}")
    if activation not in ("sigmoid", "tanh", "relu", "leaky_relu"):
        raise UsageError(f"--activation: expected sigmoid, tanh, relu or leaky_relu, got {activation!r}")
    if loss not in ("half_sse", "mse") and level != "softmax":
        raise UsageError(f"--loss: expected half_sse or mse, got {loss!r}")
    if not 1 <= count <= 10_000:
        raise UsageError(f"--count: expected 1 to 10000, got {count}")
    layers = _network(network, level)
    rng = np.random.default_rng(seed)
    variants: list[Variant] = []
    seen: set[str] = set()
    draws = 0
    while len(variants) < count:
        draws += 1
        if draws > MAX_DRAWS * count:
            raise UsageError(f"--level {level} with --network {network} --activation {activation}: no "
                             f"non-degenerate variants found in {draws - 1} draws")
        raw = _draw(rng, layers, activation, loss, level, len(variants) + 1)
        fingerprint = repr((raw["params"], raw["data"]))
        if fingerprint in seen:
            continue
        spec = load(raw)
        values = numeric.quantities(spec)
        asked = _asked(spec, values, level, rng)
        if degenerate(spec, values, asked):
            continue
        seen.add(fingerprint)
        number = len(variants) + 1
        raw["name"] = f"{seed}-{number:03d}"
        variants.append(Variant(raw["name"], raw, tuple(asked)))
    return variants


# -- the sheets -------------------------------------------------------------------------------------

def _shown(value: float) -> str:
    return plain(value)


def view(variants: list[Variant], tolerance: Tolerance, level: str) -> dict:
    """Plain data for the sheet and key templates (every number already formatted)."""
    rows = []
    for v in variants:
        spec = load(v.spec)
        rows.append({
            "id": v.id,
            "shape": "-".join(map(str, spec.layers)),
            "activations": list(dict.fromkeys(spec.activations)),
            "loss": spec.loss,
            "inputs": [(label, _shown(x)) for label, x in zip(spec.labels[0], spec.inputs[0])],
            "targets": [(label, _shown(t)) for label, t in zip(spec.labels[-1], spec.targets[0])],
            "parameters": [(p.name, spec.labels[p.layer - 1][p.src] if p.kind == "weight" else None,
                            spec.labels[p.layer][p.dest] if p.dest is not None else None, _shown(p.value))
                           for p in spec.parameters()],
            "rate": _shown(spec.learning_rate),
            "asked": [(a.label, _shown(a.value)) for a in v.asked],
        })
    shown = str(int(tolerance.value)) if tolerance.kind == "significant" else _shown(tolerance.value)
    return {"level": level, "tolerance": tolerance, "tolerance_value": shown, "variants": rows}


def json_view(variants: list[Variant], tolerance: Tolerance, level: str, seed: int) -> dict:
    """exercises.json: every variant with its full spec and every asked quantity's exact value."""
    return {"level": level, "seed": seed, "tolerance": tolerance.describe(),
            "variants": [{"id": v.id, "spec": v.spec,
                          "asked": [{"key": a.key, "label": a.label, "value": a.value,
                                     "tolerance": tolerance.describe()} for a in v.asked]} for v in variants]}


def solution(raw: dict, lang: str) -> str:
    """A variant's complete worked solution (verified like any document; without figures), its
    headings two levels down to sit under the variant's heading."""
    from .derivation import build
    from .render import markdown
    from .verify import reference, verify

    spec = load(raw)
    numbers = reference(spec)
    derivation = build(spec, numbers=numbers)
    verify(spec, derivation, numbers)
    return re.sub(r"^#", "###", markdown(derivation, lang), flags=re.M)


def sheets(variants: list[Variant], tolerance: Tolerance, level: str, lang: str,
           solutions: list[str] | None = None) -> tuple[str, str]:
    """The exercise sheet and its answer key, in Markdown (`solutions`: the variants' worked solutions,
    when already written)."""
    import types

    from .render import environment, messages, render_template

    prose = types.SimpleNamespace(**messages(lang))
    data = view(variants, tolerance, level)
    env = environment()
    tidy = lambda text: re.sub(r"\n{3,}", "\n\n", text).rstrip("\n") + "\n"  # noqa: E731
    sheet = render_template(env, "exercises.md.j2", s=data, t=prose, answers=False, solutions=[], question=False, blanks=[])
    key = render_template(env, "exercises.md.j2", s=data, t=prose, answers=True, question=False, blanks=[],
                  solutions=solutions or [solution(v.spec, lang) for v in variants])
    return tidy(sheet), tidy(key)


def files(variants: list[Variant], tolerance: Tolerance, level: str, seed: int, formats: tuple[str, ...],
          langs: tuple[str, ...]) -> dict[str, bytes]:
    """Every file of a set: exercises / answers as md, html and pdf per language, exercises.json, and
    exercises.moodle.xml per language."""
    import json

    from . import render, typeset
    from .moodle import quiz

    out: dict[str, bytes] = {}
    if "json" in formats:
        data = json_view(variants, tolerance, level, seed)
        out["exercises.json"] = (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    sheet_formats = {"md", "html", "pdf"} & set(formats)
    # each variant's worked solution, written once per language for the key and the Moodle feedback
    solutions = {lang: [solution(v.spec, lang) for v in variants]
                 for lang in (langs if sheet_formats or "moodle" in formats else ())}
    for lang in langs if sheet_formats else ():
        sheet, key = sheets(variants, tolerance, level, lang, solutions[lang])
        suffix = "" if lang == "en" else f".{lang}"
        titles = render.messages(lang)
        for stem, text, title in (("exercises", sheet, titles["ex_title"]), ("answers", key, titles["ex_key_title"])):
            if "md" in formats:
                out[f"{stem}{suffix}.md"] = text.encode("utf-8")
            if "html" in formats:
                out[f"{stem}{suffix}.html"] = render.html_page(text, title, lang).encode("utf-8")
            if "pdf" in formats:
                out[f"{stem}{suffix}.pdf"] = typeset.compile_pdf(render.tex_page(text, lang), {}, f"{stem}{suffix}")
    if "moodle" in formats:
        for lang in langs:
            suffix = "" if lang == "en" else f".{lang}"
            out[f"exercises{suffix}.moodle.xml"] = quiz(variants, tolerance, level, lang, solutions[lang]).encode("utf-8")
    return out
