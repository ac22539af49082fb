"""The current database schema, as SQLAlchemy Core tables used by the queries.

One table per entity kind with a column per model field (same name), plus ``seq``, the
order in which records first arrived, so that a dataset loads back in the order it was
imported (documents' own order). ``meta`` holds the schema version, ``data_revision`` a
single row whose counter changes with every change of plan data, ``runs`` the history of
scheduled report runs.

The DDL that creates these tables lives, frozen, in :mod:`xlreport.store.migrations`;
a test checks that a migrated database matches these definitions.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

__all__ = [
    "DATA_TABLES",
    "data_revision",
    "meta",
    "metadata",
    "observations",
    "plans",
    "rate_files",
    "rates",
    "runs",
    "sources",
    "targets",
]


class UtcDateTime(sa.TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every backend (SQLite keeps naive UTC text)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        stamp: datetime = value
        if stamp.tzinfo is None:
            return stamp.replace(tzinfo=UTC)
        return stamp.astimezone(UTC)


metadata = sa.MetaData()

ID = sa.String(80)
CODE = sa.String(16)


def _entity(name: str, *columns: sa.Column[Any] | sa.Index | sa.CheckConstraint) -> sa.Table:
    return sa.Table(
        name,
        metadata,
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("id", ID, primary_key=True),
        sa.Column("note", sa.Text, nullable=False),
        *columns,
    )


meta = sa.Table(
    "meta",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

data_revision = sa.Table(
    "data_revision",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("changed", UtcDateTime, nullable=True),
)

sources = _entity(
    "sources",
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("publisher", sa.Text, nullable=False),
    sa.Column("published", sa.Date, nullable=True),
    sa.Column("published_precision", CODE, nullable=False),
    sa.Column("published_certainty", CODE, nullable=False),
    sa.Column("published_basis", sa.Text, nullable=False),
    sa.Column("attributed_to", sa.Text, nullable=False),
    sa.Column("file", sa.Text, nullable=False),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("language", CODE, nullable=False),
)

plans = _entity(
    "plans",
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("issuer", sa.Text, nullable=False),
    sa.Column("region", sa.Text, nullable=False),
    sa.Column("start_year", sa.Integer, nullable=True),
    sa.Column("end_year", sa.Integer, nullable=False),
    sa.Column("source_id", ID, sa.ForeignKey("sources.id"), nullable=False),
)

targets = _entity(
    "targets",
    sa.Column("plan_id", ID, sa.ForeignKey("plans.id"), nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("indicator", ID, nullable=False),
    sa.Column("kind", CODE, nullable=False),
    sa.Column("comparator", CODE, nullable=True),
    sa.Column("value", sa.Double, nullable=True),
    sa.Column("low", sa.Double, nullable=True),
    sa.Column("high", sa.Double, nullable=True),
    sa.Column("tolerance", sa.Double, nullable=True),
    sa.Column("multiple", sa.Double, nullable=True),
    sa.Column("unit", CODE, nullable=True),
    sa.Column("deadline", CODE, nullable=False),
    sa.Column("baseline_value", sa.Double, nullable=True),
    sa.Column("baseline_period", CODE, nullable=True),
    sa.Column("baseline_qualifier", CODE, nullable=False),
    sa.Column("published_usd", sa.Double, nullable=True),
    sa.Column("source_id", ID, sa.ForeignKey("sources.id"), nullable=False),
)

observations = _entity(
    "observations",
    sa.Column("indicator", ID, nullable=False),
    sa.Column("target_id", ID, sa.ForeignKey("targets.id"), nullable=True),
    sa.Column("period", CODE, nullable=False),
    sa.Column("value", sa.Double, nullable=True),
    sa.Column("growth_yoy", sa.Double, nullable=True),
    sa.Column("unit", CODE, nullable=False),
    sa.Column("qualifier", CODE, nullable=False),
    sa.Column("cumulative", sa.Boolean, nullable=False),
    sa.Column("source_id", ID, sa.ForeignKey("sources.id"), nullable=False),
    sa.Column("published", sa.Date, nullable=False),
    sa.Column("derived", sa.Boolean, nullable=False),
    sa.Column("derivation", sa.Text, nullable=False),
    sa.CheckConstraint(
        "value IS NOT NULL OR growth_yoy IS NOT NULL", name="ck_observations_has_number"
    ),
    sa.Index("ix_observations_published", "published"),
    sa.Index("ix_observations_indicator_period", "indicator", "period"),
)

rates = _entity(
    "rates",
    sa.Column("source", sa.String(40), nullable=False),
    sa.Column("base", sa.String(3), nullable=False),
    sa.Column("quote", sa.String(3), nullable=False),
    sa.Column("date", sa.Date, nullable=False),
    sa.Column("rate", sa.Double, nullable=False),
    sa.CheckConstraint("rate > 0", name="ck_rates_positive"),
    sa.Index("ix_rates_pair_date", "base", "quote", "date"),
)

runs = sa.Table(
    "runs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("schedule", sa.String(200), nullable=False),
    sa.Column("month", sa.String(7), nullable=False),
    sa.Column("status", CODE, nullable=False),
    sa.Column("output", sa.Text, nullable=True),
    sa.Column("started", UtcDateTime, nullable=False),
    sa.Column("finished", UtcDateTime, nullable=True),
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

#: Rate files downloaded by ``xlreport fx update`` (one row per source), kept in the store
#: so that every process and computer using this database uses the same rates.
rate_files = sa.Table(
    "rate_files",
    metadata,
    sa.Column("source", sa.String(40), primary_key=True),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("content", sa.LargeBinary, nullable=True),
    sa.Column("sha256", sa.String(64), nullable=True),
    sa.Column("etag", sa.Text, nullable=True),
    sa.Column("last_modified", sa.Text, nullable=True),
    sa.Column("first_day", sa.Date, nullable=True),
    sa.Column("last_day", sa.Date, nullable=True),
    sa.Column("fetched_at", UtcDateTime, nullable=True),
    sa.Column("checked_at", UtcDateTime, nullable=False),
    sa.Column("last_error", sa.Text, nullable=True),
)

#: Entity tables by collection name, in dependency order (as ``model.ENTITY_MODELS``).
DATA_TABLES: dict[str, sa.Table] = {
    "sources": sources,
    "plans": plans,
    "targets": targets,
    "observations": observations,
    "rates": rates,
}
