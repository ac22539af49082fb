"""``xlreport fx``: the commands and their JSON contract, run through the real CLI."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from xlreport.cli.app import main

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))
from fx_oracle import ecb_cross, ecb_rows


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_rate_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "fx", "rate", "CNY", "USD", "--date", "2024-05-25", "--format", "json"
    )
    assert code == 0
    row = json.loads(out)
    assert list(row) == ["from", "to", "rate", "date_used", "period", "basis", "source"]
    assert row["date_used"] == "2024-05-24"  # Saturday -> Friday
    assert row["rate"] == pytest.approx(1.0840 / 7.8522, rel=1e-15)
    assert (row["from"], row["to"], row["period"], row["basis"], row["source"]) == (
        "CNY",
        "USD",
        None,
        "daily",
        "ECB",
    )


def test_rate_for_periods_and_bases(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "fx", "rate", "USD", "CNY", "--year", "2023", "--format", "json")
    avg = json.loads(out)
    assert (avg["basis"], avg["period"], avg["date_used"]) == ("year-average", "2023", None)
    days = [d for d in ecb_rows() if d.year == 2023]
    assert avg["rate"] == pytest.approx(
        sum(ecb_cross(d, "USD", "CNY") for d in days) / len(days), rel=1e-13
    )
    _, out, _ = run(
        capsys,
        "fx",
        "rate",
        "USD",
        "CNY",
        "--month",
        "2023-12",
        "--basis",
        "end-of-period",
        "--format",
        "json",
    )
    end = json.loads(out)
    assert end["date_used"] == "2023-12-29"
    assert end["rate"] == pytest.approx(ecb_cross(date(2023, 12, 29), "USD", "CNY"), rel=1e-15)


def test_no_date_is_the_latest_rate_and_the_table_says_which(
    capsys: pytest.CaptureFixture[str],
) -> None:
    last = max(ecb_rows())
    code, out, _ = run(capsys, "fx", "rate", "CNY", "USD")
    assert code == 0
    assert f"Latest available rate ({last.isoformat()}, ECB)" in out


def test_convert_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "fx", "convert", "100 billion", "CNY", "USD", "--date", "2024-05-24",
        "--format", "json",
    )  # fmt: skip
    assert code == 0
    row = json.loads(out)
    assert list(row)[-2:] == ["amount", "result"]
    # 100e9 * 1.0840 / 7.8522 = 13.805 billion dollars
    assert row["amount"] == 100e9
    assert row["result"] == pytest.approx(100e9 * 1.0840 / 7.8522, rel=1e-14)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["convert", "abc", "CNY", "USD"], "Error: amount: 'abc' is not a number"),
        (["convert", "--", "-5", "CNY", "USD"], "is negative"),
        (["rate", "CNY", "USD", "--date", "2004-06-01"], "no rate on or before 2004-06-01"),
        (["rate", "CNY", "USD", "--date", "2099-06-01"], "eurofxref-hist.zip"),
        (["rate", "CNY", "XAU"], "'XAU' is not in rate source ECB"),
        (["rate", "CN", "USD"], "not a three-letter ISO 4217 code"),
        (["rate", "CNY", "USD", "--source", "PBOC"], "rate source 'PBOC' is not loaded"),
    ],
)
def test_errors_are_one_line_with_exit_code_1(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, _out, err = run(capsys, "fx", *args)
    assert code == 1
    assert message in err
    assert err.startswith("Error: ") and "Traceback" not in err


def test_a_pboc_csv_given_with_rates(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "pboc.csv"
    path.write_text("date,base,quote,rate\n2024-05-24,USD,CNY,7.1106\n", encoding="utf-8")
    code, out, _ = run(
        capsys, "fx", "rate", "USD", "CNY", "--date", "2024-05-26", "--rates", str(path),
        "--source", "PBOC", "--format", "json",
    )  # fmt: skip
    assert code == 0
    row = json.loads(out)
    assert (row["rate"], row["source"], row["date_used"]) == (7.1106, "PBOC", "2024-05-24")
    bad = tmp_path / "bad.csv"
    bad.write_text("date,base,quote,rate\n2024-05-24,USD,CNY,seven\n", encoding="utf-8")
    code, _, err = run(capsys, "fx", "rate", "USD", "CNY", "--rates", str(bad))
    assert code == 1
    assert "bad.csv:2: rate 'seven' is not a number" in err


def _init_store() -> None:
    from xlreport.store import Store

    with Store.open() as store:
        store.init()


def test_audit_json_and_csv(capsys: pytest.CaptureFixture[str]) -> None:
    _init_store()
    code, out, _ = run(capsys, "fx", "audit", "--format", "json")
    assert code == 0
    rows = {r["source_id"]: r for r in json.loads(out)}
    assert len(rows) == 4
    for key in (
        "source_id",
        "amount",
        "currency",
        "published_usd",
        "implied_rate",
        "reference_rate",
        "reference_date",
        "deviation",
    ):
        assert all(key in r for r in rows.values())
    lingang = rows["chinadaily-2024-05-25-lingang"]
    assert round(lingang["implied_rate"], 4) == 7.2046  # 100 / 13.88
    assert lingang["reference_date"] == "2024-05-24"
    ref = ecb_cross(date(2024, 5, 24), "USD", "CNY")
    assert lingang["deviation"] == pytest.approx((100 / 13.88 - ref) / ref, rel=1e-12)
    unknown = rows["future-industries-2030-shanghai"]
    assert unknown["reference_rate"] is None and unknown["deviation"] is None
    code, out, _ = run(capsys, "fx", "audit", "--format", "csv")
    table = list(csv.DictReader(io.StringIO(out)))
    assert {r["source_id"] for r in table} == set(rows)
    assert next(r for r in table if r["reference_date"] == "2021")["reference_basis"] == (
        "year-average"
    )


def test_audit_table_shows_the_notes(capsys: pytest.CaptureFixture[str]) -> None:
    _init_store()
    code, out, _ = run(capsys, "fx", "audit")
    assert code == 0
    assert "future-industries-2030-shanghai: publication date unknown" in out
    assert "7.20461" in out


def test_audit_without_a_store_says_what_to_do(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "fx", "audit")
    assert code == 1
    assert "xlreport init" in err


def test_the_installed_command_runs() -> None:
    exe = Path(sys.executable).with_name("xlreport")
    done = subprocess.run(
        [str(exe), "fx", "rate", "EUR", "USD", "--date", "2024-05-24", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["rate"] == 1.0840
