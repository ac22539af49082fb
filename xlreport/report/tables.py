"""Writing cells and Excel tables safely: data text is always text, blanks stay blank.

Every data value goes through :func:`write_value`: text with ``write_string`` (so
``=HYPERLINK(...)`` or ``http://x`` stays plain text), numbers with ``write_number``,
dates with ``write_datetime``, missing values as formatted blanks.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from xlreport.report.formats import FormatCache
from xlreport.report.template import Template

__all__ = [
    "PAPER",
    "TableColumn",
    "cell_ref",
    "is_missing",
    "quote_sheet",
    "set_print",
    "table_name",
    "write_table",
    "write_value",
]

PAPER = {"letter": 1, "legal": 5, "A3": 8, "A4": 9}


def is_missing(value: Any) -> bool:
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    return isinstance(value, float | np.floating) and not math.isfinite(float(value))


def write_value(ws: Worksheet, row: int, col: int, value: Any, fmt: Format | None) -> None:
    """Write one data value with the writer for its type (never the generic ``write``)."""
    if is_missing(value):
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, str):
        ws.write_string(row, col, value, fmt)
    elif isinstance(value, bool | np.bool_):
        ws.write_string(row, col, "yes" if value else "no", fmt)
    elif isinstance(value, pd.Timestamp):
        ws.write_datetime(row, col, value.to_pydatetime(), fmt)
    elif isinstance(value, datetime | date):
        ws.write_datetime(row, col, value, fmt)
    elif isinstance(value, int | float | np.integer | np.floating):
        ws.write_number(row, col, float(value), fmt)
    else:
        ws.write_string(row, col, str(value), fmt)


def quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def cell_ref(sheet: str, row: int, col: int, *, absolute: bool = True) -> str:
    return f"{quote_sheet(sheet)}!{xl_rowcol_to_cell(row, col, absolute, absolute)}"


def column_range(sheet: str, first_row: int, last_row: int, col: int) -> str:
    letter = xl_col_to_name(col)
    return f"{quote_sheet(sheet)}!${letter}${first_row + 1}:${letter}${last_row + 1}"


_TABLE_BAD = re.compile(r"[^A-Za-z0-9_]")


def table_name(stem: str, used: set[str]) -> str:
    """A valid, unique Excel table/defined name from ``stem``."""
    base = "T_" + _TABLE_BAD.sub("_", stem)[:200]
    name, i = base, 2
    while name.lower() in used:
        name, i = f"{base}_{i}", i + 1
    used.add(name.lower())
    return name


@dataclass(frozen=True, slots=True)
class TableColumn:
    header: str
    key: str
    style: str | Callable[[dict[str, Any]], str]  # style key, or a function of the row
    width: float


def write_table(
    ws: Worksheet,
    fmts: FormatCache,
    template: Template,
    *,
    top: int,
    columns: Sequence[TableColumn],
    rows: Sequence[dict[str, Any]],
    name: str,
    empty_text: str,
) -> int:
    """Write a header and rows as an Excel table with filters; return the next free row.

    With no rows, a plain note (``empty_text``) is written instead of an empty table.
    """
    header = fmts.get("header")
    for c, col in enumerate(columns):
        ws.set_column(c, c, col.width)
    ws.set_row(top, 30)  # room for wrapped headers
    if not rows:
        for c, col in enumerate(columns):
            ws.write_string(top, c, col.header, header)
        ws.write_string(top + 1, 0, empty_text, fmts.get("muted"))
        return top + 3
    for r, row in enumerate(rows, start=top + 1):
        for c, col in enumerate(columns):
            style = col.style if isinstance(col.style, str) else col.style(row)
            write_value(ws, r, c, row.get(col.key), fmts.get(style))
    last = top + len(rows)
    ws.add_table(
        top,
        0,
        last,
        len(columns) - 1,
        {
            "name": name,
            "style": template.theme.table_style,
            "autofilter": True,
            "columns": [{"header": col.header, "header_format": header} for col in columns],
        },
    )
    return last + 2


def set_print(
    ws: Worksheet, template: Template, *, as_of: date, repeat_row: int | None = None
) -> None:
    """Paper, orientation, fit to width, repeated header row, footer with pages and date."""
    theme = template.theme
    ws.set_paper(PAPER[theme.paper])
    if theme.orientation == "landscape":
        ws.set_landscape()
    else:
        ws.set_portrait()
    if theme.fit_to_width:
        ws.fit_to_pages(1, 0)
    if repeat_row is not None:
        ws.repeat_rows(repeat_row)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    title = template.report.title.replace("&", "&&")
    ws.set_footer(f"&L&8{title}, as of {as_of.isoformat()}&R&8Page &P of &N")
