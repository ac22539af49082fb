"""CLI command: ``xlreport progress`` (progress of every target as of a date).

The JSON output is a contract scripts rely on: one object per target with at least
:data:`JSON_FIELDS`, fractions as fractions (0.381, not 38.1), ``null`` where a measure is
undefined. ``--as-of`` defaults to today by the App's clock.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Annotated, Any

import typer

from xlreport.cli.options import DbOpt, make_app, parse_date_option
from xlreport.cli.output import OutputFormat, emit_rows

if TYPE_CHECKING:
    import pandas as pd

# pandas and the engine load inside the command (a fast `xlreport --help`).

__all__ = ["JSON_FIELDS", "progress_rows", "register"]

#: Fields every JSON object carries, in this order (further columns follow).
JSON_FIELDS: tuple[str, ...] = (
    "target_id",
    "latest_value",
    "latest_period",
    "share_achieved",
    "time_elapsed",
    "deadline_passed",
    "required_cagr",
    "required_cagr_from_now",
    "actual_cagr",
    "anticipated_value",
    "met",
    "status",
    "outlook",
    "method",
    "explanation",
)

_TABLE_COLUMNS = ("target", "name", "latest", "share", "status", "explanation")


def _plain(value: Any) -> Any:
    """pandas/numpy scalars -> plain Python; NaN, NaT and NA -> None; timestamps -> dates."""
    import pandas as pd

    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if hasattr(value, "item") and callable(value.item):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def progress_rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of a :func:`compute_progress` frame as plain dicts, contract fields first."""
    from xlreport.progress import PROGRESS_COLUMNS

    order = [*JSON_FIELDS, *(c for c in PROGRESS_COLUMNS if c not in JSON_FIELDS)]
    flat = frame.reset_index()
    return [{k: _plain(rec[k]) for k in order} for rec in flat.to_dict("records")]


def _table_row(r: dict[str, Any]) -> dict[str, Any]:
    from xlreport.progress import format_amount, format_fraction

    """One readable row: qualifiers stand beside the values they qualify ("nearly 340 bn
    CNY"), an outlook beside its status."""
    latest = ""
    if r["latest_value"] is not None:
        amount = format_amount(r["latest_value"], r["unit"])
        word = r.get("latest_qualifier")
        latest = f"{word + ' ' if word else ''}{amount} ({r['latest_period']})"
    share = "" if r["share_achieved"] is None else format_fraction(r["share_achieved"])
    status = r["status"] if not r.get("outlook") else f"{r['status']} ({r['outlook']})"
    return {
        "target": r["target_id"],
        "name": r["name"],
        "latest": latest,
        "share": share,
        "status": status,
        "explanation": r["explanation"],
    }


def register(app: typer.Typer) -> None:
    """Add this group's commands to the app."""

    @app.command("progress")
    def progress(
        as_of: Annotated[
            str | None,
            typer.Option("--as-of", help="Use data published on or before this date (YYYY-MM-DD)."),
        ] = None,
        plan: Annotated[
            list[str] | None, typer.Option("--plan", help="Only this plan id (repeatable).")
        ] = None,
        fmt: Annotated[
            OutputFormat, typer.Option("--format", help="table, csv or json.")
        ] = OutputFormat.TABLE,
        tolerance: Annotated[
            float | None,
            typer.Option(
                "--tolerance",
                help="Band of 'about' targets as a fraction (default: setting about_tolerance).",
            ),
        ] = None,
        db: DbOpt = None,
    ) -> None:
        """Progress of every target: latest actual, share achieved, growth, status.

        Statuses: met, not met, on track, moderate progress, insufficient progress, moving
        away, awaiting final figure (deadline passed, its figure not yet published; with
        an outlook, likely met or likely not met), done, pending and unconfirmed
        (milestones), not assessable. JSON and CSV add deadline_passed and outlook; met
        is null when unknown. See docs/methods.md.
        """
        with make_app(db) as app:
            day = parse_date_option(as_of) or app.today()
            frame = app.progress(day, plans=plan or None, tolerance=tolerance)
        rows = progress_rows(frame)
        if fmt is OutputFormat.TABLE:
            emit_rows(
                [_table_row(r) for r in rows],
                fmt,
                columns=_TABLE_COLUMNS,
                title=f"Progress as of {day.isoformat()}",
            )
        else:
            emit_rows(rows, fmt)
