"""Rendering rows for the terminal (rich table), CSV or JSON: the one place for formats.

JSON is the contract scripts rely on: an array of objects, values in full units,
fractions as fractions, dates as ISO strings, ``null`` where absent. CSV cells that a
spreadsheet would read as a formula are prefixed with ``'`` (OWASP CSV-injection advice).
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from enum import Enum, StrEnum
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

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


_RISKY = ("=", "+", "-", "@", "\t", "\r", "\n")


def _csv_cell(value: Any) -> Any:
    value = to_jsonable(value)
    if isinstance(value, str) and value.startswith(_RISKY):
        return "'" + value
    return "" if value is None else value


def _table_cell(value: Any) -> str:
    value = to_jsonable(value)
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.6g}" if abs(value) < 1e6 else f"{value:,.0f}"
    return str(value)


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
        typer.echo(json.dumps(data[0] if single else data, ensure_ascii=False, indent=2))
    elif fmt is OutputFormat.CSV:
        buf = io.StringIO()
        writer = csv.writer(buf, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
        writer.writerow(cols)
        for r in rows:
            writer.writerow([_csv_cell(r.get(c)) for c in cols])
        typer.echo(buf.getvalue(), nl=False)
    else:
        table = Table(title=title, show_lines=False)
        for c in cols:
            table.add_column(c, overflow="fold")
        for r in rows:
            table.add_row(*(_table_cell(r.get(c)) for c in cols))
        Console(soft_wrap=False, width=200).print(table)
