"""The time axis every progress measure uses: a period sits at its end."""

from __future__ import annotations

from datetime import date

import pytest

from xlreport.errors import DataError
from xlreport.period import Period, date_time, deadline_time, parse_deadline


@pytest.mark.parametrize(
    ("text", "time", "months", "end"),
    [
        ("2023", 2023.0, 12, date(2023, 12, 31)),
        ("2024-Q2", 2023 + 6 / 12, 3, date(2024, 6, 30)),  # end of June 2024
        ("2024-06", 2023 + 6 / 12, 1, date(2024, 6, 30)),
        ("2022-YTD06", 2021 + 6 / 12, 6, date(2022, 6, 30)),  # first half of 2022
        ("2019/2021", 2021.0, 36, date(2021, 12, 31)),
    ],
)
def test_periods_sit_at_their_end(text: str, time: float, months: int, end: date) -> None:
    p = Period.parse(text)
    assert str(p) == text
    assert p.time == time
    assert p.months == months
    assert p.end == end


def test_a_months_last_day_is_at_the_months_position() -> None:
    # 30 June 2024: 2023 + (5 + 30/30)/12 = 2023.5, the same as the period 2024-06.
    assert date_time(date(2024, 6, 30)) == Period.parse("2024-06").time
    # 31 December 2025 is the deadline "by 2025": five years after 2020.
    assert deadline_time("2025") - Period.parse("2020").time == 5.0


def test_deadline_as_year_means_end_of_that_year() -> None:
    assert parse_deadline("2025") == date(2025, 12, 31)
    assert parse_deadline("2024-12-31") == date(2024, 12, 31)


@pytest.mark.parametrize("bad", ["2023-13", "23", "2023Q2", "2021/2019", "H1 2022", ""])
def test_bad_periods_say_how_to_write_one(bad: str) -> None:
    with pytest.raises(DataError, match=r"period|span"):
        Period.parse(bad)


def test_bad_deadline_date_is_explained() -> None:
    with pytest.raises(DataError, match="not a valid date"):
        parse_deadline("2025-02-30")
