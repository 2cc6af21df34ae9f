"""The one exception family of derive; the CLI turns each into a one-line message."""
from __future__ import annotations


class DeriveError(Exception):
    """Base class: anything derive reports to a user as a one-line message."""

    exit_code = 2


class SpecError(DeriveError):
    """A spec (file, preset or dict) is missing a field, has a wrong shape or a bad value."""

    def __init__(self, source: str, field: str, expected: str, got: str | None = None):
        self.source, self.field, self.expected, self.got = source, field, expected, got
        message = f"{source}: {field}: expected {expected}"
        if got is not None:
            message += f", got {got}"
        super().__init__(message)


class UsageError(DeriveError):
    """A command-line argument is wrong (unknown preset, bad format list, ...)."""


class VerificationError(DeriveError):
    """Two independent computations of the same number disagree: a bug in derive, never a document."""

    exit_code = 3


class ToolError(DeriveError):
    """An outside program a format needs (xelatex for PDF) is missing or failed."""
