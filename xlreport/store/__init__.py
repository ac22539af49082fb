"""Persistence: plan data, schema versions, as-of queries and run history.

SQLite by default (a file in the user data folder), PostgreSQL by URL
(``postgresql+psycopg://...``). See ``docs/architecture.md`` ("Store").
"""

from __future__ import annotations

from xlreport.store.merge import ImportSummary, KindCounts
from xlreport.store.migrations import CURRENT_SCHEMA_VERSION, MIGRATIONS, MigrationStep
from xlreport.store.ratefiles import RateFileRecord
from xlreport.store.runs import RunRecord, RunStatus
from xlreport.store.store import InitResult, Store

__all__ = [
    "CURRENT_SCHEMA_VERSION",
    "MIGRATIONS",
    "ImportSummary",
    "InitResult",
    "KindCounts",
    "MigrationStep",
    "RateFileRecord",
    "RunRecord",
    "RunStatus",
    "Store",
]
