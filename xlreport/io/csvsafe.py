"""CSV injection: text a spreadsheet must never read as a formula (OWASP's advice, all of it).

A spreadsheet that opens a CSV file runs a cell starting with ``=``, ``+``, ``-`` or ``@``
as a formula, and tab, carriage return and line feed start one too in some programs. It
also does so *after leading spaces* when told to trim them (LibreOffice "Trim spaces",
Excel's text import), and after a stray quote mark, so the test is made on the text
without its leading whitespace (any Unicode space: the no-break space U+00A0 too) and
quote marks. Such a cell gets a leading ``'``,
which every spreadsheet shows as "text". A cell that itself starts with ``'`` gets one
more, so :func:`unquote_csv` can undo the prefix exactly (the import of an export gives
back the same text). The writers quote every field (``csv.QUOTE_ALL``), so a separator
inside a cell (``;`` for a program set to split on it) never splits it.
"""

from __future__ import annotations

import re

__all__ = ["FORMULA_STARTS", "csv_safe", "needs_prefix", "unquote_csv"]

#: First characters (after leading whitespace) that make a spreadsheet see a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def needs_prefix(text: str) -> bool:
    """True when ``text`` would be run as a formula (or starts with the prefix itself)."""
    if not text:
        return False
    if text[0] in FORMULA_STARTS or text[0] == "'":
        return True
    # what a spreadsheet may strip first: spaces (trim option) and stray quote marks
    stripped = text.lstrip().lstrip('"').lstrip()
    return stripped != text and stripped[:1] in FORMULA_STARTS


_LINE_BREAK = re.compile(r"(\r\n|\r|\n)")


def _safe_line(line: str) -> str:
    return "'" + line if needs_prefix(line) else line


def _unquote_line(line: str) -> str:
    if len(line) > 1 and line[0] == "'" and needs_prefix(line[1:]):
        return line[1:]
    return line


def csv_safe(text: str) -> str:
    """``text`` as a CSV cell: each line prefixed with ``'`` when a spreadsheet could run it.

    Every line, not only the first: a program that splits on another separator (``;``)
    loses track of the quoting, and a line break inside a cell then starts a new row.
    """
    if "\n" not in text and "\r" not in text:
        return _safe_line(text)
    parts = _LINE_BREAK.split(text)
    return "".join(p if i % 2 else _safe_line(p) for i, p in enumerate(parts))


def unquote_csv(text: str) -> str:
    """Undo :func:`csv_safe` (``'=x`` -> ``=x``, ``''x`` -> ``'x``); other text is kept."""
    if "\n" not in text and "\r" not in text:
        return _unquote_line(text)
    parts = _LINE_BREAK.split(text)
    return "".join(p if i % 2 else _unquote_line(p) for i, p in enumerate(parts))
