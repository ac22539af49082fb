"""Fixtures of the store tests: each test on a fresh SQLite file and a fresh schema on the
real PostgreSQL server (see :mod:`store_backends`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from store_backends import BACKENDS, backend_url

from xlreport.store import Store


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database on each backend."""
    with backend_url(request, tmp_path) as url:
        yield url


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """An initialised store (schema and embedded dataset) on each backend."""
    with Store.open(store_url) as s:
        s.init()
        yield s
