"""The Python side of the workbook's buttons, run through xlwings' ``RunPython``.

The *Generate monthly report* button runs the VBA macro ``GenerateMonthlyReport``, which
calls ``RunPython "import xlreport.excel.macros as m; m.generate_report()"``. That runs
:meth:`xlreport.app.App.write_report` (the same path the CLI and the scheduler take)
and tells the user where the file went, or what failed, in a message box of the calling
Excel (``app.alert``, through :func:`xlreport.excel.functions.show_message`, the
module that owns xlwings). Errors never escape as a Python traceback dialog.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from xlreport.errors import XlreportError
from xlreport.excel.cells import ensure_log_file

if TYPE_CHECKING:
    from xlreport.app import App

__all__ = ["REPORT_TITLE", "generate_report", "report_message"]

REPORT_TITLE = "xlreport: monthly report"
logger = logging.getLogger("xlreport.excel")

Notify = Callable[[str, str], None]


def _show_in_excel(text: str, title: str) -> None:
    from xlreport.excel.functions import show_message

    show_message(text, title)


def report_message(result: Any) -> str:
    """What the user reads after a successful run."""
    lines = [f"The monthly report for {result.month} (data as of {result.as_of}) is at:", ""]
    lines.append(str(result.path))
    if getattr(result, "pdf_path", None):
        lines += ["", f"PDF: {result.pdf_path}"]
    if getattr(result, "provisional", None):
        lines += ["", f"Rates are {result.provisional}: generate it again once they are published."]
    return "\n".join(lines)


def generate_report(
    *,
    month: str | None = None,
    as_of: date | None = None,
    notify: Notify | None = None,
    app: App | None = None,
) -> Any:
    """Write the monthly report and tell the user; returns the ``ReportResult`` or None.

    ``month`` (``YYYY-MM``) defaults to the last complete month by the App's clock;
    ``notify(text, title)`` defaults to a message box in Excel. Rates are brought up to
    date first when the month needs them (setting ``rate_update``).
    """
    tell = _show_in_excel if notify is None else notify
    ensure_log_file()
    try:
        from xlreport.app import App

        with app or App.from_environment() as own:
            result = own.write_report(month=month, as_of=as_of)
    except XlreportError as exc:
        logger.warning("monthly report failed: %s", exc)
        tell(f"The monthly report was not written.\n\n{exc}", REPORT_TITLE)
        return None
    except Exception as exc:
        logger.exception("monthly report failed unexpectedly")
        tell(
            "The monthly report was not written because of an internal error "
            f"({type(exc).__name__}: {exc}).\n\nThe details are in logs/excel.log in the "
            "xlreport data folder; please report them.",
            REPORT_TITLE,
        )
        return None
    tell(report_message(result), REPORT_TITLE)
    return result
