"""Which months are due: pure functions of a schedule, a clock reading and the run history.

Month ``M``'s report covers ``M`` as of its last day and is due at ``day_of_month`` and
``time`` of month ``M + 1`` in the schedule's time zone. A local time that does not exist
(the hour skipped when clocks go forward) counts with the offset in force before the
change, as :mod:`zoneinfo` does for ``fold=0``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from xlreport.errors import ScheduleError
from xlreport.period import Month
from xlreport.schedule.config import ScheduleSpec

__all__ = [
    "DuePlan",
    "due_at",
    "last_day_of",
    "latest_due_month",
    "month_add",
    "next_due_at",
    "parse_now",
    "plan_due_months",
]


def _split(month: str) -> tuple[int, int]:
    m = Month.parse(month)
    return m.year, m.month


def month_add(month: str, n: int) -> str:
    """``month_add("2026-12", 1) == "2027-01"``."""
    year, mon = _split(month)
    index = year * 12 + (mon - 1) + n
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def last_day_of(month: str) -> date:
    return Month.parse(month).last_day


def due_at(spec: ScheduleSpec, month: str) -> datetime:
    """When the report covering ``month`` is due (an aware datetime in the schedule's zone)."""
    year, mon = _split(month_add(month, 1))
    return datetime(year, mon, spec.day_of_month, spec.hour, spec.minute, tzinfo=spec.zone)


def latest_due_month(spec: ScheduleSpec, now: datetime) -> str:
    """The newest month whose report is due at ``now`` (an aware datetime)."""
    local = now.astimezone(spec.zone)
    candidate = month_add(f"{local.year:04d}-{local.month:02d}", -1)
    return candidate if due_at(spec, candidate) <= now else month_add(candidate, -1)


def next_due_at(spec: ScheduleSpec, now: datetime) -> datetime:
    """The first due time strictly after ``now``."""
    return due_at(spec, month_add(latest_due_month(spec, now), 1))


def parse_now(text: str | None) -> datetime:
    """``--now``: ISO 8601 with an offset (``2026-09-01T06:00+08:00`` or ``...Z``).

    A value without an offset is read as the computer's local time. ``None`` is the clock.
    """
    if text is None:
        return datetime.now().astimezone()
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ScheduleError(
            f"--now {text!r} is not a date and time: write ISO 8601, "
            "e.g. 2026-09-01T06:00+08:00 or 2026-09-01T06:00Z"
        ) from None
    return value if value.tzinfo is not None else value.astimezone()


REASON_FILES_MISSING = "files missing at the destination"
REASON_FINAL_RATES = "re-issue: the month's final rates are now published"


@dataclass(frozen=True, slots=True)
class DuePlan:
    """What one schedule must produce now, and why."""

    schedule: str
    first: str | None  # first month in the window, None when nothing is due yet
    latest: str | None  # newest due month
    to_produce: list[tuple[str, str]]  # (month, reason), oldest first
    present: list[str]  # due months already produced and still at the destination
    beyond_keep: list[str]  # due months older than the retention window, not produced


def plan_due_months(
    spec: ScheduleSpec,
    now: datetime,
    *,
    succeeded: Iterable[str],
    attempted: Iterable[str],
    months_on_disk: Iterable[str],
    provisional: Iterable[str] = (),
    rates_final: Callable[[str], bool] | None = None,
) -> DuePlan:
    """Decide which months to produce, oldest first.

    - First month: ``spec.start``; without it the oldest month this schedule ever tried
      (from the history); on first use, only the latest due month.
    - Window: the last ``keep`` due months (older ones would be deleted by retention at
      once, so they are listed in ``beyond_keep`` and not produced).
    - A month is produced unless a successful run is recorded AND its files are at the
      destination: a file deleted by hand comes back on the next run.
    - A month written on provisional rates (``provisional``: its newest written run was
      provisional) counts as produced, so it never holds up the months after it, and is
      produced again once ``rates_final(month)`` says its rates are published.
    """
    latest = latest_due_month(spec, now)
    tried = sorted(set(attempted))
    first = spec.start or (tried[0] if tried else latest)
    if first > latest:
        return DuePlan(spec.name, None, None, [], [], [])
    months: list[str] = []
    m = first
    while m <= latest:
        months.append(m)
        m = month_add(m, 1)
    beyond, window = months[: -spec.keep], months[-spec.keep :]
    late = set(provisional)
    ok = set(succeeded) | late
    disk = set(months_on_disk)
    todo: list[tuple[str, str]] = []
    present: list[str] = []
    for month in window:
        if month in late and month in disk and rates_final is not None and rates_final(month):
            todo.append((month, REASON_FINAL_RATES))
        elif month in ok and month in disk:
            present.append(month)
        elif month in ok:
            todo.append((month, REASON_FILES_MISSING))
        elif month in set(tried):
            todo.append((month, "earlier attempt did not succeed"))
        else:
            todo.append((month, "not produced yet"))
    return DuePlan(spec.name, window[0], latest, todo, present, beyond)
