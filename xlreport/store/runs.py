"""Run history of scheduled reports: who ran which month, when, with what result.

At most one run of a (schedule, month) is ``running`` at a time: a unique index on
(schedule, month) over running rows enforces it across processes. A run left
``running`` by a process that died is marked ``abandoned`` once it is older than
``stale_after``, so it cannot block the month for ever.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from xlreport.errors import DataError, StoreError
from xlreport.period import Month
from xlreport.store.schema import runs

__all__ = [
    "DEFAULT_STALE_AFTER",
    "RunRecord",
    "RunStatus",
    "begin_run",
    "finish_run",
    "list_runs",
    "running_run",
]

DEFAULT_STALE_AFTER = timedelta(hours=6)


class RunStatus(StrEnum):
    RUNNING = "running"
    SUCCESS = "success"
    #: written, but on rates not yet final: re-issued once the month's rates are published
    PROVISIONAL = "provisional"
    FAILED = "failed"
    SKIPPED = "skipped"
    ABANDONED = "abandoned"  # left running by a process that stopped


#: Statuses a finished run may take.
FINAL_STATUSES = frozenset(
    {RunStatus.SUCCESS, RunStatus.PROVISIONAL, RunStatus.FAILED, RunStatus.SKIPPED}
)


@dataclass(frozen=True, slots=True)
class RunRecord:
    id: int
    schedule: str
    month: str  # "2024-06"
    status: str  # a RunStatus value
    output: str | None
    started: datetime  # timezone-aware, UTC
    finished: datetime | None
    error: str | None


def _check_names(schedule: str, month: str) -> None:
    if not schedule.strip() or len(schedule) > 200:
        raise DataError(f"schedule name {schedule!r}: use 1 to 200 characters")
    Month.parse(month, what="report month")


def _abandon_stale(conn: Connection, schedule: str, month: str, stale_after: timedelta) -> None:
    now = datetime.now(UTC)
    conn.execute(
        sa.update(runs)
        .where(
            runs.c.schedule == schedule,
            runs.c.month == month,
            runs.c.status == RunStatus.RUNNING.value,
            runs.c.started < now - stale_after,
        )
        .values(
            status=RunStatus.ABANDONED.value,
            finished=now,
            error=f"still running after {stale_after}; taken as abandoned",
        )
    )


def running_run(conn: Connection, schedule: str, month: str) -> RunRecord | None:
    row = conn.execute(
        sa.select(runs).where(
            runs.c.schedule == schedule,
            runs.c.month == month,
            runs.c.status == RunStatus.RUNNING.value,
        )
    ).first()
    return RunRecord(**row._mapping) if row is not None else None


def _insert_running(conn: Connection, schedule: str, month: str) -> int:
    result = conn.execute(
        sa.insert(runs)
        .values(
            schedule=schedule,
            month=month,
            status=RunStatus.RUNNING.value,
            started=datetime.now(UTC),
        )
        .returning(runs.c.id)
    )
    return int(result.scalar_one())


def begin_run(
    conn: Connection,
    schedule: str,
    month: str,
    *,
    skip_done: bool,
    stale_after: timedelta = DEFAULT_STALE_AFTER,
) -> int | RunRecord | None:
    """Record a new running run and return its id.

    Returns the running :class:`RunRecord` instead when another run of the same
    (schedule, month) is running, and None when ``skip_done`` and the month already has
    a successful run.
    """
    _check_names(schedule, month)
    if skip_done:
        done = conn.execute(
            sa.select(runs.c.id).where(
                runs.c.schedule == schedule,
                runs.c.month == month,
                runs.c.status == RunStatus.SUCCESS.value,
            )
        ).first()
        if done is not None:
            return None
    _abandon_stale(conn, schedule, month, stale_after)
    running = running_run(conn, schedule, month)
    if running is not None:
        return running
    return _insert_running(conn, schedule, month)


def finish_run(
    conn: Connection, run_id: int, status: str, output: str | None, error: str | None
) -> None:
    try:
        final = RunStatus(status)
    except ValueError:
        final = None
    if final not in FINAL_STATUSES:
        allowed = ", ".join(sorted(s.value for s in FINAL_STATUSES))
        raise DataError(f"run {run_id}: status {status!r} is not a final status ({allowed})")
    row = conn.execute(sa.select(runs.c.status).where(runs.c.id == run_id)).first()
    if row is None:
        raise StoreError(f"run {run_id} does not exist: finish only a run that start_run made")
    if row.status != RunStatus.RUNNING.value:
        raise StoreError(
            f"run {run_id} is already {row.status}; a run is finished once (start a new one)"
        )
    conn.execute(
        sa.update(runs)
        .where(runs.c.id == run_id)
        .values(status=final.value, output=output, error=error, finished=datetime.now(UTC))
    )


def list_runs(conn: Connection, schedule: str | None = None) -> list[RunRecord]:
    """Runs, oldest first (of one schedule, or all)."""
    stmt = sa.select(runs).order_by(runs.c.started, runs.c.id)
    if schedule is not None:
        stmt = stmt.where(runs.c.schedule == schedule)
    return [RunRecord(**row._mapping) for row in conn.execute(stmt)]
