"""The exception tree of xlreport.

Every error raised by the package derives from :class:`XlreportError`. Messages say
what failed, where (file, sheet, cell, row, id) and how to fix it. The edges translate
them: the CLI prints one line and exits non-zero, an Excel function shows the message in
the cell, a scheduled run records it.

::

    XlreportError
    ├── DataError                 one bad value or reference in plan data
    │   └── ValidationFailed      many problems at once, each with its location
    ├── UnsafeFileError           a file refused by the guards for untrusted input
    │   └── DraftInputError       an announcement that cannot be drafted (binary, too big...)
    ├── StoreError                database unreachable, or in an unexpected state
    │   └── SchemaVersionError    database made by another version of xlreport
    ├── FxError                   currency conversion
    │   ├── UnknownCurrencyError  currency code not in the rate source
    │   ├── RateNotAvailableError date or period outside the source's coverage
    │   └── RateDownloadError     a rate file could not be fetched or was refused
    ├── ProgressError             progress measures asked of impossible input
    ├── TemplateError             an invalid report template (lists every problem)
    ├── OutputError               a file could not be written (path named)
    ├── SettingsError             a bad setting (environment variable or settings file)
    ├── ScheduleError             schedule configuration or run failure
    └── AddinError                the Office add-in server: certificate, token, address
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "AddinError",
    "DataError",
    "DraftInputError",
    "FxError",
    "OutputError",
    "Problem",
    "ProgressError",
    "RateDownloadError",
    "RateNotAvailableError",
    "ScheduleError",
    "SchemaVersionError",
    "SettingsError",
    "StoreError",
    "TemplateError",
    "UnknownCurrencyError",
    "UnsafeFileError",
    "ValidationFailed",
    "XlreportError",
    "escape_terminal",
    "shown",
]

#: Characters a terminal or log viewer may act on: C0 controls (ESC starts OSC/CSI
#: sequences that set the title or write the clipboard), DEL, C1 controls (U+009B is a
#: one-character CSI), and the Unicode bidi overrides and isolates that reorder a line.
_UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escape_char(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_terminal(text: str, *, keep_newlines: bool = True) -> str:
    """``text`` with every control character shown as a visible escape (``\\x1b``).

    The one helper for data text on its way to a terminal or a log: the CLI's error
    line and table output, and log records. Newlines are kept (a message of many problems
    is many lines) unless ``keep_newlines`` is False.
    """
    out = _UNSAFE.sub(_escape_char, text)
    if not keep_newlines:
        out = out.replace("\n", "\\n")
    return out


def shown(value: object, limit: int = 60) -> str:
    """A piece of untrusted data for a message: quoted, escaped, at most ``limit`` chars.

    Never more than the offending value's own short text: a header cell holding the
    whole of ``/proc/self/environ`` is shown as its first few characters.
    """
    text = value if isinstance(value, str) else str(value)
    cut = len(text) > limit
    body = escape_terminal(text[:limit], keep_newlines=False).replace("'", "\\'")
    return f"'{body}...'" if cut else f"'{body}'"


class XlreportError(Exception):
    """Root of every error xlreport raises on purpose."""


class DataError(XlreportError):
    """A single bad value or reference in plan data."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem found while validating data.

    ``location`` is what a user can find: ``Targets!C14``, ``observations.csv:12``,
    ``target lingang-2025.output`` or a file name.
    """

    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


class ValidationFailed(DataError):
    """Many problems found at once; nothing was written."""

    def __init__(self, problems: Iterable[Problem], *, context: str = "") -> None:
        self.problems: list[Problem] = list(problems)
        self.context = context
        head = f"{context}: " if context else ""
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        lines = [f"{head}{count} {noun} found; nothing was written"]
        lines += [f"  {p}" for p in self.problems[:200]]
        if count > 200:
            lines.append(f"  ... and {count - 200} more")
        super().__init__("\n".join(lines))


class UnsafeFileError(XlreportError):
    """A file refused by the guards for untrusted input (zip bomb, huge range, timeout)."""


class DraftInputError(UnsafeFileError):
    """An announcement ``xlreport data draft`` cannot read: binary, empty, too big, no text."""


class StoreError(XlreportError):
    """The database cannot be reached or is not in the state expected."""


class SchemaVersionError(StoreError):
    """The database schema was made by a different version of xlreport."""


class FxError(XlreportError):
    """A currency conversion cannot be done."""


class UnknownCurrencyError(FxError):
    """A currency code the chosen rate source does not publish."""


class RateNotAvailableError(FxError):
    """No rate for the date or period asked: outside the source's coverage."""


class RateDownloadError(FxError):
    """A rate download failed or was refused; the rates held before stay in use."""


class ProgressError(XlreportError):
    """A progress measure asked of input that cannot support it."""


class TemplateError(XlreportError):
    """An invalid report template; the message lists every problem."""


class OutputError(XlreportError):
    """A file could not be written; the message names the path and what to do."""


class SettingsError(XlreportError):
    """A setting (``XLREPORT_*`` variable or the settings file) holds a bad value."""


class ScheduleError(XlreportError):
    """A schedule configuration problem or a failed scheduled run."""


class AddinError(XlreportError):
    """The Office add-in server cannot start or serve: certificate, token or address."""
