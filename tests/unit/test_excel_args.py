"""What Excel sends to a custom function, coerced: numbers, dates, serials, text, ranges."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from xlreport.excel.args import (
    ArgumentError,
    date_from_serial,
    to_bool,
    to_choice,
    to_date,
    to_names,
    to_number,
    to_scalar,
    to_text,
    to_when,
    to_year,
)


@pytest.mark.parametrize(
    ("serial", "expected"),
    [
        # 2024-05-24 is 45436 days after 1899-12-30 (Excel's day 0 once past the 1900 bug)
        (45436.0, date(2024, 5, 24)),
        (45436.75, date(2024, 5, 24)),  # 18:00 on that day: the time is ignored
        (1.0, date(1900, 1, 1)),  # Excel's first day
        (59.0, date(1900, 2, 28)),  # last day before the fictitious 29 February 1900
        (61.0, date(1900, 3, 1)),  # first day after it
        (36526.0, date(2000, 1, 1)),
    ],
)
def test_serial_numbers_follow_excels_1900_date_system(serial: float, expected: date) -> None:
    assert date_from_serial(serial) == expected
    assert to_date(serial, "as_of") == expected


def test_serial_60_is_the_day_that_did_not_exist() -> None:
    with pytest.raises(ArgumentError, match=r"as_of: serial 60 is 1900-02-29"):
        to_date(60.0, "as_of")


@pytest.mark.parametrize("bad", [0.0, -3.0, 3e6, float("nan")])
def test_serials_out_of_range_are_refused(bad: float) -> None:
    with pytest.raises(ArgumentError, match="is not a date"):
        to_date(bad, "as_of")


def test_dates_arrive_as_datetimes_text_or_ranges() -> None:
    assert to_date(datetime(2024, 5, 24, 13, 5), "as_of") == date(2024, 5, 24)
    assert to_date(" 2024-05-24 ", "as_of") == date(2024, 5, 24)
    assert to_date([[45436.0]], "as_of") == date(2024, 5, 24)  # a 1x1 range
    assert to_date(None, "as_of") is None  # an empty cell
    assert to_date("", "as_of", default=date(2020, 1, 1)) == date(2020, 1, 1)
    with pytest.raises(ArgumentError, match=r"'24/05/2024' is not a date: .*2024-05-24"):
        to_date("24/05/2024", "as_of")
    with pytest.raises(ArgumentError, match="expected a date"):
        to_date(True, "as_of")


def test_ranges_of_more_than_one_cell_are_refused_with_their_shape() -> None:
    assert to_scalar([["x"]], "target") == "x"
    assert to_scalar(["x"], "target") == "x"
    with pytest.raises(ArgumentError, match=r"^target: give a single cell, not a range of 2 x 3"):
        to_scalar([[1, 2, 3], [4, 5, 6]], "target")
    with pytest.raises(ArgumentError, match=r"range of 1 x 2 cells"):
        to_scalar(["a", "b"], "target")


def test_text_from_whole_numbers_and_empty_cells() -> None:
    assert to_text(2025.0, "plan") == "2025"  # Excel sends whole numbers as floats
    assert to_text(2.5, "plan") == "2.5"
    assert to_text("  lingang-2025 ", "plan") == "lingang-2025"
    assert to_text(None, "plan", default="") == ""
    with pytest.raises(ArgumentError, match=r"^target: is empty: give a value"):
        to_text(None, "target")
    with pytest.raises(ArgumentError, match="expected text, got the date 2024-05-24"):
        to_text(datetime(2024, 5, 24), "target")


def test_years_from_floats_and_text() -> None:
    assert to_year(2025.0, "year") == 2025
    assert to_year("2025", "year") == 2025
    assert to_year(None, "year") is None
    with pytest.raises(ArgumentError, match=r"2025\.5 is not a year"):
        to_year(2025.5, "year")
    with pytest.raises(ArgumentError, match="'next' is not a year"):
        to_year("next", "year")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (2023.0, ("year", 2023)),  # a whole number in 1900..2200 is a year
        ("2023", ("year", 2023)),
        ("2024-05", ("month", "2024-05")),
        ("2024-05-24", ("date", date(2024, 5, 24))),
        (45436.0, ("date", date(2024, 5, 24))),  # larger numbers are serial dates
        (datetime(2024, 5, 24), ("date", date(2024, 5, 24))),
        (None, None),
    ],
)
def test_when_is_a_day_a_month_or_a_year(value: object, expected: object) -> None:
    assert to_when(value, "when") == expected


def test_when_rejects_other_text_and_bad_months() -> None:
    with pytest.raises(ArgumentError, match=r"'May 2024' is not a date, month or year"):
        to_when("May 2024", "when")
    with pytest.raises(ArgumentError, match="the month must be 01 to 12"):
        to_when("2024-13", "when")


def test_numbers_accept_scaled_text() -> None:
    assert to_number(433.3e9, "amount") == 433.3e9
    assert to_number("433.3 billion", "amount") == 433_300_000_000.0
    assert to_number("22.5%", "tolerance") == 0.225
    assert to_number(None, "amount", default=1.0) == 1.0
    with pytest.raises(ArgumentError, match=r"^amount: 'lots' is not a number"):
        to_number("lots", "amount")
    with pytest.raises(ArgumentError, match="amount: is empty: give a number"):
        to_number(None, "amount")


def test_booleans_choices_and_name_lists() -> None:
    assert to_bool(True, "all_vintages", default=False) is True
    assert to_bool(1.0, "all_vintages", default=False) is True
    assert to_bool("no", "all_vintages", default=True) is False
    assert to_bool(None, "all_vintages", default=True) is True
    with pytest.raises(ArgumentError, match="'maybe' is not TRUE or FALSE"):
        to_bool("maybe", "all_vintages", default=False)
    assert to_choice("Now", "start", ["baseline", "now"], default="baseline") == "now"
    assert to_choice("month average", "basis", ["month_average"], default="x") == "month_average"
    with pytest.raises(ArgumentError, match="unknown value 'later': use one of baseline, now"):
        to_choice("later", "start", ["baseline", "now"], default="baseline")
    assert to_names("id, name,value", "fields") == ["id", "name", "value"]
    assert to_names([["id", "name"], [None, "unit"]], "fields") == ["id", "name", "unit"]
    assert to_names(None, "fields") is None
