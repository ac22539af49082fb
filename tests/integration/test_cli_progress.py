"""`xlreport progress` end to end: real SQLite store, the real Typer app, its three formats."""

from __future__ import annotations

import csv
import io
import json

import pytest

from xlreport.cli import main
from xlreport.cli.progress_cmds import JSON_FIELDS
from xlreport.store import Store


@pytest.fixture
def initialised() -> None:
    with Store.open() as store:
        store.init()


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.usefixtures("initialised")
def test_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "progress", "--as-of", "2024-12-31", "--format", "json")
    assert code == 0
    rows = {r["target_id"]: r for r in json.loads(out)}
    assert len(rows) == 36  # every target of the embedded dataset
    for r in rows.values():
        assert set(JSON_FIELDS) <= r.keys()
    nev = rows["shanghai-highend-2025.nev-output"]
    # fractions as fractions: (1.2e6 / 238600) ** (1/5) - 1 = 0.3813, not 38.13
    assert nev["required_cagr"] == pytest.approx((1.2e6 / 238_600) ** 0.2 - 1, rel=1e-12)
    assert nev["actual_cagr"] is None  # undefined: only the baseline -> null, not NaN
    assert nev["status"] == "not assessable"
    output = rows["lingang-2025.industrial-output"]
    assert output["latest_value"] == 433.3e9 and output["latest_period"] == "2023"
    assert output["latest_published"] == "2024-05-25"
    assert output["required_cagr_from_now"] == pytest.approx((500 / 433.3) ** 0.5 - 1)
    # one year-on-year rate (2022 is derived from it): no Eurostat class before the deadline
    assert output["status"] == "not assessable" and output["evidence"] == "one year-on-year rate"
    assert output["met"] is False  # 433.3 bn is below 500 bn: not yet met


@pytest.mark.usefixtures("initialised")
def test_as_of_before_publication_and_plan_filter(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(
        capsys, "progress", "--as-of", "2024-05-24", "--plan", "lingang-2025", "--format", "json"
    )
    assert code == 0
    rows = {r["target_id"]: r for r in json.loads(out)}
    assert {r["plan_id"] for r in rows.values()} == {"lingang-2025"}
    assert rows["lingang-2025.industrial-output"]["latest_value"] is None  # published 05-25


@pytest.mark.usefixtures("initialised")
def test_table_and_csv(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "progress", "--as-of", "2024-12-31", "--plan", "lingang-2025")
    assert code == 0
    assert "433.3 bn CNY (2023)" in out and "86.7%" in out and "not assessable" in out
    code, out, _ = _run(capsys, "progress", "--as-of", "2024-12-31", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 36
    nev = next(r for r in rows if r["target_id"] == "shanghai-highend-2025.nev-output")
    assert float(nev["required_cagr"]) == pytest.approx(0.38134, abs=1e-5)


@pytest.mark.usefixtures("initialised")
def test_clear_errors(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "progress", "--as-of", "2024-13-01")
    assert code == 1 and err.startswith("Error: --as-of '2024-13-01' is not a date")
    code, _, err = _run(capsys, "progress", "--plan", "nope")
    assert code == 1 and "unknown plan id(s) nope: choose from" in err
    code, _, err = _run(capsys, "progress", "--tolerance", "5")
    assert code == 1 and "tolerance 5.0 is not a fraction in [0, 1)" in err


def test_uninitialised_store_says_to_run_init(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "progress", "--as-of", "2024-12-31")
    assert code == 1
    assert err.startswith("Error:") and "xlreport init" in err


@pytest.mark.usefixtures("initialised")
def test_after_the_deadline_json_says_so_and_the_table_shows_qualifiers(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = _run(capsys, "progress", "--as-of", "2026-12-01", "--format", "json")
    assert code == 0
    rows = {r["target_id"]: r for r in json.loads(out)}
    output = rows["lingang-2025.industrial-output"]
    # due by 2025 (2025-12-31); no 2025 figure; 433.3 * 1.225 ** 2 = 650.2 bn >= 500 bn
    assert output["deadline_passed"] is True and output["status"] == "awaiting final figure"
    assert output["outlook"] == "likely met" and output["met"] is None
    assert output["time_elapsed"] == 1.0  # capped at the as-of date
    tesla = rows["lingang-pioneer-2030.tesla-storage"]
    assert tesla["status"] == "unconfirmed" and tesla["met"] is None
    future = rows["shanghai-future-2030.output"]  # due 2030
    assert future["deadline_passed"] is False and future["outlook"] is None
    code, out, _ = _run(
        capsys, "progress", "--as-of", "2026-12-01", "--plan", "lingang-2025", "--format", "csv"
    )
    assert code == 0
    by_id = {r["target_id"]: r for r in csv.DictReader(io.StringIO(out))}
    assert by_id["lingang-2025.cutting-edge-scale"]["latest_qualifier"] == "nearly"


def test_table_row_puts_the_qualifier_beside_the_value() -> None:
    from xlreport.cli.progress_cmds import _table_row

    row = _table_row(
        {
            "target_id": "t",
            "name": "n",
            "latest_value": 340e9,
            "unit": "CNY",
            "latest_period": "2021",
            "latest_qualifier": "nearly",
            "share_achieved": 340 / 600,
            "status": "awaiting final figure",
            "outlook": "likely not met",
            "explanation": "e",
        }
    )
    assert row["latest"] == "nearly 340 bn CNY (2021)" and row["share"] == "56.7%"
    assert row["status"] == "awaiting final figure (likely not met)"
