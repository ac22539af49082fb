"""`xlreport init` and the listings, run through the real CLI entry point against the
default SQLite database of the isolated test environment."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from store_data import partial_dataset, revised_output

from xlreport.cli import main
from xlreport.store import Store

TARGET_KEYS = {
    "id", "plan_id", "name", "kind", "comparator", "value", "low", "high", "unit", "deadline",
    "baseline_value", "baseline_period", "published_usd", "source_id",
}  # fmt: skip
OBSERVATION_KEYS = {
    "id", "target_id", "indicator", "period", "value", "growth_yoy", "unit", "published",
    "source_id", "derived",
}  # fmt: skip
SOURCE_KEYS = {"id", "title", "publisher", "published", "file"}


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, Any]]:
    code, out, err = _run(capsys, *args, "--format", "json")
    assert code == 0, err
    return json.loads(out)


@pytest.fixture
def initialised(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init"]) == 0
    capsys.readouterr()


def test_init_says_where_the_database_is_and_is_idempotent(
    capsys: pytest.CaptureFixture[str], isolated: Path
) -> None:
    code, out, _ = _run(capsys, "init")
    assert code == 0
    assert "Created an xlreport database" in out
    assert str(isolated / "data" / "xlreport.sqlite3") in out
    assert "59 inserted, 0 updated, 0 unchanged" in out  # 5 + 4 + 36 + 14 records
    code, out, _ = _run(capsys, "init")
    assert code == 0 and "Nothing changed." in out and "already loaded" in out


def test_listing_before_init_says_to_run_init(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "targets")
    assert code == 1 and out == ""
    assert err.startswith("Error: ") and "run `xlreport init` first" in err


@pytest.mark.usefixtures("initialised")
def test_targets_json_has_the_contract_keys_and_full_unit_values(
    capsys: pytest.CaptureFixture[str],
) -> None:
    rows = _json(capsys, "targets")
    assert len(rows) == 36
    assert all(set(r) >= TARGET_KEYS for r in rows)
    ic = next(r for r in rows if r["id"] == "shanghai-highend-2025.ic-scale")
    assert ic["value"] == 414000000000.0  # more than double: 2 * 207 billion
    assert ic["baseline_value"] == 207000000000.0 and ic["baseline_period"] == "2020"
    assert (ic["kind"], ic["comparator"], ic["multiple"]) == ("multiple", "more_than", 2.0)
    assert ic["published_usd"] is None and ic["low"] is None and ic["high"] is None
    scale = next(r for r in rows if r["id"] == "lingang-2025.cutting-edge-scale")
    assert scale["published_usd"] == 91440000000.0  # "$91.44 billion"
    clusters = next(r for r in rows if r["id"] == "lingang-2025.industrial-clusters")
    assert (clusters["low"], clusters["high"], clusters["value"]) == (3.0, 5.0, None)
    zone = next(r for r in rows if r["id"] == "lingang-pioneer-2030.icv-zone")
    assert (zone["comparator"], zone["value"], zone["unit"]) == (None, None, None)


@pytest.mark.usefixtures("initialised")
def test_targets_of_one_plan(capsys: pytest.CaptureFixture[str]) -> None:
    rows = _json(capsys, "targets", "--plan", "shanghai-highend-2025")
    assert {r["plan_id"] for r in rows} == {"shanghai-highend-2025"}
    assert len(rows) == 13  # the thirteen numbered goals of the 2021 item


@pytest.mark.usefixtures("initialised")
def test_an_unknown_plan_lists_the_valid_ones(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "targets", "--plan", "shanghai-highend")
    assert code == 1 and out == ""
    assert "--plan 'shanghai-highend' is not a known plan id" in err
    assert "did you mean shanghai-highend-2025" in err
    assert "lingang-pioneer-2030" in err  # the valid ids are listed


@pytest.mark.usefixtures("initialised")
def test_observations_json_and_as_of(capsys: pytest.CaptureFixture[str]) -> None:
    rows = _json(capsys, "observations")
    assert len(rows) == 14 and all(set(r) >= OBSERVATION_KEYS for r in rows)
    y2023 = next(r for r in rows if r["id"] == "lingang.industrial-output.2023")
    assert (y2023["value"], y2023["growth_yoy"]) == (433300000000.0, 0.225)
    assert y2023["published"] == "2024-05-25" and y2023["derived"] is False
    derived = next(r for r in rows if r["id"] == "lingang.industrial-output.2022.derived")
    assert derived["derived"] is True and derived["value"] == pytest.approx(433.3e9 / 1.225)
    h1 = next(r for r in rows if r["period"] == "2022-YTD06")
    assert h1["value"] is None and h1["growth_yoy"] == 0.27
    # By 2023-01-01 only the 2021 item (vintage 2021-12-31, five figures) and the August
    # 2022 press conference (three figures) were public.
    early = _json(capsys, "observations", "--as-of", "2023-01-01")
    assert len(early) == 8
    assert {r["published"] for r in early} == {"2021-12-31", "2022-08-20"}


@pytest.mark.usefixtures("initialised")
def test_observations_of_one_target(capsys: pytest.CaptureFixture[str]) -> None:
    rows = _json(capsys, "observations", "--target", "lingang-2025.industrial-output")
    assert [r["period"] for r in rows] == ["2023", "2022", "2022-YTD06"]
    code, _, err = _run(capsys, "observations", "--target", "nope")
    assert code == 1 and "--target 'nope' is not a known target id" in err


@pytest.mark.usefixtures("initialised")
def test_a_revision_replaces_the_figure_and_older_vintages_stay_visible(
    capsys: pytest.CaptureFixture[str],
) -> None:
    revised = revised_output()  # 440 bn CNY for 2023, published 2025-01-20
    with Store.open() as store:
        store.import_dataset(partial_dataset(observations=(revised,)))
    target = ("--target", "lingang-2025.industrial-output")
    now = {r["period"]: r for r in _json(capsys, "observations", *target)}
    assert now["2023"]["id"] == revised.id and now["2023"]["value"] == 440e9
    before = {
        r["period"]: r for r in _json(capsys, "observations", *target, "--as-of", "2024-12-31")
    }
    assert before["2023"]["value"] == 433.3e9 and before["2023"]["superseded_by"] is None
    every = _json(capsys, "observations", *target, "--all-vintages")
    by_id = {r["id"]: r for r in every}
    assert by_id["lingang.industrial-output.2023"]["superseded_by"] == revised.id
    assert by_id[revised.id]["superseded_by"] is None
    assert len(every) == 4  # 2023 twice, 2022 derived, 2022 first half


@pytest.mark.usefixtures("initialised")
def test_a_bad_as_of_date_is_explained(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "observations", "--as-of", "31/12/2024")
    assert code == 1 and "--as-of '31/12/2024' is not a date: write YYYY-MM-DD" in err


@pytest.mark.usefixtures("initialised")
def test_sources_with_their_date_precision(capsys: pytest.CaptureFixture[str]) -> None:
    rows = {r["id"]: r for r in _json(capsys, "sources")}
    assert all(set(r) >= SOURCE_KEYS for r in rows.values())
    item = rows["chinadaily-2021-shanghai-highend"]
    assert item["published"] == "2021-01-01"  # ISO date kept; precision says how to read it
    assert (item["published_precision"], item["published_certainty"]) == ("year", "inferred")
    assert item["file"] == "003_6e137014eb55f111.txt"
    assert rows["future-industries-2030-shanghai"]["published"] is None
    code, out, _ = _run(capsys, "sources")
    assert code == 0 and "2021 (inferred)" in out and "unknown" in out
    assert "2024-05-25" in out


@pytest.mark.usefixtures("initialised")
def test_csv_output_has_a_header_and_a_row_per_target(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "targets", "--plan", "lingang-2025", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == 7
    assert rows[0]["id"] == "lingang-2025.core-tech-projects" and rows[0]["value"] == "100.0"


@pytest.mark.postgres
def test_the_listings_work_on_postgresql(
    capsys: pytest.CaptureFixture[str], postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from xlreport.settings import get_settings

    schema = "xlt_cli_listings"
    admin = sa.create_engine(postgres_url)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        url = sa.make_url(postgres_url).update_query_dict({"options": f"-csearch_path={schema}"})
        monkeypatch.setenv("XLREPORT_DATABASE_URL", url.render_as_string(hide_password=False))
        get_settings.cache_clear()
        code, out, _ = _run(capsys, "init")
        assert code == 0 and "postgresql+psycopg://" in out
        ic = next(r for r in _json(capsys, "targets") if r["id"].endswith(".ic-scale"))
        assert ic["value"] == 414000000000.0
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        admin.dispose()
