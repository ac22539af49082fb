"""Frames: the dataset as pandas, on the time axis, and the vintage rule on whole columns."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from progress_builders import dataset, obs, target

from xlreport.data import load_embedded_dataset
from xlreport.errors import ProgressError
from xlreport.frames import (
    OBSERVATION_COLUMNS,
    TARGET_COLUMNS,
    current_observations_frame,
    last_in_groups,
    observations_frame,
    observations_frame_from_columns,
    sort_key,
    targets_frame,
)
from xlreport.model import Dataset
from xlreport.vintage import current_observations


def test_targets_frame_has_one_row_per_target_with_times() -> None:
    ds = load_embedded_dataset()
    frame = targets_frame(ds).set_index("id")
    assert list(frame.reset_index().columns) == list(TARGET_COLUMNS)
    assert len(frame) == len(ds.targets)
    nev = frame.loc["shanghai-highend-2025.nev-output"]
    assert nev["deadline_time"] == 2025.0  # "by 2025" sits at the end of 2025
    assert nev["baseline_time"] == 2020.0
    assert nev["baseline_value"] == 238_600.0
    assert nev["plan_start_year"] == 2021.0
    assert nev["deadline_date"] == pd.Timestamp("2025-12-31")
    ic = frame.loc["shanghai-highend-2025.ic-scale"]
    assert ic["value"] == 414e9  # "more than double" 207 bn = 2 * 207e9
    tesla = frame.loc["lingang-pioneer-2030.tesla-storage"]
    assert tesla["deadline_time"] == 2024.0  # 2024-12-31 is the end of 2024
    future = frame.loc["shanghai-future-2030.output"]
    assert pd.isna(future["plan_start_year"])  # the plan does not state its start
    assert pd.isna(future["baseline_time"])


def test_observations_frame_places_periods_on_the_time_axis() -> None:
    ds = load_embedded_dataset()
    frame = observations_frame(ds).set_index("id")
    assert list(frame.reset_index().columns) == list(OBSERVATION_COLUMNS)
    half = frame.loc["lingang.industrial-output.2022-ytd06"]
    assert half["period_kind"] == "ytd"
    assert half["period_time"] == 2021.5  # June 2022 = 2022 - 1 + 6/12
    assert half["period_start_time"] == 2021.0  # a year to date starts with the year
    assert half["period_end"] == pd.Timestamp("2022-06-30")
    assert pd.isna(half["value"]) and half["growth_yoy"] == 0.27
    span = frame.loc["lingang.industrial-output-avg-growth.2019-2021"]
    assert span["period_time"] == 2021.0 and span["period_start_time"] == 2018.0
    assert frame.loc["lingang.industrial-output.2022.derived", "derived"]
    assert frame["published"].dtype == "datetime64[ns]"


def test_empty_dataset_gives_empty_frames_with_all_columns() -> None:
    empty = Dataset()
    assert list(targets_frame(empty).columns) == list(TARGET_COLUMNS)
    assert list(observations_frame(empty).columns) == list(OBSERVATION_COLUMNS)
    assert current_observations_frame(observations_frame(empty), date(2024, 1, 1)).empty


def test_revision_published_later_replaces_the_first_vintage() -> None:
    ds = dataset(
        [target()],
        [
            obs("p.t", "2023", 100.0, published=date(2024, 3, 1), id="first"),
            obs("p.t", "2023", 110.0, published=date(2024, 9, 1), id="revised"),
            obs(
                "p.t",
                "2023",
                999.0,
                published=date(2024, 12, 1),
                id="z-derived",
                derived=True,
                derivation="synthetic",
            ),
        ],
    )
    frame = observations_frame(ds)
    june = current_observations_frame(frame, date(2024, 6, 30))
    assert list(june["id"]) == ["first"]  # the revision is not yet published
    december = current_observations_frame(frame, date(2024, 12, 31))
    assert list(december["id"]) == ["revised"]  # stated beats a later derived value


_DAY0 = date(2024, 1, 1)


@st.composite
def _observation_sets(draw: st.DrawFn) -> list[dict[str, object]]:
    count = draw(st.integers(min_value=0, max_value=12))
    rows = []
    for i in range(count):
        derived = draw(st.booleans())
        extra = {"derived": True, "derivation": "synthetic"} if derived else {}
        rows.append(
            obs(
                draw(st.sampled_from(["p.a", "p.b"])),
                draw(st.sampled_from(["2022", "2023", "2024-YTD03"])),
                float(i),
                published=_DAY0 + timedelta(days=draw(st.integers(0, 5))),
                id=f"o{draw(st.integers(0, 3))}-{i:02d}",
                **extra,
            )
        )
    return rows


@settings(max_examples=60, deadline=None)
@given(rows=_observation_sets(), day=st.integers(0, 6))
def test_vectorised_rule_agrees_with_vintage_module(
    rows: list[dict[str, object]], day: int
) -> None:
    ds = dataset([], rows)
    as_of = _DAY0 + timedelta(days=day)
    expected = [o.id for o in current_observations(ds.observations, as_of)]
    got = list(current_observations_frame(observations_frame(ds), as_of)["id"])
    assert got == expected


def _columns(**over: list[object]) -> dict[str, list[object]]:
    """Two observations as a store returns them: texts, None for missing numbers."""
    columns: dict[str, list[object]] = {
        "id": ["a", "b"],
        "indicator": ["x", "x"],
        "target_id": [None, "t"],
        "period": ["2024-Q3", "2021/2025"],
        "value": [5.0, None],
        "growth_yoy": [None, 0.1],
        "unit": ["CNY", "percent"],
        "qualifier": ["exact", "about"],
        "cumulative": [False, True],
        "source_id": ["s", "s"],
        "published": [date(2024, 10, 20), date(2024, 10, 20)],
        "derived": [False, False],
        "derivation": ["", ""],
        "note": ["", "n"],
    }
    columns.update(over)
    return columns


def test_a_frame_from_columns_places_each_period_on_the_time_axis() -> None:
    frame = observations_frame_from_columns(_columns()).set_index("id")
    q3 = frame.loc["a"]
    # Q3 2024 ends at 2023 + 9/12 = 2023.75 and starts three months earlier, 2023.5
    assert q3["period_kind"] == "quarter" and q3["period_sub"] == 3
    assert q3["period_time"] == 2023.75 and q3["period_start_time"] == 2023.5
    assert q3["period_months"] == 3 and q3["period_end"] == pd.Timestamp("2024-09-30")
    span = frame.loc["b"]
    # 2021/2025 runs from the start of 2021 (2020.0) to the end of 2025 (2025.0)
    assert span["period_start_time"] == 2020.0 and span["period_time"] == 2025.0
    assert pd.isna(span["value"]) and span["growth_yoy"] == 0.1
    assert pd.isna(q3["target_id"]) and span["target_id"] == "t"
    assert bool(span["cumulative"]) and not bool(q3["cumulative"])
    assert (frame["published"] == pd.Timestamp("2024-10-20")).all()


def test_a_frame_from_columns_refuses_a_bad_period_or_ragged_columns() -> None:
    with pytest.raises(ProgressError, match=r"observation b: '2024-Q5' is not a period"):
        observations_frame_from_columns(_columns(period=["2024-Q3", "2024-Q5"]))
    with pytest.raises(ProgressError, match="not all of one length"):
        observations_frame_from_columns(_columns(note=[""]))
    missing = _columns()
    del missing["published"]
    with pytest.raises(ProgressError, match="lack published"):
        observations_frame_from_columns(missing)


def test_sort_keys_order_texts_and_dates_like_the_values_themselves() -> None:
    texts = pd.Series(["b", "a", "c", "a"], dtype=object)
    # sorted: a, a, b, c -> equal texts share a number, so a later key can break the tie
    assert sort_key(texts).tolist() == [1, 0, 2, 0]
    days = pd.Series(pd.to_datetime(["2024-05-25", "2021-12-31"]))
    assert sort_key(days).tolist()[0] > sort_key(days).tolist()[1]
    assert sort_key(pd.Series([True, False])).tolist() == [1, 0]


def test_last_in_groups_picks_each_groups_last_row_by_the_order_keys() -> None:
    groups = [np.array([0, 1, 0, 1, 0])]
    order = [np.array([5, 1, 9, 3, 7])]
    # group 0: rows 0, 2, 4 with keys 5, 9, 7 -> row 2; group 1: rows 1, 3 -> row 3
    assert sorted(last_in_groups(groups, order).tolist()) == [2, 3]
    assert last_in_groups([np.array([], dtype=np.int64)], [np.array([])]).tolist() == []
