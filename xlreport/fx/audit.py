"""The conversion audit: documents' own dollar figures against the reference rate.

A document that prints "100 billion yuan ($13.88 billion)" implies a rate of
100 / 13.88 = 7.2046 yuan per dollar. The audit sets it beside the reference rate for the
document's publication date:

- date known to the day: the daily rate of that day (last published day before it when
  the day had no publication, e.g. a Saturday), basis ``daily``;
- known to the month or the year only: that month's or year's average, basis
  ``month-average``/``year-average``, and ``reference_date`` holds the period label. One
  convention for averages in the whole workbook: the mean of the daily cross rates *in the
  direction of conversion* (yuan -> dollars, so dollars per yuan), as the report's rate
  rows take it; the audit shows its inverse, yuan per dollar;
- unknown: no reference rate, and the note says why. No guess.

``deviation = (implied - reference) / reference``, a fraction (0.01 = the document used a
rate 1% above the reference).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pandas as pd

from xlreport.errors import FxError
from xlreport.fx.book import RateBook, RateQuote
from xlreport.model import Dataset, Precision, Source

__all__ = ["AUDIT_COLUMNS", "audit_conversions"]

AUDIT_COLUMNS = (
    "source_id",
    "target_id",
    "amount",
    "currency",
    "published_usd",
    "implied_rate",
    "reference_rate",
    "reference_date",
    "reference_basis",
    "deviation",
    "note",
    "reference_source",
)


def _inverse(quote: RateQuote) -> RateQuote:
    """An average of dollars per ``currency`` (the direction of conversion) shown as
    ``currency`` per dollar: 1 / mean(daily USD per CNY), not mean(daily CNY per USD)."""
    return dataclasses.replace(quote, frm=quote.to, to=quote.frm, rate=1 / quote.rate)


def _reference(
    book: RateBook, source: Source, currency: str, rate_source: str | None
) -> tuple[RateQuote | None, str]:
    """The reference rate (``currency`` per USD) for a source's publication date, and a note."""
    published = source.published
    if published is None or source.published_precision is Precision.UNKNOWN:
        return None, "publication date unknown: no reference rate"
    if source.published_precision is Precision.YEAR:
        quote = book.rate(
            currency, "USD", year=published.year, basis="year-average", source=rate_source
        )
        note = f"publication date known only to the year: {published.year} average"
        return _inverse(quote), note
    if source.published_precision is Precision.MONTH:
        month = f"{published:%Y-%m}"
        quote = book.rate(currency, "USD", month=month, basis="month-average", source=rate_source)
        return _inverse(quote), f"publication date known only to the month: {month} average"
    quote = book.rate("USD", currency, date=published, source=rate_source)
    note = ""
    if quote.date_used != published:
        note = f"no rate published on {published}: last published day {quote.date_used} used"
    return quote, note


def audit_conversions(ds: Dataset, book: RateBook, *, source: str | None = None) -> pd.DataFrame:
    """One row per target (or observation) that carries a published dollar amount."""
    sources = {s.id: s for s in ds.sources}
    rows: list[dict[str, Any]] = []
    # (source_id, target_id, amount, currency, published dollars); observations carry a
    # published_usd only if the model gives them one.
    items: list[tuple[str, str | None, float | None, str, float]] = [
        (t.source_id, t.id, t.value, t.unit or "", t.published_usd)
        for t in ds.targets
        if t.published_usd is not None
    ]
    for o in ds.observations:
        usd_printed = getattr(o, "published_usd", None)
        if usd_printed is not None:
            items.append((o.source_id, o.target_id, o.value, o.unit, float(usd_printed)))
    for source_id, target_id, amount, currency, usd in items:
        implied = amount / usd if amount is not None and usd > 0 else None
        try:
            quote, note = _reference(book, sources[source_id], currency, source)
        except FxError as exc:
            quote, note = None, f"no reference rate: {exc}"
        ref = quote.rate if quote is not None else None
        if quote is None:
            ref_date = None
        elif quote.basis == "daily":
            ref_date = quote.date_used.isoformat() if quote.date_used else None
        else:
            ref_date = quote.period
        rows.append(
            {
                "source_id": source_id,
                "target_id": target_id,
                "amount": amount,
                "currency": currency,
                "published_usd": usd,
                "implied_rate": implied,
                "reference_rate": ref,
                "reference_date": ref_date,
                "reference_basis": quote.basis if quote is not None else None,
                "deviation": (implied - ref) / ref if implied is not None and ref else None,
                "note": note,
                "reference_source": quote.source if quote is not None else None,
            }
        )
    frame = pd.DataFrame(rows, columns=list(AUDIT_COLUMNS))
    for col in ("amount", "published_usd", "implied_rate", "reference_rate", "deviation"):
        frame[col] = pd.to_numeric(frame[col]).astype(float)
    return frame
