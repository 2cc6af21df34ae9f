"""A comma-separated option (--format md,html, --lang en,zh) read into its distinct choices."""
from __future__ import annotations

from ..errors import UsageError


def choices(text: str, allowed: tuple[str, ...], option: str) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    bad = [c for c in chosen if c not in allowed]
    if bad or not chosen:
        raise UsageError(f"{option}: expected a comma-separated list of {', '.join(allowed)}, got {text!r}")
    return chosen
