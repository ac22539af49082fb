"""CLI commands: ``xlreport data template|validate|import|export|draft``.

The library does the work (:mod:`xlreport.io`); these commands open the store, call it
and print a short summary. Problems arrive as :class:`~xlreport.errors.ValidationFailed`,
which the app prints (every problem with its location) with exit code 1.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from xlreport.cli.options import parse_date_option
from xlreport.errors import DataError

if TYPE_CHECKING:
    from rich.console import Console

# The io layer, the store and rich are imported inside the commands that use them, so
# that `xlreport --help` and `--version` start without them (issue 13: within 0.3 s).

DRAFT_FORMATS = ("json", "xlsx")

__all__ = ["data_app", "register"]

data_app = typer.Typer(
    name="data",
    help="Plan data files: the data-entry template, validation, import, export and drafts.",
    no_args_is_help=True,
)

FileArg = Annotated[
    Path,
    typer.Argument(help="An .xlsx data workbook, or a folder of CSV files.", show_default=False),
]


def _console() -> Console:
    from rich.console import Console

    return Console(soft_wrap=False, width=120)


def _counts_text(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {kind}" for kind, n in counts.items())


def template_cmd(
    path: Annotated[Path, typer.Argument(help="Where to write the workbook (.xlsx).")],
) -> None:
    """Write the empty data-entry workbook (README, sheets, drop-downs, header notes)."""
    from xlreport.io import write_data_template

    written = write_data_template(path)
    typer.echo(f"Wrote the data-entry workbook {written}")


def validate_cmd(path: FileArg) -> None:
    """Check a data file and list every problem with its cell; writes nothing.

    References are checked against the database too when it already holds data.
    """
    from xlreport.io import validate_file
    from xlreport.io.importer import count_records
    from xlreport.store import Store

    store = Store.open_existing()
    try:
        ds = validate_file(path, store=store)
        against = f"the database {store.location}" if store is not None else "this file only"
    finally:
        if store is not None:
            store.close()
    typer.echo(
        f"{path.name}: no problems ({_counts_text(count_records(ds))}); "
        f"references checked against {against}."
    )


def import_cmd(path: FileArg) -> None:
    """Validate a data file completely, then store it in one transaction (upsert by id).

    On any problem nothing is written and every problem is listed. Importing the same
    file again changes nothing.
    """
    from rich.table import Table

    from xlreport.io import import_file
    from xlreport.store import Store

    with Store.open() as store:
        report = import_file(path, store)
    table = Table(title=f"Imported {path.name} into {store.location}")
    for col in ("records", "read", "inserted", "updated", "unchanged"):
        table.add_column(col, justify="left" if col == "records" else "right")
    for kind, n in report.read.items():
        c = report.summary.counts.get(kind)
        table.add_row(
            kind,
            str(n),
            str(c.inserted if c else 0),
            str(c.updated if c else 0),
            str(c.unchanged if c else 0),
        )
    _console().print(table)
    typer.echo(f"{report.summary.describe()} (data revision {report.summary.revision}).")


def export_cmd(
    path: Annotated[
        Path,
        typer.Argument(help="An .xlsx file, or a folder (no suffix) for CSV files."),
    ],
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Only observations published by this date (YYYY-MM-DD)."),
    ] = None,
    embedded: Annotated[
        bool,
        typer.Option("--embedded", help="Export the dataset shipped with xlreport, not the store."),
    ] = False,
) -> None:
    """Export plan data in the layout of the data workbook (importable again as is)."""
    from xlreport.data import load_embedded_dataset
    from xlreport.io.importer import count_records
    from xlreport.io.writer import check_export_path, write_dataset
    from xlreport.store import Store

    cutoff = parse_date_option(as_of)
    check_export_path(path)
    if embedded:
        if cutoff is not None:
            raise DataError("--as-of applies to the store; leave it out with --embedded")
        ds = load_embedded_dataset()
    else:
        with Store.open() as store:
            ds = store.load_dataset(cutoff)
    written = write_dataset(ds, path)
    typer.echo(f"Wrote {written} ({_counts_text(count_records(ds))}).")


def draft_cmd(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="Announcements: plain text (.txt) or pages saved as HTML.", show_default=False
        ),
    ],
    source_id: Annotated[
        str | None,
        typer.Option("--source-id", help="Id of the source record (one FILE only)."),
    ] = None,
    published: Annotated[
        str | None,
        typer.Option(
            "--published",
            help="Publication date (YYYY-MM-DD): dates 'last year' "
            "and past figures, and is the vintage of reported figures.",
        ),
    ] = None,
    fmt: Annotated[
        str,
        typer.Option("--format", help="json (items) or xlsx (the data workbook, marked draft)."),
    ] = "json",
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Where to write; JSON goes to the terminal without it."),
    ] = None,
) -> None:
    """Propose targets and reported figures from announcements, for review.

    Every item carries its quote and character offsets. The xlsx draft has draft and
    quote columns: import refuses a row until its draft cell is cleared after review.
    """
    from xlreport.cli.draft_output import run_draft

    day = parse_date_option(published, "--published")
    run_draft(files, source_id=source_id, published=day, fmt=fmt, out=out)


def register(app: typer.Typer) -> None:
    """Add the ``data`` group to the app."""
    data_app.command("template")(template_cmd)
    data_app.command("validate")(validate_cmd)
    data_app.command("import")(import_cmd)
    data_app.command("export")(export_cmd)
    data_app.command("draft")(draft_cmd)
    app.add_typer(data_app, name="data")
