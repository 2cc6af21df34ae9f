"""The command line: derive doc | check | exercises | grade | presets | gallery. A DeriveError becomes
one line on stderr and its exit code (2 for bad input, 3 for an internal disagreement)."""
from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import os
import signal
import sys
import threading
import warnings
from pathlib import Path

import numpy as np
import tqdm

from . import __version__, check, exercises
from .errors import DeriveError, UsageError
from .exercises import grade
from .files import read_text, write_files
from .fmt import DEFAULT_DIGITS
from .gallery import regenerate_gallery
from .pipeline import derive, write
from .spec import focused, in_full, load, preset_names
from .spec.vocabulary import NOTATIONS
from .views import FORMATS, LANGUAGES


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, no usage dump
        shown = message.translate({ord(c): repr(c)[1:-1] for c in "\n\r\t\v\f"})  # an argument's line break
        self.exit(2, f"{self.prog}: error: {shown}\n")


def _choices(text: str, allowed: tuple[str, ...], option: str) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    bad = [c for c in chosen if c not in allowed]
    if bad or not chosen:
        raise UsageError(f"{option}: expected a comma-separated list of {', '.join(allowed)}, got {text!r}")
    return chosen


def _digits(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 17:
        raise argparse.ArgumentTypeError(f"expected significant digits from 1 to 17, got {text!r}")
    return int(text)


def parser() -> argparse.ArgumentParser:
    top = _Parser(prog="derive", description="Step-by-step worked solutions of backpropagation.")
    top.add_argument("--version", action="version", version=f"derive {__version__}")
    commands = top.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for add in (_doc_parser, _check_parser, _exercises_parser, _grade_parser):
        add(commands)
    commands.add_parser("presets", help="list the built-in examples")
    gallery = commands.add_parser("gallery", help="regenerate the gallery of every built-in example")
    gallery.add_argument("-o", "--output", default="output", help="gallery folder (default: output)")
    gallery.add_argument("--all", action="store_true", help="also every HTML, LaTeX and PDF file (the committed "
                         "gallery holds one HTML page and one PDF per language)")
    return top


def _doc_parser(commands) -> None:
    doc = commands.add_parser("doc", help="write the worked solution of one training step")
    doc.add_argument("spec", help="a .toml spec file or the name of a built-in example")
    doc.add_argument("-o", "--output", default=".", help="output folder (default: the current folder)")
    doc.add_argument("--format", default="md,json", help="comma-separated: md, html, tex, pdf, json (default: md,json)")
    doc.add_argument("--lang", default="en", help="en, zh, or both as en,zh (default: en)")
    doc.add_argument("--precision", type=_digits, default=DEFAULT_DIGITS,
                     help=f"significant digits shown (default: {DEFAULT_DIGITS})")
    doc.add_argument("--notation", help=f"symbol names: {', '.join(NOTATIONS)} (default: the spec's, else in-out)")
    doc.add_argument("--focus", help="write out only these parameters' chains, e.g. w5,b3 or layer2 (the summary "
                     "lists all); needed for networks too big to write out in full")
    doc.add_argument("--samples-in-full", help='how many samples to write out step by step, or "all"; the others '
                     "get a row each in a table of results (default: all of a batch of up to 4, else the first)")
    doc.add_argument("-q", "--quiet", action="store_true", help="no progress bar while training")
    doc.add_argument("--template-dir", help="a folder of templates that override the built-in ones' blocks "
                     '({%% extends "derive/document.md.j2" %%})')


def _check_parser(commands) -> None:
    check = commands.add_parser("check", help="find the numbers of a walkthrough that do not follow from its network")
    check.add_argument("spec", help="a .toml spec file or the name of a built-in example: the network described")
    check.add_argument("document", help="the walkthrough: Markdown, plain text or LaTeX")
    check.add_argument("--report", default="md", choices=("md", "json"), help="md (default) or json, on stdout")
    check.add_argument("--lr", help="learning rates whose updates the document may show, e.g. 0.5,0.1")
    check.add_argument("--lang", default="en", choices=LANGUAGES, help="the report's language: en (default) or zh")


def _exercises_parser(commands) -> None:
    ex = commands.add_parser("exercises", help="write an exercise sheet and its answer key")
    ex.add_argument("--count", type=int, default=10, help="variants (default 10)")
    ex.add_argument("--seed", type=int, default=1, help="the random seed: the same seed, the same variants")
    ex.add_argument("--level", default="full-step", help="forward, output-gradient, hidden-gradient, full-step "
                    "(default) or softmax")
    ex.add_argument("--network", default="2-2-2", help="layer sizes (default 2-2-2; softmax: 2-2-3)")
    ex.add_argument("--activation", default="sigmoid", help="sigmoid (default), tanh, relu or leaky_relu")
    ex.add_argument("--loss", default="half_sse", help="half_sse (default) or mse")
    ex.add_argument("--tolerance", default="rel:0.01", help="rel:R, abs:A or sig:N (default rel:0.01)")
    ex.add_argument("--format", default="md,json",
                    help="comma-separated: md, html, pdf, json, moodle (default: md,json)")
    ex.add_argument("--lang", default="en", help="en, zh, or both as en,zh (default: en)")
    ex.add_argument("-o", "--output", default=".", help="output folder (default: the current folder)")


def _grade_parser(commands) -> None:
    gr = commands.add_parser("grade", help="score students' answers (CSV) against exercises.json")
    gr.add_argument("answers", help="the exercises.json written by derive exercises")
    gr.add_argument("submissions", help="CSV: student, variant, one column per quantity key")
    gr.add_argument("-o", "--output", default="scores.csv", help="the scores CSV (default: scores.csv)")


class _Signalled(BaseException):
    """SIGTERM or SIGHUP arrived: unwinds like Ctrl-C, so that every temporary file is removed."""


def _on_signal(number, frame) -> None:
    raise _Signalled(number)


def main(argv: list[str] | None = None) -> int:
    """Run one command; whatever happens, one line on stderr and an exit code, never a traceback:
    0 done, 1 derive check found something, 2 bad input or a file that cannot be written, 3 a bug of
    derive's own (its numbers disagree), 130 Ctrl-C, 128 + n another signal, 141 a closed pipe."""
    main_thread = threading.current_thread() is threading.main_thread()  # only it may set handlers
    handlers = {number: signal.signal(number, _on_signal) for number in _SIGNALS} if main_thread else {}
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # overflow is reported by its checks, not NumPy
            return _main(argv)
    except KeyboardInterrupt:
        print("derive: interrupted; nothing of this run was written", file=sys.stderr)
        return 130
    except _Signalled as exc:
        print(f"derive: stopped by signal {exc.args[0]}; nothing of this run was written", file=sys.stderr)
        return 128 + exc.args[0]
    except BrokenPipeError:  # `derive presets | head`: the reader has gone
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except MemoryError:
        print("derive: error: out of memory (see the size limits in docs/spec.md)", file=sys.stderr)
        return 2
    except Exception as exc:  # a bug of derive's own: one line, unless DERIVE_TRACEBACK asks for the whole story
        if os.environ.get("DERIVE_TRACEBACK"):
            raise
        print(f"derive: internal error: {exc.__class__.__name__}: {exc} (a bug in derive; DERIVE_TRACEBACK=1 "
              "shows where)", file=sys.stderr)
        return 3
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)


_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


def _main(argv: list[str] | None) -> int:
    args = parser().parse_args(argv)
    try:
        if args.command == "presets":
            for name, line in preset_names().items():
                width = max(map(len, preset_names()))
                print(f"{name:{width}}  {line}")
        elif args.command == "doc":
            formats = _choices(args.format, FORMATS, "--format")
            langs = _choices(args.lang, LANGUAGES, "--lang")
            if args.notation is not None and args.notation not in NOTATIONS:
                raise UsageError(f"--notation: expected one of {', '.join(NOTATIONS)}, got {args.notation!r}")
            if args.template_dir is not None and not Path(args.template_dir).is_dir():
                raise UsageError(f"--template-dir: expected a folder of templates, got {args.template_dir!r}")
            spec = load(args.spec)
            if args.focus is not None:
                spec = dataclasses.replace(spec, focus=focused(spec, args.focus.split(","), spec.source, "--focus"))
            if args.samples_in_full is not None:
                spec = dataclasses.replace(spec, samples_in_full=in_full(spec, args.samples_in_full, spec.source,
                                                                         "--samples-in-full"))
            with _progress(spec.iterations, args.quiet) as progress:
                derivation = derive(spec, notation=args.notation, digits=args.precision, progress=progress)
            for path in write(derivation, args.output, formats, langs, args.template_dir):
                print(path)
        elif args.command == "check":
            return _check(args)
        elif args.command == "grade":
            print(_grade(args))
        elif args.command == "exercises":
            for path in _exercises(args):
                print(path)
        elif args.command == "gallery":
            for path in regenerate_gallery(Path(args.output), everything=args.all):
                print(path)
    except DeriveError as exc:
        print(f"derive: error: {exc}", file=sys.stderr)
        return exc.exit_code
    return 0


def _exercises(args: argparse.Namespace) -> list[Path]:
    """derive exercises: exercises.md (questions), answers.md (answers and worked solutions), exercises.json."""
    formats = _choices(args.format, ("md", "html", "pdf", "json", "moodle"), "--format")
    langs = _choices(args.lang, LANGUAGES, "--lang")
    tolerance = exercises.parse_tolerance(args.tolerance)
    variants = exercises.generate(args.count, args.seed, args.level, args.network, args.activation, args.loss)
    files = exercises.files(variants, tolerance, args.level, args.seed, formats, langs)
    return write_files(files, args.output)


def _grade(args: argparse.Namespace) -> Path:
    """derive grade: notes on stderr (rows skipped, answers counted wrong); the scores CSV holds the rest."""
    target = Path(args.output)
    for given in (args.answers, args.submissions):
        if target.exists() and Path(given).exists() and target.samefile(given):
            raise UsageError(f"-o {args.output}: it is the input {given}; name another file for the scores")
    key = grade.load_key(args.answers)
    text = read_text(args.submissions, "a CSV file of answers", grade.MAX_BYTES)
    graded, notes = grade.grade(key, text, args.submissions)
    for note in notes:
        print(f"derive: {note}", file=sys.stderr)
    (written,) = write_files({target.name: grade.scores_csv(graded).encode("utf-8")}, target.parent)
    return written


def _check(args: argparse.Namespace) -> int:
    """derive check: exit 0 when every number follows from the network, 1 when something is suspicious."""
    rates = check.parse_rates(args.lr)
    spec = load(args.spec)
    text = read_text(args.document, "a walkthrough as text (Markdown, plain text or LaTeX)", check.MAX_BYTES)
    report = check.check(spec, text, args.document, rates)
    if args.report == "json":
        print(json.dumps(check.json_view(report, args.lang), indent=2, ensure_ascii=False))
    else:
        print(check.markdown(report, args.lang), end="")
    return 0 if report.clean else 1


@contextlib.contextmanager
def _progress(total: int, quiet: bool):
    """A progress bar on stderr for training: shown once it has run for half a second, and never when
    stderr is not a terminal or with --quiet."""
    if quiet or not total or not sys.stderr.isatty():
        yield None
        return
    with tqdm.tqdm(total=total, desc="training", unit="it", file=sys.stderr, delay=0.5, leave=False,
                   dynamic_ncols=True) as bar:
        yield lambda done: bar.update(done - bar.n)
