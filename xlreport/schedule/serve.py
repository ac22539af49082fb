"""``schedule serve``: APScheduler 3 calling run-due at each schedule's time, and at start-up.

Each schedule gets a cron job (day, hour and minute in its own time zone) with
``misfire_grace_time=None`` and ``coalesce=True``: a time missed while the computer slept
or the process was busy runs once as soon as possible instead of being dropped (the
default grace of one second drops it with only a log warning). The job store is in
memory and filled at start-up, so times missed while the process was *not running* are
not known to APScheduler: the run-due at start-up covers them, because run-due works out
every missing month from the history and the destination, not from the scheduler.

Signals. The SIGTERM/SIGINT handler only notes the signal; during the start-up run it
also raises :class:`StopServing` once, which abandons that run (the runner records it as
interrupted). It never calls into the scheduler: a handler runs in the main thread
between two bytecodes, possibly while that thread holds one of the scheduler's
non-reentrant locks, and calling ``shutdown`` from there could deadlock (it did, about
once in 150 randomly timed signals). The main thread instead sleeps in short steps,
sees the note and shuts the background scheduler down, waiting for a run in progress.
"""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import Callable
from datetime import UTC, datetime
from types import FrameType

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from xlreport.schedule.config import ScheduleConfig, ScheduleSpec

__all__ = ["StopServing", "build_scheduler", "serve_schedules"]

log = logging.getLogger("xlreport.schedule")

#: Called with the schedule names to run (None: all); the caller does run-due and logging.
RunDue = Callable[[list[str] | None], None]

#: How often the main thread looks for a stop signal while serving (seconds).
POLL_SECONDS = 0.2

_STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class StopServing(BaseException):
    """Raised by the signal handler to end the start-up run (recorded as interrupted)."""


def cron_trigger(spec: ScheduleSpec) -> CronTrigger:
    return CronTrigger(
        day=spec.day_of_month, hour=spec.hour, minute=spec.minute, timezone=spec.zone
    )


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


class _StopNote:
    """What the signal handler may touch: two plain attributes, no locks."""

    def __init__(self) -> None:
        self.signum: int | None = None
        self.in_start_up = True

    def handler(self, signum: int, _frame: FrameType | None) -> None:
        first = self.signum is None
        if first:
            self.signum = signum
        if first and self.in_start_up:
            raise StopServing(signum)  # abandon the start-up run, once


def serve_schedules(
    config: ScheduleConfig,
    run_due: RunDue,
    *,
    on_ready: Callable[[list[tuple[str, datetime]]], None] | None = None,
) -> None:
    """Run ``run_due(None)`` once, then at every schedule's time until SIGTERM/SIGINT.

    Must be called from the main thread (Python delivers signals there). The previous
    signal handlers are put back on return.
    """
    scheduler = build_scheduler(config, run_due)
    note = _StopNote()
    previous = {sig: signal.signal(sig, note.handler) for sig in _STOP_SIGNALS}
    try:
        try:
            run_due(None)  # catch up on everything missed while not running
            note.in_start_up = False
        except StopServing:
            log.info("signal %s received during the start-up run: stopped", note.signum)
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
            while note.signum is None:
                time.sleep(POLL_SECONDS)
            log.info("signal %s received: stopping (a run in progress finishes first)", note.signum)
        finally:
            scheduler.shutdown(wait=True)
    finally:
        for sig, handler in previous.items():  # None: not set from Python, use the default
            signal.signal(sig, signal.SIG_DFL if handler is None else handler)
