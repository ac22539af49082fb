"""The schedule lock between real processes, including one killed while holding it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from xlreport.schedule import LockBusy, hold_schedule_lock

HOLDER = """
import sys, time
from pathlib import Path
from xlreport.schedule.lock import hold_schedule_lock
with hold_schedule_lock(Path(sys.argv[1]), "monthly", wait_s=0) as lock:
    lock.note_claim("2026-07")
    print("held", flush=True)
    time.sleep(60)
"""


def start_holder(data_dir: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(data_dir)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "held"
    return proc


def kill_holder(proc: subprocess.Popen[str]) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.stdout is not None
    proc.stdout.close()


def test_a_second_process_is_refused_then_gets_the_lock_after_kill_9(tmp_path: Path) -> None:
    proc = start_holder(tmp_path)
    try:
        with (
            pytest.raises(LockBusy, match=f"pid {proc.pid} on") as info,
            hold_schedule_lock(tmp_path, "monthly", wait_s=0),
        ):
            pass
        assert "skipped" in str(info.value)
        # other schedules are not blocked
        with hold_schedule_lock(tmp_path, "other", wait_s=0) as other:
            assert other.inherited_claims == frozenset()
    finally:
        kill_holder(proc)
    # the OS released the lock with the process; the dead holder's claim is inherited
    with hold_schedule_lock(tmp_path, "monthly", wait_s=0) as lock:
        assert lock.inherited_claims == frozenset({"2026-07"})
    # a holder that ended normally leaves nothing to inherit
    with hold_schedule_lock(tmp_path, "monthly", wait_s=0) as lock:
        assert lock.inherited_claims == frozenset()


def test_waiting_for_the_lock_reports_the_holder_once(tmp_path: Path) -> None:
    proc = start_holder(tmp_path)
    told: list[str] = []
    try:
        with (
            pytest.raises(LockBusy, match=r"after waiting 0\.3 s"),
            hold_schedule_lock(tmp_path, "monthly", wait_s=0.3, on_wait=told.append),
        ):
            pass
        assert len(told) == 1 and f"pid {proc.pid}" in told[0]
    finally:
        kill_holder(proc)
    # waiting without a limit ends as soon as the holder is gone
    with hold_schedule_lock(tmp_path, "monthly", wait_s=None) as lock:
        assert lock.inherited_claims == frozenset({"2026-07"})


def test_waiting_without_a_limit_ends_when_asked_to_stop(tmp_path: Path) -> None:
    proc = start_holder(tmp_path)
    asked: list[int] = []

    def should_stop() -> bool:  # says yes the third time it is asked
        asked.append(1)
        return len(asked) >= 3

    try:
        with (
            pytest.raises(LockBusy, match=rf"stopped while waiting for pid {proc.pid} "),
            hold_schedule_lock(tmp_path, "monthly", wait_s=None, should_stop=should_stop),
        ):
            pass
        assert len(asked) == 3
    finally:
        kill_holder(proc)
