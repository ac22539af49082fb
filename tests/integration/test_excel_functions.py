"""Every custom function called as Excel calls it, against a real SQLite store.

Arguments are Excel-shaped: whole numbers as floats, dates as datetimes or serial
numbers, 1x1 ranges as nested lists, empty cells as None. Expected values are worked out
by hand from the embedded dataset (shown in the comments); wrong arguments must give a
short ``#XLR!`` message that says what to do.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

import pytest
from store_data import partial_dataset, revised_output

from xlreport.excel import cache
from xlreport.excel import functions as f
from xlreport.excel.cache import ExcelData
from xlreport.fx import RateBook
from xlreport.model import Dataset
from xlreport.store import Store

OUTPUT = "lingang-2025.industrial-output"  # 500 bn CNY by 2025; 433.3 bn in 2023 (+22.5%)
IC = "shanghai-highend-2025.ic-scale"  # more than double 207 bn CNY (2020) by 2025
TODAY = date(2024, 12, 31)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def store() -> Iterator[Store]:
    with Store.open() as s:  # the isolated SQLite file of this test
        s.init()
        yield s


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def data(store: Store, clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> ExcelData:
    excel_data = ExcelData(lambda: store, clock=clock, today=lambda: TODAY)
    monkeypatch.setattr(cache, "DATA", excel_data)
    return excel_data


def _revision_2023() -> Dataset:
    """The 2023 output revised to 440 bn CNY, published 2024-09-01 (before TODAY)."""
    return partial_dataset(observations=(revised_output(published=date(2024, 9, 1)),))


# ------------------------------------------------------------------ targets


def test_target_value_and_fields(data: ExcelData) -> None:
    assert f.XLR_TARGET(OUTPUT) == 500e9  # "500 billion" in full units
    assert f.XLR_TARGET([[OUTPUT]]) == 500e9  # a 1x1 range
    assert f.XLR_TARGET(OUTPUT, "unit") == "CNY"
    assert f.XLR_TARGET(OUTPUT, "Deadline") == "2025"
    assert f.XLR_TARGET(IC) == 414e9  # 2 x 207 bn
    assert f.XLR_TARGET(IC, "baseline_value") == 207e9
    assert f.XLR_TARGET(OUTPUT, "plan_name").startswith("Lin-gang Special Area")


def test_target_errors_say_what_to_do(data: ExcelData) -> None:
    assert f.XLR_TARGET("lingang-2025.industrial-outpt") == (
        "#XLR! unknown target 'lingang-2025.industrial-outpt' (did you mean "
        "'lingang-2025.industrial-output'?): see XLR_TARGETS(plan) for the ids"
    )
    assert f.XLR_TARGET("x") == "#XLR! unknown target 'x': see XLR_TARGETS(plan) for the ids"
    assert f.XLR_TARGET(None) == "#XLR! target: is empty: give a value"
    assert f.XLR_TARGET([[OUTPUT, IC]]) == (
        "#XLR! target: give a single cell, not a range of 1 x 2 cells"
    )
    text = f.XLR_TARGET(OUTPUT, "colour")
    assert text.startswith("#XLR! field: unknown field 'colour': use one of id, plan_id, name")


def test_targets_of_a_plan_spill_with_a_header(data: ExcelData) -> None:
    table = f.XLR_TARGETS("lingang-2025")
    assert table[0][:5] == ["id", "name", "kind", "comparator", "value"]
    ids = [row[0] for row in table[1:]]
    assert len(ids) == 7 and OUTPUT in ids  # the plan's seven targets
    assert all(len(row) == len(table[0]) for row in table)
    row = table[1 + ids.index(OUTPUT)]
    assert row[4] == 500e9 and row[5] == "" and row[7] == "CNY"  # no 'low': an empty cell
    assert f.XLR_TARGETS("lingang-2025", [["id", "unit"]])[1:3] == [
        ["lingang-2025.core-tech-projects", "projects"],
        ["lingang-2025.high-tech-enterprises", "enterprises"],
    ]
    assert len(f.XLR_TARGETS()) == 1 + 36  # empty plan: every target
    assert f.XLR_TARGETS("lingang") == (
        "#XLR! unknown plan 'lingang' (did you mean 'lingang-2025'?): see XLR_PLANS() for the ids"
    )
    assert f.XLR_TARGETS("lingang-2025", "id,size").startswith("#XLR! fields: unknown 'size'")
    assert [r[0] for r in f.XLR_PLANS()[1:]] == [
        "lingang-2025",
        "shanghai-highend-2025",
        "shanghai-future-2030",
        "lingang-pioneer-2030",
    ]


# ------------------------------------------------------------------ actuals


def test_latest_actual_follows_the_publication_dates(data: ExcelData) -> None:
    assert f.XLR_LATEST(OUTPUT) == 433.3e9  # today 2024-12-31: the 2023 figure
    assert f.XLR_LATEST(OUTPUT, None, "period") == "2023"
    assert f.XLR_LATEST(OUTPUT, None, "published") == "2024-05-25"
    assert f.XLR_LATEST(OUTPUT, None, "growth_yoy") == pytest.approx(0.225)
    # 45437 = 2024-05-25, the publication day; 45436 = the day before: nothing yet
    assert f.XLR_LATEST(OUTPUT, 45437.0) == 433.3e9
    assert f.XLR_LATEST(OUTPUT, 45436.0) == (
        "#XLR! no actual for lingang-2025.industrial-output as of 2024-05-24: no figure "
        "published yet"
    )
    assert f.XLR_LATEST(OUTPUT, datetime(2024, 6, 1, 9, 30)) == 433.3e9
    assert f.XLR_LATEST(OUTPUT, "soon").startswith("#XLR! as_of: 'soon' is not a date")
    assert f.XLR_LATEST(OUTPUT, None, "size").startswith(
        "#XLR! field: unknown value 'size': use one of value, period, source"
    )


def test_latest_actual_with_its_qualifier(data: ExcelData) -> None:
    cutting = "lingang-2025.cutting-edge-scale"  # "nearly 340 billion yuan" in 2021
    assert f.XLR_LATEST(cutting) == 340e9  # the number, for formulas
    assert f.XLR_LATEST(cutting, None, "qualifier") == "nearly"
    assert f.XLR_LATEST(cutting, None, "text") == "nearly 340 bn CNY"
    assert f.XLR_LATEST(OUTPUT, None, "qualifier") == ""  # exact: no word
    assert f.XLR_LATEST(OUTPUT, None, "text") == "433.3 bn CNY"


def test_status_after_the_deadline_and_unknown_met_is_empty(data: ExcelData) -> None:
    # a date cell: 2026-12-01, every 2025 deadline has passed
    when = datetime(2026, 12, 1)
    assert f.XLR_STATUS(OUTPUT, None, when) == "awaiting final figure"
    # 433.3 * 1.225 ** 2 = 650.2 bn >= 500 bn
    assert f.XLR_STATUS(OUTPUT, "outlook", when) == "likely met"
    assert f.XLR_STATUS(OUTPUT, "met", when) == ""  # unknown until the 2025 figure
    assert f.XLR_STATUS(OUTPUT, "deadline_passed", when) is True
    assert f.XLR_STATUS(OUTPUT, "time_elapsed", when) == 1.0
    tesla = "lingang-pioneer-2030.tesla-storage"  # due 2024-12-31, no report
    assert f.XLR_STATUS(tesla, None, when) == "unconfirmed"
    assert f.XLR_STATUS(tesla, "met", when) == ""
    assert f.XLR_STATUS(OUTPUT, "met") is False  # 2024-12-31: 433.3 bn, not yet 500 bn


def test_observations_table_in_force_and_all_vintages(data: ExcelData, store: Store) -> None:
    store.import_dataset(_revision_2023())
    data.refresh()
    table = f.XLR_OBSERVATIONS(OUTPUT)
    header = table[0]
    period, value, in_force = (
        header.index("period"),
        header.index("value"),
        header.index("in_force"),
    )
    # in force on 2024-12-31: H1 2022 growth, 2022 (derived), 2023 revised to 440 bn
    assert [r[period] for r in table[1:]] == ["2022-YTD06", "2022", "2023"]
    assert table[-1][value] == 440e9 and table[-1][in_force] is True
    everything = f.XLR_OBSERVATIONS(OUTPUT, None, True)
    rows_2023 = [r for r in everything[1:] if r[period] == "2023"]
    assert [(r[value], r[in_force]) for r in rows_2023] == [(433.3e9, False), (440e9, True)]
    before = f.XLR_OBSERVATIONS(OUTPUT, date(2024, 6, 30))  # before the revision
    assert before[-1][value] == 433.3e9
    assert f.XLR_OBSERVATIONS(OUTPUT, None, "maybe").startswith("#XLR! all_vintages: 'maybe'")


# ------------------------------------------------------------------ progress


def test_progress_measures_of_a_target_without_baseline(data: ExcelData) -> None:
    # No baseline: share = A / T = 433.3 / 500
    assert f.XLR_SHARE(OUTPUT) == pytest.approx(433.3 / 500)
    # Reference is 2022 = 433.3 / 1.225 bn; needed (500 / that) ** (1 / 3) - 1 from 2022 to 2025
    assert f.XLR_CAGR_REQUIRED(OUTPUT) == pytest.approx((500 / (433.3 / 1.225)) ** (1 / 3) - 1)
    # from now (2023) to 2025: two years
    assert f.XLR_CAGR_REQUIRED(OUTPUT, "now") == pytest.approx((500 / 433.3) ** 0.5 - 1)
    assert f.XLR_CAGR_ACTUAL(OUTPUT) == pytest.approx(0.225)  # 2022 -> 2023
    # trend to 2025: 433.3 * 1.225 ** 2 bn; gap in (T - A) / ... is the engine's
    assert f.XLR_ANTICIPATED(OUTPUT) == pytest.approx(433.3e9 * 1.225**2)
    assert isinstance(f.XLR_ANTICIPATED(OUTPUT, "gap"), float)
    # grows 22.5 % a year, needs 12.2 %, but that is one year-on-year rate: no class
    assert f.XLR_STATUS(OUTPUT) == "not assessable"
    assert f.XLR_STATUS(OUTPUT, "evidence") == "one year-on-year rate"
    assert f.XLR_STATUS(OUTPUT, "explanation").startswith(
        "not assessable: one year-on-year rate only"
    )
    assert f.XLR_STATUS(OUTPUT, "as_of") == "2024-12-31"


def test_progress_of_a_multiple_target_with_baseline(data: ExcelData) -> None:
    # B = 207 bn (2020), T = 414 bn (2025): needed 2 ** (1 / 5) - 1 a year; no actual since
    assert f.XLR_CAGR_REQUIRED(IC) == pytest.approx(2 ** (1 / 5) - 1)
    # the latest figure is the baseline itself: the share of the way is unknown, not 0
    assert f.XLR_SHARE(IC) == (
        f"#XLR! no share achieved for {IC} as of 2024-12-31: only the baseline is known"
    )
    assert f.XLR_CAGR_ACTUAL(IC).startswith("#XLR! no actual growth for " + IC + " as of")


def test_progress_arguments_and_errors(data: ExcelData) -> None:
    assert f.XLR_SHARE(OUTPUT, 45658.0, 0.1) == pytest.approx(0.8666)  # 45658 = 2025-01-01
    assert f.XLR_SHARE(OUTPUT, None, "5%") == pytest.approx(0.8666)
    assert f.XLR_SHARE(OUTPUT, None, 1.5) == (
        "#XLR! tolerance: 1.5 must be a fraction from 0 to 1 (0.05 = 5%)"
    )
    assert f.XLR_SHARE("nope").startswith("#XLR! unknown target 'nope'")
    assert f.XLR_STATUS(OUTPUT, "mood").startswith("#XLR! field: unknown measure 'mood'")
    assert f.XLR_CAGR_REQUIRED(OUTPUT, "later") == (
        "#XLR! start: unknown value 'later': use one of baseline, now"
    )
    assert f.XLR_ANTICIPATED(OUTPUT, "size").startswith("#XLR! field: unknown value 'size'")
    milestone = "lingang-2025.high-standard-opening"
    assert f.XLR_SHARE(milestone).startswith(f"#XLR! no share achieved for {milestone}")
    progress = f.XLR_PROGRESS("lingang-2025")
    assert progress[0][0] == "target_id" and len(progress) == 1 + 7
    assert f.XLR_PROGRESS("lingang-2025", None, "target_id,status")[1:3] == [
        ["lingang-2025.core-tech-projects", "not assessable"],
        ["lingang-2025.high-tech-enterprises", "not assessable"],
    ]


# ------------------------------------------------------------------ currency


def test_rates_and_conversions_come_from_the_rate_book(data: ExcelData) -> None:
    book = RateBook.default()
    friday = book.rate("CNY", "USD", date=date(2024, 5, 24))
    assert f.XLR_RATE("CNY", "USD", 45436.0) == friday.rate  # serial 45436 = 2024-05-24
    assert f.XLR_RATE("cny", "usd", datetime(2024, 5, 24)) == friday.rate
    # Saturday 2024-05-25 (serial 45437): no ECB publication, the Friday rate is used
    assert f.XLR_RATE("CNY", "USD", 45437.0) == friday.rate
    assert f.XLR_RATE("CNY", "USD", 45437.0, None, None, "date_used") == "2024-05-24"
    assert f.XLR_RATE("CNY", "USD", "2024-05-25", None, "ECB", "source") == "ECB"
    inverse = f.XLR_RATE("USD", "CNY", 45436.0)
    assert f.XLR_RATE("CNY", "USD", 45436.0) * inverse == pytest.approx(1.0)
    year = book.rate("CNY", "USD", year=2023)
    assert f.XLR_RATE("CNY", "USD", 2023.0) == year.rate  # 2023.0: a year, its average
    assert f.XLR_RATE("CNY", "USD", 2023.0, None, None, "basis") == year.basis
    assert f.XLR_RATE("CNY", "USD", "2024-05", None, None, "period") == "2024-05"
    assert f.XLR_CONVERT(100e9, "CNY", "USD", 45436.0) == pytest.approx(100e9 * friday.rate)
    assert f.XLR_CONVERT("433.3 billion", "CNY", "USD", 2023.0) == pytest.approx(
        433.3e9 * year.rate
    )


def test_currency_errors(data: ExcelData) -> None:
    assert f.XLR_RATE("CNY", "XXX").startswith("#XLR! currency 'XXX'")
    assert f.XLR_RATE("CNY", None) == "#XLR! currency_to: is empty: give a value"
    assert f.XLR_RATE("CNY", "USD", "May").startswith("#XLR! when: 'May' is not a date, month")
    assert f.XLR_RATE("CNY", "USD", 45436.0, "weekly").startswith(
        "#XLR! basis: unknown basis 'weekly': use one of daily, month-average"
    )
    assert f.XLR_RATE("CNY", "USD", 45436.0, None, None, "colour").startswith(
        "#XLR! field: unknown value 'colour'"
    )
    assert f.XLR_CONVERT("lots", "CNY", "USD") == (
        "#XLR! amount: 'lots' is not a number: write 12.5, 433.3 billion or 22.5%"
    )
    assert f.XLR_RATE("CNY", "USD", 1000.0).startswith("#XLR! ")  # 1902: before any rate


# ------------------------------------------------------------------ about


def test_about_tells_what_the_workbook_reads(data: ExcelData, store: Store) -> None:
    assert f.XLR_ABOUT("version") == "0.1.0"
    assert f.XLR_ABOUT("database") == store.url  # the store's URL, password masked
    assert f.XLR_ABOUT("data_vintage") == "2024-05-25"  # the latest publication date
    assert f.XLR_ABOUT("revision") == store.revision()
    table = f.XLR_ABOUT()
    assert table[0] == ["item", "value"]
    assert [r[0] for r in table[1:]] == list(f.ABOUT_FIELDS)
    assert f.XLR_ABOUT("owner").startswith("#XLR! field: unknown value 'owner'")


# ------------------------------------------------------------------ freshness


def test_the_cache_reloads_after_an_import_changes_the_store(
    data: ExcelData, store: Store, clock: FakeClock
) -> None:
    assert f.XLR_LATEST(OUTPUT) == 433.3e9
    assert data.loads == 1
    store.import_dataset(_revision_2023())  # 440 bn from 2024-09-01
    # within the check interval the revision is not read again ...
    assert f.XLR_LATEST(OUTPUT) == 433.3e9
    clock.now += 1.0  # ... one second later it is, and the data are reloaded
    assert f.XLR_LATEST(OUTPUT) == 440e9
    assert data.loads == 2
    assert f.XLR_LATEST(OUTPUT, date(2024, 6, 30)) == 433.3e9  # the old vintage then
    assert f.XLR_ABOUT("revision") == store.revision()


def test_many_calls_read_the_data_once(data: ExcelData, clock: FakeClock) -> None:
    for i in range(10_000):
        assert f.XLR_SHARE(OUTPUT) == pytest.approx(0.8666)
        if i % 1000 == 999:
            clock.now += 0.25  # a long recalculation: 2.5 s in all
    assert data.loads == 1
    assert data.checks == 3  # at 1000.0, then once a second: 1001.0 and 1002.0
