"""One rate book for every part: a PBOC table imported into the store is used by ``fx``
and by ``report`` alike when ``XLREPORT_RATE_SOURCE=PBOC`` (issue 10's case); the report
currency comes from ``XLREPORT_CURRENCY``; ``report --rates`` and ``--db`` exist.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook
from store_data import partial_dataset

from xlreport.cli import main
from xlreport.model import Rate
from xlreport.settings import get_settings
from xlreport.store import Store

#: SYNTHETIC central-parity rates (invented, not the PBOC's): 7.1000 yuan per dollar on
#: every weekday of 2019-2024, so that every period the report converts is covered.
PARITY = 7.1


def _pboc_rows() -> tuple[Rate, ...]:
    rows = []
    day = date(2019, 1, 1)
    while day <= date(2024, 12, 31):
        if day.weekday() < 5:
            rows.append(
                Rate(
                    id=f"pboc-{day.isoformat()}",
                    note="synthetic test rate",
                    source="PBOC",
                    base="USD",
                    quote="CNY",
                    date=day,
                    rate=PARITY,
                )
            )
        day += timedelta(days=1)
    return tuple(rows)


def _texts(path: Path, sheet: str) -> list[str]:
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()
    return [c for r in rows for c in r if isinstance(c, str) and c]


@pytest.fixture
def pboc_store(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = isolated / "team.sqlite3"
    with Store.open(f"sqlite:///{db}") as store:
        store.init()
        store.import_dataset(partial_dataset(rates=_pboc_rows()))
    monkeypatch.setenv("XLREPORT_RATE_SOURCE", "PBOC")
    get_settings.cache_clear()
    return db


def test_fx_and_report_both_use_the_stored_pboc_table(
    pboc_store: Path, isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{pboc_store}"
    code = main(["fx", "convert", "100", "CNY", "USD", "--date", "2024-05-24", "--db", url,
                 "--format", "json"])  # fmt: skip
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["source"] == "PBOC"
    assert out["result"] == pytest.approx(100 / PARITY, rel=1e-12)  # 100 / 7.1 = 14.0845
    code = main(["report", "--month", "2024-05", "--db", url, "--out", str(isolated / "out")])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    path = Path(captured.out.strip())
    rate = next(t for t in _texts(path, "Cover") if t.startswith("1 CNY ="))
    # 1 / 7.1 = 0.140845..., shown to 4 decimals (the rate cells' format), from the PBOC table
    assert rate == "1 CNY = 0.1408 USD (PBOC daily reference rate, 2024-05-31)"
    assert "PBOC" in _texts(path, "Cover")


def test_report_currency_comes_from_the_setting(
    isolated: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init"]) == 0
    monkeypatch.setenv("XLREPORT_CURRENCY", "EUR")
    get_settings.cache_clear()
    capsys.readouterr()
    assert main(["report", "--month", "2024-05", "--out", str(isolated / "out")]) == 0
    path = Path(capsys.readouterr().out.strip())
    rate = next(t for t in _texts(path, "Cover") if t.startswith("1 CNY ="))
    assert " EUR (ECB daily reference rate, 2024-05-31)" in rate


def test_report_rates_option_loads_a_rate_table(
    isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init"]) == 0
    table = isolated / "cfets.csv"
    # SYNTHETIC: one invented rate a weekday for May 2024 only
    days = [date(2024, 5, 1) + timedelta(days=i) for i in range(31)]
    table.write_text(
        "date,base,quote,rate\n" + "".join(f"{d},USD,CNY,7.2\n" for d in days if d.weekday() < 5),
        encoding="utf-8",
    )
    capsys.readouterr()
    code = main(["fx", "rate", "CNY", "USD", "--date", "2024-05-31", "--source", "CFETS",
                 "--rates", str(table), "--format", "json"])  # fmt: skip
    assert code == 0
    assert json.loads(capsys.readouterr().out)["rate"] == pytest.approx(1 / 7.2, rel=1e-12)
    code = main(["report", "--month", "2024-05", "--rates", str(table), "--rates-name",
                 "CFETS", "--out", str(isolated / "out")])  # fmt: skip
    assert code == 0, capsys.readouterr().err


def test_hints_name_only_options_that_exist(
    isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init"]) == 0
    capsys.readouterr()
    code = main(["fx", "rate", "CNY", "USD", "--date", "2030-06-03"])
    err = capsys.readouterr().err
    assert code == 1
    assert "xlreport fx update" in err and "--rates FILE" in err
    assert "RateBook" not in err and "load_ecb_file" not in err
