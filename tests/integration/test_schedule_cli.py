"""The schedule commands as users and scripts see them: serve, progress bars, JSON, errors."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from rate_server import shipped_last_day
from schedule_env import (
    init_database,
    make_env_with_share,
    schedule_toml,
    visible_files,
    wait_for_first_claim,
    wait_or_kill,
    workbook_problem,
)

from xlreport.cli import main
from xlreport.schedule import load_schedule_config
from xlreport.schedule.serve import build_scheduler

SHANGHAI = timezone(timedelta(hours=8))  # no daylight saving in China


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return init_database(tmp_path_factory.mktemp("schedule-cli-init"))


def month_text(year: int, month: int) -> str:
    index = year * 12 + month - 1
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def latest_due_and_next(now: datetime) -> tuple[str, datetime]:
    """By hand, for 'day 1, 06:00 Shanghai': the newest due month and the next due time."""
    local = now.astimezone(SHANGHAI)
    this_first = datetime(local.year, local.month, 1, 6, 0, tzinfo=SHANGHAI)
    if local >= this_first:  # last month's report is already due
        latest = month_text(local.year, local.month - 1)
        nxt = month_text(local.year, local.month + 1)
    else:
        latest = month_text(local.year, local.month - 2)
        nxt = month_text(local.year, local.month)
    year, mon = (int(x) for x in nxt.split("-"))
    return latest, datetime(year, mon, 1, 6, 0, tzinfo=SHANGHAI)


def expected_status(month: str) -> str:
    """'success' when the shipped ECB file has published up to the month's last weekday,
    else 'provisional' (the report is written on the last published rate)."""
    year, mon = (int(x) for x in month.split("-"))
    last = date(year + mon // 12, mon % 12 + 1, 1) - timedelta(days=1)
    while last.weekday() > 4:
        last -= timedelta(days=1)
    return "success" if shipped_last_day() >= last else "provisional"


def next_daily_check(now: datetime) -> datetime:
    """The next 06:00 in Shanghai after ``now`` (serve checks every day)."""
    local = now.astimezone(SHANGHAI)
    at = datetime(local.year, local.month, local.day, 6, 0, tzinfo=SHANGHAI)
    return at if at > local else at + timedelta(days=1)


def stop_with_sigterm(proc: subprocess.Popen[str]) -> str:
    """SIGTERM, then the stderr of the process once it has ended."""
    proc.send_signal(signal.SIGTERM)
    return wait_or_kill(proc, timeout=60, why="SIGTERM to serve")[1]


@pytest.mark.slow
def test_serve_catches_up_at_start_up_and_stops_on_sigterm(tmp_path: Path, database: Path) -> None:
    env, share = make_env_with_share(tmp_path, database)
    env.write_config(schedule_toml("monthly", share))
    # serve reads the real clock (its scheduler's timed waits hang under libfaketime), so
    # the expectations are worked out here from the same clock, whatever day it is
    started = datetime.now(UTC)
    latest, _next = latest_due_and_next(started)
    status = expected_status(latest)
    proc = env.popen("schedule", "serve", "--config", str(env.config), stdout=-1, stderr=-1)
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and not env.history():
            time.sleep(0.5)
        while time.monotonic() < deadline and env.history()[0]["status"] == "running":
            time.sleep(0.5)
        assert proc.poll() is None, "serve ended by itself"
    finally:
        err = stop_with_sigterm(proc)
    assert proc.returncode == 0, err
    # the start-up run produced the due month (first use: only the latest one)
    assert visible_files(share) == [f"monthly_{latest}.xlsx"]
    assert workbook_problem(share / f"monthly_{latest}.xlsx") is None
    assert [(r["month"], r["status"]) for r in env.history()] == [(latest, status)]
    assert f"event=succeeded schedule=monthly month={latest}" in err
    # then it waits for its next daily check: the next 06:00 in Shanghai
    assert f"event=next schedule=monthly at={next_daily_check(started).isoformat()}" in err
    assert 'msg="stopped"' in err


def test_serve_jobs_never_drop_a_missed_time(tmp_path: Path) -> None:
    env_config = tmp_path / "s.toml"
    env_config.write_text(
        schedule_toml("a", tmp_path, day_of_month=3)
        + schedule_toml("b", tmp_path, timezone="Europe/Paris"),
        encoding="utf-8",
    )
    calls: list[list[str] | None] = []
    scheduler = build_scheduler(load_schedule_config(env_config), calls.append)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert sorted(jobs) == ["schedule-a", "schedule-b"]
    for job in jobs.values():
        assert job.misfire_grace_time is None and job.coalesce is True
        assert job.max_instances == 1
    assert jobs["schedule-a"].args == (["a"],)
    # daily at the schedule's time in its own zone (run-due decides what is due, so a
    # failed or provisional month is retried the next day): 06:00 Shanghai
    a_next = jobs["schedule-a"].trigger.get_next_fire_time(
        None, datetime(2026, 9, 3, 6, 0, 1, tzinfo=SHANGHAI)
    )
    assert a_next == datetime(2026, 9, 4, 6, 0, tzinfo=SHANGHAI)
    # Paris in September 2026 is on summer time (+02:00): 15 Sep 06:00 = 04:00 UTC
    b_next = jobs["schedule-b"].trigger.get_next_fire_time(None, datetime(2026, 9, 15, tzinfo=UTC))
    assert b_next.astimezone(UTC) == datetime(2026, 9, 15, 4, 0, tzinfo=UTC)


@pytest.mark.slow
def test_terminal_run_shows_progress_bars_and_history_json(tmp_path: Path, database: Path) -> None:
    env, share = make_env_with_share(tmp_path, database)
    env.write_config(schedule_toml("monthly", share, start="2026-07"))
    master, slave = os.openpty()
    chunks: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                data = os.read(master, 4096)
            except OSError:
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    run_env = {**env.env(), "COLUMNS": "120", "TERM": "xterm"}
    done = subprocess.run(
        [*__import__("schedule_env").xlreport_command(), "schedule", "run-due",
         "--config", str(env.config), "--now", "2026-09-01T07:00+08:00"],
        env=run_env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=slave, text=True,
        timeout=300, check=False,
    )  # fmt: skip
    os.close(slave)
    reader.join(timeout=10)
    os.close(master)
    shown = b"".join(chunks).decode("utf-8", "replace")
    assert done.returncode == 0, shown
    assert "2/2" in shown  # the bar of a two-report run, complete
    assert "monthly 2026-07: 2026-07 written to" in shown
    assert "event=" not in shown  # no log lines on a terminal
    assert "Produced 2 report(s)" in done.stdout

    rows = env.history_cli()
    assert [(r["schedule"], r["month"], r["status"]) for r in rows] == [
        ("monthly", "2026-07", "success"),
        ("monthly", "2026-08", "success"),
    ]
    for r in rows:
        assert {"schedule", "month", "status", "output", "started", "finished", "error"} <= set(r)
        assert r["error"] is None
        assert datetime.fromisoformat(r["finished"]) >= datetime.fromisoformat(r["started"])
    assert rows[1]["output"] == str(share / "monthly_2026-08.xlsx")


def test_list_shows_next_due_and_missing_months(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "s.toml"
    config.write_text(schedule_toml("monthly", tmp_path, start="2026-06"), encoding="utf-8")
    assert main(["init"]) == 0
    capsys.readouterr()
    code = main(
        ["schedule", "list", "--config", str(config), "--now", "2026-09-01T07:00+08:00",
         "--format", "json"]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    (row,) = json.loads(out)
    assert row["schedule"] == "monthly"
    assert row["next_due"] == "2026-10-01T06:00:00+08:00"
    assert row["latest_due_month"] == "2026-08"
    assert row["missing"] == "2026-06, 2026-07, 2026-08"  # start June, nothing produced yet
    assert row["last_run"] is None


def test_bad_config_and_bad_now_are_one_line_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "s.toml"
    config.write_text(
        schedule_toml("monthly", tmp_path, time="6:00", colour=1),
        encoding="utf-8",
    )
    code = main(["schedule", "run-due", "--config", str(config)])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith(f"Error: schedule file {config}: 2 problems; fix and run again")
    assert "[[schedule]] #1 ('monthly').time: '6:00' is not a time" in err
    assert "[[schedule]] #1 ('monthly').colour: unknown key" in err
    good = tmp_path / "good.toml"
    good.write_text(schedule_toml("monthly", tmp_path), encoding="utf-8")
    code = main(["schedule", "run-due", "--config", str(good), "--now", "yesterday"])
    assert code == 1
    assert "Error: --now 'yesterday' is not a date and time" in capsys.readouterr().err


@pytest.mark.slow
def test_sigterm_during_the_start_up_run_finishes_the_month_and_leaves_the_rest(
    tmp_path: Path, database: Path
) -> None:
    env, share = make_env_with_share(tmp_path, database)
    env.write_config(schedule_toml("monthly", share, start="2026-06"))
    latest, _next = latest_due_and_next(datetime.now(UTC))
    due = []  # June 2026 up to the latest due month, by hand
    year, month = 2026, 6
    while (text := month_text(year, month)) <= latest:
        due.append(text)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    assert len(due) >= 2  # the test runs after June 2026: at least June and July are due
    proc = env.popen("schedule", "serve", "--config", str(env.config), stdout=-1, stderr=-1)
    try:
        wait_for_first_claim(env, proc)
    finally:
        err = stop_with_sigterm(proc)
    assert proc.returncode == 0, err
    runs = env.history()
    done = [r["month"] for r in runs]
    # the month in progress finished (nothing half-done, no "interrupted"); the rest wait
    # final rates where the shipped file covers the month, else written provisional
    assert [r["status"] for r in runs] == [expected_status(r["month"]) for r in runs], runs
    assert 1 <= len(done) < len(due) and done == due[: len(done)]
    assert visible_files(share) == [f"monthly_{m}.xlsx" for m in done]
    left = ", ".join(due[len(done) :])
    assert f'event=stopping schedule=monthly msg="{left} not attempted: stopping' in err
    assert "event=next" not in err  # never started serving
    assert 'msg="stopped"' in err
