"""What a custom function hands back to Excel: values for cells, or an Excel error.

:func:`message_for` describes an error raised by a custom function (used by
:func:`xlreport.excel.cache.answer_from_cache`, which wraps every custom function, and by
the Office add-in's API): an :class:`~xlreport.errors.XlreportError` (bad argument,
unknown id, missing rate, database unreachable) becomes a :class:`CellError` whose text is
``#XLR! <what is wrong and how to fix it>``; any other exception a short ``#XLR! internal
error`` one, its traceback going to the log, never the cell.

Each :class:`CellError` also carries the Excel error it stands for (:func:`error_code`),
so that ``IFERROR``, ``ISNA`` and ``ISERROR`` can test it:

* ``#N/A``: the data has no answer (an unknown target or plan, no actual yet, no rate for
  that date): Excel's convention for a look-up that finds nothing;
* ``#VALUE!``: an argument cannot be used, the store cannot be read, or an internal error.

In Excel for Windows, :func:`excel_value` turns it into that error value, a COM
``VT_ERROR`` variant (pywin32's :class:`win32com.client.VARIANT`), which xlwings passes
through to the cell; the text stays readable with ``XLR_ERROR(cell)``. Elsewhere (the tests,
the add-in's API) the functions hand back the :class:`CellError` itself, a ``str``.

:func:`to_cell` and :func:`to_table` turn the engines' values (numpy scalars, ``NaN``,
dates, enums) into what a cell holds.
"""

from __future__ import annotations

import logging
import math
import sys
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any

from xlreport.errors import (
    DataError,
    FxError,
    ProgressError,
    StoreError,
    UnknownCurrencyError,
    XlreportError,
    escape_terminal,
)
from xlreport.excel.args import ArgumentError

__all__ = [
    "BAD_NAME",
    "BAD_VALUE",
    "ERROR_PREFIX",
    "NOT_AVAILABLE",
    "XL_ERROR_NUMBERS",
    "CellError",
    "com_error_code",
    "ensure_log_file",
    "error_code",
    "excel_value",
    "message_for",
    "to_cell",
    "to_table",
]

ERROR_PREFIX = "#XLR! "
MAX_MESSAGE = 250  # Excel's own function help is cut at 255 characters; keep cells short

logger = logging.getLogger("xlreport.excel")

NOT_AVAILABLE = "#N/A"
BAD_VALUE = "#VALUE!"
BAD_NAME = "#NAME?"
#: Excel's numbers of its error values (``xlErrNA`` = 2042 and so on, as VBA's ``CVErr``
#: takes them). Over COM an error cell is a ``VT_ERROR`` variant whose code is the number
#: with the ``0x800A0000`` facility bits set: #N/A is ``0x800A07FA``.
XL_ERROR_NUMBERS = {NOT_AVAILABLE: 2042, BAD_VALUE: 2015, BAD_NAME: 2029}
_VT_ERROR_FACILITY = 0x800A0000


class CellError(str):
    """An error a custom function answers: the text ``#XLR! ...`` and its Excel error."""

    code: str

    def __new__(cls, message: str, code: str) -> CellError:
        self = super().__new__(cls, ERROR_PREFIX + message)
        self.code = code
        return self

    @property
    def message(self) -> str:
        """What is wrong and how to fix it, without the ``#XLR!`` prefix."""
        return self.removeprefix(ERROR_PREFIX)

    def __reduce__(self) -> tuple[Any, ...]:
        return (CellError, (self.message, self.code))


def error_code(exc: BaseException) -> str:
    """The Excel error a failed call shows (see the module docstring)."""
    if isinstance(exc, ArgumentError | UnknownCurrencyError | StoreError):
        return BAD_VALUE
    if isinstance(exc, DataError | FxError | ProgressError):
        return NOT_AVAILABLE
    return BAD_VALUE


def com_error_code(code: str) -> int:
    """The signed 32-bit ``VT_ERROR`` code of an Excel error, as COM carries it."""
    value = _VT_ERROR_FACILITY | XL_ERROR_NUMBERS[code]
    return value - (1 << 32) if value >= 1 << 31 else value


def excel_value(value: Any) -> Any:
    """What xlwings hands to Excel for ``value``: on Windows a :class:`CellError` becomes
    the Excel error itself (``VT_ERROR``); other values, and every value elsewhere, stay."""
    if not isinstance(value, CellError) or sys.platform != "win32":
        return value
    import pythoncom
    from win32com.client import VARIANT

    return VARIANT(pythoncom.VT_ERROR, com_error_code(value.code))


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 3] + "..."


def message_for(exc: BaseException, function: str) -> CellError:
    """What a cell shows for an error raised by ``function``: its text and Excel error."""
    if isinstance(exc, XlreportError):
        lines = str(exc).splitlines() or [type(exc).__name__]
        extra = len(lines) - 1
        text = lines[0] if extra == 0 else f"{lines[0]} {lines[1].strip()}"
        if extra > 1:
            text += f" (and {extra - 1} more)"
        return CellError(_shorten(text), error_code(exc))
    return CellError(
        _shorten(
            f"internal error in {function} ({type(exc).__name__}: {exc}); "
            "the traceback is in logs/excel.log in the xlreport data folder"
        ),
        BAD_VALUE,
    )


class _EscapingFormatter(logging.Formatter):
    """Log lines with data text escaped: a cell's ESC sequence never reaches a log viewer."""

    def format(self, record: logging.LogRecord) -> str:
        return escape_terminal(super().format(record))


def ensure_log_file() -> Path | None:
    """Send unexpected errors to ``<data folder>/logs/excel.log`` (a COM server has no
    console). Returns the path, or None if the folder cannot be created."""
    from xlreport.settings import get_settings

    if any(isinstance(h, logging.FileHandler) for h in logger.handlers):
        return Path(
            next(h for h in logger.handlers if isinstance(h, logging.FileHandler)).baseFilename
        )
    path = get_settings().data_dir / "logs" / "excel.log"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(path, encoding="utf-8", delay=True)
    except OSError:
        return None
    handler.setFormatter(_EscapingFormatter("%(asctime)s %(levelname)s %(message)s"))
    logger.addHandler(handler)
    return path


def to_cell(value: Any) -> Any:
    """A value a cell can hold: ``None`` for missing, ISO text for dates, plain numbers."""
    if value is None or type(value).__name__ in ("NAType", "NaTType"):
        return None
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bool | str | int):
        return value
    if isinstance(value, float):  # numpy's float64 too: hand Excel a plain float
        return float(value) if math.isfinite(value) else None
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "item") and callable(value.item):  # numpy and pandas scalars
        return to_cell(value.item())
    if hasattr(value, "to_pydatetime"):
        return to_cell(value.to_pydatetime())
    return str(value)


def to_table(rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> list[list[Any]]:
    """A header row and one row per mapping, ready to spill; missing values are empty."""
    table: list[list[Any]] = [list(columns)]
    for row in rows:
        table.append([_blank(to_cell(row.get(c))) for c in columns])
    return table


def _blank(value: Any) -> Any:
    # An empty cell in a spilled array: Excel shows None from xlwings as 0, "" as empty.
    return "" if value is None else value
