"""The stop note that SIGTERM/SIGINT set for run-due and serve: real signals to this
process, handlers put back afterwards."""

from __future__ import annotations

import os
import signal
import threading

import pytest

from xlreport.schedule.stopping import StopRequest, stop_on_signals


def handlers() -> dict[int, object]:
    return {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}


def test_the_first_signal_is_noted_and_later_ones_ignored_by_default() -> None:
    before = handlers()
    stop = StopRequest()
    with stop_on_signals(stop):
        assert not stop()
        os.kill(os.getpid(), signal.SIGTERM)  # the handler has run when os.kill returns
        assert stop() and stop.signal_name == "SIGTERM"
        os.kill(os.getpid(), signal.SIGINT)  # no KeyboardInterrupt, the first one stays
        assert stop.signum == signal.SIGTERM
    assert handlers() == before


def test_a_second_signal_interrupts_when_asked() -> None:
    before = handlers()
    stop = StopRequest(second_interrupts=True)
    with pytest.raises(KeyboardInterrupt), stop_on_signals(stop):
        os.kill(os.getpid(), signal.SIGINT)
        assert stop.signal_name == "SIGINT"
        os.kill(os.getpid(), signal.SIGINT)
        pytest.fail("the second Ctrl-C did not interrupt")
    assert handlers() == before


def test_outside_the_main_thread_nothing_is_installed() -> None:
    before = handlers()
    seen: list[dict[int, object]] = []

    def worker() -> None:
        with stop_on_signals(StopRequest()):
            seen.append(handlers())

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert seen == [before]  # signal.signal would have raised ValueError here
    assert StopRequest().signal_name == "no signal"
