"""derive doc: the worked solution of one spec, in every format and language asked for."""
from __future__ import annotations

import argparse
import contextlib
import dataclasses
import sys
from pathlib import Path

from ..errors import UsageError
from ..pipeline import derive, write
from ..spec import focused, in_full, load
from ..spec.vocabulary import FORMATS, LANGUAGES, NOTATIONS
from .choices import choices


def run(args: argparse.Namespace) -> int:
    formats = choices(args.format, FORMATS, "--format")
    langs = choices(args.lang, LANGUAGES, "--lang")
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
        derivation = derive(spec, notation=args.notation, digits=args.precision, progress=progress,
                            formats=formats)
    for path in write(derivation, args.output, formats, langs, args.template_dir):
        print(path)
    return 0


@contextlib.contextmanager
def _progress(total: int, quiet: bool):
    """A progress bar on stderr for training: shown once it has run for half a second, and never when
    stderr is not a terminal or with --quiet."""
    if quiet or not total or not sys.stderr.isatty():
        yield None
        return
    import tqdm  # here: only a terminal watching a training run needs it

    with tqdm.tqdm(total=total, desc="training", unit="it", file=sys.stderr, delay=0.5, leave=False,
                   dynamic_ncols=True) as bar:
        yield lambda done: bar.update(done - bar.n)
