"""Bases on small synthetic tables, every expectation worked out by hand."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from xlreport.errors import FxError, RateNotAvailableError
from xlreport.fx import Basis, RateBook, default_basis
from xlreport.fx.lookup import PairSeries, build_daily_map, look_up_daily

# Units per one euro, weekly, four Mondays of March 2024 and the first of April.
WEEKLY = pd.DataFrame(
    {
        "date": ["2024-03-04", "2024-03-11", "2024-03-18", "2024-03-25", "2024-04-01"],
        "USD": [1.10, 1.08, 1.09, 1.12, 1.05],
        "CNY": [7.00, 8.00, 7.50, 8.50, 7.60],
    }
)

# Quarterly, for a year: 2 Jan, 3 Apr, 3 Jul, 2 Oct 2023 and 2 Jan 2024.
QUARTERLY = pd.DataFrame(
    {
        "date": ["2023-01-02", "2023-04-03", "2023-07-03", "2023-10-02", "2024-01-02"],
        "USD": [1.00, 1.10, 1.20, 1.25, 1.30],
        "CNY": [7.00, 7.50, 8.00, 8.20, 8.40],
    }
)


@pytest.fixture
def book() -> RateBook:
    b = RateBook(default_source="WEEKLY")
    b.add_source("WEEKLY", WEEKLY, anchor="EUR", max_gap_days=7)
    b.add_source("QUARTERLY", QUARTERLY, anchor="EUR", max_gap_days=92)
    return b


def test_month_average_averages_the_daily_crosses(book: RateBook) -> None:
    # CNY->USD each Monday of March: 1.10/7.00, 1.08/8.00, 1.09/7.50, 1.12/8.50
    #   = 0.157143 + 0.135000 + 0.145333 + 0.131765 = 0.569241; / 4 = 0.142310
    crosses = [1.10 / 7.00, 1.08 / 8.00, 1.09 / 7.50, 1.12 / 8.50]
    expected = sum(crosses) / 4  # the 1 April rate is not in March
    quote = book.rate("CNY", "USD", month="2024-03", basis="month-average")
    assert quote.rate == pytest.approx(expected, rel=1e-15)
    assert round(quote.rate, 6) == 0.142310
    # Not the cross of the averages: (4.39/4) / (31.00/4) = 0.141613
    assert round((1.10 + 1.08 + 1.09 + 1.12) / (7.00 + 8.00 + 7.50 + 8.50), 6) == 0.141613
    assert quote.rate != pytest.approx(0.141613, abs=1e-4)
    assert (quote.period, quote.date_used, quote.source) == ("2024-03", None, "WEEKLY")


def test_end_of_period_is_the_last_rate_published_in_it(book: RateBook) -> None:
    quote = book.rate("CNY", "USD", month="2024-03", basis="end-of-period")
    assert quote.rate == pytest.approx(1.12 / 8.50, rel=1e-15)  # 25 March, not 1 April
    assert quote.date_used == date(2024, 3, 25)


def test_year_average_and_year_end_from_a_quarterly_table(book: RateBook) -> None:
    # USD->CNY in 2023: 7.00/1.00, 7.50/1.10, 8.00/1.20, 8.20/1.25
    # = (7.000000 + 6.818182 + 6.666667 + 6.560000) / 4 = 27.044848 / 4 = 6.761212
    expected = (7.00 / 1.00 + 7.50 / 1.10 + 8.00 / 1.20 + 8.20 / 1.25) / 4
    avg = book.rate("USD", "CNY", year=2023, source="QUARTERLY")
    assert avg.basis == "year-average"
    assert avg.rate == pytest.approx(expected, rel=1e-15)
    assert round(avg.rate, 6) == 6.761212
    end = book.rate("USD", "CNY", year="2023", kind="stock", source="QUARTERLY")
    assert (end.basis, end.date_used, end.period) == ("end-of-period", date(2023, 10, 2), "2023")
    assert end.rate == pytest.approx(8.20 / 1.25, rel=1e-15)  # 6.56


def test_flows_take_the_average_and_stocks_the_end_unless_overridden(book: RateBook) -> None:
    assert default_basis(True) is Basis.YEAR_AVERAGE
    assert default_basis(True, period="month") is Basis.MONTH_AVERAGE
    assert default_basis(False) is Basis.END_OF_PERIOD
    assert book.rate("CNY", "USD", month="2024-03").basis == "month-average"
    assert book.rate("CNY", "USD", month="2024-03", kind="stock").basis == "end-of-period"
    override = book.rate("CNY", "USD", month="2024-03", kind="stock", basis="month-average")
    assert override.basis == "month-average"


def test_daily_rule_on_a_synthetic_table(book: RateBook) -> None:
    q = book.rate("CNY", "USD", date="2024-03-14")  # Thursday: the Monday 11 March rate
    assert (q.date_used, q.rate) == (date(2024, 3, 11), pytest.approx(1.08 / 8.00, rel=1e-15))
    assert book.rate("CNY", "USD", date="2024-04-08").date_used == date(2024, 4, 1)  # 7 days
    with pytest.raises(RateNotAvailableError, match="8 days earlier"):
        book.rate("CNY", "USD", date="2024-04-09")
    with pytest.raises(RateNotAvailableError, match="on or before 2024-03-03"):
        book.rate("CNY", "USD", date="2024-03-03")


def test_incomplete_or_gappy_periods_have_no_period_rate(book: RateBook) -> None:
    # April has one rate (1 April) and the table ends there: April is not complete.
    with pytest.raises(RateNotAvailableError, match="not complete"):
        book.rate("CNY", "USD", month="2024-04")
    # February lies before the first rate.
    with pytest.raises(RateNotAvailableError):
        book.rate("CNY", "USD", month="2024-02")
    # With a 7-day limit, a quarterly table cannot give a year average.
    b = RateBook(default_source="Q7")
    b.add_source("Q7", QUARTERLY, anchor="EUR", max_gap_days=7)
    with pytest.raises(RateNotAvailableError, match="more than 7 days"):
        b.rate("USD", "CNY", year=2023)


def test_columns_of_days_or_periods(book: RateBook) -> None:
    days = ["2024-03-05", "2024-03-29", "2024-03-11"]
    frame = book.convert_column([100.0, 200.0, 0.0], "CNY", "USD", days, basis="month-average")
    march = (1.10 / 7.00 + 1.08 / 8.00 + 1.09 / 7.50 + 1.12 / 8.50) / 4
    assert frame["rate"].tolist() == pytest.approx([march] * 3, rel=1e-15)
    assert frame["result"].tolist() == pytest.approx([100 * march, 200 * march, 0.0], rel=1e-15)
    assert frame["period"].tolist() == ["2024-03"] * 3
    daily = book.convert_column([1.0, 1.0, 1.0], "CNY", "USD", days)
    assert [d.date() for d in daily["date_used"]] == [
        date(2024, 3, 4),
        date(2024, 3, 25),
        date(2024, 3, 11),
    ]
    ends = book.quote_column(
        "USD", "CNY", ["2023", "2023"], basis="end-of-period", source="QUARTERLY"
    )
    assert ends["rate"].tolist() == pytest.approx([8.20 / 1.25] * 2, rel=1e-15)
    assert ends["period"].tolist() == ["2023", "2023"]
    with pytest.raises(RateNotAvailableError):
        # the default source (WEEKLY) has nothing in 2023: no silent switch to QUARTERLY
        book.quote_column("USD", "CNY", ["2023"], basis="year-average")


def test_long_table_quoted_against_one_currency() -> None:
    # A central-parity style table: yuan per one dollar and per one euro.
    table = pd.DataFrame(
        {
            "date": ["2024-05-24", "2024-05-24", "2024-05-27", "2024-05-27"],
            "base": ["USD", "EUR", "USD", "EUR"],
            "quote": ["CNY", "CNY", "CNY", "CNY"],
            "rate": [7.1106, 7.7018, 7.1108, 7.7103],
        }
    )
    book = RateBook(default_source="PBOC")
    book.add_source("PBOC", table)
    assert book.rate("USD", "CNY", date="2024-05-25").rate == 7.1106
    assert book.rate("CNY", "USD", date="2024-05-27").rate == pytest.approx(1 / 7.1108)
    # EUR -> USD through the yuan: 7.7018 / 7.1106 = 1.083144... dollars per euro
    assert book.rate("EUR", "USD", date="2024-05-24").rate == pytest.approx(7.7018 / 7.1106)
    assert book.table("PBOC").anchor == "CNY"


def test_unknown_basis_and_mismatched_periods(book: RateBook) -> None:
    with pytest.raises(FxError, match="unknown basis 'weekly'"):
        book.rate("CNY", "USD", month="2024-03", basis="weekly")
    with pytest.raises(FxError, match="needs periods"):
        book.convert_column([1.0], "CNY", "USD", ["2024-03-05"], basis="end-of-period")
    with pytest.raises(FxError, match="needs years or dates"):
        book.convert_column([1.0], "CNY", "USD", ["2024-03"], basis="year-average")
    with pytest.raises(FxError, match="basis daily needs dates"):
        book.convert_column([1.0], "CNY", "USD", ["2024-03"])
    with pytest.raises(FxError, match="at most one of date, month and year"):
        book.rate("CNY", "USD", date="2024-03-05", month="2024-03")


def test_the_precomputed_daily_map_equals_the_binary_search() -> None:
    rng = np.random.default_rng(3)
    # irregular publication days over two years, gaps of 1 to 12 days
    steps = rng.integers(1, 13, 120).astype("timedelta64[D]")
    days = np.datetime64("2023-01-02") + np.cumsum(steps)
    rates = rng.uniform(6.5, 7.5, len(days))
    plain = PairSeries(days, rates, 7)
    mapped = PairSeries(days, rates, 7, build_daily_map(days, rates, 7))
    asked = np.datetime64("2022-12-01") + rng.integers(0, 1000, 5000).astype("timedelta64[D]")
    a, b = look_up_daily(plain, asked), look_up_daily(mapped, asked)
    assert a.ok.any() and not a.ok.all()  # both kinds of day are exercised
    assert np.array_equal(a.ok, b.ok)
    assert np.array_equal(a.rate, b.rate, equal_nan=True)
    assert np.array_equal(a.used, b.used, equal_nan=True)
    # spot check one day by hand: the last publication on or before it, if <= 7 days back
    k = int(np.flatnonzero(a.ok)[0])
    last = days[days <= asked[k]].max()
    assert a.used[k] == last and (asked[k] - last).astype(int) <= 7


def test_a_period_ending_on_a_weekend_is_complete_with_its_friday_rate() -> None:
    # Weekly rates through October, then Wed 28 to Fri 30 October 2026; the 31st is a
    # Saturday, so October is complete. Mean of the seven crosses:
    #   (5 * 1.10/7.7 + 1.12/7.8 + 1.14/7.9) / 7.
    # November has rates up to Fri 27 only; it ends on Monday 30, so it is not complete.
    days = ["2026-10-01", "2026-10-07", "2026-10-14", "2026-10-21", "2026-10-28"]
    days += ["2026-10-29", "2026-10-30", "2026-11-06", "2026-11-13", "2026-11-20"]
    days += ["2026-11-27"]
    table = pd.DataFrame(
        {
            "date": days,
            "USD": [1.10] * 5 + [1.12, 1.14] + [1.10] * 4,
            "CNY": [7.7] * 5 + [7.8, 7.9] + [7.7] * 4,
        }
    )
    b = RateBook(default_source="T")
    b.add_source("T", table, anchor="EUR", max_gap_days=7)
    quote = b.rate("CNY", "USD", month="2026-10", basis="month-average")
    expected = (5 * (1.10 / 7.7) + 1.12 / 7.8 + 1.14 / 7.9) / 7
    assert quote.rate == pytest.approx(expected, rel=1e-15)
    end = b.rate("CNY", "USD", month="2026-10", basis="end-of-period")
    assert end.date_used == date(2026, 10, 30)
    with pytest.raises(RateNotAvailableError, match="not complete"):
        b.rate("CNY", "USD", month="2026-11", basis="month-average")
