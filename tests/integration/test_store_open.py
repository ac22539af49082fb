"""Opening only a database that exists: read-only commands must create nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from xlreport.store import Store


def test_missing_sqlite_file_is_not_created(tmp_path: Path) -> None:
    path = tmp_path / "none.sqlite3"
    assert Store.open_existing(f"sqlite:///{path}") is None
    assert not path.exists()


def test_database_without_xlreport_schema_is_not_a_store(tmp_path: Path) -> None:
    path = tmp_path / "empty.sqlite3"
    sqlite3.connect(path).close()  # an empty SQLite file, as `Store.open` leaves behind
    assert Store.open_existing(f"sqlite:///{path}") is None


def test_initialised_database_is_opened(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    Store.open(url).init()
    store = Store.open_existing(url)
    assert store is not None
    with store:
        assert len(store.load_dataset().targets) == 36  # the embedded plans' targets
