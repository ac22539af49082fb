"""ECB rates from the shipped history file, checked against the file itself.

The oracle (tests/unit/fx_oracle.py) reads the zip with zipfile + csv, not with the
pandas code under test.
"""

from __future__ import annotations

from datetime import date, timedelta
from statistics import fmean

import numpy as np
import pytest
from fx_oracle import ecb_cross, ecb_rows

from xlreport.errors import RateNotAvailableError
from xlreport.fx import RateBook


@pytest.fixture
def book() -> RateBook:
    return RateBook.default()


@pytest.mark.parametrize(
    "day",
    [date(1999, 1, 4), date(2008, 10, 24), date(2015, 8, 11), date(2020, 3, 16), date(2024, 5, 24)],
)
def test_euro_rates_are_the_numbers_in_the_file(book: RateBook, day: date) -> None:
    row = ecb_rows()[day]
    for code in ("USD", "JPY", "GBP"):
        quote = book.rate("EUR", code, date=day)
        assert quote.rate == row[code]
        assert (quote.date_used, quote.basis, quote.source) == (day, "daily", "ECB")


def test_cny_usd_cross_computed_by_hand(book: RateBook) -> None:
    # The file prints, for 2024-05-24, USD 1.0840 and CNY 7.8522 per euro.
    row = ecb_rows()[date(2024, 5, 24)]
    assert (row["USD"], row["CNY"]) == (1.0840, 7.8522)
    # CNY -> USD = USD per EUR / CNY per EUR = 1.0840 / 7.8522 = 0.138050...
    quote = book.rate("CNY", "USD", date=date(2024, 5, 24))
    assert quote.rate == pytest.approx(1.0840 / 7.8522, rel=1e-15)
    assert round(quote.rate, 6) == 0.138050
    # and the other way: 7.8522 / 1.0840 = 7.243727 yuan per dollar
    assert book.rate("USD", "CNY", date="2024-05-24").rate == pytest.approx(7.243727, abs=1e-6)


@pytest.mark.parametrize(
    "day",
    [
        date(2005, 4, 1),
        date(2009, 2, 27),
        date(2016, 12, 30),
        date(2021, 4, 12),
        date(2026, 10, 30),
    ],
)
def test_crosses_match_the_file_on_many_days(book: RateBook, day: date) -> None:
    for frm, to in (("CNY", "USD"), ("USD", "CNY"), ("JPY", "GBP")):
        assert book.rate(frm, to, date=day).rate == pytest.approx(
            ecb_cross(day, frm, to), rel=1e-15
        )


def test_cny_starts_on_the_first_date_the_file_has_it(book: RateBook) -> None:
    first = min(d for d, row in ecb_rows().items() if "CNY" in row)
    assert first == date(2005, 4, 1)
    assert book.rate("CNY", "USD", date=first).date_used == first
    with pytest.raises(RateNotAvailableError, match=r"2005-04-01") as err:
        book.rate("CNY", "USD", date=first - timedelta(days=1))
    assert "2005-03-31" in str(err.value)
    # USD itself goes back to 1999: the limit is the pair's, not the file's.
    assert book.rate("EUR", "USD", date="2000-01-03").rate == ecb_rows()[date(2000, 1, 3)]["USD"]


@pytest.mark.parametrize(
    ("asked", "used"),
    [
        (date(2024, 5, 25), date(2024, 5, 24)),  # Saturday -> Friday
        (date(2024, 5, 26), date(2024, 5, 24)),  # Sunday -> Friday
        (date(2023, 12, 25), date(2023, 12, 22)),  # Christmas (TARGET holiday, a Monday)
        (date(2023, 12, 26), date(2023, 12, 22)),  # 26 December, also closed
        (date(2024, 1, 1), date(2023, 12, 29)),  # New Year's Day -> last business day
        (date(2024, 3, 29), date(2024, 3, 28)),  # Good Friday
        (date(2024, 4, 1), date(2024, 3, 28)),  # Easter Monday: four days back
    ],
)
def test_days_without_a_rate_fall_back_to_the_last_published_day(
    book: RateBook, asked: date, used: date
) -> None:
    rows = ecb_rows()
    assert asked not in rows and used in rows  # the file really has no rate that day
    assert all(used + timedelta(days=k) not in rows for k in range(1, (asked - used).days + 1))
    quote = book.rate("CNY", "USD", date=asked)
    assert quote.date_used == used
    assert quote.rate == pytest.approx(ecb_cross(used, "CNY", "USD"), rel=1e-15)


def test_no_date_gives_the_latest_rate_and_says_which_day(book: RateBook) -> None:
    last = max(ecb_rows())
    quote = book.rate("CNY", "USD")
    assert quote.date_used == last
    assert quote.rate == pytest.approx(ecb_cross(last, "CNY", "USD"), rel=1e-15)


def test_dates_past_the_file_are_an_error_beyond_seven_days(book: RateBook) -> None:
    last = max(ecb_rows())
    assert book.rate("CNY", "USD", date=last + timedelta(days=7)).date_used == last
    with pytest.raises(RateNotAvailableError) as err:
        book.rate("CNY", "USD", date=last + timedelta(days=8))
    message = str(err.value)
    assert f"last published rate is dated {last}" in message
    assert "eurofxref-hist.zip" in message and "--rates" in message
    with pytest.raises(RateNotAvailableError, match="2100-01-01"):
        book.rate("CNY", "USD", date="2100-01-01")


def test_month_average_is_the_mean_of_the_daily_crosses(book: RateBook) -> None:
    days = sorted(d for d in ecb_rows() if (d.year, d.month) == (2024, 5))
    assert len(days) == 22  # the ECB published on 22 days in May 2024
    expected = fmean(ecb_cross(d, "USD", "CNY") for d in days)
    quote = book.rate("USD", "CNY", month="2024-05")
    assert quote.rate == pytest.approx(expected, rel=1e-13)
    assert (quote.basis, quote.period, quote.date_used) == ("month-average", "2024-05", None)
    # The cross of the two averages is a different number (the careful choice is above).
    cross_of_means = fmean(ecb_rows()[d]["CNY"] for d in days) / fmean(
        ecb_rows()[d]["USD"] for d in days
    )
    assert abs(cross_of_means - expected) > 1e-6


def test_year_average_and_end_of_period(book: RateBook) -> None:
    days = sorted(d for d in ecb_rows() if d.year == 2021)
    expected = fmean(ecb_cross(d, "USD", "CNY") for d in days)
    flow = book.rate("USD", "CNY", year=2021)  # a flow: the year's average by default
    assert flow.basis == "year-average"
    assert flow.rate == pytest.approx(expected, rel=1e-13)
    stock = book.rate("USD", "CNY", year=2021, kind="stock")  # a stock: the year's end
    assert (stock.basis, stock.date_used, stock.period) == ("end-of-period", days[-1], "2021")
    assert days[-1] == date(2021, 12, 31)
    assert stock.rate == pytest.approx(ecb_cross(days[-1], "USD", "CNY"), rel=1e-15)


def test_period_rates_need_the_whole_period(book: RateBook) -> None:
    with pytest.raises(RateNotAvailableError, match="starts before the first rate"):
        book.rate("CNY", "USD", year=2005)  # CNY only from April 2005
    assert book.rate("CNY", "USD", month="2005-04").period == "2005-04"
    last = max(ecb_rows())
    with pytest.raises(RateNotAvailableError, match="not complete"):
        book.rate("CNY", "USD", year=last.year)


def test_column_and_scalar_agree_with_the_file(book: RateBook) -> None:
    rng = np.random.default_rng(7)
    offsets = rng.integers(0, (date(2024, 12, 31) - date(2005, 4, 1)).days, 300)
    days = [date(2005, 4, 1) + timedelta(days=int(k)) for k in offsets]
    amounts = rng.uniform(0, 1e9, len(days))
    frame = book.convert_column(amounts, "CNY", "USD", days)
    rows = ecb_rows()
    for i, day in enumerate(days):
        used = max(d for d in rows if d <= day and "CNY" in rows[d])
        scalar = book.convert(float(amounts[i]), "CNY", "USD", date=day)
        assert frame["date_used"].iloc[i].date() == scalar.date_used == used
        assert frame["rate"].iloc[i] == scalar.rate
        assert scalar.rate == pytest.approx(rows[used]["USD"] / rows[used]["CNY"], rel=1e-15)
        assert frame["result"].iloc[i] == pytest.approx(amounts[i] * scalar.rate, rel=1e-15)
    assert list(frame.columns) == [
        "frm",
        "to",
        "amount",
        "rate",
        "result",
        "date_used",
        "period",
        "basis",
        "source",
    ]


def test_convert_returns_amount_result_and_what_the_rate_rests_on(book: RateBook) -> None:
    conv = book.convert(100e9, "CNY", "USD", date="2024-05-25")
    # 100e9 * 1.0840 / 7.8522 = 13.805 billion dollars, at the rate of Friday 24 May
    assert conv.result == pytest.approx(100e9 * 1.0840 / 7.8522, rel=1e-14)
    assert (conv.amount, conv.date_used, conv.basis, conv.source) == (
        100e9,
        date(2024, 5, 24),
        "daily",
        "ECB",
    )
    assert conv.as_dict()["from"] == "CNY"
