"""What a custom function hands back to Excel: values for cells, or a short message.

:func:`message_for` gives the text a cell shows for an error (used by
:func:`xlreport.excel.cache.answer_from_cache`, which wraps every custom function): an
:class:`~xlreport.errors.XlreportError` (bad argument, unknown id, missing rate, database
unreachable) becomes ``#XLR! <what is wrong and how to fix it>``; any other exception a
short ``#XLR! internal error`` message, its traceback going to the log, never the cell.
:func:`to_cell` and :func:`to_table` turn the engines' values (numpy scalars, ``NaN``,
dates, enums) into what a cell holds.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any

from xlreport.errors import XlreportError, escape_terminal

__all__ = [
    "ERROR_PREFIX",
    "ensure_log_file",
    "message_for",
    "to_cell",
    "to_table",
]

ERROR_PREFIX = "#XLR! "
MAX_MESSAGE = 250  # Excel's own function help is cut at 255 characters; keep cells short

logger = logging.getLogger("xlreport.excel")


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 3] + "..."


def message_for(exc: BaseException, function: str) -> str:
    """The text a cell shows for an error raised by ``function``."""
    if isinstance(exc, XlreportError):
        lines = str(exc).splitlines() or [type(exc).__name__]
        extra = len(lines) - 1
        text = lines[0] if extra == 0 else f"{lines[0]} {lines[1].strip()}"
        if extra > 1:
            text += f" (and {extra - 1} more)"
        return ERROR_PREFIX + _shorten(text)
    return ERROR_PREFIX + _shorten(
        f"internal error in {function} ({type(exc).__name__}: {exc}); "
        "the traceback is in logs/excel.log in the xlreport data folder"
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
