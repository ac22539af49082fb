"""The store: plan data and run history in a database (SQLite file or PostgreSQL).

Every public method runs in its own transaction. See ``docs/architecture.md`` ("Store")
for the interface the other layers use.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import numpy as np
import pandas as pd
import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.engine import Connection, Engine

from xlreport.data import load_embedded_dataset
from xlreport.errors import StoreError, ValidationFailed
from xlreport.model import Dataset, Rate, problems_from_validation
from xlreport.settings import get_settings
from xlreport.store.engine import WRITE_FLAG, create_store_engine, describe_url, sqlite_path
from xlreport.store.merge import ImportSummary, check_incoming, merge_dataset
from xlreport.store.migrations import (
    CURRENT_SCHEMA_VERSION,
    check_schema_version,
    read_meta,
    read_schema_version,
    upgrade_schema,
    write_meta,
)
from xlreport.store.ratefiles import (
    RateFileRecord,
    note_rate_check,
    read_rate_file,
    read_rate_files,
    save_rate_file,
)
from xlreport.store.records import FIELDS, record_from_row
from xlreport.store.runs import (
    DEFAULT_STALE_AFTER,
    RunRecord,
    begin_run,
    finish_run,
    list_runs,
    running_run,
)
from xlreport.store.schema import DATA_TABLES, data_revision, observations

__all__ = ["InitResult", "Store"]

#: meta key holding the fingerprint of the embedded dataset last loaded by ``init``.
EMBEDDED_KEY = "embedded_dataset_sha256"
#: Arbitrary key of the PostgreSQL advisory lock that serialises concurrent ``init``s.
_PG_INIT_LOCK = 0x786C7265706F7274  # "xlreport"


@dataclass(frozen=True, slots=True)
class InitResult:
    """What ``init`` did."""

    location: str  # the SQLite file, or the URL with its password masked
    schema_version: int
    created: bool  # the schema was created by this call
    upgraded_from: int | None  # the older version upgraded, if any
    embedded: ImportSummary | None  # None: this embedded dataset was already loaded
    revision: int

    @property
    def changed(self) -> bool:
        return (
            self.created
            or self.upgraded_from is not None
            or (self.embedded is not None and self.embedded.changed)
        )


def _fingerprint(ds: Dataset) -> str:
    return hashlib.sha256(ds.model_dump_json().encode("utf-8")).hexdigest()


class Store:
    """Plan data and run history in one database. Open with :meth:`open`."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._schema_ok = False
        self.url = describe_url(engine.url)
        path = sqlite_path(engine.url)
        self.path: Path | None = path
        self.location = str(path) if path is not None else self.url

    # ------------------------------------------------------------------ lifecycle

    @classmethod
    def open(cls, url: str | None = None) -> Store:
        """Open the database at ``url`` (default: settings); check that it is reachable."""
        store = cls(create_store_engine(url or get_settings().resolved_database_url))
        try:
            with store._engine.connect():
                pass
        except sa.exc.DBAPIError as exc:
            store.close()
            raise store._unreachable(exc) from None
        return store

    @classmethod
    def open_existing(cls, url: str | None = None) -> Store | None:
        """The store at ``url`` if it already holds an xlreport schema; None otherwise.

        Creates nothing, not even an empty SQLite file: for read-only commands such as
        ``xlreport data validate``.
        """
        url = url or get_settings().resolved_database_url
        parsed = sa.make_url(url)
        if (
            parsed.get_backend_name() == "sqlite"
            and parsed.database not in (None, "", ":memory:")
            and not Path(str(parsed.database)).expanduser().is_file()
        ):
            return None
        store = cls.open(url)
        if store.schema_version() is None:
            store.close()
            return None
        return store

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.url!r})"

    def _unreachable(self, exc: sa.exc.DBAPIError) -> StoreError:
        detail = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        if self.path is not None:
            how = (
                f"check that {self.path} is a readable and writable SQLite file (not locked "
                "by another program), or set XLREPORT_DATABASE_URL"
            )
        else:
            how = (
                "check that the server is running and that host, port, user, password and "
                "database name in XLREPORT_DATABASE_URL are right"
            )
        return StoreError(f"cannot use the database {self.url}: {detail}. Fix: {how}.")

    @contextmanager
    def _transaction(self, *, write: bool, snapshot: bool = False) -> Iterator[Connection]:
        """A transaction; ``snapshot``: every statement in it sees the same data (what
        SQLite's transactions always do; PostgreSQL's default only per statement)."""
        try:
            with self._engine.connect() as conn:
                if write:
                    conn.info[WRITE_FLAG] = True
                if snapshot and conn.dialect.name == "postgresql":
                    conn = conn.execution_options(isolation_level="REPEATABLE READ")
                with conn.begin():
                    yield conn
        except sa.exc.IntegrityError:
            raise
        except sa.exc.DBAPIError as exc:
            raise self._unreachable(exc) from None

    def _require_schema(self, conn: Connection) -> None:
        if not self._schema_ok:
            check_schema_version(read_schema_version(conn, self.location), self.location)
            self._schema_ok = True

    # --------------------------------------------------------------------- schema

    def schema_version(self) -> int | None:
        """The database's schema version; None when it has no xlreport schema yet."""
        with self._transaction(write=False) as conn:
            return read_schema_version(conn, self.location)

    def init(self) -> InitResult:
        """Create or upgrade the schema and load the embedded dataset, in one transaction.

        The embedded dataset is loaded when this version of it was not loaded before, so
        a second ``init`` changes nothing and corrections a user imported over embedded
        records survive until a new xlreport ships a changed embedded dataset.
        """
        embedded = load_embedded_dataset()
        fingerprint = _fingerprint(embedded)
        with self._transaction(write=True) as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_PG_INIT_LOCK)))
            found = upgrade_schema(conn, self.location)
            summary: ImportSummary | None = None
            if read_meta(conn, EMBEDDED_KEY) != fingerprint:
                summary = self._import(conn, embedded)
                write_meta(conn, EMBEDDED_KEY, fingerprint)
            revision = self._read_revision(conn)
        self._schema_ok = True
        return InitResult(
            location=self.location,
            schema_version=CURRENT_SCHEMA_VERSION,
            created=found is None,
            upgraded_from=found if found is not None and found != CURRENT_SCHEMA_VERSION else None,
            embedded=summary,
            revision=revision,
        )

    # ----------------------------------------------------------------- plan data

    def revision(self) -> int:
        """A counter that changes whenever plan data changes (one single-row read)."""
        with self._transaction(write=False) as conn:
            self._require_schema(conn)
            return self._read_revision(conn)

    @staticmethod
    def _read_revision(conn: Connection) -> int:
        return int(
            conn.execute(
                sa.select(data_revision.c.revision).where(data_revision.c.id == 1)
            ).scalar_one()
        )

    def import_dataset(self, ds: Dataset) -> ImportSummary:
        """Upsert every record of ``ds`` by id, in one transaction.

        References may point into the store or into ``ds``. On any problem nothing is
        written: :class:`ValidationFailed` lists every problem.
        """
        with self._transaction(write=True) as conn:
            self._require_schema(conn)
            return self._import(conn, ds)

    def _import(self, conn: Connection, ds: Dataset) -> ImportSummary:
        problems = check_incoming(conn, ds)
        if problems:
            raise ValidationFailed(problems, context=f"import into {self.location}")
        try:
            with conn.begin_nested():
                counts = merge_dataset(conn, ds)
        except sa.exc.IntegrityError as exc:
            detail = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise StoreError(
                f"the database {self.location} refused the import ({detail}); nothing was "
                "written. If another import ran at the same time, run this one again."
            ) from None
        changed = any(c.inserted or c.updated for c in counts.values())
        if changed:
            conn.execute(
                sa.update(data_revision)
                .where(data_revision.c.id == 1)
                .values(revision=data_revision.c.revision + 1, changed=sa.func.now())
            )
        return ImportSummary(counts=counts, revision=self._read_revision(conn))

    def load_dataset(self, as_of: date | None = None) -> Dataset:
        """All sources, plans, targets and rates; the observations published by ``as_of``
        (every vintage: pick those in force with ``xlreport.vintage.current_observations``).
        """
        with self._transaction(write=False, snapshot=True) as conn:
            self._require_schema(conn)
            collections = self._read_records(conn, as_of, observations=True)
        return self._dataset(collections)

    def load_for_frames(self, as_of: date | None = None) -> tuple[Dataset, dict[str, np.ndarray]]:
        """What :meth:`load_dataset` reads, from one snapshot, with the observations as
        columns instead of model objects: ``(dataset without observations, {field: object
        array})`` with the names of ``xlreport.frames.OBSERVATION_FIELDS``, enums as text,
        missing values as None.

        For computations over many observations (``xlreport.frames.
        observations_frame_from_columns``): a model object per observation costs about
        2 kB (450 MB for 240,000). Stored observations were validated on import; what a
        database edited by hand could still get wrong here is a period, which the frame
        rejects.
        """
        with self._transaction(write=False, snapshot=True) as conn:
            self._require_schema(conn)
            collections = self._read_records(conn, as_of, observations=False)
            columns = _observation_columns(conn, as_of)
        return self._dataset(collections), columns

    def load_rates(self) -> tuple[Rate, ...]:
        """The stored rate tables' rows (imported as ``rates``), without the plan data."""
        with self._transaction(write=False) as conn:
            self._require_schema(conn)
            return self._read_records(conn, None, observations=False, kinds=("rates",))["rates"]

    def _read_records(
        self,
        conn: Connection,
        as_of: date | None,
        *,
        observations: bool,
        kinds: tuple[str, ...] | None = None,
    ) -> dict[str, tuple[Any, ...]]:
        collections: dict[str, tuple[Any, ...]] = {}
        for kind, table in DATA_TABLES.items():
            if kinds is not None and kind not in kinds:
                continue
            if kind == "observations" and not observations:
                collections[kind] = ()
                continue
            stmt = sa.select(table).order_by(table.c.seq, table.c.id)
            if kind == "observations" and as_of is not None:
                stmt = stmt.where(table.c.published <= as_of)
            rows = conn.execute(stmt).mappings().all()
            collections[kind] = tuple(self._record(kind, row) for row in rows)
        return collections

    def _dataset(self, collections: dict[str, tuple[Any, ...]]) -> Dataset:
        try:
            return Dataset.model_validate(collections)
        except ValidationError as exc:
            raise ValidationFailed(
                problems_from_validation(exc), context=f"stored data in {self.location}"
            ) from None

    def _record(self, kind: str, row: Any) -> Any:
        try:
            return record_from_row(kind, row)
        except ValidationError as exc:
            raise ValidationFailed(
                problems_from_validation(exc, prefix=f"table {kind}, id {row['id']}: "),
                context=f"stored data in {self.location} (edited outside xlreport?)",
            ) from None

    def data_vintage(self, as_of: date | None = None) -> date | None:
        """The latest publication date of the observations visible ``as_of``."""
        stmt = sa.select(sa.func.max(observations.c.published))
        if as_of is not None:
            stmt = stmt.where(observations.c.published <= as_of)
        with self._transaction(write=False) as conn:
            self._require_schema(conn)
            found: date | None = conn.execute(stmt).scalar_one()
        return found

    def count_records(self) -> dict[str, int]:
        """Number of stored records per collection."""
        with self._transaction(write=False) as conn:
            self._require_schema(conn)
            return {
                kind: int(conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one())
                for kind, t in DATA_TABLES.items()
            }

    # ---------------------------------------------------------------- rate files

    def rate_file(self, source: str, *, with_content: bool = True) -> RateFileRecord | None:
        """The downloaded rate file of ``source`` (``ECB``, ``FRED``), or None."""
        with self._transaction(write=False) as conn:
            self._require_schema(conn)
            return read_rate_file(conn, source, with_content=with_content)

    def rate_files(self, *, with_content: bool = True) -> list[RateFileRecord]:
        """Every downloaded rate file (or check record), by source name."""
        with self._transaction(write=False) as conn:
            self._require_schema(conn)
            return read_rate_files(conn, with_content=with_content)

    def save_rate_file(
        self,
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
        """Replace ``source``'s rate file with a validated download (bumps the revision)."""
        with self._transaction(write=True) as conn:
            self._require_schema(conn)
            save_rate_file(
                conn,
                source,
                url=url,
                content=content,
                etag=etag,
                last_modified=last_modified,
                first_day=first_day,
                last_day=last_day,
                at=at,
            )

    def note_rate_check(self, source: str, *, url: str, at: datetime, error: str | None) -> None:
        """Record a rate check that brought no new file (unchanged, or ``error``)."""
        with self._transaction(write=True) as conn:
            self._require_schema(conn)
            note_rate_check(conn, source, url=url, at=at, error=error)

    # --------------------------------------------------------------- run history

    def _begin_run(
        self, schedule: str, month: str, *, skip_done: bool, stale_after: timedelta
    ) -> int | RunRecord | None:
        try:
            with self._transaction(write=True) as conn:
                self._require_schema(conn)
                return begin_run(
                    conn, schedule, month, skip_done=skip_done, stale_after=stale_after
                )
        except sa.exc.IntegrityError:
            # Another process inserted its running row between our check and our insert.
            with self._transaction(write=False) as conn:
                return running_run(conn, schedule, month)

    def start_run(
        self, schedule: str, month: str, *, stale_after: timedelta = DEFAULT_STALE_AFTER
    ) -> int:
        """Record a run of ``schedule`` for ``month`` (``YYYY-MM``) as running; its id.

        Raises :class:`StoreError` while another run of the same month is running (one
        left running longer than ``stale_after`` is marked abandoned first).
        """
        got = self._begin_run(schedule, month, skip_done=False, stale_after=stale_after)
        if isinstance(got, int):
            return got
        raise StoreError(_busy_message(schedule, month, got, stale_after))

    def claim_run(
        self, schedule: str, month: str, *, stale_after: timedelta = DEFAULT_STALE_AFTER
    ) -> int | None:
        """Start a run unless the month is done or being done: the id, or None.

        None when ``month`` already has a successful run of ``schedule`` or another run
        of it is running. Safe between processes: exactly one caller gets the id.
        """
        got = self._begin_run(schedule, month, skip_done=True, stale_after=stale_after)
        return got if isinstance(got, int) else None

    def finish_run(self, run_id: int, status: str, output: str | None, error: str | None) -> None:
        """Record the end of a run: status ``success``, ``failed`` or ``skipped``."""
        with self._transaction(write=True) as conn:
            self._require_schema(conn)
            finish_run(conn, run_id, status, output, error)

    def list_runs(self, schedule: str | None = None) -> list[RunRecord]:
        """Runs, oldest first; timestamps are timezone-aware UTC."""
        with self._transaction(write=False) as conn:
            self._require_schema(conn)
            return list_runs(conn, schedule)


#: rows fetched at a time by :func:`_observation_columns`
_CHUNK = 20_000


def _observation_columns(conn: Connection, as_of: date | None) -> dict[str, np.ndarray]:
    """The stored observations as columns (object arrays), fetched a chunk at a time.

    A driver makes a new string object for every text it returns; each chunk's texts are
    replaced by one shared object per distinct text, so a column of a few repeated texts
    (units, sources, periods) costs a pointer a row, not a string.
    """
    names = FIELDS["observations"]
    stmt = sa.select(*(observations.c[n] for n in names)).order_by(
        observations.c.seq, observations.c.id
    )
    if as_of is not None:
        stmt = stmt.where(observations.c.published <= as_of)
    texts = {n for n in names if isinstance(observations.c[n].type, sa.String | sa.Date)}
    chunks: dict[str, list[np.ndarray]] = {n: [] for n in names}
    seen: dict[Any, Any] = {}
    result = conn.execution_options(yield_per=_CHUNK).execute(stmt)
    for part in result.partitions():
        for name, values in zip(names, zip(*part, strict=True), strict=True):
            column = np.empty(len(values), dtype=object)
            column[:] = values
            if name in texts:
                codes, uniques = pd.factorize(column)
                table = np.array([seen.setdefault(u, u) for u in uniques] + [None], dtype=object)
                column = table[codes]  # code -1 (None) takes the last entry, None
            chunks[name].append(column)
    return {n: np.concatenate(c) if c else np.empty(0, dtype=object) for n, c in chunks.items()}


def _busy_message(
    schedule: str, month: str, running: RunRecord | None, stale_after: timedelta
) -> str:
    since = f" (run {running.id}, started {running.started:%Y-%m-%d %H:%M} UTC)" if running else ""
    return (
        f"schedule {schedule!r} is already running for {month}{since}: wait for it to "
        f"finish; a run whose process died is taken as abandoned after "
        f"{stale_after.total_seconds() / 3600:g} hours"
    )
