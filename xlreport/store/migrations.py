"""Schema versions and the ordered steps that upgrade a database from one to the next.

A database records its version in ``meta`` (key ``schema_version``). :func:`upgrade_schema`
applies the missing steps in order inside the caller's transaction, so an upgrade either
completes or leaves the database as it was. A database made by a later xlreport (a higher
version) is refused: this version cannot know what the newer tables mean.

Steps are frozen: a released step is never edited. Its DDL is written out here rather
than taken from :mod:`xlreport.store.schema`, which describes only the current version
(a test checks that migrating from nothing gives exactly that schema).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from xlreport import __version__
from xlreport.errors import SchemaVersionError, StoreError

__all__ = [
    "CURRENT_SCHEMA_VERSION",
    "MIGRATIONS",
    "MigrationStep",
    "check_schema_version",
    "read_meta",
    "read_schema_version",
    "upgrade_schema",
    "write_meta",
]


@dataclass(frozen=True, slots=True)
class MigrationStep:
    version: int  # the version the database has after this step
    description: str
    apply: Callable[[Connection], None]


def _create_v1(conn: Connection) -> None:
    """Version 1: meta, the revision counter and the five entity tables."""
    md = sa.MetaData()
    id_ = sa.String(80)
    code = sa.String(16)

    def entity(name: str, *cols: sa.Column | sa.Index | sa.CheckConstraint) -> sa.Table:  # type: ignore[type-arg]
        return sa.Table(
            name,
            md,
            sa.Column("seq", sa.Integer, nullable=False),
            sa.Column("id", id_, primary_key=True),
            sa.Column("note", sa.Text, nullable=False),
            *cols,
        )

    sa.Table(
        "meta",
        md,
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    sa.Table(
        "data_revision",
        md,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("changed", sa.DateTime(timezone=True), nullable=True),
    )
    entity(
        "sources",
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("publisher", sa.Text, nullable=False),
        sa.Column("published", sa.Date, nullable=True),
        sa.Column("published_precision", code, nullable=False),
        sa.Column("published_certainty", code, nullable=False),
        sa.Column("published_basis", sa.Text, nullable=False),
        sa.Column("attributed_to", sa.Text, nullable=False),
        sa.Column("file", sa.Text, nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("language", code, nullable=False),
    )
    entity(
        "plans",
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("issuer", sa.Text, nullable=False),
        sa.Column("region", sa.Text, nullable=False),
        sa.Column("start_year", sa.Integer, nullable=True),
        sa.Column("end_year", sa.Integer, nullable=False),
        sa.Column("source_id", id_, sa.ForeignKey("sources.id"), nullable=False),
    )
    entity(
        "targets",
        sa.Column("plan_id", id_, sa.ForeignKey("plans.id"), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("indicator", id_, nullable=False),
        sa.Column("kind", code, nullable=False),
        sa.Column("comparator", code, nullable=True),
        sa.Column("value", sa.Double, nullable=True),
        sa.Column("low", sa.Double, nullable=True),
        sa.Column("high", sa.Double, nullable=True),
        sa.Column("tolerance", sa.Double, nullable=True),
        sa.Column("multiple", sa.Double, nullable=True),
        sa.Column("unit", code, nullable=True),
        sa.Column("deadline", code, nullable=False),
        sa.Column("baseline_value", sa.Double, nullable=True),
        sa.Column("baseline_period", code, nullable=True),
        sa.Column("baseline_qualifier", code, nullable=False),
        sa.Column("published_usd", sa.Double, nullable=True),
        sa.Column("source_id", id_, sa.ForeignKey("sources.id"), nullable=False),
    )
    entity(
        "observations",
        sa.Column("indicator", id_, nullable=False),
        sa.Column("target_id", id_, sa.ForeignKey("targets.id"), nullable=True),
        sa.Column("period", code, nullable=False),
        sa.Column("value", sa.Double, nullable=True),
        sa.Column("growth_yoy", sa.Double, nullable=True),
        sa.Column("unit", code, nullable=False),
        sa.Column("qualifier", code, nullable=False),
        sa.Column("cumulative", sa.Boolean, nullable=False),
        sa.Column("source_id", id_, sa.ForeignKey("sources.id"), nullable=False),
        sa.Column("published", sa.Date, nullable=False),
        sa.Column("derived", sa.Boolean, nullable=False),
        sa.Column("derivation", sa.Text, nullable=False),
        sa.CheckConstraint(
            "value IS NOT NULL OR growth_yoy IS NOT NULL", name="ck_observations_has_number"
        ),
        sa.Index("ix_observations_published", "published"),
        sa.Index("ix_observations_indicator_period", "indicator", "period"),
    )
    entity(
        "rates",
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("base", sa.String(3), nullable=False),
        sa.Column("quote", sa.String(3), nullable=False),
        sa.Column("date", sa.Date, nullable=False),
        sa.Column("rate", sa.Double, nullable=False),
        sa.CheckConstraint("rate > 0", name="ck_rates_positive"),
        sa.Index("ix_rates_pair_date", "base", "quote", "date"),
    )
    md.create_all(conn)
    conn.execute(sa.text("INSERT INTO data_revision (id, revision) VALUES (1, 0)"))


def _create_v2(conn: Connection) -> None:
    """Version 2: the run history of scheduled reports, at most one running run per
    (schedule, month)."""
    md = sa.MetaData()
    sa.Table(
        "runs",
        md,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("schedule", sa.String(200), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("output", sa.Text, nullable=True),
        sa.Column("started", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text, nullable=True),
        sa.Index("ix_runs_schedule_month", "schedule", "month"),
        sa.Index(
            "uq_runs_one_running",
            "schedule",
            "month",
            unique=True,
            sqlite_where=sa.text("status = 'running'"),
            postgresql_where=sa.text("status = 'running'"),
        ),
    )
    md.create_all(conn)


def _create_v3(conn: Connection) -> None:
    """Version 3: rate files downloaded by ``xlreport fx update``, one row per source."""
    md = sa.MetaData()
    sa.Table(
        "rate_files",
        md,
        sa.Column("source", sa.String(40), primary_key=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=True),
        sa.Column("sha256", sa.String(64), nullable=True),
        sa.Column("etag", sa.Text, nullable=True),
        sa.Column("last_modified", sa.Text, nullable=True),
        sa.Column("first_day", sa.Date, nullable=True),
        sa.Column("last_day", sa.Date, nullable=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text, nullable=True),
    )
    md.create_all(conn)


#: Every step, in order. Append new steps; never edit or reorder released ones.
MIGRATIONS: tuple[MigrationStep, ...] = (
    MigrationStep(1, "plan data tables, meta and the revision counter", _create_v1),
    MigrationStep(2, "run history of scheduled reports", _create_v2),
    MigrationStep(3, "downloaded rate files", _create_v3),
)

CURRENT_SCHEMA_VERSION: int = MIGRATIONS[-1].version

_META = sa.table("meta", sa.column("key", sa.String), sa.column("value", sa.Text))


def read_schema_version(conn: Connection, where: str) -> int | None:
    """The database's schema version; None for an empty database.

    Raises :class:`StoreError` for a database that has tables but is not xlreport's.
    """
    names = set(sa.inspect(conn).get_table_names())
    if "meta" not in names:
        if names:
            shown = ", ".join(sorted(names)[:8]) + (", ..." if len(names) > 8 else "")
            raise StoreError(
                f"{where} is not an xlreport database: it has tables ({shown}) but no "
                "xlreport 'meta' table. Point XLREPORT_DATABASE_URL at an empty database "
                "(or, on PostgreSQL, an empty schema) and run `xlreport init`."
            )
        return None
    text = conn.execute(
        sa.select(_META.c.value).where(_META.c.key == "schema_version")
    ).scalar_one_or_none()
    if text is None or not text.strip().isdigit():
        raise StoreError(
            f"{where}: the 'meta' table has no valid schema_version ({text!r}); the database "
            "is damaged or not xlreport's. Restore it from a backup or use an empty database."
        )
    return int(text)


def read_meta(conn: Connection, key: str) -> str | None:
    return conn.execute(sa.select(_META.c.value).where(_META.c.key == key)).scalar_one_or_none()


def check_schema_version(version: int | None, where: str) -> None:
    """Raise unless ``version`` is the current one, saying what to do."""
    if version == CURRENT_SCHEMA_VERSION:
        return
    if version is None:
        raise StoreError(f"{where} has no xlreport data yet: run `xlreport init` first.")
    if version < CURRENT_SCHEMA_VERSION:
        raise SchemaVersionError(
            f"{where} has schema version {version}, older than this xlreport's "
            f"{CURRENT_SCHEMA_VERSION}: run `xlreport init` to upgrade it (data is kept)."
        )
    raise _newer_schema(where, version, CURRENT_SCHEMA_VERSION)


def _newer_schema(where: str, found: int, known: int) -> SchemaVersionError:
    return SchemaVersionError(
        f"{where} has schema version {found}, made by a newer xlreport; this xlreport "
        f"({__version__}) knows versions up to {known}. Upgrade xlreport "
        "(pip install --upgrade xlreport), or point XLREPORT_DATABASE_URL at another "
        "database."
    )


def write_meta(conn: Connection, key: str, value: str) -> None:
    done = conn.execute(sa.update(_META).where(_META.c.key == key).values(value=value))
    if done.rowcount == 0:
        conn.execute(sa.insert(_META).values(key=key, value=value))


def upgrade_schema(
    conn: Connection, where: str, steps: Sequence[MigrationStep] = MIGRATIONS
) -> int | None:
    """Bring the schema up to the last of ``steps``; return the version found before.

    Runs inside the caller's transaction. Raises :class:`SchemaVersionError` for a
    database newer than ``steps`` know.
    """
    found = read_schema_version(conn, where)
    last = steps[-1].version
    if found is not None and found > last:
        raise _newer_schema(where, found, last)
    for step in steps:
        if found is None or step.version > found:
            step.apply(conn)
            write_meta(conn, "schema_version", str(step.version))
    if found != last:
        write_meta(conn, "xlreport_version", __version__)
    return found
