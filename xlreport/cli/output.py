"""Rendering rows for the terminal (rich table), CSV or JSON: the one place for formats.

JSON is the contract scripts rely on: an array of objects, values in full units,
fractions as fractions, dates as ISO strings, ``null`` where absent. CSV follows OWASP's
CSV-injection advice (:func:`xlreport.io.csvsafe.csv_safe`: every field quoted, a cell that a
spreadsheet would read as a formula, even after leading spaces, prefixed with ``'``).

Data text never reaches the terminal raw: table cells go through
:func:`xlreport.errors.escape_terminal`, and so do CSV and JSON when standard output is a
terminal (JSON escapes C0 controls itself; C1 controls and bidi overrides it does not).
"""

from __future__ import annotations

import csv
import io
import json
import math
import sys
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from enum import Enum, StrEnum
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape as rich_escape
from rich.table import Table

from xlreport.errors import escape_terminal


def csv_safe(text: str) -> str:
    """:func:`xlreport.io.csvsafe.csv_safe`, imported on first use: the io package is
    not loaded for commands that print no CSV (a fast `xlreport --help`)."""
    from xlreport.io.csvsafe import csv_safe as safe

    return safe(text)


__all__ = ["OutputFormat", "emit_rows", "to_jsonable"]


class OutputFormat(StrEnum):
    TABLE = "table"
    CSV = "csv"
    JSON = "json"


def to_jsonable(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        return to_jsonable(value.item())
    if value is not None and type(value).__name__ in {"NAType", "NaTType"}:
        return None
    return value


def _csv_cell(value: Any) -> Any:
    value = to_jsonable(value)
    if isinstance(value, str):
        return csv_safe(value)
    return "" if value is None else value


def _on_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def _table_cell(value: Any) -> str:
    value = to_jsonable(value)
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.6g}" if abs(value) < 1e6 else f"{value:,.0f}"
    return rich_escape(escape_terminal(str(value)))


def emit_rows(
    rows: Sequence[Mapping[str, Any]],
    fmt: OutputFormat,
    *,
    columns: Sequence[str] | None = None,
    title: str | None = None,
    single: bool = False,
) -> None:
    """Print rows in the chosen format. ``columns`` picks and orders table/CSV columns.

    JSON is an array of objects, or one object when ``single`` (a command that answers
    with exactly one result, such as ``fx rate``).
    """
    cols = list(columns or (rows[0].keys() if rows else []))
    if fmt is OutputFormat.JSON:
        data = [{k: to_jsonable(v) for k, v in r.items()} for r in rows]
        if single and len(data) != 1:
            raise ValueError(f"single=True needs exactly one row, got {len(data)}")
        text = json.dumps(data[0] if single else data, ensure_ascii=False, indent=2)
        typer.echo(escape_terminal(text) if _on_terminal() else text)
    elif fmt is OutputFormat.CSV:
        buf = io.StringIO()
        writer = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\n")
        writer.writerow([csv_safe(c) for c in cols])
        for r in rows:
            writer.writerow([_csv_cell(r.get(c)) for c in cols])
        text = buf.getvalue()
        typer.echo(escape_terminal(text) if _on_terminal() else text, nl=False)
    else:
        table = Table(title=rich_escape(title) if title else None, show_lines=False)
        for c in cols:
            table.add_column(rich_escape(escape_terminal(c)), overflow="fold")
        for r in rows:
            table.add_row(*(_table_cell(r.get(c)) for c in cols))
        Console(soft_wrap=False, width=200).print(table)
