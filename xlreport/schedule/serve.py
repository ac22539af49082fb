"""``schedule serve``: APScheduler 3 calling run-due at each schedule's time, and at start-up.

Each schedule gets a cron job (day, hour and minute in its own time zone) with
``misfire_grace_time=None`` and ``coalesce=True``: a time missed while the computer slept
or the process was busy runs once as soon as possible instead of being dropped (the
default grace of one second drops it with only a log warning). The job store is in
memory and filled at start-up, so times missed while the process was *not running* are
not known to APScheduler: the run-due at start-up covers them, because run-due works out
every missing month from the history and the destination, not from the scheduler.
"""

from __future__ import annotations

import logging
import signal
from collections.abc import Callable
from datetime import UTC, datetime
from types import FrameType

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger

from xlreport.schedule.config import ScheduleConfig, ScheduleSpec

__all__ = ["StopServing", "build_scheduler", "serve_schedules"]

log = logging.getLogger("xlreport.schedule")

#: Called with the schedule names to run (None: all); the caller does run-due and logging.
RunDue = Callable[[list[str] | None], None]


class StopServing(BaseException):
    """Raised by the signal handler to end the start-up run (recorded as interrupted)."""


def cron_trigger(spec: ScheduleSpec) -> CronTrigger:
    return CronTrigger(
        day=spec.day_of_month, hour=spec.hour, minute=spec.minute, timezone=spec.zone
    )


def build_scheduler(config: ScheduleConfig, run_due: RunDue) -> BlockingScheduler:
    """A scheduler with one job per schedule; nothing is started."""
    scheduler = BlockingScheduler(timezone="UTC")
    for spec in config.schedule:
        scheduler.add_job(
            run_due,
            trigger=cron_trigger(spec),
            args=[[spec.name]],
            id=f"schedule-{spec.name}",
            name=f"run-due {spec.name}",
            misfire_grace_time=None,
            coalesce=True,
            max_instances=1,
        )
    return scheduler


def serve_schedules(
    config: ScheduleConfig,
    run_due: RunDue,
    *,
    on_ready: Callable[[list[tuple[str, datetime]]], None] | None = None,
) -> None:
    """Run ``run_due(None)`` once, then at every schedule's time until SIGTERM/SIGINT."""
    scheduler = build_scheduler(config, run_due)

    def stop(signum: int, _frame: FrameType | None) -> None:
        log.info("signal %s received: stopping the scheduler", signum)
        if scheduler.running:
            scheduler.shutdown(wait=False)  # a job in progress finishes first
        else:
            raise StopServing(signum)  # during the start-up run: abandon it (recorded)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        run_due(None)  # catch up on everything missed while not running
    except StopServing:
        return
    if on_ready is not None:
        now = datetime.now(UTC)
        on_ready([(s.name, cron_trigger(s).get_next_fire_time(None, now)) for s in config.schedule])
    scheduler.start()  # blocks until stop()
