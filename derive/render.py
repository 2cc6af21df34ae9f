"""Stage 4: render a derivation. Templates receive the finished IR and only loop and print.

The Markdown structure lives in one Jinja2 template for every language; the prose comes from a
message table per language (templates/lang/<lang>.toml). JSON is a plain view of the same IR.
"""
from __future__ import annotations

import functools
import json
import re
import tomllib
import types
from pathlib import Path
from typing import Any

import jinja2

from . import fmt, ir, latex
from .errors import UsageError

LANGUAGES = ("en", "zh")
FORMATS = ("md", "html", "tex", "pdf", "json")

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>&|$])")


def template_root() -> Path:
    """The templates folder: installed as derive/templates (see pyproject.toml), or the source tree's."""
    package = Path(__file__).resolve().parent
    for candidate in (package / "templates", package.parent / "templates"):
        if (candidate / "document.md.j2").is_file():
            return candidate
    raise FileNotFoundError(f"derive's templates are missing beside {package}")


def messages(lang: str) -> dict[str, str]:
    """The prose of one language."""
    if lang not in LANGUAGES:
        raise UsageError(f"--lang: expected one of {', '.join(LANGUAGES)}, got {lang!r}")
    return dict(_messages(lang))


@functools.lru_cache(maxsize=None)
def _messages(lang: str) -> dict[str, str]:
    return tomllib.loads((template_root() / "lang" / f"{lang}.toml").read_text(encoding="utf-8"))


def environment(template_dir: str | Path | None = None) -> jinja2.Environment:
    """The Jinja2 environment for `template_dir` (see `_environment`), made once per folder so that each
    template is compiled once per run."""
    return _environment(None if template_dir is None else str(Path(template_dir).resolve()))


@functools.lru_cache(maxsize=8)
def _environment(template_dir: str | None) -> jinja2.Environment:
    """A Jinja2 environment: Markdown templates are not autoescaped (plain text goes through `md`),
    HTML ones (*.html.j2) are.

    With `template_dir`, its templates come first; the built-in ones stay reachable as
    "derive/<name>", so a user's document.md.j2 can {% extends "derive/document.md.j2" %} and
    override only the blocks it names."""
    built_in = jinja2.FileSystemLoader(template_root())
    loaders: list[jinja2.BaseLoader] = [] if template_dir is None else [jinja2.FileSystemLoader(template_dir)]
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([*loaders, built_in, jinja2.PrefixLoader({"derive": built_in})]),
        autoescape=lambda name: name is not None and name.endswith(".html.j2"),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["md"] = lambda text: _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))
    env.filters["math"] = lambda tex: f"${tex}$"
    env.filters["tex_label"] = latex.label
    env.filters["count"] = fmt.count
    return env


def markdown(derivation: ir.Derivation, lang: str = "en", template_dir: str | Path | None = None) -> str:
    """The worked solution as Markdown with $$ display math."""
    prose = types.SimpleNamespace(**messages(lang))  # attribute access that no dict method can shadow
    text = render_template(environment(template_dir), "document.md.j2", d=derivation, t=prose, lang=lang)
    return re.sub(r"\n{3,}", "\n\n", text).rstrip("\n") + "\n"


def html(derivation: ir.Derivation, lang: str = "en", template_dir: str | Path | None = None) -> str:
    """The worked solution as one self-contained HTML page (see derive/html.py)."""
    title = messages(lang)["title"] % {"name": derivation.name}
    return html_page(markdown(derivation, lang, template_dir), title, lang, derivation.figures, template_dir)


def html_page(text: str, title: str, lang: str, figures: tuple[ir.Figure, ...] = (),
              template_dir: str | Path | None = None) -> str:
    """Any of derive's Markdown documents as one self-contained HTML page, its figures inlined."""
    from . import html as html_view  # latex2mathml and markdown-it load only when HTML is asked for

    return render_template(environment(template_dir), "page.html.j2", title=title, lang=lang,
                   body=html_view.body(text, figures))


def tex(derivation: ir.Derivation, lang: str = "en", template_dir: str | Path | None = None) -> str:
    """The worked solution as a standalone LaTeX document (see derive/tex.py), for xelatex."""
    return tex_page(markdown(derivation, lang, template_dir), lang, derivation.figures, template_dir)


def tex_page(text: str, lang: str, figures: tuple[ir.Figure, ...] = (), template_dir: str | Path | None = None) -> str:
    """Any of derive's Markdown documents as a standalone LaTeX document, its first heading the title."""
    from . import tex as tex_view

    title, body = tex_view.body(text, figures)
    return render_template(environment(template_dir), "page.tex.j2", title=title, lang=lang, body=body)


def render_template(env: jinja2.Environment, name: str, **context: Any) -> str:
    """A template rendered; a user's broken template (--template-dir) is a one-line usage error."""
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateSyntaxError as exc:
        raise UsageError(f"--template-dir: {exc.filename or exc.name}:{exc.lineno}: {exc.message}") from None
    except jinja2.TemplateError as exc:
        raise UsageError(f"--template-dir: template {name}: {exc.message or exc}") from None


def json_text(derivation: ir.Derivation) -> str:
    """The derivation's numbers as JSON, at full float64 precision."""
    return json.dumps(json_view(derivation), indent=2, ensure_ascii=False) + "\n"


def json_view(d: ir.Derivation) -> dict[str, Any]:
    """A plain-data view of the IR (the JSON format documented in the README)."""
    several = len(d.samples) > 1
    outputs = d.labels[-1]
    per_sample = [{"total": s.loss_total.value.value,
                   "terms": {label: eq.value.value for label, eq in zip(outputs, s.loss_terms)}}
                  for s in d.samples]
    chain: dict[str, list[dict[str, Any]]] = {row.name: [] for row in d.summary}
    for s in d.samples:
        for c in s.chains().values():
            for term in c.terms:
                for factor in (*term.known, term.local.eq):
                    chain[c.param].append({"sample": s.index, "neuron": term.neuron,
                                           "factor": factor.lhs, "value": factor.value.value})
    view: dict[str, Any] = {
        "name": d.name,
        "network": {"layers": list(d.layers), "labels": [list(group) for group in d.labels],
                    "activation": list(d.activations), "loss": d.loss, "bias": list(d.bias), "reduction": d.reduction},
        "learning_rate": d.learning_rate.value.value if d.learning_rate else None,
        "parameters": {row.name: row.value.value for row in d.parameters},
        "inputs": [[eq.value.value for eq in s.inputs] for s in d.samples],
        "targets": [[eq.value.value for eq in s.targets] for s in d.samples],
        "forward": [{n.label: {"in": n.net.value.value, "out": n.out.value.value}
                     for layer in s.forward for n in layer} for s in d.samples],
        "loss": {"total": d.total_loss.value,
                 "terms": {label: term.value for label, term in zip(outputs, d.loss_terms)}},
    }
    if d.learning_rate:
        view |= {"gradients": {row.name: row.gradient.value for row in d.summary}, "chain": chain,
                 "updated": {row.name: row.updated.value for row in d.summary}}
    if several:
        view["loss"]["per_sample"] = per_sample
    if d.training:
        outputs_after: dict[int, list[float]] = {}
        for o in d.training.outputs:
            outputs_after.setdefault(o.sample, []).append(o.output.value)
        view["training"] = {
            "iterations": d.training.iterations, "mode": d.training.mode, "loss": list(d.training.losses),
            "parameters": {p.name: p.final.value for p in d.training.parameters},
            "outputs": [outputs_after[s] for s in sorted(outputs_after)]}
        if d.training.accuracy:
            view["training"]["accuracy"] = d.training.accuracy.value
    if d.regularization:
        lam, penalty, objective = d.regularization
        view["loss"] |= {"l2": lam.value, "regularization": penalty.value.value, "objective": objective.value.value}
    return view
