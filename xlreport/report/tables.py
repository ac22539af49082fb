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
from xlreport.report.labels import word
from xlreport.report.template import Template
from xlreport.report.textfit import text_fit

__all__ = [
    "PAPER",
    "PAPER_INCHES",
    "StreamColumn",
    "StreamedWorksheet",
    "TableColumn",
    "cell_ref",
    "is_missing",
    "page_breaks",
    "printable_pixels",
    "quote_sheet",
    "row_height",
    "set_print",
    "table_name",
    "write_sheet_link",
    "write_table",
    "write_value",
]

PAPER = {"letter": 1, "legal": 5, "A3": 8, "A4": 9}
#: (short, long) side of each paper in inches
PAPER_INCHES = {
    "letter": (8.5, 11.0),
    "legal": (8.5, 14.0),
    "A3": (11.69, 16.54),
    "A4": (8.27, 11.69),
}
MARGIN_LEFT = MARGIN_RIGHT = 0.4  # inches


class StreamedWorksheet(Worksheet):  # type: ignore[misc]  # xlsxwriter is untyped
    """A worksheet whose rows go to a temporary file as soon as the next row starts.

    xlsxwriter's ``constant_memory`` mode, for this sheet only: the option is
    workbook-wide, and it forbids the Excel tables of the other sheets. Kept in memory,
    xlsxwriter holds about 250 bytes a cell until the file is closed (500 MB for the
    2 million cells of a large observations appendix); streamed, one row.

    Rules of the mode: write rows top to bottom (a cell above the current row is
    refused with ValueError, where xlsxwriter would drop it), set a row's height before
    writing below it, no Excel table (``add_table`` refuses; use ``autofilter``) and no
    chart data from this sheet. Text that xlsxwriter's own methods write is inline, what
    :meth:`write_rows` writes is shared; either way it stays text.

    ``_initialize`` and ``_check_dimensions`` are xlsxwriter's private methods (its
    packager honours the mode per sheet); the tests that read the sheet back and the one
    that writes out of order pin this to the xlsxwriter installed.
    """

    previous_row: int  # xlsxwriter's: the row written last, or pending in its table

    def _initialize(self, init_data: dict[str, Any]) -> None:
        super()._initialize({**init_data, "constant_memory": True})

    def _check_dimensions(
        self, row: int, col: int, ignore_row: bool = False, ignore_col: bool = False
    ) -> int:
        # xlsxwriter would drop such a cell silently
        if row < self.previous_row and not (ignore_row or ignore_col):
            raise ValueError(
                f"sheet {self.name!r}: row {row + 1} is written after row "
                f"{self.previous_row + 1}; a streamed sheet is written top to bottom"
            )
        code: int = super()._check_dimensions(row, col, ignore_row, ignore_col)
        return code

    def write_rows(
        self,
        first_row: int,
        columns: Sequence[StreamColumn],
        heights: Sequence[float | None] | None = None,
    ) -> int:
        """Write whole columns as rows ``first_row`` onwards, from column A; return the
        last row written.

        The fast path of a large sheet: each row's XML goes straight to the sheet's row
        file, texts as shared strings (one entry per distinct text, each escaped by
        xlsxwriter once), numbers as their shortest exact text. Missing values (None,
        NaN) are formatted blanks, or nothing without a format. ``heights``: one row
        height in points (or None: the default) per row. Rows above and these rows
        cannot be written again afterwards (ValueError).
        """
        n = len(columns[0].values)
        if any(len(c.values) != n for c in columns):
            raise ValueError("write_rows: columns of different lengths")
        if n == 0:
            return first_row - 1
        last = first_row + n - 1
        pending = first_row == self.previous_row and self.table.get(first_row)
        if first_row < self.previous_row or pending:
            raise ValueError(
                f"sheet {self.name!r}: rows from {first_row + 1} are written after row "
                f"{self.previous_row + 1}; a streamed sheet is written top to bottom"
            )
        if any(first_row <= r <= last for r in self.row_info):
            raise ValueError(f"sheet {self.name!r}: write_rows cannot keep a row's set_row")
        self._write_single_row(first_row)  # the pending row (a header) goes out first
        self._check_dimensions(first_row, 0)
        self._check_dimensions(last, len(columns) - 1)
        makers = [
            _CellMaker(xl_col_to_name(c), col, self.str_table) for c, col in enumerate(columns)
        ]
        write = self.fh.write
        if heights is not None and len(heights) != n:
            raise ValueError("write_rows: one height per row")
        tags = [
            "" if h is None else f' ht="{float(h):g}" customHeight="1"'
            for h in (heights if heights is not None else [None] * n)
        ]
        for lo in range(0, n, _BLOCK):  # a block of rows at a time: memory stays flat
            hi = min(lo + _BLOCK, n)
            cells = [(m.letter, m.cells(lo, hi)) for m in makers]
            for i in range(hi - lo):
                r = first_row + lo + i + 1
                write(
                    f'<row r="{r}"{tags[lo + i]}>'
                    + "".join(f'<c r="{letter}{r}"{tail[i]}' for letter, tail in cells if tail[i])
                    + "</row>"
                )
        self.previous_row = last + 1
        return last


@dataclass(frozen=True)
class StreamColumn:
    """A column for :meth:`StreamedWorksheet.write_rows`: texts (an object array, None for
    missing) or numbers (a float array, NaN for missing), with one format for every row
    or a sequence of one format per row."""

    values: np.ndarray[Any, Any]
    formats: Format | Sequence[Format | None] | None


def _xf(fmt: Format | None) -> str:
    return "" if fmt is None else f' s="{fmt._get_xf_index()}"'


#: rows made at a time by StreamedWorksheet.write_rows
_BLOCK = 8192


class _CellMaker:
    """The XML of a column's cells after their reference (``""``: no cell), a block of
    rows at a time; texts and styles are looked up once per distinct value."""

    def __init__(self, letter: str, col: StreamColumn, sst: Any) -> None:
        self.letter = letter
        n = len(col.values)
        self.style = ""
        self.style_codes: np.ndarray[Any, Any] | None = None
        if col.formats is None or isinstance(col.formats, Format):
            self.style = _xf(col.formats)
        else:
            per_row = np.empty(n, dtype=object)
            per_row[:] = list(col.formats)
            codes, uniques = pd.factorize(per_row)  # by identity; None -> -1
            self.style_codes = codes
            self.style_table = [_xf(f) for f in uniques] + [""]
        self.text_codes: np.ndarray[Any, Any] | None = None
        if col.values.dtype == object:
            codes, uniques = pd.factorize(col.values)
            refs = np.bincount(codes[codes >= 0], minlength=len(uniques))
            self.index: list[int] = []
            for text, count in zip(uniques, refs, strict=True):
                if not isinstance(text, str):
                    raise TypeError(f"column {letter}: {text!r} is not text")
                if len(text) > 32767:
                    raise ValueError(f"column {letter}: a text is longer than Excel's 32,767")
                self.index.append(sst._get_shared_string_index(text))
                sst.count += int(count) - 1  # one reference a cell, as xlsxwriter counts
            self.text_codes = codes
        else:
            self.numbers = np.asarray(col.values, dtype=float)
            if np.isinf(self.numbers).any():
                raise ValueError(f"column {letter}: an infinite number cannot be written")

    def cells(self, lo: int, hi: int) -> list[str]:
        if self.style_codes is None:
            styles = [self.style] * (hi - lo)
        else:
            table = self.style_table
            styles = [table[k] for k in self.style_codes[lo:hi].tolist()]
        if self.text_codes is not None:
            index = self.index
            return [
                (f"{s}/>" if s else "") if k < 0 else f'{s} t="s"><v>{index[k]}</v></c>'
                for s, k in zip(styles, self.text_codes[lo:hi].tolist(), strict=True)
            ]
        return [
            f"{s}><v>{v!r}</v></c>" if v == v else (f"{s}/>" if s else "")
            for s, v in zip(styles, self.numbers[lo:hi].tolist(), strict=True)
        ]


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


def write_sheet_link(
    ws: Worksheet, row: int, col: int, sheet: str, text: str, fmt: Format | None
) -> None:
    """A link to cell A1 of ``sheet`` in this workbook (an internal location: never a
    file or web address, whatever the text)."""
    ws.write_url(row, col, f"internal:{quote_sheet(sheet)}!A1", fmt, text)


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


def row_height(
    template: Template, values: Sequence[tuple[Any, float]], *, bold: bool = False
) -> float | None:
    """The height in points a row of wrapped ``(text, column width)`` cells needs, or
    None when one line is enough (measured in the theme's font: :mod:`textfit`)."""
    theme = template.theme
    fit = text_fit(theme.font_name, theme.font_size, bold=bold)
    lines = max([fit.lines(v, w) for v, w in values if isinstance(v, str)] or [1])
    return fit.row_height(lines) if lines > 1 else None


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

    Codes become words (:mod:`labels`); text wraps, each row as tall as its tallest
    cell needs. With no rows, a plain note (``empty_text``) is written instead of an
    empty table.
    """
    header = fmts.get("header")
    for c, col in enumerate(columns):
        ws.set_column(c, c, col.width)
    ws.set_row(top, row_height(template, [(c.header, c.width) for c in columns], bold=True))
    if not rows:
        for c, col in enumerate(columns):
            ws.write_string(top, c, col.header, header)
        ws.write_string(top + 1, 0, empty_text, fmts.get("muted"))
        return top + 3
    for r, row in enumerate(rows, start=top + 1):
        shown = [word(col.key, row.get(col.key)) for col in columns]
        height = row_height(template, [(v, c.width) for v, c in zip(shown, columns, strict=True)])
        if height is not None:
            ws.set_row(r, height)
        for c, (col, value) in enumerate(zip(columns, shown, strict=True)):
            style = col.style if isinstance(col.style, str) else col.style(row)
            write_value(ws, r, c, value, fmts.get("wrap" if style == "text" else style))
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


def printable_pixels(template: Template) -> float:
    """The width a page prints at 100%, in pixels at 96 dpi (paper less margins, with 3%
    to spare for the spreadsheet's own rounding)."""
    short, long = PAPER_INCHES[template.theme.paper]
    side = long if template.theme.orientation == "landscape" else short
    return (side - MARGIN_LEFT - MARGIN_RIGHT) * 96 * 0.97


def page_breaks(
    widths: Sequence[float],
    room: float,
    *,
    repeat_first: bool = False,
    forced: Sequence[int] = (),
) -> list[int]:
    """Columns before which a new page starts, so that every page prints at 100%:
    column widths in characters (0 for a hidden column), ``room`` in pixels; with
    ``repeat_first`` column A is printed again on every page. ``forced``: columns that
    always start a page."""
    # LibreOffice sizes a column by the default font's real digit width (7.43 px for
    # Carlito/Calibri 11), Excel by its rounded 7 px: the wider of the two decides
    digit = max(7.0, text_fit("Calibri", 11).width_px("0"))
    px = [0.0 if w <= 0 else w * digit + 5 for w in widths]
    repeat = px[0] if repeat_first and px else 0
    breaks: list[int] = []
    used, on_page = 0.0, 0
    for i, w in enumerate(px):
        if w == 0:
            continue
        if on_page and (i in forced or used + w > room):
            breaks.append(i)
            used, on_page = float(repeat), 0
        used += w
        on_page += 1
    return breaks


def set_print(
    ws: Worksheet,
    template: Template,
    *,
    as_of: date,
    repeat_row: int | None = None,
    widths: Sequence[float] | None = None,
    repeat_first_col: bool = False,
    forced_breaks: Sequence[int] = (),
) -> None:
    """Paper, orientation, repeated header row, footer with pages and date, and the
    columns' pages: at 100%, a page break wherever the next column would not fit
    (``widths``: the sheet's column widths in characters), with the first column printed
    again on each page when ``repeat_first_col``. A theme with ``fit_to_width`` shrinks
    each sheet to one page wide instead."""
    theme = template.theme
    ws.set_paper(PAPER[theme.paper])
    if theme.orientation == "landscape":
        ws.set_landscape()
    else:
        ws.set_portrait()
    if theme.fit_to_width:
        ws.fit_to_pages(1, 0)
    elif widths:
        breaks = page_breaks(
            widths,
            printable_pixels(template),
            repeat_first=repeat_first_col,
            forced=forced_breaks,
        )
        if breaks:
            ws.set_v_pagebreaks(breaks)
            if repeat_first_col:
                ws.repeat_columns(0)
    if repeat_row is not None:
        ws.repeat_rows(repeat_row)
    ws.set_margins(left=MARGIN_LEFT, right=MARGIN_RIGHT, top=0.5, bottom=0.6)
    title = template.report.title.replace("&", "&&")
    ws.set_footer(f"&L&9{title}, as of {as_of.isoformat()}&R&9Page &P of &N")
