"""CLI commands: ``xlreport fx rate|convert|audit`` over the rate book.

JSON output (the contract scripts rely on) is an array of objects:

- ``fx rate``: ``from, to, rate, date_used, period, basis, source``;
- ``fx convert``: the same plus ``amount, result``;
- ``fx audit``: ``source_id, target_id, amount, currency, published_usd, implied_rate,
  reference_rate, reference_date, reference_basis, deviation, note, reference_source``.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypedDict

import typer

from xlreport.cli import options
from xlreport.cli.output import OutputFormat, emit_rows
from xlreport.errors import DataError, FxError, escape_terminal

if TYPE_CHECKING:
    from xlreport.fx import RateBook, RateQuote

# xlreport.fx (pandas, numpy) loads inside the commands, so `xlreport --help` starts fast.


class Basis(StrEnum):
    """The bases of :class:`xlreport.fx.Basis`, for the option (a test keeps them equal)."""

    DAILY = "daily"
    MONTH_AVERAGE = "month-average"
    YEAR_AVERAGE = "year-average"
    END_OF_PERIOD = "end-of-period"


__all__ = ["register"]

fx_app = typer.Typer(
    name="fx",
    help="Currency: ECB reference rates (offline), conversion, audit of documents' rates.",
    no_args_is_help=True,
)

QUOTE_COLUMNS = ("from", "to", "rate", "date_used", "period", "basis", "source")
CONVERT_COLUMNS = (*QUOTE_COLUMNS, "amount", "result")
# The table leaves out the wide columns (its notes are printed below it).
#: audit columns the table leaves out (their notes are printed below it)
AUDIT_WIDE_COLUMNS = ("target_id", "reference_basis", "note")

DateOpt = Annotated[
    str | None, typer.Option("--date", help="Day YYYY-MM-DD (daily rate, last published day).")
]
MonthOpt = Annotated[str | None, typer.Option("--month", help="Month YYYY-MM.")]
YearOpt = Annotated[str | None, typer.Option("--year", help="Year YYYY.")]
BasisOpt = Annotated[
    Basis | None,
    typer.Option(
        "--basis",
        case_sensitive=False,
        help="daily, month-average, year-average or end-of-period "
        "(default: daily for a date; for a month/year the average, or the end for --stock).",
    ),
]
StockOpt = Annotated[
    bool,
    typer.Option("--stock", help="A stock (level at a date): default basis end-of-period."),
]
SourceOpt = Annotated[
    str | None,
    typer.Option("--source", help="Rate source name (default: settings rate_source, ECB)."),
]
FallbackOpt = Annotated[
    bool,
    typer.Option("--fallback", help="Try the other sources, in order, if this one has no rate."),
]
DbOpt = options.DbOpt
RatesOpt = options.RatesOpt
RatesNameOpt = options.RatesNameOpt
FormatOpt = Annotated[
    OutputFormat, typer.Option("--format", case_sensitive=False, help="table, csv or json.")
]


def _book_for_quotes(rates: Path | None, rates_name: str | None, db: str | None) -> RateBook:
    """The App's one rate book: shipped or fetched ECB, H.10, stored tables, --rates."""
    with options.make_app(db, rates, rates_name) as app:
        return app.rate_book()


def _parse_amount(text: str) -> float:
    try:
        from xlreport.quantity import parse_quantity

        return parse_quantity(text.strip())
    except DataError as exc:
        raise FxError(f"amount: {exc}") from None


class _QuoteOptions(TypedDict):
    """The options ``fx rate`` and ``fx convert`` share, as :class:`RateBook` keywords."""

    date: str | None
    month: str | None
    year: str | None
    basis: Basis | None
    kind: str
    source: str | None
    fallback: bool


def _quote_options(
    date_: str | None,
    month: str | None,
    year: str | None,
    basis: Basis | None,
    stock: bool,
    source: str | None,
    fallback: bool,
) -> _QuoteOptions:
    return _QuoteOptions(
        date=date_,
        month=month,
        year=year,
        basis=basis,
        kind="stock" if stock else "flow",
        source=source,
        fallback=fallback,
    )


@fx_app.command("rate")
def rate_cmd(
    frm: Annotated[str, typer.Argument(metavar="FROM", help="Currency code, e.g. CNY.")],
    to: Annotated[str, typer.Argument(metavar="TO", help="Currency code, e.g. USD.")],
    date_: DateOpt = None,
    month: MonthOpt = None,
    year: YearOpt = None,
    basis: BasisOpt = None,
    stock: StockOpt = False,
    source: SourceOpt = None,
    fallback: FallbackOpt = False,
    rates: RatesOpt = None,
    rates_name: RatesNameOpt = None,
    fmt: FormatOpt = OutputFormat.TABLE,
    db: DbOpt = None,
) -> None:
    """Rate: units of TO per one FROM, with the day or period, basis and source used.

    Without --date/--month/--year: the latest published rate (its day is shown).
    """
    when = _quote_options(date_, month, year, basis, stock, source, fallback)
    quote = _book_for_quotes(rates, rates_name, db).rate(frm, to, **when)
    emit_rows([quote.as_dict()], fmt, columns=QUOTE_COLUMNS, title=_title(quote, when), single=True)


@fx_app.command("convert")
def convert_cmd(
    amount: Annotated[str, typer.Argument(help="Amount, e.g. 100e9 or '100 billion'.")],
    frm: Annotated[str, typer.Argument(metavar="FROM", help="Currency code, e.g. CNY.")],
    to: Annotated[str, typer.Argument(metavar="TO", help="Currency code, e.g. USD.")],
    date_: DateOpt = None,
    month: MonthOpt = None,
    year: YearOpt = None,
    basis: BasisOpt = None,
    stock: StockOpt = False,
    source: SourceOpt = None,
    fallback: FallbackOpt = False,
    rates: RatesOpt = None,
    rates_name: RatesNameOpt = None,
    fmt: FormatOpt = OutputFormat.TABLE,
    db: DbOpt = None,
) -> None:
    """Convert AMOUNT of FROM into TO, showing the rate and what it rests on."""
    value = _parse_amount(amount)
    when = _quote_options(date_, month, year, basis, stock, source, fallback)
    conv = _book_for_quotes(rates, rates_name, db).convert(value, frm, to, **when)
    emit_rows([conv.as_dict()], fmt, columns=CONVERT_COLUMNS, title=_title(conv, when), single=True)


@fx_app.command("audit")
def audit_cmd(
    source: SourceOpt = None,
    rates: RatesOpt = None,
    rates_name: RatesNameOpt = None,
    fmt: FormatOpt = OutputFormat.TABLE,
    db: DbOpt = None,
) -> None:
    """Documents' own dollar conversions against the reference rate of their date."""
    with options.make_app(db, rates, rates_name) as app:
        ds = app.store.load_dataset()
        book = app.rate_book()
    from xlreport.fx import AUDIT_COLUMNS, audit_conversions

    frame = audit_conversions(ds, book, source=source)
    rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
    narrow = tuple(c for c in AUDIT_COLUMNS if c not in AUDIT_WIDE_COLUMNS)
    columns = narrow if fmt is OutputFormat.TABLE else AUDIT_COLUMNS
    emit_rows(rows, fmt, columns=columns, title="Published conversions vs reference rates")
    if fmt is OutputFormat.TABLE:
        for r in rows:
            if r["note"]:
                typer.echo(escape_terminal(f"{r['source_id']}: {r['note']}"))


@fx_app.command("update")
def update_cmd(
    source: Annotated[
        str | None,
        typer.Option(
            "--source",
            help="ECB (euro reference rates) or FRED (the Fed's H.10 noon buying rates, "
            "DEXCHUS); default: setting rate_source.",
        ),
    ] = None,
    url: Annotated[
        str | None,
        typer.Option(
            "--url",
            help="Download from this address instead (a mirror or proxy; default: setting "
            "rates_url for ECB, fred_url for FRED, else the publisher's).",
        ),
    ] = None,
    timeout: Annotated[
        float, typer.Option("--timeout", help="Give up after this many seconds.")
    ] = 60.0,
    db: DbOpt = None,
) -> None:
    """Download the newest reference rates into the store, for every part and process.

    Asks the server whether the file changed since the last update (nothing is fetched
    when it did not); checks a new file before it replaces anything. On any failure the
    rates held stay in use and the command exits 1.
    """
    with options.make_app(db) as app:
        result = app.update_rates(source, url=url, deadline_s=timeout)
    typer.echo(result.message)


def _title(quote: RateQuote, when: _QuoteOptions) -> str:
    """Without a date, month or year the quote is the latest rate: say which day it is."""
    latest = when["date"] is None and when["month"] is None and when["year"] is None
    used = quote.date_used
    if latest and used is not None:
        return f"Latest available rate ({used.isoformat()}, {quote.source})"
    return f"{quote.frm} -> {quote.to} ({quote.basis}, {quote.source})"


def register(app: typer.Typer) -> None:
    """Add the ``fx`` group to the app."""
    app.add_typer(fx_app, name="fx")
