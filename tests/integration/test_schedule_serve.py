"""``serve_schedules`` in this process: a real APScheduler and real signals at the moments
that used to go wrong (between the start-up run and the scheduler, during a run).

The run-due callable is a small recorder here; the CLI tests run the real one.
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
from schedule_env import schedule_toml

from xlreport.schedule import ScheduleConfig, load_schedule_config
from xlreport.schedule import serve as serve_module
from xlreport.schedule.serve import serve_schedules


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
    # Before the fix the handler raised StopServing here, outside the start-up run, and
    # the command ended with a traceback.
    calls: list[list[str] | None] = []
    ready: list[list[tuple[str, datetime]]] = []

    def on_ready(times: list[tuple[str, datetime]]) -> None:
        ready.append(times)
        sigterm_self()  # the handler runs before this returns

    serve_schedules(config, calls.append, on_ready=on_ready)
    assert calls == [None]  # the start-up run, and nothing else
    ((name, at),) = ready[0]
    assert name == "monthly" and at > datetime.now(UTC)


def test_a_signal_during_the_start_up_run_abandons_it_once(config: ScheduleConfig) -> None:
    events: list[str] = []

    def run_due(names: list[str] | None) -> None:
        events.append(f"start {names}")
        try:
            sigterm_self()
            time.sleep(30)  # interrupted by StopServing from the handler
            events.append("not interrupted")
        except BaseException as exc:
            events.append(f"interrupted by {type(exc).__name__}")
            sigterm_self()  # a second Ctrl-C while recording must not cut the cleanup short
            events.append("recorded")
            raise

    serve_schedules(config, run_due, on_ready=lambda _t: events.append("ready"))
    assert events == ["start None", "interrupted by StopServing", "recorded"]


def test_a_scheduled_run_in_progress_finishes_before_serve_returns(
    config: ScheduleConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[str] = []
    started = threading.Event()

    def run_due(names: list[str] | None) -> None:
        if names is None:
            events.append("start-up run")
            return
        events.append(f"scheduled {names}")
        started.set()
        time.sleep(0.5)  # the signal arrives during this
        events.append(f"finished {names}")

    real_build = serve_module.build_scheduler

    def build_with_a_due_job(cfg: ScheduleConfig, run: serve_module.RunDue) -> BackgroundScheduler:
        scheduler = real_build(cfg, run)
        scheduler.add_job(run, "date", run_date=datetime.now(UTC), args=[["due-now"]])
        return scheduler

    monkeypatch.setattr(serve_module, "build_scheduler", build_with_a_due_job)

    def signal_once_the_job_runs() -> None:
        assert started.wait(30), "the scheduled job never started"
        sigterm_self()
        sigterm_self()  # Ctrl-C twice: still waits for the run

    threads_before = set(threading.enumerate())
    sender = threading.Thread(target=signal_once_the_job_runs)
    sender.start()
    serve_schedules(config, run_due)
    sender.join()
    assert events == ["start-up run", "scheduled ['due-now']", "finished ['due-now']"]
    left = [t.name for t in set(threading.enumerate()) - threads_before if t.is_alive()]
    assert left == []  # the scheduler's thread and its workers have ended
