"""Hostile inputs drawn by hypothesis, shared by tests/test_fuzz.py (a modest count in the suite) and
benchmarks/fuzz.py (a long run that reports counts). Each `attack` runs one derive command in-process
and returns its outcome: "ok" (exit 0, or 1 for derive check's findings), "refused" (exit 2 with one
line on stderr) or "broken" (anything else: a traceback, exit 3, several lines), which must never happen.
"""
from __future__ import annotations

import contextlib
import io
import json
import math
import string
import tempfile
from pathlib import Path

from hypothesis import strategies as st

from derive.cli import main

BASE = {
    "name": "fuzz",
    "network": {"layers": [2, 2, 2], "activation": "sigmoid", "loss": "half_sse", "bias": "per_neuron"},
    "params": {"weights": [[[0.1, 0.2], [0.3, 0.4]], [[0.5, 0.6], [0.7, 0.8]]], "biases": [[0.5, 0.5], [0.6, 0.6]]},
    "data": {"inputs": [[0.1, 0.2]], "targets": [[0.01, 0.99]]},
    "training": {"learning_rate": 0.5},
}

# values a careless or hostile user writes where a number, a name or a list belongs
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**400), max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=30),
    st.sampled_from(["sigmoid", "softmax", "bce", "cross_entropy", "per_layer", "bias_node", "row", "{{7*7}}",
                     "$\\input{/etc/passwd}$", "<script>", "../../x", "a|b", "\n# heading\n", "1e400"]),
)
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                         st.dictionaries(st.text(max_size=8), inner, max_size=3)),
                      max_leaves=12)


@st.composite
def specs(draw) -> dict:
    """The base spec with one to three fields replaced, removed or added (anywhere in its tree)."""
    spec = json.loads(json.dumps(BASE))
    for _ in range(draw(st.integers(1, 3))):
        table = draw(st.sampled_from(["", "network", "params", "data", "training"]))
        node = spec if not table else spec.setdefault(table, {})
        if not isinstance(node, dict):
            continue
        key = draw(st.sampled_from([*node.keys(), "extra", "layers", "iterations", "note", "init", "generate"]))
        action = draw(st.sampled_from(["replace", "remove", "replace"]))
        if action == "remove":
            node.pop(key, None)
        else:
            node[key] = draw(values)
    return spec


def toml_value(value) -> str:
    """A value as TOML (a dict as an inline table; None, which TOML lacks, as an empty inline table)."""
    if value is None:
        return "{}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf") if math.isinf(value) else repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + "}"


def toml(spec: dict) -> str:
    lines = [f"{json.dumps(k)} = {toml_value(v)}" for k, v in spec.items() if not isinstance(v, dict)]
    for k, v in spec.items():
        if isinstance(v, dict):
            lines.append(f"[{json.dumps(k)}]")
            lines += [f"{json.dumps(kk)} = {toml_value(vv)}" for kk, vv in v.items()]
    return "\n".join(lines) + "\n"


arguments = st.lists(st.one_of(
    st.sampled_from(["--format", "--lang", "--precision", "--notation", "--focus", "--samples-in-full", "-q",
                     "--template-dir", "-o", "md", "json", "html", "zh", "en,zh", "17", "0", "-1", "w1", "layer9",
                     "all", "bogus", "", "--", "-h"]),
    st.text(alphabet=string.printable, max_size=12)), max_size=4)


def run(argv: list[str]) -> str:
    """The outcome of one command (see the module's docstring)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
    except SystemExit as exc:  # argparse: a usage error (2) or --help (0)
        code = exc.code if isinstance(exc.code, int) else 2
    text = err.getvalue()
    if "Traceback" in text or "internal error" in text or code not in (0, 1, 2):
        return "broken"
    if code == 2:
        return "refused" if text.count("\n") == 1 else "broken"
    return "ok"


def attack_spec(spec: dict, folder: Path) -> str:
    path = folder / "spec.toml"
    path.write_text(toml(spec), encoding="utf-8")
    return run(["doc", str(path), "-o", str(folder / "out"), "--format", "json", "-q"])


def attack_arguments(args: list[str], folder: Path) -> str:
    return run(["doc", "two-two-two", "-o", str(folder / "out"), *args])


def attack_grade(text: str, folder: Path) -> str:
    """Grade a drawn CSV; "@header" and "@variant" in it stand for the set's real header and a real
    variant id, so that the answers themselves get graded, not only refused."""
    key = folder / "exercises.json"
    if not key.exists():
        assert run(["exercises", "--count", "2", "--format", "json", "-o", str(folder)]) == "ok"
    variant = json.loads(key.read_text(encoding="utf-8"))["variants"][0]
    header = ",".join(["student", "variant", *(a["key"] for a in variant["asked"])])
    text = text.replace("@header", header).replace("@variant", variant["id"])
    (folder / "subs.csv").write_text(text, encoding="utf-8")
    return run(["grade", str(key), str(folder / "subs.csv"), "-o", str(folder / "scores.csv")])


def attack_check(text: str, folder: Path) -> str:
    (folder / "walk.md").write_text(text, encoding="utf-8")
    return run(["check", "two-two-two", str(folder / "walk.md")])


_cells = st.one_of(st.text(max_size=12), st.sampled_from(
    ["student", "variant", "@variant", "grad:w5", "0:out:o1", "=1+1", "\t@SUM(1)", "1_000", "１２", "nan", "-0.5",
     "0.25", "1e-3", "\u22120.5", '"', ""]))
csv_texts = st.tuples(st.booleans(), st.lists(st.lists(_cells, max_size=6), max_size=5)).map(
    lambda drawn: "\n".join((["@header"] if drawn[0] else []) + [",".join(row) for row in drawn[1]]))
walkthroughs = st.text(alphabet=string.printable + "×−·σδ∂", max_size=400) | st.lists(st.sampled_from(
    ["$$", "\\begin{aligned}", "\\end{aligned}", "&=", "\\\\", "0.5", "-0.3", "1.5e309", "\\times 10^{-400}",
     "\\frac{0.1}{0}", "{\\rm out}_{h_{1}}", "\\tag{1}", "(", ")", "\n"]), max_size=60).map(" ".join)


def scratch() -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix="derive-fuzz-")
