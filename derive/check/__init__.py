"""derive check: a hand-written walkthrough of a network read (its numbers, equations and arithmetic:
derive.check.reading) and every number classified against the network's quantities, which come from
the numeric engines (derive.check.quantities, derive.check.classify); the report says which numbers
do not follow and what they most likely meant (derive.check.report). It takes a `Spec` and a text and
gives a `Report`.
"""
from __future__ import annotations

from .classify import MAX_BYTES, Report, check, parse_rates
from .report import json_view, markdown

__all__ = ["MAX_BYTES", "Report", "check", "json_view", "markdown", "parse_rates"]
