"""The store on SQLite and on a real PostgreSQL server: init, exact round trips, imports
in one transaction, the revision counter, vintages and as-of loading."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from store_data import partial_dataset, revised_output

from xlreport.data import load_embedded_dataset
from xlreport.errors import ProgressError, StoreError, ValidationFailed
from xlreport.frames import observations_frame, observations_frame_from_columns
from xlreport.model import Comparator, Precision, Rate, Source, Target
from xlreport.store import Store
from xlreport.vintage import current_observations

EMBEDDED_COUNTS = {"sources": 5, "plans": 4, "targets": 36, "observations": 14, "rates": 0}


def test_init_creates_the_schema_and_loads_the_embedded_dataset_once(store_url: str) -> None:
    with Store.open(store_url) as s:
        assert s.schema_version() is None
        first = s.init()
        second = s.init()
        counts = s.count_records()
    assert first.created and first.changed
    assert first.embedded is not None
    assert {k: c.inserted for k, c in first.embedded.counts.items()} == EMBEDDED_COUNTS
    assert first.embedded.inserted == 59  # 5 + 4 + 36 + 14 + 0
    assert not second.created and second.upgraded_from is None
    assert second.embedded is None and not second.changed
    assert second.revision == first.revision == 1
    assert counts == EMBEDDED_COUNTS


def test_the_embedded_dataset_round_trips_exactly(store: Store) -> None:
    loaded = store.load_dataset()
    embedded = load_embedded_dataset()
    assert loaded == embedded
    # Same order, same types: enums come back as enums, dates as dates, None as None.
    assert [t.id for t in loaded.targets] == [t.id for t in embedded.targets]
    ic = next(t for t in loaded.targets if t.id == "shanghai-highend-2025.ic-scale")
    assert ic.comparator is Comparator.MORE_THAN
    assert ic.value == 414e9 and ic.baseline_value == 207e9  # 2 * 207e9
    derived = next(o for o in loaded.observations if o.id.endswith("2022.derived"))
    assert derived.value == 353714285714.2857  # 433.3e9 / 1.225, exactly as embedded
    assert derived.derived is True
    future = next(s for s in loaded.sources if s.id == "future-industries-2030-shanghai")
    assert future.published is None and future.published_precision is Precision.UNKNOWN


def test_every_kind_of_field_round_trips(store: Store) -> None:
    source = Source(
        id="test-src",
        title="A test rate table",
        publisher="Tests",
        published=date(2024, 3, 1),
        published_precision="month",
        published_certainty="inferred",
        published_basis="test",
        url="https://example.org/x",
        language="zh",
    )
    rate = Rate(
        id="pboc.2024-05-24",
        source="PBOC",
        base="USD",
        quote="CNY",
        date=date(2024, 5, 24),
        rate=7.1088,
        note="test",
    )
    target = Target.model_validate(
        {
            "id": "lingang-2025.test-range",
            "plan_id": "lingang-2025",
            "name": "test",
            "indicator": "lingang.test",
            "kind": "level",
            "comparator": "about",
            "value": 0.1 + 0.2,  # 0.30000000000000004 must survive as such
            "tolerance": 0.07,
            "unit": "percent",
            "deadline": "2024-12-31",
            "source_id": "test-src",
        }
    )
    obs = revised_output(
        id="t.1",
        target_id="lingang-2025.test-range",
        indicator="lingang.test",
        period="2024-YTD10",
        value=None,
        growth_yoy=-0.031,
        unit="percent",
        qualifier="approx",
        cumulative=True,
        source_id="test-src",
    )
    summary = store.import_dataset(
        partial_dataset(sources=(source,), targets=(target,), observations=(obs,), rates=(rate,))
    )
    assert summary.inserted == 4
    loaded = store.load_dataset()
    assert loaded.sources[-1] == source
    assert loaded.rates == (rate,)
    assert loaded.targets[-1] == target and loaded.targets[-1].value == 0.30000000000000004
    assert loaded.observations[-1] == obs
    assert loaded.observations[-1].value is None and loaded.observations[-1].cumulative


def test_importing_the_same_data_twice_changes_nothing(store: Store) -> None:
    before = store.revision()
    summary = store.import_dataset(load_embedded_dataset())
    assert (summary.inserted, summary.updated, summary.unchanged) == (0, 0, 59)
    assert store.revision() == before
    first = store.import_dataset(partial_dataset(observations=(revised_output(),)))
    assert first.inserted == 1 and store.revision() == before + 1
    again = store.import_dataset(partial_dataset(observations=(revised_output(),)))
    assert again.unchanged == 1 and not again.changed and store.revision() == before + 1


def test_a_changed_record_is_updated_and_counted(store: Store) -> None:
    before = store.revision()
    old = next(t for t in load_embedded_dataset().targets if t.id.endswith("industrial-output"))
    new = old.model_copy(update={"value": 510e9, "note": "corrected (test)"})
    summary = store.import_dataset(partial_dataset(targets=(new,)))
    assert summary.counts["targets"].updated == 1 and summary.inserted == 0
    assert store.revision() == before + 1
    stored = next(t for t in store.load_dataset().targets if t.id == old.id)
    assert stored.value == 510e9 and stored.note == "corrected (test)"
    assert store.count_records()["targets"] == 36  # updated in place, not added


def test_a_dangling_reference_fails_and_nothing_is_written(store: Store) -> None:
    before = store.revision()
    src = Source(id="new-src", title="t", publisher="p", published=date(2024, 1, 1))
    bad = revised_output(id="x.1", source_id="no-such-source")
    with pytest.raises(ValidationFailed) as err:
        store.import_dataset(partial_dataset(sources=(src,), observations=(revised_output(), bad)))
    assert "observation x.1: source_id 'no-such-source'" in str(err.value)
    assert "nothing was written" in str(err.value)
    assert store.count_records() == EMBEDDED_COUNTS
    assert store.revision() == before


def test_a_record_the_database_refuses_rolls_back_the_whole_import(store: Store) -> None:
    # The rate passes our reference checks but breaks the CHECK (rate > 0) constraint, so
    # the database refuses it after sources and observations were already inserted.
    src = Source(id="new-src", title="t", publisher="p", published=date(2024, 1, 1))
    bad_rate = Rate.model_construct(
        id="r.1", source="X", base="USD", quote="CNY", date=date(2024, 1, 2), rate=-1.0, note=""
    )
    with pytest.raises(StoreError, match=r"refused the import.*nothing was written"):
        store.import_dataset(
            partial_dataset(sources=(src,), observations=(revised_output(),), rates=(bad_rate,))
        )
    assert store.count_records() == EMBEDDED_COUNTS
    assert store.revision() == 1


def test_changing_a_targets_indicator_may_not_orphan_its_observations(store: Store) -> None:
    old = next(t for t in load_embedded_dataset().targets if t.id.endswith("industrial-output"))
    moved = old.model_copy(update={"indicator": "lingang.other"})
    with pytest.raises(ValidationFailed, match="would orphan stored observation"):
        store.import_dataset(partial_dataset(targets=(moved,)))
    assert store.load_dataset() == load_embedded_dataset()


def test_a_revision_supersedes_the_older_vintage_without_deleting_it(store: Store) -> None:
    store.import_dataset(partial_dataset(observations=(revised_output(),)))

    def in_force_2023(as_of: date | None) -> float | None:
        ds = store.load_dataset(as_of)
        (o,) = [
            o
            for o in current_observations(ds.observations, as_of)
            if o.indicator == "lingang.industrial-output" and o.period == "2023"
        ]
        return o.value

    assert in_force_2023(date(2024, 12, 31)) == 433.3e9  # the revision was not yet public
    assert in_force_2023(date(2025, 1, 20)) == 440e9  # published that day
    assert in_force_2023(None) == 440e9
    both = [
        o.id
        for o in store.load_dataset().observations
        if o.period == "2023" and o.indicator == "lingang.industrial-output"
    ]
    assert both == ["lingang.industrial-output.2023", "lingang.industrial-output.2023.rev1"]
    assert store.data_vintage() == date(2025, 1, 20)
    assert store.data_vintage(date(2024, 12, 31)) == date(2024, 5, 25)


def test_as_of_sees_only_what_was_published_by_then(store: Store) -> None:
    early = store.load_dataset(date(2022, 1, 1))
    # Only the 2021 item's five figures (vintage 2021-12-31) were public by then.
    assert {o.source_id for o in early.observations} == {"chinadaily-2021-shanghai-highend"}
    assert len(early.observations) == 5
    assert len(early.targets) == 36  # targets and sources are not filtered
    assert store.load_dataset(date(2021, 12, 30)).observations == ()
    assert store.data_vintage(date(2021, 12, 30)) is None


def test_a_database_without_schema_says_to_run_init(store_url: str) -> None:
    with Store.open(store_url) as s, pytest.raises(StoreError, match="run `xlreport init`"):
        s.load_dataset()


def test_a_foreign_database_is_refused_clearly(store_url: str) -> None:
    engine = sa.create_engine(store_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    engine.dispose()
    with Store.open(store_url) as s, pytest.raises(StoreError) as err:
        s.init()
    assert "is not an xlreport database" in str(err.value)
    assert "invoices" in str(err.value)


def test_an_unreachable_server_is_named_with_the_password_masked() -> None:
    url = "postgresql+psycopg://analyst:s3cret@127.0.0.1:1/xlreport"
    with pytest.raises(StoreError) as err:
        Store.open(url)
    message = str(err.value)
    assert "postgresql+psycopg://analyst:***@127.0.0.1:1/xlreport" in message
    assert "s3cret" not in message
    assert "server is running" in message


def test_an_unusable_sqlite_file_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    with pytest.raises(StoreError, match=f"cannot use the database .*{folder.name}"):
        Store.open(f"sqlite:///{folder}")


def test_a_url_that_is_not_one_says_how_to_write_it() -> None:
    with pytest.raises(StoreError, match="is not a database URL"):
        Store.open("not a url")


def test_the_default_database_is_an_sqlite_file_in_the_data_folder(isolated: Path) -> None:
    with Store.open() as s:
        s.init()
        assert s.path == isolated / "data" / "xlreport.sqlite3"
    assert s.path.is_file()


def test_observations_as_columns_give_the_same_frame_as_model_objects(store: Store) -> None:
    # the report's path (no model object per observation) against the model's path,
    # with a revision stored so that two vintages of one period come back
    store.import_dataset(partial_dataset(observations=(revised_output(),)))
    for as_of in (date(2024, 5, 31), date(2025, 1, 20), None):
        ds, columns = store.load_for_frames(as_of)
        assert ds.observations == () and len(ds.targets) == 36
        expected = observations_frame(store.load_dataset(as_of))
        pd.testing.assert_frame_equal(observations_frame_from_columns(columns), expected)
    _, columns = store.load_for_frames(date(2024, 12, 31))
    frame = observations_frame_from_columns(columns).set_index("id")
    # the revision (published 2025-01-20) is not visible at the end of 2024
    assert "lingang.industrial-output.2023.rev1" not in frame.index
    assert frame.loc["lingang.industrial-output.2023", "value"] == 433.3e9
    assert frame.loc["lingang.industrial-output.2023", "published"] == pd.Timestamp("2024-05-25")


def test_a_period_edited_outside_xlreport_is_named_when_read_as_columns(store: Store) -> None:
    with store._engine.begin() as conn:
        conn.execute(
            sa.text("UPDATE observations SET period = '2023-13' WHERE id = :id"),
            {"id": "lingang.industrial-output.2023"},
        )
    _, columns = store.load_for_frames()
    with pytest.raises(ProgressError) as err:
        observations_frame_from_columns(columns)
    message = str(err.value)
    assert message.startswith("observation lingang.industrial-output.2023: '2023-13'")
