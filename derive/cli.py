"""The command line: derive doc | check | exercises | grade | presets | gallery. A DeriveError becomes
one line on stderr and its exit code (2 for bad input, 3 for an internal disagreement).

This module holds the options and the handling of errors and signals; each command's work is in
derive.commands, and only the module of the command being run is imported (`COMMANDS`), so that a
command loads no more than it uses."""
from __future__ import annotations

import argparse
import gc
import importlib
import os
import signal
import sys
import threading
import warnings

from . import __version__
from .errors import DeriveError
from .fmt import DEFAULT_DIGITS
from .spec.vocabulary import LANGUAGES, NOTATIONS

COMMANDS = {name: f"derive.commands.{name}" for name in ("doc", "check", "exercises", "grade", "presets", "gallery",
                                                                   "explore")}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, no usage dump
        shown = message.translate({ord(c): repr(c)[1:-1] for c in "\n\r\t\v\f"})  # an argument's line break
        self.exit(2, f"{self.prog}: error: {shown}\n")


def _digits(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 17:
        raise argparse.ArgumentTypeError(f"expected significant digits from 1 to 17, got {text!r}")
    return int(text)


def parser() -> argparse.ArgumentParser:
    top = _Parser(prog="derive", description="Step-by-step worked solutions of backpropagation.")
    top.add_argument("--version", action="version", version=f"derive {__version__}")
    commands = top.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for add in (_doc_parser, _explore_parser, _check_parser, _exercises_parser, _grade_parser):
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


def _explore_parser(commands) -> None:
    ex = commands.add_parser("explore", help="write one offline HTML page where every number follows your edits")
    ex.add_argument("spec", help="a .toml spec file or the name of a built-in example")
    ex.add_argument("-o", "--output", help="the page (default: <name>.explore.html in the current folder)")
    ex.add_argument("--lang", default="en", help="the language the page opens in: en (default) or zh; "
                    "both are in the page")
    ex.add_argument("--precision", type=_digits, default=DEFAULT_DIGITS,
                    help=f"significant digits shown (default: {DEFAULT_DIGITS})")
    ex.add_argument("--focus", help="the parameters given a control, e.g. w5,b3 or layer2; needed beyond "
                    "100 parameters, whose chains alone are written out")


def _check_parser(commands) -> None:
    check = commands.add_parser("check", help="find the numbers of a walkthrough that do not follow from its network")
    check.add_argument("spec", help="a .toml spec file or the name of a built-in example: the network described")
    check.add_argument("document", help="the walkthrough: Markdown, plain text or LaTeX")
    check.add_argument("--report", default="md", choices=("md", "json"), help="md (default) or json, on stdout")
    check.add_argument("--lr", help="learning rates whose updates the document may show, e.g. 0.5,0.1")
    check.add_argument("--lang", default="en", choices=LANGUAGES, help="the report's language: en (default) or zh")
    check.add_argument("--tolerance", help="how close a number must be to count as right beyond its written digits: "
                       "rel:R, abs:A or sig:N (e.g. rel:1e-6 for a source computed in float32)")


def _exercises_parser(commands) -> None:
    ex = commands.add_parser("exercises", help="write an exercise sheet and its answer key")
    ex.add_argument("--count", type=int, default=10, help="variants (default 10)")
    ex.add_argument("--seed", type=int, default=1, help="the random seed: the same seed, the same variants")
    ex.add_argument("--level", default="full-step", help="forward, output-gradient, hidden-gradient, full-step "
                    "(default), softmax, or find-the-mistake (a worked solution with one mistake to find)")
    ex.add_argument("--network", default="2-2-2", help="layer sizes (default 2-2-2; softmax: 2-2-3)")
    ex.add_argument("--activation", default="sigmoid", help="sigmoid (default), tanh, relu or leaky_relu")
    ex.add_argument("--loss", default="half_sse", help="half_sse (default) or mse")
    ex.add_argument("--tolerance", default="rel:0.01", help="rel:R, abs:A or sig:N (default rel:0.01)")
    ex.add_argument("--format", default="md,json",
                    help="comma-separated: md, html, pdf, json, moodle, prairielearn, qti (default: md,json)")
    ex.add_argument("--lang", default="en", help="en, zh, or both as en,zh (default: en)")
    ex.add_argument("-o", "--output", default=".", help="output folder (default: the current folder)")
    ex.add_argument("--carry-forward", default="partial", choices=("full", "partial", "none"),
                    help="the credit of an answer right from the student's own earlier wrong answers, "
                         "when derive grade --carry-forward grades (default: partial, half)")


def _grade_parser(commands) -> None:
    gr = commands.add_parser("grade", help="score students' answers (CSV) against exercises.json")
    gr.add_argument("answers", help="the exercises.json written by derive exercises")
    gr.add_argument("submissions", help="CSV: student, variant, one column per quantity key")
    gr.add_argument("-o", "--output", default="scores.csv", help="the scores CSV (default: scores.csv)")
    gr.add_argument("--carry-forward", action="store_true", help="also judge each answer from the student's own "
                    "earlier answers, with the credit the key's rule gives (derive exercises --carry-forward)")


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
        with warnings.catch_warnings():
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
        command = importlib.import_module(COMMANDS[args.command])
        if argv is None:  # the process's own command line: the program, not a caller in-process
            # What the imports made (SymPy's and NumPy's modules, derive's) lives as long as the process:
            # left out of the garbage collector's full passes, each of which would walk all of it again
            # (25 ms in a 4-8-8-3 document, whenever its allocations trigger one)
            gc.freeze()
        return command.run(args)
    except DeriveError as exc:
        print(f"derive: error: {exc}", file=sys.stderr)
        return exc.exit_code
