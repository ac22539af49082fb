"""Report data preparation: months, and the changes since the previous month."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from xlreport.data import load_embedded_dataset
from xlreport.errors import DataError
from xlreport.fx import RateBook
from xlreport.model import Dataset, Observation
from xlreport.report import last_complete_month, prepare_report
from xlreport.report.prepare import month_bounds


@pytest.fixture(scope="module")
def book() -> RateBook:
    return RateBook.default()


def test_last_complete_month_and_bounds() -> None:
    assert last_complete_month(date(2024, 6, 3)) == "2024-05"
    assert last_complete_month(date(2024, 1, 31)) == "2023-12"
    assert month_bounds("2024-02") == (date(2024, 2, 1), date(2024, 2, 29))
    with pytest.raises(DataError, match="YYYY-MM"):
        month_bounds("2024-2")


def _with_revision() -> Dataset:
    """The embedded data plus a revision of Lin-gang's 2023 output published 2024-07-10
    (433.3 bn -> 440 bn) and a new 2024 half-year figure published 2024-07-20."""
    ds = load_embedded_dataset()
    extra = (
        Observation(
            id="lingang.industrial-output.2023.rev1",
            indicator="lingang.industrial-output",
            target_id="lingang-2025.industrial-output",
            period="2023",
            value=440e9,
            unit="CNY",
            source_id="chinadaily-2024-05-25-lingang",
            published=date(2024, 7, 10),
        ),
        Observation(
            id="lingang.industrial-output.2024-ytd06",
            indicator="lingang.industrial-output",
            target_id="lingang-2025.industrial-output",
            period="2024-YTD06",
            value=230e9,
            unit="CNY",
            source_id="chinadaily-2024-05-25-lingang",
            published=date(2024, 7, 20),
        ),
    )
    return ds.model_copy(update={"observations": ds.observations + extra})


def _prepare(ds: Dataset, month: str, book: RateBook):
    end = month_bounds(month)[1]
    return prepare_report(
        ds,
        month=month,
        as_of=end,
        currency="USD",
        book=book,
        generated_at=datetime(2024, 8, 1),
        data_vintage=None,
    )


def test_changes_list_a_revision_in_its_month_only(book: RateBook) -> None:
    ds = _with_revision()
    july = _prepare(ds, "2024-07", book)
    rows = july.published_in_month.set_index("id")
    assert rows.loc["lingang.industrial-output.2023.rev1", "change"] == "revised"
    assert rows.loc["lingang.industrial-output.2023.rev1", "previous_value"] == 433.3e9
    assert rows.loc["lingang.industrial-output.2024-ytd06", "change"] == "new"
    assert len(rows) == 2
    # the month before: neither figure exists yet
    june = _prepare(ds, "2024-06", book)
    assert june.published_in_month.empty
    # May 2024: the original 2023 figure is new then
    may = _prepare(ds, "2024-05", book).published_in_month.set_index("id")
    assert may.loc["lingang.industrial-output.2023", "change"] == "new"


def test_status_changes_compare_month_ends(book: RateBook) -> None:
    ds = load_embedded_dataset()
    # the Tesla storage milestone is due 2024-12-31 and no completion is reported: pending
    # at the end of December 2024, unconfirmed at the end of January 2025
    january = _prepare(ds, "2025-01", book)
    changes = january.status_changes.set_index("target_id")
    assert changes.loc["lingang-pioneer-2030.tesla-storage", "previous_status"] == "pending"
    assert changes.loc["lingang-pioneer-2030.tesla-storage", "status"] == "unconfirmed"
    assert january.previous_as_of == date(2024, 12, 31)
    # the 2023 output (433.3 bn, published 2024-05-25) is one year-on-year rate: still
    # not assessable, so May 2024 lists no change of status for it
    may = _prepare(ds, "2024-05", book)
    assert "lingang-2025.industrial-output" not in set(may.status_changes["target_id"])
    assert may.previous_as_of == date(2024, 4, 30)


def test_as_of_before_the_month_is_refused(book: RateBook) -> None:
    with pytest.raises(DataError, match="before the report month"):
        prepare_report(
            load_embedded_dataset(),
            month="2024-05",
            as_of=date(2024, 4, 1),
            currency="USD",
            book=book,
            generated_at=datetime(2024, 5, 1),
            data_vintage=None,
        )


def test_targets_show_the_engines_numbers(book: RateBook) -> None:
    data = _prepare(load_embedded_dataset(), "2024-05", book)
    row = data.targets.loc["lingang-2025.industrial-output"]
    # no baseline: share = A / T = 433.3 / 500 = 0.8666
    assert row["share_achieved"] == pytest.approx(0.8666, rel=1e-12)
    assert row["share_basis"] == "no_baseline"
    # beside the target, the 2023 actual converts at the target's rate (the as-of date's):
    # one rate, so the ratio in dollars is the ratio in yuan, 433.3 / 500 = 0.8666
    assert row["target_rate"] == data.report_rate["rate"]
    assert row["latest_value_report"] == pytest.approx(433.3e9 * row["target_rate"], rel=1e-15)
    assert row["target_value_report"] == pytest.approx(500e9 * data.report_rate["rate"])
    assert row["latest_value_report"] / row["target_value_report"] == pytest.approx(0.8666)
    # at its own period's average rate it has its own column: USD = CNY amount * rate
    assert row["rate_note"] == "2023 year average"
    assert row["latest_value_period_rate"] == pytest.approx(433.3e9 * row["rate"], rel=1e-15)
