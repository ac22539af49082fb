"""Option values shared by several commands, parsed once with one wording of errors."""

from __future__ import annotations

from datetime import date

from xlreport.errors import DataError

__all__ = ["parse_date_option"]


def parse_date_option(text: str | None, option: str = "--as-of") -> date | None:
    """A ``YYYY-MM-DD`` option as a date (None when absent), or a one-line error."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise DataError(
            f"{option} {text!r} is not a date: write YYYY-MM-DD, e.g. 2024-12-31"
        ) from None
