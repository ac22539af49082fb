"""Downloaded rate files in the store: one row per source (``ECB``, ``FRED``).

The row keeps the file itself (a few hundred KB), what the server said about it (ETag,
Last-Modified, for the next conditional request), the days it covers, and when it was
last fetched and last checked (with the error of a failed check). Saving a new file
bumps the data revision, so the Excel functions' cache notices new rates as it notices
new plan data.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from xlreport.store.schema import data_revision, rate_files

__all__ = [
    "RateFileRecord",
    "note_rate_check",
    "read_rate_file",
    "read_rate_files",
    "save_rate_file",
]


@dataclass(frozen=True, slots=True)
class RateFileRecord:
    source: str
    url: str
    content: bytes | None  # None: never fetched successfully (only checks recorded)
    sha256: str | None
    etag: str | None
    last_modified: str | None
    first_day: date | None
    last_day: date | None
    fetched_at: datetime | None
    checked_at: datetime
    last_error: str | None


def _record(row: Any) -> RateFileRecord:
    m = row._mapping
    content = m.get("content")
    return RateFileRecord(
        source=m["source"],
        url=m["url"],
        content=bytes(content) if content is not None else None,
        sha256=m["sha256"],
        etag=m["etag"],
        last_modified=m["last_modified"],
        first_day=m["first_day"],
        last_day=m["last_day"],
        fetched_at=m["fetched_at"],
        checked_at=m["checked_at"],
        last_error=m["last_error"],
    )


def _columns(with_content: bool) -> list[sa.Column[object]]:
    cols = list(rate_files.c)
    return cols if with_content else [c for c in cols if c.name != "content"]


def read_rate_file(
    conn: Connection, source: str, *, with_content: bool = True
) -> RateFileRecord | None:
    """The row of ``source``; without ``with_content`` the file's bytes are not read."""
    row = conn.execute(
        sa.select(*_columns(with_content)).where(rate_files.c.source == source)
    ).first()
    return None if row is None else _record(row)


def read_rate_files(conn: Connection, *, with_content: bool = True) -> list[RateFileRecord]:
    rows = conn.execute(sa.select(*_columns(with_content)).order_by(rate_files.c.source))
    return [_record(r) for r in rows]


def _upsert(conn: Connection, source: str, values: dict[str, object]) -> None:
    done = conn.execute(sa.update(rate_files).where(rate_files.c.source == source).values(values))
    if done.rowcount == 0:
        conn.execute(sa.insert(rate_files).values(source=source, **values))


def save_rate_file(
    conn: Connection,
    source: str,
    *,
    url: str,
    content: bytes,
    etag: str | None,
    last_modified: str | None,
    first_day: date,
    last_day: date,
    at: datetime,
) -> None:
    """Keep a validated download as ``source``'s rate file (replacing the one held)."""
    _upsert(
        conn,
        source,
        {
            "url": url,
            "content": content,
            "sha256": hashlib.sha256(content).hexdigest(),
            "etag": etag,
            "last_modified": last_modified,
            "first_day": first_day,
            "last_day": last_day,
            "fetched_at": at,
            "checked_at": at,
            "last_error": None,
        },
    )
    conn.execute(
        sa.update(data_revision)
        .where(data_revision.c.id == 1)
        .values(revision=data_revision.c.revision + 1)
    )


def note_rate_check(
    conn: Connection, source: str, *, url: str, at: datetime, error: str | None
) -> None:
    """Record a check that brought nothing new: unchanged (``error`` None) or failed."""
    _upsert(conn, source, {"url": url, "checked_at": at, "last_error": error})
