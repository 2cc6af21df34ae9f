"""The limits of a spec, checked before any work: sizes (so that every run ends in seconds) and the
length and shape of its free texts (so that a note or a label never changes a document's structure).
docs/spec.md lists them."""
from __future__ import annotations

from typing import Any

from . import vocabulary as words
from .reader import Reader

MAX_NOTE = 2_000  # characters
MAX_NAME = 64
MAX_UNITS = 1_024  # neurons of one layer (a 784-pixel input fits; its document needs --focus)
MAX_PARAMETERS = 60_000  # 784-64-10 (50,890) derives in about 9 s
MAX_DEPTH = 32  # layers, the input's included
MAX_SAMPLES = 1_000  # a document of a 2-2-2 network over 1,000 samples takes about 7 s
MAX_SAMPLE_WORK = 1_000_000  # samples x parameters: 784-16-16-10 (12,730) trains on a batch of 64, 78 at most
MAX_SPEC_BYTES = 20_000_000  # a spec file (784-64-10's weights written out take about 1 MB)


def check_size(r: Reader, layers: list[int]) -> None:
    """Sizes first, before anything is allocated: the limits of what derive computes and checks (a
    document of a network this size writes out only the parameters named with --focus)."""
    if len(layers) > MAX_DEPTH:
        raise r.fail("network.layers", f"at most {MAX_DEPTH} layers", note=f"{len(layers)} layers")
    for l, n in enumerate(layers):
        if n > MAX_UNITS:
            raise r.fail(f"network.layers[{l}]", f"at most {MAX_UNITS:,} units in a layer", n)
    count = sum((a + 1) * b for a, b in zip(layers, layers[1:]))
    if count > MAX_PARAMETERS:
        raise r.fail("network.layers", f"at most {MAX_PARAMETERS:,} parameters (weights and biases); a larger "
                     "network is beyond what derive computes symbolically and checks", note=f"{count:,} parameters")


def check_samples(r: Reader, inputs: Any, layers: tuple[int, ...]) -> None:
    """The number of samples (written or generated), before their rows are read: every sample is
    computed, checked and shown."""
    if not isinstance(inputs, (list, tuple)):
        return  # the reader names the wrong type
    count = sum((a + 1) * b for a, b in zip(layers, layers[1:]))
    if len(inputs) > MAX_SAMPLES or len(inputs) * count > MAX_SAMPLE_WORK:
        most = min(MAX_SAMPLES, MAX_SAMPLE_WORK // count)
        shape = "-".join(map(str, layers))
        raise r.fail("data.inputs", f"at most {most:,} samples for a {shape} network (at most "
                     f"{MAX_SAMPLES:,}, and samples x parameters at most {MAX_SAMPLE_WORK:,})",
                     note=f"{len(inputs):,} samples")


def note(r: Reader, note: Any) -> tuple[tuple[str, str], ...]:
    """A note for the document: one text for every language, or a table of texts by language."""
    if note is None:
        return ()
    texts = {"*": note} if isinstance(note, str) else note
    languages = ", ".join(f'{lang} = "..."' for lang in words.LANGUAGES)
    expected = f"a text of at most {MAX_NOTE:,} characters, or a table of such texts by language ({languages})"
    if (not isinstance(texts, dict) or not texts or any(k not in ("*", *words.LANGUAGES) for k in texts)
            or (isinstance(note, dict) and "*" in note)
            or any(not isinstance(v, str) or len(v) > MAX_NOTE for v in texts.values())):
        raise r.fail("note", expected, note)
    # a note is one paragraph of plain text: its line breaks and runs of spaces become single spaces, so
    # that nothing in it starts a heading, a list, a code block or a rule in any format
    return tuple(sorted((k, " ".join(v.split())) for k, v in texts.items()))
