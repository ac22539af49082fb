"""Option values shared by several commands, parsed once with one wording of errors, and
the one way a command builds its :class:`xlreport.app.App`."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from xlreport.errors import DataError

if TYPE_CHECKING:
    from xlreport.app import App, Clock

__all__ = ["DbOpt", "RatesNameOpt", "RatesOpt", "make_app", "parse_date_option"]

DbOpt = Annotated[
    str | None,
    typer.Option(
        "--db",
        metavar="URL",
        help="Database URL (default: setting database_url, or the SQLite file in the data folder).",
    ),
]
RatesOpt = Annotated[
    Path | None,
    typer.Option(
        "--rates",
        help="A newer ECB history file (eurofxref-hist.zip or .csv) or a rate CSV with "
        "columns date,base,quote,rate (default: setting rate_file).",
    ),
]
RatesNameOpt = Annotated[
    str | None,
    typer.Option(
        "--rates-name",
        help="Source name for the --rates table (default: ECB for an ECB file, else the "
        "file name upper-cased: pboc.csv -> PBOC).",
    ),
]


def parse_date_option(text: str | None, option: str = "--as-of") -> date | None:
    """A ``YYYY-MM-DD`` option as a date (None when absent), or a one-line error."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise DataError(
            f"{option} {text[:40]!r} is not a date: write YYYY-MM-DD, e.g. 2024-12-31"
        ) from None


def make_app(
    db: str | None = None,
    rates: Path | None = None,
    rates_name: str | None = None,
    clock: Clock | None = None,
) -> App:
    """The App of one command: settings from the environment, ``--db``, ``--rates``, and
    the clock (``--now`` of the scheduler; default the system's)."""
    from xlreport.app import App

    return App.from_environment(
        database_url=db, rates_file=rates, rates_name=rates_name, clock=clock
    )
