"""Stopping on SIGTERM/SIGINT between reports, not in the middle of one.

A Python signal handler runs in the main thread between two bytecodes, wherever that
thread is: possibly inside a library holding a non-reentrant lock, or inside code that
catches and rewraps exceptions. Both have bitten ``schedule serve``: calling the
scheduler's ``shutdown`` from the handler deadlocked (2 hangs in 300 randomly timed
signals), and an exception raised from the handler into pydantic came back as a
``SchemaError``, recorded as the month's error. So the handler here only notes the
signal in a :class:`StopRequest`; run-due asks it before each month and while waiting
for a lock, which lets the report in progress finish and be recorded.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

__all__ = ["StopRequest", "stop_on_signals"]

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class StopRequest:
    """Call it to know whether a stop was asked for (run-due's ``should_stop``).

    ``second_interrupts``: a second signal raises :class:`KeyboardInterrupt` at once (for
    the interactive ``run-due``, where the user may not want to wait for the report);
    otherwise further signals are ignored (``serve``, whose runs are in worker threads).
    """

    def __init__(self, *, second_interrupts: bool = False) -> None:
        self.signum: int | None = None
        self.second_interrupts = second_interrupts

    def __call__(self) -> bool:
        return self.signum is not None

    @property
    def signal_name(self) -> str:
        return "no signal" if self.signum is None else signal.Signals(self.signum).name

    def note(self, signum: int, _frame: FrameType | None) -> None:
        """The handler: one attribute, no locks; raises only on a second signal if asked."""
        if self.signum is None:
            self.signum = signum
        elif self.second_interrupts:
            raise KeyboardInterrupt


@contextmanager
def stop_on_signals(stop: StopRequest) -> Iterator[StopRequest]:
    """SIGTERM and SIGINT set ``stop`` inside the block; the previous handlers come back
    after it. Outside the main thread (where Python cannot set handlers) nothing is
    installed and ``stop`` is only what the caller sets."""
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return
    previous = {sig: signal.signal(sig, stop.note) for sig in STOP_SIGNALS}
    try:
        yield stop
    finally:
        for sig, handler in previous.items():  # None: not set from Python, use the default
            signal.signal(sig, signal.SIG_DFL if handler is None else handler)
