"""Creating the SQLAlchemy engine for a database URL, with errors a user can act on.

SQLite gets real transactions for DDL too (the sqlite3 module would otherwise commit
around ``CREATE TABLE``), foreign keys switched on, a busy timeout, and ``BEGIN
IMMEDIATE`` for writing transactions so that two writers queue instead of failing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine

from xlreport.errors import StoreError

__all__ = ["WRITE_FLAG", "create_store_engine", "describe_url", "sqlite_path"]

#: Set in ``Connection.info`` before ``begin()`` to start an SQLite write transaction.
WRITE_FLAG = "xlreport_write"
SQLITE_BUSY_TIMEOUT_S = 30


def describe_url(url: URL) -> str:
    """The URL as it may be shown: password masked."""
    return url.render_as_string(hide_password=True)


def sqlite_path(url: URL) -> Path | None:
    """The file of an SQLite URL; None for other backends and in-memory databases."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database).expanduser()


def _parse(text: str) -> URL:
    try:
        return sa.make_url(text)
    except sa.exc.ArgumentError:
        raise StoreError(
            f"{text!r} is not a database URL: set XLREPORT_DATABASE_URL to e.g. "
            "sqlite:////path/to/xlreport.sqlite3 or "
            "postgresql+psycopg://user:password@host:5432/dbname"
        ) from None


def _install_sqlite_events(engine: Engine) -> None:
    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (see below)
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        write = conn.info.pop(WRITE_FLAG, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def create_store_engine(text: str) -> Engine:
    """An engine for ``text``; for SQLite the parent folder is created."""
    url = _parse(text)
    shown = describe_url(url)
    path = sqlite_path(url)
    kwargs: dict[str, Any] = {}
    if url.get_backend_name() == "sqlite":
        kwargs["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_S}
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(
                    f"cannot create the folder {path.parent} for the database {shown}: "
                    f"{exc.strerror or exc}. Choose a writable place with "
                    "XLREPORT_DATA_DIR or XLREPORT_DATABASE_URL."
                ) from None
    try:
        engine = sa.create_engine(url, **kwargs)
    except (sa.exc.NoSuchModuleError, ModuleNotFoundError) as exc:
        raise StoreError(
            f"no database driver for {shown} ({exc}): for PostgreSQL write the URL as "
            "postgresql+psycopg://user:password@host:5432/dbname (psycopg 3 is installed "
            "with xlreport); for SQLite as sqlite:////path/to/file.sqlite3"
        ) from None
    if url.get_backend_name() == "sqlite":
        _install_sqlite_events(engine)
    return engine
