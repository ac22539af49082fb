"""Scheduled export of the monthly report: due months, locking, history and retention.

``run_due`` produces every due report that is missing, in order, exactly once, copies it
to the schedule's destination atomically, records each run in the store and applies
retention. ``serve_schedules`` calls it from APScheduler at the configured times and at
start-up. See ``docs/scheduling.md``.
"""

from __future__ import annotations

from xlreport.schedule.config import (
    ScheduleConfig,
    ScheduleConfigError,
    ScheduleSpec,
    load_schedule_config,
    parse_schedule_config,
)
from xlreport.schedule.due import (
    DuePlan,
    due_at,
    latest_due_month,
    next_due_at,
    parse_now,
    plan_due_months,
)
from xlreport.schedule.files import apply_retention, expected_outputs, output_name
from xlreport.schedule.lock import LockBusy, hold_schedule_lock
from xlreport.schedule.runner import (
    MonthOutcome,
    RunDueResult,
    RunEvent,
    ScheduleOutcome,
    run_due,
)

__all__ = [
    "DuePlan",
    "LockBusy",
    "MonthOutcome",
    "RunDueResult",
    "RunEvent",
    "ScheduleConfig",
    "ScheduleConfigError",
    "ScheduleOutcome",
    "ScheduleSpec",
    "apply_retention",
    "due_at",
    "expected_outputs",
    "hold_schedule_lock",
    "latest_due_month",
    "load_schedule_config",
    "next_due_at",
    "output_name",
    "parse_now",
    "parse_schedule_config",
    "plan_due_months",
    "run_due",
]
