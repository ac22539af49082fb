"""CLI command: ``xlreport report`` (write the monthly report workbook).

The work is done by :meth:`xlreport.app.App.write_report`, the same path the Excel button
and the scheduler take: without ``--month`` and ``--as-of`` the report is for the last
complete month by the clock, as of its last day; rates are brought up to date first when
the month needs them (setting ``rate_update``), and a report on rates not yet final says
so on screen and in the workbook.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from xlreport.cli.options import DbOpt, RatesNameOpt, RatesOpt, make_app, parse_date_option

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
    currency: Annotated[
        str | None, typer.Option("--currency", help="Report currency (default: setting currency).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Output folder (default: settings).")
    ] = None,
    pdf: Annotated[
        bool, typer.Option("--pdf", help="Also write a PDF (needs LibreOffice).")
    ] = False,
    plan: Annotated[
        list[str] | None, typer.Option("--plan", help="Only this plan id (repeatable).")
    ] = None,
    rates: RatesOpt = None,
    rates_name: RatesNameOpt = None,
    db: DbOpt = None,
) -> None:
    """Write the monthly report workbook <out>/<name>-YYYY-MM.xlsx and print its path."""
    with make_app(db, rates, rates_name) as app:
        result = app.write_report(
            month=month,
            as_of=parse_date_option(as_of),
            template=template,
            currency=currency,
            out_dir=out,
            pdf=pdf,
            plans=plan or None,
        )
        for note in app.notes:
            typer.echo(note, err=True)
    if result.provisional:
        typer.echo(
            f"Note: {result.month} rates are {result.provisional}; run the report again "
            "once they are published (`xlreport fx update`).",
            err=True,
        )
    typer.echo(str(result.path))
    if result.pdf_path is not None:
        typer.echo(str(result.pdf_path))


def register(app: typer.Typer) -> None:
    """Add this group's commands to the app."""
    app.command("report")(report)
