"""Documents too big to hold twice are written as they are rendered: the streamed text is the text,
and a stream that fails leaves nothing behind."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import derive.exercises as exercises
from derive.files import write_files
from derive.views.templates import tidy, tidy_stream


@settings(max_examples=300, derandomize=True)
@given(st.text(alphabet="a\n ", max_size=60), st.lists(st.integers(0, 60), max_size=8))
def test_tidy_of_the_pieces_is_tidy_of_the_whole(text, cuts):
    bounds = sorted({0, len(text), *(min(c, len(text)) for c in cuts)})
    pieces = [text[a:b] for a, b in zip(bounds, bounds[1:])]
    assert "".join(tidy_stream(pieces)) == tidy(text)


def test_a_streamed_key_is_the_key_held_whole(tmp_path):
    variants = exercises.generate(6, 3, "full-step")
    tolerance = exercises.parse_tolerance("rel:0.01")
    streamed = exercises.files(variants, tolerance, "full-step", 3, ("md",), ("en", "zh"))
    assert not isinstance(streamed["answers.md"], bytes)  # a key in Markdown alone streams
    held = exercises.files(variants, tolerance, "full-step", 3, ("md", "moodle"), ("en", "zh"))
    for name in ("answers.md", "answers.zh.md", "exercises.md"):
        data = streamed[name]
        assert (data if isinstance(data, bytes) else b"".join(data)) == held[name]


def test_a_stream_that_fails_leaves_nothing(tmp_path):
    def broken():
        yield b"half of a document"
        raise RuntimeError("the renderer failed")

    with pytest.raises(RuntimeError):
        write_files({"a.md": b"complete", "b.md": broken()}, tmp_path / "out")
    assert not (tmp_path / "out").exists()
