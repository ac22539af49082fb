"""Run history for the scheduler: one running run per (schedule, month), claims that
skip done months, statuses checked, timestamps in UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from xlreport.errors import DataError, StoreError
from xlreport.store import Store
from xlreport.store.schema import runs


def test_a_run_is_recorded_from_start_to_finish(store: Store) -> None:
    before = datetime.now(UTC)
    run_id = store.start_run("monthly", "2024-06")
    (running,) = store.list_runs()
    assert (running.id, running.status, running.finished) == (run_id, "running", None)
    store.finish_run(run_id, "success", "/reports/2024-06.xlsx", None)
    (done,) = store.list_runs("monthly")
    assert done.status == "success" and done.output == "/reports/2024-06.xlsx"
    assert done.error is None
    assert done.started.tzinfo is not None and done.started.utcoffset() == timedelta(0)
    assert before - timedelta(seconds=1) <= done.started <= done.finished  # type: ignore[operator]
    assert store.list_runs("other") == []


def test_only_one_run_of_a_month_runs_at_a_time(store: Store) -> None:
    first = store.start_run("monthly", "2024-06")
    with pytest.raises(StoreError, match=f"already running for 2024-06 \\(run {first}"):
        store.start_run("monthly", "2024-06")
    assert store.claim_run("monthly", "2024-06") is None
    other = store.start_run("monthly", "2024-07")  # another month is free
    store.finish_run(first, "failed", None, "template missing")
    retry = store.claim_run("monthly", "2024-06")  # a failed month may be retried
    assert retry is not None and retry not in (first, other)
    store.finish_run(retry, "success", "/r.xlsx", None)
    assert store.claim_run("monthly", "2024-06") is None  # done: nothing to claim
    rerun = store.start_run("monthly", "2024-06")  # an explicit re-run is allowed
    assert [(r.id, r.status) for r in store.list_runs()] == [
        (first, "failed"),
        (other, "running"),
        (retry, "success"),
        (rerun, "running"),
    ]


def test_the_database_itself_forbids_two_running_rows(store: Store, store_url: str) -> None:
    store.start_run("monthly", "2024-06")
    engine = sa.create_engine(store_url)
    try:
        with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
            conn.execute(
                sa.insert(runs).values(
                    schedule="monthly",
                    month="2024-06",
                    status="running",
                    started=datetime.now(UTC),
                )
            )
    finally:
        engine.dispose()


def test_a_run_left_running_by_a_dead_process_is_abandoned(store: Store, store_url: str) -> None:
    stuck = store.start_run("monthly", "2024-06")
    engine = sa.create_engine(store_url)
    with engine.begin() as conn:
        conn.execute(
            sa.update(runs)
            .where(runs.c.id == stuck)
            .values(started=datetime.now(UTC) - timedelta(hours=7))
        )
    engine.dispose()
    fresh = store.claim_run("monthly", "2024-06")  # default: stale after 6 hours
    assert fresh is not None
    statuses = {r.id: (r.status, r.error) for r in store.list_runs()}
    assert statuses[stuck][0] == "abandoned" and "abandoned" in (statuses[stuck][1] or "")
    assert statuses[fresh] == ("running", None)


def test_statuses_and_names_are_checked(store: Store) -> None:
    run_id = store.start_run("monthly", "2024-06")
    with pytest.raises(DataError, match="'ok' is not a final status"):
        store.finish_run(run_id, "ok", None, None)
    store.finish_run(run_id, "skipped", None, None)
    with pytest.raises(StoreError, match="already skipped"):
        store.finish_run(run_id, "success", None, None)
    with pytest.raises(StoreError, match="run 9999 does not exist"):
        store.finish_run(9999, "success", None, None)
    with pytest.raises(DataError, match="report month 'June 2024' is not of the form YYYY-MM"):
        store.start_run("monthly", "June 2024")
