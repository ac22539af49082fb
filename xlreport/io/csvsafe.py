"""CSV injection: text a spreadsheet must never read as a formula (OWASP's advice, all of it).

A spreadsheet that opens a CSV file runs a cell starting with ``=``, ``+``, ``-`` or ``@``
as a formula, and tab, carriage return and line feed start one too in some programs. It
also does so *after leading spaces* when told to trim them (LibreOffice "Trim spaces",
Excel's text import), so the test is made on the text without its leading whitespace
(any Unicode space: the no-break space U+00A0 too). Such a cell gets a leading ``'``,
which every spreadsheet shows as "text". A cell that itself starts with ``'`` gets one
more, so :func:`unquote_csv` can undo the prefix exactly (the import of an export gives
back the same text). The writers quote every field (``csv.QUOTE_ALL``), so a separator
inside a cell (``;`` for a program set to split on it) never splits it.
"""

from __future__ import annotations

__all__ = ["FORMULA_STARTS", "csv_safe", "needs_prefix", "unquote_csv"]

#: First characters (after leading whitespace) that make a spreadsheet see a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def needs_prefix(text: str) -> bool:
    """True when ``text`` would be run as a formula (or starts with the prefix itself)."""
    if not text:
        return False
    if text[0] in FORMULA_STARTS or text[0] == "'":
        return True
    stripped = text.lstrip()
    return stripped != text and stripped[:1] in FORMULA_STARTS


def csv_safe(text: str) -> str:
    """``text`` as a CSV cell: prefixed with ``'`` when a spreadsheet could run it."""
    return "'" + text if needs_prefix(text) else text


def unquote_csv(text: str) -> str:
    """Undo :func:`csv_safe` (``'=x`` -> ``=x``, ``''x`` -> ``'x``); other text is kept."""
    if len(text) > 1 and text[0] == "'" and needs_prefix(text[1:]):
        return text[1:]
    return text
