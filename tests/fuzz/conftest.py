"""Fuzz tests: hypothesis over hostile inputs, each example bounded in time and memory.

Every test is marked ``fuzz``; the example counts are modest so that the whole suite runs
in well under a few minutes (``pytest tests/fuzz``). Each example runs under a wall-time
alarm (SIGALRM) so a hang fails the example instead of the run.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "xlreport-fuzz",
    max_examples=60,
    deadline=None,  # the alarm below bounds each example instead
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile("xlreport-fuzz")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/fuzz" in str(item.fspath):
            item.add_marker(pytest.mark.fuzz)


def pytest_sessionstart(session: pytest.Session) -> None:
    from fuzz_bounds import limit_memory

    limit_memory()
