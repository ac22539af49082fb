"""Run a whole process under a fake system clock (Debian's libfaketime, from ``faketime``).

The library is preloaded directly rather than through the ``faketime`` program, which
runs the command as its own child: a signal sent to the process the test started would
then reach ``faketime`` and not the program. ``@`` makes the clock start at the given
moment and run on (without it time stands still and every timeout hangs).
"""

from __future__ import annotations

import glob

import pytest


def libfaketime() -> str:
    """The multi-threaded build of libfaketime (the scheduler and the rate update run
    threads); a test that needs it fails with what to install when it is missing."""
    found = sorted(glob.glob("/usr/lib/*/faketime/libfaketimeMT.so.1"))
    if not found:
        pytest.fail("libfaketime is not installed: apt-get install faketime (scripts/setup.sh)")
    return found[0]


def fake_clock_env(at: str) -> dict[str, str]:
    """Environment variables that start the process's clock at ``at`` (UTC, e.g.
    ``2026-12-01 09:00:00``) and let it run."""
    return {
        "LD_PRELOAD": libfaketime(),
        "FAKETIME": f"@{at}",
        "FAKETIME_DONT_FAKE_MONOTONIC": "1",  # timeouts and sleeps measure real time
        "TZ": "UTC",
    }
