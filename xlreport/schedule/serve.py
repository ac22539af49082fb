"""``schedule serve``: APScheduler 3 calling run-due at each schedule's time, and at start-up.

Each schedule gets a daily cron job (hour and minute in its own time zone: run-due
works out what is due, so a failed or provisional month is retried the next day) with
``misfire_grace_time=None`` and ``coalesce=True``: a time missed while the computer slept
or the process was busy runs once as soon as possible instead of being dropped (the
default grace of one second drops it with only a log warning). The job store is in
memory and filled at start-up, so times missed while the process was *not running* are
not known to APScheduler: the run-due at start-up covers them, because run-due works out
every missing month from the history and the destination, not from the scheduler.

Stopping (see :mod:`xlreport.schedule.stopping`): SIGTERM/SIGINT only note the signal;
run-due asks the note before each month, so the month in progress (start-up or
scheduled) finishes and is recorded and later months stay due. The main thread sleeps in
short steps while serving, sees the note and shuts the background scheduler down,
waiting for a run in progress.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from xlreport.schedule.config import ScheduleConfig, ScheduleSpec
from xlreport.schedule.stopping import StopRequest, stop_on_signals

__all__ = ["build_scheduler", "serve_schedules"]

log = logging.getLogger("xlreport.schedule")

#: Called with the schedule names to run (None: all); the caller does run-due and logging.
RunDue = Callable[[list[str] | None], None]

#: How often the main thread looks for a stop signal while serving (seconds).
POLL_SECONDS = 0.2


def cron_trigger(spec: ScheduleSpec) -> CronTrigger:
    """Every day at the schedule's time: run-due decides what is due, so the due day
    produces the month, and the days after retry a failed month or re-issue a provisional
    one instead of waiting a month."""
    return CronTrigger(hour=spec.hour, minute=spec.minute, timezone=spec.zone)


def build_scheduler(config: ScheduleConfig, run_due: RunDue) -> BackgroundScheduler:
    """A scheduler with one job per schedule; nothing is started."""
    scheduler = BackgroundScheduler(timezone="UTC")
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
    stop: StopRequest,
    on_ready: Callable[[list[tuple[str, datetime]]], None] | None = None,
) -> None:
    """Run ``run_due(None)`` once, then at every schedule's time until SIGTERM/SIGINT.

    ``run_due`` should pass ``stop`` to :func:`xlreport.schedule.run_due` as
    ``should_stop``. Must be called from the main thread (Python delivers signals there);
    the previous signal handlers are put back on return.
    """
    scheduler = build_scheduler(config, run_due)
    with stop_on_signals(stop):
        run_due(None)  # catch up on everything missed while not running
        if stop():
            log.info("signal %s received during the start-up run: stopped", stop.signum)
            return
        scheduler.start()  # jobs run in the scheduler's worker threads
        try:
            if on_ready is not None:
                now = datetime.now(UTC)
                on_ready(
                    [
                        (s.name, cron_trigger(s).get_next_fire_time(None, now))
                        for s in config.schedule
                    ]
                )
            while not stop():
                time.sleep(POLL_SECONDS)
            log.info("signal %s received: stopping (a run in progress finishes first)", stop.signum)
        finally:
            scheduler.shutdown(wait=True)
