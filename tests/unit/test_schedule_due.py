"""Due months: when each month's report is due, and which months a run must produce."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from xlreport.errors import ScheduleError
from xlreport.schedule import ScheduleSpec, due_at, latest_due_month, next_due_at, parse_now
from xlreport.schedule.due import last_day_of, month_add, plan_due_months

CST = timezone(timedelta(hours=8))


def spec(**kw: object) -> ScheduleSpec:
    base: dict[str, object] = {
        "name": "monthly",
        "day_of_month": 1,
        "time": "06:00",
        "timezone": "Asia/Shanghai",
        "destination": Path("/tmp/dest"),
        "keep": 12,
    }
    base.update(kw)
    return ScheduleSpec.model_validate(base)


def test_month_arithmetic_crosses_years() -> None:
    assert month_add("2026-12", 1) == "2027-01"
    assert month_add("2027-01", -1) == "2026-12"
    assert month_add("2026-03", -15) == "2024-12"  # 2026*12+2-15 = 24299 -> 2024, month 12
    assert last_day_of("2028-02") == datetime(2028, 2, 29).date()  # leap year


def test_report_of_a_month_is_due_in_the_next_month_at_the_local_time() -> None:
    s = spec()
    # August 2026's report: 1 September 2026, 06:00 in Shanghai = 31 August 22:00 UTC
    assert due_at(s, "2026-08") == datetime(2026, 9, 1, 6, 0, tzinfo=CST)
    assert due_at(s, "2026-08").astimezone(UTC) == datetime(2026, 8, 31, 22, 0, tzinfo=UTC)
    # December's report is due in January of the next year
    assert due_at(s, "2026-12") == datetime(2027, 1, 1, 6, 0, tzinfo=CST)


def test_latest_due_month_switches_exactly_at_the_due_time() -> None:
    s = spec()
    just_before = datetime(2026, 9, 1, 5, 59, tzinfo=CST)
    at = datetime(2026, 9, 1, 6, 0, tzinfo=CST)
    assert latest_due_month(s, just_before) == "2026-07"
    assert latest_due_month(s, at) == "2026-08"
    # the same instant written in UTC: 06:00 +08:00 is 22:00 UTC the day before
    assert latest_due_month(s, datetime(2026, 8, 31, 22, 0, tzinfo=UTC)) == "2026-08"
    assert next_due_at(s, just_before) == at
    assert next_due_at(s, at) == datetime(2026, 10, 1, 6, 0, tzinfo=CST)


def test_day_and_time_in_the_schedules_zone_not_the_callers() -> None:
    s = spec(day_of_month=3, time="09:30", timezone="Europe/Paris")
    # 3 October 2026 09:30 in Paris is summer time (+02:00): 07:30 UTC
    assert due_at(s, "2026-09").astimezone(UTC) == datetime(2026, 10, 3, 7, 30, tzinfo=UTC)
    # 3 December 2026 09:30 in Paris is winter time (+01:00): 08:30 UTC
    assert due_at(s, "2026-11").astimezone(UTC) == datetime(2026, 12, 3, 8, 30, tzinfo=UTC)


def test_a_time_skipped_by_the_clock_change_uses_the_offset_before_it() -> None:
    # New York springs forward on Sunday 8 March 2026 at 02:00: 02:30 does not exist.
    s = spec(day_of_month=8, time="02:30", timezone="America/New_York")
    # fold=0 reads 02:30 with the offset before the change (EST, -05:00): 07:30 UTC
    assert due_at(s, "2026-02").astimezone(UTC) == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)
    assert latest_due_month(s, datetime(2026, 3, 8, 7, 29, tzinfo=UTC)) == "2026-01"
    assert latest_due_month(s, datetime(2026, 3, 8, 7, 30, tzinfo=UTC)) == "2026-02"


def test_parse_now_needs_iso_and_reads_a_naive_time_as_local() -> None:
    assert parse_now("2026-09-01T06:00+08:00") == datetime(2026, 9, 1, 6, tzinfo=CST)
    assert parse_now("2026-09-01T06:00Z") == datetime(2026, 9, 1, 6, tzinfo=UTC)
    assert parse_now("2026-09-01T06:00").tzinfo is not None
    with pytest.raises(ScheduleError, match="ISO 8601"):
        parse_now("next tuesday")


NOW = datetime(2026, 9, 1, 7, 0, tzinfo=CST)  # August is the latest due month


def test_first_use_without_start_produces_only_the_latest_month() -> None:
    plan = plan_due_months(spec(), NOW, succeeded=[], attempted=[], months_on_disk=[])
    assert plan.to_produce == [("2026-08", "not produced yet")]


def test_catch_up_from_start_in_order() -> None:
    plan = plan_due_months(
        spec(start="2026-05"),
        NOW,
        succeeded=["2026-05"],
        attempted=["2026-05"],
        months_on_disk=["2026-05"],
    )
    # May is done; June, July, August are due (three months of downtime), oldest first
    assert [m for m, _ in plan.to_produce] == ["2026-06", "2026-07", "2026-08"]
    assert plan.present == ["2026-05"]


def test_without_start_history_sets_the_first_month() -> None:
    # The schedule first ran for 2026-06; the machine was off since: July and August due.
    plan = plan_due_months(
        spec(),
        NOW,
        succeeded=["2026-06"],
        attempted=["2026-06"],
        months_on_disk=["2026-06"],
    )
    assert [m for m, _ in plan.to_produce] == ["2026-07", "2026-08"]


def test_second_call_has_nothing_to_do() -> None:
    done = ["2026-06", "2026-07", "2026-08"]
    plan = plan_due_months(
        spec(start="2026-06"), NOW, succeeded=done, attempted=done, months_on_disk=done
    )
    assert plan.to_produce == []
    assert plan.present == done


def test_failed_month_and_deleted_file_are_produced_again() -> None:
    plan = plan_due_months(
        spec(start="2026-06"),
        NOW,
        succeeded=["2026-06", "2026-08"],
        attempted=["2026-06", "2026-07", "2026-08"],
        months_on_disk=["2026-06"],  # August's file was deleted by hand
    )
    assert plan.to_produce == [
        ("2026-07", "earlier attempt did not succeed"),
        ("2026-08", "files missing at the destination"),
    ]


def test_months_beyond_retention_are_not_produced() -> None:
    # start 2026-01 .. latest 2026-08 is 8 months; keep = 3 leaves June, July, August
    plan = plan_due_months(
        spec(start="2026-01", keep=3), NOW, succeeded=[], attempted=[], months_on_disk=[]
    )
    assert [m for m, _ in plan.to_produce] == ["2026-06", "2026-07", "2026-08"]
    assert plan.beyond_keep == ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05"]


def test_start_in_the_future_means_nothing_due_yet() -> None:
    plan = plan_due_months(
        spec(start="2026-09"), NOW, succeeded=[], attempted=[], months_on_disk=[]
    )
    assert plan.to_produce == [] and plan.latest is None
