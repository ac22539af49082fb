"""Bad currency codes, dates and amounts give errors that say what and where."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from xlreport.errors import FxError, RateNotAvailableError, UnknownCurrencyError
from xlreport.fx import RateBook


@pytest.fixture(scope="module")
def book() -> RateBook:
    return RateBook.default()


def test_a_currency_the_source_lacks_lists_the_valid_codes(book: RateBook) -> None:
    with pytest.raises(UnknownCurrencyError) as err:
        book.rate("XAU", "USD", date="2024-05-24")
    message = str(err.value)
    assert "'XAU' is not in rate source ECB" in message
    for code in ("CNY", "EUR", "JPY", "USD"):
        assert code in message


@pytest.mark.parametrize("code", ["US", "USDX", "U$D", "", "12A"])
def test_malformed_codes_are_refused(book: RateBook, code: str) -> None:
    with pytest.raises(UnknownCurrencyError, match="not a three-letter ISO 4217 code"):
        book.rate(code, "USD", date="2024-05-24")


def test_codes_are_case_insensitive_and_must_be_text(book: RateBook) -> None:
    assert book.rate("cny", "usd", date="2024-05-24").frm == "CNY"
    with pytest.raises(UnknownCurrencyError, match="must be text"):
        book.rate(156, "USD")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (-1.0, "amount -1.0 is negative: amounts in plan data are never negative"),
        (math.nan, "amount nan is not a number"),
        (math.inf, "amount inf is infinite"),
        ("100", "amount '100' is not a number"),
        ("abc", "amount 'abc' is not a number"),
        (True, "amount True is not a number"),
        (None, "amount None is not a number"),
    ],
)
def test_bad_amounts(book: RateBook, amount: object, message: str) -> None:
    with pytest.raises(FxError) as err:
        book.convert(amount, "CNY", "USD", date="2024-05-24")  # type: ignore[arg-type]
    assert message in str(err.value)


def test_a_bad_amount_in_a_column_names_its_row(book: RateBook) -> None:
    days = ["2024-05-24"] * 3
    with pytest.raises(FxError, match=r"row 3: amount -5\.0 is negative"):
        book.convert_column([1.0, 2.0, -5.0], "CNY", "USD", days)
    with pytest.raises(FxError, match="row 2: amount nan is not a number"):
        book.convert_column(np.array([1.0, np.nan, 3.0]), "CNY", "USD", days)
    with pytest.raises(FxError, match="row 2: amount 'x' is not a number"):
        book.convert_column(pd.Series([1.0, "x", 3.0]), "CNY", "USD", days)
    with pytest.raises(FxError, match="2 amounts but 3 dates"):
        book.convert_column([1.0, 2.0], "CNY", "USD", days)
    with pytest.raises(FxError, match="must be a column"):
        book.convert_column(5.0, "CNY", "USD", days[:1])
    # zero is a valid amount
    assert book.convert_column([0.0], "CNY", "USD", days[:1])["result"].tolist() == [0.0]


def test_bad_dates_name_their_row(book: RateBook) -> None:
    with pytest.raises(FxError, match="row 2: None is missing"):
        book.quote_column("CNY", "USD", ["2024-05-24", None])
    with pytest.raises(FxError, match="row 2: '2024-02-30' is not a valid day"):
        book.quote_column("CNY", "USD", ["2024-02-28", "2024-02-30"])
    with pytest.raises(FxError, match="row 2: '24/05/2024' is not a date YYYY-MM-DD"):
        book.quote_column("CNY", "USD", ["2024-05-24", "24/05/2024"])
    with pytest.raises(FxError, match="is not a day"):
        book.rate("CNY", "USD", date="2024-05")
    with pytest.raises(FxError, match="is not a month"):
        book.rate("CNY", "USD", month="2024")
    with pytest.raises(FxError, match="row 2: NaT is missing"):
        book.quote_column("CNY", "USD", pd.Series(pd.to_datetime(["2024-05-24", None])))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"date": "2004-12-31"}, "no rate on or before 2004-12-31"),  # CNY starts 2005-04-01
        ({"date": "1998-06-01"}, "no rate on or before 1998-06-01"),
        ({"date": "2099-01-01"}, "beyond the 7-day fallback limit"),
        ({"month": "2099-01"}, "not complete"),
        ({"year": 2004}, "lies before the first rate"),
    ],
)
def test_dates_outside_the_coverage(
    book: RateBook, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(RateNotAvailableError) as err:
        book.rate("CNY", "USD", **kwargs)  # type: ignore[arg-type]
    assert message in str(err.value)
    assert "2005-04-01" in str(err.value)  # the coverage is stated


def test_a_column_error_names_the_first_row_without_a_rate(book: RateBook) -> None:
    with pytest.raises(RateNotAvailableError, match="row 3: no daily CNY->USD rate"):
        book.quote_column("CNY", "USD", ["2024-05-24", "2010-01-04", "2001-01-02"])
