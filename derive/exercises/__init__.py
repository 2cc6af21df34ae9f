"""Exercise sheets: seeded variants of one kind of exercise (derive.exercises.variants), the sheet and
its answer key with each variant's verified worked solution, exercises.json, Moodle XML, and grading a
CSV of students' answers against the key. It takes a level, a network shape and a seed, and gives
files; every answer comes from the numeric engine and every worked solution from the derivation,
cross-checked like any document.
"""
from __future__ import annotations

from ..tolerance import Tolerance, parse_tolerance
from .sheets import files, sheets
from .variants import LEVELS, Asked, Variant, generate

__all__ = ["LEVELS", "Asked", "Tolerance", "Variant", "files", "generate", "parse_tolerance", "sheets"]
