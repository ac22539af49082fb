"""One process at a time per schedule on this computer: an OS file lock.

``fcntl.flock`` on POSIX, ``msvcrt.locking`` on Windows. The operating system releases
the lock when the process ends, however it ends (kill -9 included), so a lock can never
be left behind by a crash. The lock file holds the holder's pid and host for messages; its
content is advisory, the OS lock is the truth.
"""

from __future__ import annotations

import contextlib
import os
import socket
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from xlreport.errors import ScheduleError

__all__ = ["LockBusy", "ScheduleLock", "hold_schedule_lock", "lock_path"]


class LockBusy(ScheduleError):
    """Another process holds the schedule's lock (and we were told not to wait for it)."""


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fh: IO[str]) -> bool:
        fh.seek(0)
        try:
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fh: IO[str]) -> None:
        fh.seek(0)
        with contextlib.suppress(OSError):
            msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fh: IO[str]) -> bool:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fh: IO[str]) -> None:
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def lock_path(data_dir: Path, schedule: str) -> Path:
    return data_dir / "locks" / f"schedule-{schedule}.lock"


def _holder(path: Path) -> str:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return "another process"
    return lines[0].strip() if lines and lines[0].strip() else "another process"


class ScheduleLock:
    """A held schedule lock, and the journal of months its holder claimed.

    The lock file lists the months the holder claimed in the database (``claim 2026-07``)
    before it claims them. A holder that finishes empties the file; one that was killed
    leaves its lines, so the next holder knows which ``running`` records in the history
    are its dead predecessor's (they can be retried at once) rather than another
    computer's (left alone until they are stale).
    """

    def __init__(self, path: Path, fh: IO[str], inherited: list[str]) -> None:
        self.path = path
        self._fh = fh
        self.inherited_claims: frozenset[str] = frozenset(
            line.split(" ", 1)[1].strip() for line in inherited if line.startswith("claim ")
        )

    def note_claim(self, month: str) -> None:
        """Write ``claim <month>`` to the journal before claiming the month in the database."""
        self._fh.write(f"claim {month}\n")
        self._fh.flush()


def _clear_journal(fh: IO[str]) -> None:
    with contextlib.suppress(OSError):
        fh.seek(0)
        fh.truncate()
        fh.flush()


@contextlib.contextmanager
def hold_schedule_lock(
    data_dir: Path,
    schedule: str,
    *,
    wait_s: float | None,
    on_wait: Callable[[str], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> Iterator[ScheduleLock]:
    """Hold the schedule's lock for the ``with`` block.

    ``wait_s``: ``0`` does not wait (raises :class:`LockBusy` at once), ``None`` waits as
    long as needed, a number waits up to that many seconds. ``on_wait`` is called once
    with the holder's description when we start waiting. ``should_stop`` is asked while
    waiting; when it says yes (SIGTERM or Ctrl-C) the wait ends with :class:`LockBusy`.
    """
    path = lock_path(data_dir, schedule)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(path, "a+", encoding="utf-8")  # noqa: SIM115 - held across the yield
    except OSError as exc:
        raise ScheduleError(
            f"cannot create the lock file {path}: {exc.strerror or exc}; check that the data "
            "folder (XLREPORT_DATA_DIR) is writable"
        ) from exc
    try:
        deadline = None if wait_s is None else time.monotonic() + wait_s
        told = False
        while not _try_lock(fh):
            holder = _holder(path)
            if deadline is not None and time.monotonic() >= deadline:
                waited = f" after waiting {wait_s:g} s" if wait_s else ""
                raise LockBusy(
                    f"schedule {schedule!r} is being run by {holder}{waited}; skipped "
                    f"(lock {path}). It will be picked up by the next run-due"
                )
            if should_stop is not None and should_stop():
                raise LockBusy(
                    f"stopped while waiting for {holder} to finish schedule {schedule!r} "
                    f"(lock {path}); the next run-due picks it up"
                )
            if not told and on_wait is not None:
                on_wait(holder)
                told = True
            time.sleep(0.1)
        fh.seek(0)
        inherited = fh.read().splitlines()
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()} on {socket.gethostname()}\n")
        fh.flush()
        try:
            yield ScheduleLock(path, fh, inherited)
        except Exception:
            _clear_journal(fh)
            raise
        except BaseException:
            # Interrupted (signal, Ctrl-C): keep the journal, so the next holder retries
            # at once whatever we claimed and may not have recorded as finished.
            raise
        else:
            _clear_journal(fh)
        finally:
            _unlock(fh)
    finally:
        fh.close()
