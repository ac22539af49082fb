"""The per-process cache behind the custom functions: errors as cell messages, results
remembered per arguments, the store's revision read at most once per interval."""

from __future__ import annotations

import inspect
import logging
from datetime import date

import pytest

from xlreport.data import load_embedded_dataset
from xlreport.errors import StoreError
from xlreport.excel import cache
from xlreport.excel.args import ArgumentError
from xlreport.excel.cache import ExcelData, answer_from_cache


class FakeStore:
    """Stands in for the store in these unit tests (the integration tests use SQLite)."""

    url = "sqlite:///fake"

    def __init__(self) -> None:
        self.rev = 1
        self.down = False

    def revision(self) -> int:
        if self.down:
            raise StoreError("the database is unreachable: start it and try again")
        return self.rev

    def load_dataset(self, as_of: date | None = None) -> object:
        return load_embedded_dataset()


class Clock:
    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


Setup = tuple[ExcelData, FakeStore, Clock, list[date]]


@pytest.fixture
def setup(monkeypatch: pytest.MonkeyPatch) -> Setup:
    store, clock, days = FakeStore(), Clock(), [date(2024, 12, 31)]
    data = ExcelData(lambda: store, clock=clock, today=lambda: days[-1])  # type: ignore[arg-type]
    monkeypatch.setattr(cache, "DATA", data)
    return data, store, clock, days


def test_results_are_remembered_per_arguments(setup: Setup) -> None:
    calls: list[tuple[object, ...]] = []

    @answer_from_cache
    def XLR_DEMO(a: object, b: object = None) -> object:
        calls.append((a, b))
        return f"{a}-{b}"

    assert XLR_DEMO("x") == "x-None"
    assert XLR_DEMO("x") == "x-None"
    assert XLR_DEMO("x", 2.0) == "x-2.0"
    assert calls == [("x", None), ("x", 2.0)]
    assert XLR_DEMO([["x"]]) == "[['x']]-None"  # a range is not a key: computed each time
    assert XLR_DEMO([["x"]]) == "[['x']]-None"
    assert len(calls) == 4
    assert XLR_DEMO.__name__ == "XLR_DEMO"
    # xlwings sees one more, last, argument: `caller`, which it fills with the calling cell
    # and leaves out of the function's signature in Excel
    assert list(inspect.signature(XLR_DEMO).parameters) == ["a", "b", "caller"]
    assert inspect.signature(XLR_DEMO).parameters["caller"].default is None


def test_user_errors_become_messages_and_are_remembered(setup: Setup) -> None:
    calls = []

    @answer_from_cache
    def XLR_DEMO(target: object) -> object:
        calls.append(target)
        raise ArgumentError("target", "is empty: give a value")

    assert XLR_DEMO(None) == "#XLR! target: is empty: give a value"
    answer = XLR_DEMO(None)
    assert answer == "#XLR! target: is empty: give a value"
    assert answer.code == "#VALUE!"  # an argument that cannot be used
    assert len(calls) == 1


def test_unexpected_errors_are_logged_shown_briefly_and_not_remembered(
    setup: Setup,
    caplog: pytest.LogCaptureFixture,
) -> None:
    calls = []

    @answer_from_cache
    def XLR_BROKEN(x: object) -> object:
        calls.append(x)
        return {}["missing"]  # a bug, not a user error

    with caplog.at_level(logging.ERROR, logger="xlreport.excel"):
        text = XLR_BROKEN(1.0)
        XLR_BROKEN(1.0)
    assert text == (
        "#XLR! internal error in XLR_BROKEN (KeyError: 'missing'); the traceback is in "
        "logs/excel.log in the xlreport data folder"
    )
    assert text.code == "#VALUE!"
    assert len(calls) == 2
    assert caplog.records and caplog.records[0].exc_info is not None


def test_an_unreachable_store_shows_in_the_cell_and_recovers(setup: Setup) -> None:
    data, store, _, _ = setup

    @answer_from_cache
    def XLR_DEMO(x: object) -> object:
        return data.snapshot().revision

    store.down = True
    down = XLR_DEMO(1.0)
    assert down == "#XLR! the database is unreachable: start it and try again"
    assert down.code == "#VALUE!"
    store.down = False
    assert XLR_DEMO(1.0) == 1  # the failed check is retried at once, nothing stale kept


def test_the_revision_is_read_at_most_once_per_second(setup: Setup) -> None:
    data, store, clock, _ = setup

    @answer_from_cache
    def XLR_REV(x: object) -> object:
        return data.snapshot().revision

    assert XLR_REV(0.0) == 1 and data.checks == 1 and data.loads == 1
    store.rev = 2  # an import elsewhere
    clock.now += 0.999
    assert XLR_REV(0.0) == 1 and data.checks == 1  # not yet asked
    clock.now += 0.001
    assert XLR_REV(0.0) == 2 and data.checks == 2 and data.loads == 2
    clock.now += 5
    assert XLR_REV(0.0) == 2 and data.checks == 3 and data.loads == 2  # same revision


def test_a_new_day_drops_remembered_results(setup: Setup) -> None:
    data, _, clock, days = setup

    @answer_from_cache
    def XLR_TODAY() -> object:
        return data.today.isoformat()

    assert XLR_TODAY() == "2024-12-31"
    days.append(date(2025, 1, 1))  # midnight passes during the session
    clock.now += 1
    assert XLR_TODAY() == "2025-01-01"
    assert data.loads == 1  # same revision: no reload, only the results are dropped


def test_progress_is_computed_once_per_as_of_and_tolerance(setup: Setup) -> None:
    data, _, _, _ = setup
    first = data.progress(None, None)
    assert data.progress(date(2024, 12, 31), 0.05) is first  # the defaults, spelled out
    other = data.progress(None, 0.1)
    assert other is not first and data.progress(None, 0.1) is other
    assert first["lingang-2025.industrial-output"]["as_of"] == "2024-12-31"
