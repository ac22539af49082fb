"""CLI command: ``xlreport report`` (write the monthly report workbook).

This is the edge where the clock is read: without ``--month`` and ``--as-of`` the report
is for the last complete month, as of its last day. The work is done by
:func:`xlreport.report.write_monthly_report`, the same function the Excel button and the
scheduler call.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from xlreport.cli.options import parse_date_option

__all__ = ["register"]


def report(
    month: Annotated[
        str | None, typer.Option("--month", help="Report month YYYY-MM (default: last complete).")
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Use figures published by DATE (YYYY-MM-DD).")
    ] = None,
    template: Annotated[
        str | None, typer.Option("--template", help="Template name or .toml path.")
    ] = None,
    currency: Annotated[str, typer.Option("--currency", help="Report currency.")] = "USD",
    out: Annotated[
        Path | None, typer.Option("--out", help="Output folder (default: settings).")
    ] = None,
    pdf: Annotated[
        bool, typer.Option("--pdf", help="Also write a PDF (needs LibreOffice).")
    ] = False,
    plan: Annotated[
        list[str] | None, typer.Option("--plan", help="Only this plan id (repeatable).")
    ] = None,
) -> None:
    """Write the monthly report workbook <out>/<name>-YYYY-MM.xlsx and print its path."""
    from xlreport.report import last_complete_month, write_monthly_report

    as_of_date = parse_date_option(as_of)
    if month is None:
        month = f"{as_of_date:%Y-%m}" if as_of_date else last_complete_month(date.today())
    result = write_monthly_report(
        month=month,
        as_of=as_of_date,
        template=template,
        currency=currency,
        out_dir=out,
        pdf=pdf,
        plans=plan or None,
    )
    typer.echo(str(result.path))
    if result.pdf_path is not None:
        typer.echo(str(result.pdf_path))


def register(app: typer.Typer) -> None:
    """Add this group's commands to the app."""
    app.command("report")(report)
