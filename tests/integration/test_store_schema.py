"""Schema versions: a fresh database gets the current schema, an older one is upgraded
with its data kept, a newer one is refused with what to do, a failed step changes
nothing."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from xlreport.errors import SchemaVersionError
from xlreport.store import CURRENT_SCHEMA_VERSION, MIGRATIONS, MigrationStep, Store
from xlreport.store.engine import create_store_engine
from xlreport.store.migrations import upgrade_schema
from xlreport.store.schema import metadata


def _upgrade(url: str, steps: tuple[MigrationStep, ...]) -> None:
    engine = create_store_engine(url)
    try:
        with engine.connect() as conn, conn.begin():
            upgrade_schema(conn, url, steps)
    finally:
        engine.dispose()


def _schema_version(url: str) -> str:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return str(
                conn.exec_driver_sql(
                    "SELECT value FROM meta WHERE key = 'schema_version'"
                ).scalar_one()
            )
    finally:
        engine.dispose()


def test_there_is_an_upgrade_path_to_test() -> None:
    assert CURRENT_SCHEMA_VERSION == 3
    assert [s.version for s in MIGRATIONS] == [1, 2, 3]


def test_the_migrated_schema_is_the_one_the_queries_use(store_url: str) -> None:
    with Store.open(store_url) as s:
        s.init()
    engine = sa.create_engine(store_url)
    try:
        inspector = sa.inspect(engine)
        assert set(inspector.get_table_names()) == set(metadata.tables)
        for name, table in metadata.tables.items():
            found = {c["name"]: c["nullable"] for c in inspector.get_columns(name)}
            assert found == {c.name: c.nullable for c in table.columns}, name
            indexes = {i["name"] for i in inspector.get_indexes(name)}
            assert indexes == {i.name for i in table.indexes}, name
    finally:
        engine.dispose()


def test_a_version_1_database_is_upgraded_and_keeps_its_data(store_url: str) -> None:
    _upgrade(store_url, MIGRATIONS[:1])
    engine = sa.create_engine(store_url)
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO sources (seq, id, note, title, publisher, published, "
            "published_precision, published_certainty, published_basis, attributed_to, file, "
            "url, language) VALUES (1, 'kept-src', 'entered under v1', 'T', 'P', NULL, "
            "'unknown', 'unknown', '', '', '', '', 'en')"
        )
    engine.dispose()
    assert _schema_version(store_url) == "1"
    with Store.open(store_url) as s:
        with pytest.raises(SchemaVersionError, match="older than this xlreport's 3: run"):
            s.load_dataset()
        result = s.init()
        assert result.upgraded_from == 1 and not result.created
        ds = s.load_dataset()
        run = s.start_run("monthly", "2024-06")  # the runs table came with version 2
        assert [r.id for r in s.list_runs()] == [run]
        assert s.rate_files() == []  # the rate_files table came with version 3
    assert _schema_version(store_url) == "3"
    assert ds.sources[0].id == "kept-src" and ds.sources[0].note == "entered under v1"
    assert len(ds.sources) == 6  # the kept one + the five embedded


def test_a_newer_database_is_refused_and_left_alone(store_url: str) -> None:
    with Store.open(store_url) as s:
        s.init()
    engine = sa.create_engine(store_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
    engine.dispose()
    with Store.open(store_url) as s:
        with pytest.raises(SchemaVersionError) as err:
            s.init()
        message = str(err.value)
        assert "schema version 4, made by a newer xlreport" in message
        assert "knows versions up to 3" in message and "Upgrade xlreport" in message
        with pytest.raises(SchemaVersionError, match="newer xlreport"):
            s.revision()
    assert _schema_version(store_url) == "4"


def test_a_failing_step_leaves_the_database_as_it_was(store_url: str) -> None:
    _upgrade(store_url, MIGRATIONS[:1])

    def broken(conn: Connection) -> None:
        conn.exec_driver_sql("CREATE TABLE half_done (id INTEGER)")
        conn.exec_driver_sql("SELECT * FROM no_such_table")

    with pytest.raises(sa.exc.DBAPIError):
        _upgrade(store_url, (*MIGRATIONS, MigrationStep(4, "broken", broken)))
    assert _schema_version(store_url) == "1"  # steps 2 to 4 were rolled back together
    engine = sa.create_engine(store_url)
    try:
        names = set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert "half_done" not in names and "runs" not in names and "rate_files" not in names
