"""Hostile input drawn at random (tests/fuzzing.py): malformed specs, arguments, submissions and
walkthroughs. Every outcome is a result or a one-line refusal (exit 2), never a traceback or an
internal error. A modest count here; `python3 benchmarks/fuzz.py` runs thousands and reports counts."""
from __future__ import annotations

from pathlib import Path

import fuzzing
from hypothesis import HealthCheck, given, settings

FUZZ = settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))


@FUZZ
@given(fuzzing.specs())
def test_a_malformed_spec_is_refused_in_one_line(spec):
    with fuzzing.scratch() as folder:
        assert fuzzing.attack_spec(spec, Path(folder)) != "broken", fuzzing.toml(spec)


@FUZZ
@given(fuzzing.arguments)
def test_random_arguments_are_refused_in_one_line(args):
    with fuzzing.scratch() as folder:
        assert fuzzing.attack_arguments(args, Path(folder)) != "broken", args


@FUZZ
@given(fuzzing.csv_texts)
def test_a_random_submissions_file_is_graded_or_refused(text):
    with fuzzing.scratch() as folder:
        assert fuzzing.attack_grade(text, Path(folder)) != "broken", text


@FUZZ
@given(fuzzing.walkthroughs)
def test_a_random_walkthrough_is_checked(text):
    with fuzzing.scratch() as folder:
        assert fuzzing.attack_check(text, Path(folder)) != "broken", text
