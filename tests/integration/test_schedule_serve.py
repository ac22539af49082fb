"""Stopping ``schedule serve``: real signals at the moments that used to go wrong (just
after the start-up run, during a run), a real APScheduler, and run-due on a real store
stopping between months.

Before: the handler called the scheduler's ``shutdown`` (a deadlock when the signal came
while the main thread held the scheduler's lock) or raised into whatever code was
running (a traceback after the start-up run; a ``SchemaError`` recorded as the month's
error when pydantic was building a model). Now it only notes the signal.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from schedule_env import init_database, make_env_with_share, schedule_toml, visible_files

from xlreport.schedule import RunEvent, ScheduleConfig, load_schedule_config, run_due
from xlreport.schedule import serve as serve_module
from xlreport.schedule.serve import serve_schedules
from xlreport.schedule.stopping import StopRequest
from xlreport.store import Store

SEPT_1 = datetime.fromisoformat("2026-09-01T06:00+08:00")  # June, July, August are due


@pytest.fixture
def config(tmp_path: Path) -> ScheduleConfig:
    path = tmp_path / "s.toml"
    path.write_text(schedule_toml("monthly", tmp_path), encoding="utf-8")
    return load_schedule_config(path)


@pytest.fixture(autouse=True)
def handlers_are_put_back() -> Iterator[None]:
    before = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    yield
    after = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    assert after == before, "serve_schedules left its signal handlers installed"


def sigterm_self() -> None:
    os.kill(os.getpid(), signal.SIGTERM)


def test_a_signal_just_after_the_start_up_run_stops_serving_cleanly(
    config: ScheduleConfig,
) -> None:
    calls: list[list[str] | None] = []
    ready: list[list[tuple[str, datetime]]] = []

    def on_ready(times: list[tuple[str, datetime]]) -> None:
        ready.append(times)
        sigterm_self()  # the handler has run when os.kill returns

    stop = StopRequest()
    serve_schedules(config, calls.append, stop=stop, on_ready=on_ready)
    assert calls == [None]  # the start-up run, and nothing else
    assert stop.signum == signal.SIGTERM
    ((name, at),) = ready[0]
    assert name == "monthly" and at > datetime.now(UTC)


def test_a_signal_during_the_start_up_run_ends_it_after_the_month_in_progress(
    config: ScheduleConfig,
) -> None:
    stop = StopRequest()
    done: list[str] = []

    def run(names: list[str] | None) -> None:  # three months, asking before each
        for month in ("2026-06", "2026-07", "2026-08"):
            if stop():
                return
            if month == "2026-06":
                sigterm_self()
                sigterm_self()  # Ctrl-C twice: the month still finishes
                time.sleep(0.2)
            done.append(month)

    serve_schedules(config, run, stop=stop, on_ready=lambda _t: done.append("ready"))
    assert done == ["2026-06"]  # finished; never served


def test_a_scheduled_run_in_progress_finishes_before_serve_returns(
    config: ScheduleConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[str] = []
    started = threading.Event()

    def run(names: list[str] | None) -> None:
        if names is None:
            events.append("start-up run")
            return
        events.append(f"scheduled {names}")
        started.set()
        time.sleep(0.5)  # the signals arrive during this
        events.append(f"finished {names}")

    real_build = serve_module.build_scheduler

    def build_with_a_due_job(cfg: ScheduleConfig, run: serve_module.RunDue) -> BackgroundScheduler:
        scheduler = real_build(cfg, run)
        # Due now and again in an hour, like the cron jobs: APScheduler 3 updates such a
        # job after submitting it; a one-off job is removed instead, which raises
        # JobLookupError in its thread when shutdown has begun meanwhile (seen under load).
        scheduler.add_job(
            run,
            "interval",
            hours=1,
            next_run_time=datetime.now(UTC),
            misfire_grace_time=None,
            args=[["due-now"]],
        )
        return scheduler

    monkeypatch.setattr(serve_module, "build_scheduler", build_with_a_due_job)

    def signal_once_the_job_runs() -> None:
        assert started.wait(30), "the scheduled job never started"
        sigterm_self()
        sigterm_self()

    threads_before = set(threading.enumerate())
    sender = threading.Thread(target=signal_once_the_job_runs)
    sender.start()
    serve_schedules(config, run, stop=StopRequest())
    sender.join()
    assert events == ["start-up run", "scheduled ['due-now']", "finished ['due-now']"]
    left = [t.name for t in set(threading.enumerate()) - threads_before if t.is_alive()]
    assert left == []  # the scheduler's thread and its workers have ended


@pytest.mark.slow
def test_run_due_asked_to_stop_finishes_the_month_and_leaves_the_rest_due(
    tmp_path: Path,
) -> None:
    (tmp_path / "init").mkdir()
    env, share = make_env_with_share(tmp_path / "env", init_database(tmp_path / "init"))
    env.write_config(schedule_toml("monthly", share, start="2026-06"))
    config = load_schedule_config(env.config)
    url = env.env()["XLREPORT_DATABASE_URL"]
    events: list[RunEvent] = []

    def stop_after_first_success() -> bool:
        return any(e.kind == "succeeded" for e in events)

    with Store.open(url) as store:
        first = run_due(
            config,
            now=SEPT_1,
            store=store,
            data_dir=env.data_dir,
            emit=events.append,
            should_stop=stop_after_first_success,
        )
    assert [(m.month, m.status) for m in first.produced] == [("2026-06", "success")]
    assert first.ok
    (stopping,) = [e for e in events if e.kind == "stopping"]
    assert stopping.message.startswith("2026-07, 2026-08 not attempted: stopping")
    assert [(r["month"], r["status"]) for r in env.history()] == [("2026-06", "success")]
    assert visible_files(share) == ["monthly_2026-06.xlsx"]

    with Store.open(url) as store:  # the next run-due produces the two left
        second = run_due(config, now=SEPT_1, store=store, data_dir=env.data_dir)
    assert [m.month for m in second.produced] == ["2026-07", "2026-08"]
    assert visible_files(share) == [f"monthly_2026-0{m}.xlsx" for m in (6, 7, 8)]
