"""Per-example bounds for the fuzz tests: wall time by SIGALRM, memory by RLIMIT_AS."""

from __future__ import annotations

import resource
import signal
from collections.abc import Iterator
from contextlib import contextmanager

#: The address space a fuzz run may use; set once, for the whole process.
MEMORY_BYTES = 4 << 30


def limit_memory() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if soft == resource.RLIM_INFINITY or soft > MEMORY_BYTES:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, hard))


class Hang(Exception):
    pass


@contextmanager
def bounded(seconds: int = 10) -> Iterator[None]:
    """Fail (not hang) when the body runs longer than ``seconds``."""

    def alarm(signum: int, frame: object) -> None:
        raise Hang(f"took longer than {seconds} s")

    old = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
