"""The Jinja2 side of every view: the templates folder, the Jinja2 environment with its filters, the
prose of each language (templates/lang/<lang>.toml), and rendering a template. Templates receive
finished data and only loop and print."""
from __future__ import annotations

import functools
import re
import tomllib
import types
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .. import fmt
from ..errors import UsageError
from ..spec import vocabulary as words
from ..symbolic import label

LANGUAGES = words.LANGUAGES

# Markdown's special characters in plain text: always, and the brackets only where they could start a
# link, an image or a link definition (a line's first [, a ] before "(", "[" or ":"), so that a text
# such as [-1, 1] stays readable in the Markdown itself
_MARKDOWN_SPECIAL = re.compile(r"[\\`*_<>&|$]|^\[|\](?=[(\[:])", re.M)


def markdown_text(text: object) -> str:
    """Plain text (a label, a note) for a Markdown document: nothing in it becomes markup."""
    return _MARKDOWN_SPECIAL.sub(lambda m: "\\" + m.group(), str(text))


def template_root() -> Path:
    """The templates folder: installed as derive/templates (see pyproject.toml), or the source tree's."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "templates", package.parent / "templates"):
        if (candidate / "document.md.j2").is_file():
            return candidate
    raise FileNotFoundError(f"derive's templates are missing beside {package}")


def messages(lang: str) -> dict[str, str]:
    """The prose of one language."""
    if lang not in LANGUAGES:
        raise UsageError(f"--lang: expected one of {', '.join(LANGUAGES)}, got {lang!r}")
    return dict(_messages(lang))


def prefixed(lang: str, prefix: str) -> dict[str, str]:
    """The messages of `lang` whose keys start with `prefix`, without it (the words a page's script shows)."""
    return {key[len(prefix):]: value for key, value in messages(lang).items() if key.startswith(prefix)}


@functools.cache
def _messages(lang: str) -> dict[str, str]:
    return tomllib.loads((template_root() / "lang" / f"{lang}.toml").read_text(encoding="utf-8"))


def environment(template_dir: str | Path | None = None) -> jinja2.Environment:
    """The Jinja2 environment for `template_dir` (see `_environment`), made once per folder so that each
    template is compiled once per run."""
    return _environment(None if template_dir is None else str(Path(template_dir).resolve()))


@functools.lru_cache(maxsize=8)
def _environment(template_dir: str | None) -> jinja2.Environment:
    """A Jinja2 environment: Markdown templates are not autoescaped (plain text goes through `md`),
    HTML ones (*.html.j2) are. With a user's folder, Jinja2's immutable sandbox: no attribute that starts
    with _ (no way to Python's internals), no method that changes data.

    With `template_dir`, its templates come first; the built-in ones stay reachable as
    "derive/<name>", so a user's document.md.j2 can {% extends "derive/document.md.j2" %} and
    override only the blocks it names."""
    built_in = jinja2.FileSystemLoader(template_root())
    loaders: list[jinja2.BaseLoader] = [] if template_dir is None else [jinja2.FileSystemLoader(template_dir)]
    # a user's templates run sandboxed: they read the data they are given and call no Python beyond it
    kind = jinja2.Environment if template_dir is None else ImmutableSandboxedEnvironment
    env = kind(
        loader=jinja2.ChoiceLoader([*loaders, built_in, jinja2.PrefixLoader({"derive": built_in})]),
        autoescape=lambda name: name is not None and name.endswith(".html.j2"),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        # derive's own templates are read once a run; a user's folder is checked for edits at each use
        auto_reload=template_dir is not None,
    )
    env.filters["md"] = markdown_text
    env.filters["math"] = lambda tex: f"${tex}$"
    env.filters["tex_label"] = label
    env.filters["count"] = fmt.count
    env.filters["display_eq"] = display_eq
    env.filters["inline_eq"] = inline_eq
    return env


def display_eq(e) -> str:
    """An equation (ir.Eq) as display maths: lhs = its first form, then each further form and the value on
    lines of their own (the document's `eq` macro; a filter, which Jinja2 calls far faster)."""
    first = e.rhs[0] if e.rhs else e.value.tex
    lines = [f"{e.lhs} &= {first}", *(f"&= {form}" for form in e.rhs[1:])]
    if e.rhs and e.value:
        lines.append(f"&= {e.value.tex}")
    return "$$\n\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}\n$$"


def inline_eq(e) -> str:
    """An equation (ir.Eq) in one line of text maths: $lhs = each form = value$ (the `inline` macro)."""
    return "$" + e.lhs + "".join(f" = {form}" for form in e.rhs) + (f" = {e.value.tex}" if e.value else "") + "$"


def render_template(env: jinja2.Environment, name: str, **context: Any) -> str:
    """A template rendered; a user's broken template (--template-dir) is a one-line usage error."""
    return "".join(stream_template(env, name, **context))


def stream_template(env: jinja2.Environment, name: str, **context: Any) -> Iterator[str]:
    """A template rendered piece by piece, as Jinja2 produces it (a document too big to hold whole)."""
    try:
        yield from env.get_template(name).generate(**context)
    except jinja2.TemplateSyntaxError as exc:
        raise UsageError(f"--template-dir: {exc.filename or exc.name}:{exc.lineno}: {exc.message}") from None
    except jinja2.TemplateError as exc:  # the sandbox's SecurityError among them
        raise UsageError(f"--template-dir: template {name}: {exc.message or exc}") from None
    except (TypeError, ValueError, ArithmeticError, LookupError, AttributeError) as exc:
        if not isinstance(env, ImmutableSandboxedEnvironment):
            raise  # a built-in template's: a bug in derive
        raise UsageError(f"--template-dir: template {name}: {exc.__class__.__name__}: {exc}") from None


def prose(lang: str) -> types.SimpleNamespace:
    """The messages of `lang` as attributes (t.title in a template), which no dict method can shadow."""
    return types.SimpleNamespace(**messages(lang))


_BLANK_LINES = re.compile(r"\n{3,}")  # two or more blank lines


def tidy(text: str) -> str:
    """A rendered text with runs of blank lines collapsed to one and a single final newline."""
    return _BLANK_LINES.sub("\n\n", text).rstrip("\n") + "\n"


def tidy_stream(pieces: Iterable[str]) -> Iterator[str]:
    """`tidy` of the text the pieces make, piece by piece: a piece's trailing newlines wait for the next
    one, so that a run of blank lines across pieces collapses too."""
    pending = ""
    for piece in pieces:
        text = pending + piece
        if "\n\n\n" in text:
            text = _BLANK_LINES.sub("\n\n", text)
        kept = text.rstrip("\n")
        pending = text[len(kept):]
        if kept:
            yield kept
    yield "\n"
