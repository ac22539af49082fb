"""Shared fixtures: an isolated xlreport environment per test, and PostgreSQL access.

``isolated`` points settings at a temporary data folder, database and output folder so no
test touches a real user's files. ``postgres_url`` gives the URL of a real server from
``XLREPORT_TEST_POSTGRES_URL``: tests that need it are skipped when it is unset, except
under CI (``CI=true``), where a missing or unreachable server fails the run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from xlreport.settings import get_settings

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


@pytest.fixture(autouse=True)
def isolated(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """Every test runs with its own data folder, SQLite file and output folder, and with
    automatic rate updates off."""
    home = tmp_path_factory.mktemp("xlreport-home")
    for name in list(os.environ):
        if name.startswith("XLREPORT_") and name != "XLREPORT_TEST_POSTGRES_URL":
            monkeypatch.delenv(name)
    monkeypatch.setenv("XLREPORT_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("XLREPORT_OUTPUT_DIR", str(home / "reports"))
    # no test reaches the internet: a test that downloads rates serves them on 127.0.0.1
    # and turns updates on itself (tests/integration/rate_server.py)
    monkeypatch.setenv("XLREPORT_RATE_UPDATE", "off")
    monkeypatch.chdir(home)
    get_settings.cache_clear()
    yield home
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def postgres_url() -> str:
    url = os.environ.get("XLREPORT_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but XLREPORT_TEST_POSTGRES_URL is not set")
        pytest.skip("XLREPORT_TEST_POSTGRES_URL is not set (scripts/test.sh starts a server)")
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL at {url} is unreachable under CI: {exc}")
        pytest.skip(f"PostgreSQL at {url} is unreachable: {exc}")
    finally:
        engine.dispose()  # else the pooled connection is collected open: ResourceWarning
    return url
