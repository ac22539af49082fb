"""The conversion audit of the seed documents' own dollar figures."""

from __future__ import annotations

from datetime import date
from statistics import fmean

import pandas as pd
import pytest
from fx_oracle import ecb_cross, ecb_rows

from xlreport.data import load_embedded_dataset
from xlreport.fx import AUDIT_COLUMNS, RateBook, audit_conversions
from xlreport.model import Dataset


@pytest.fixture(scope="module")
def audit() -> pd.DataFrame:
    return audit_conversions(load_embedded_dataset(), RateBook.default()).set_index("source_id")


def test_one_row_per_published_conversion_with_the_implied_rates(audit: pd.DataFrame) -> None:
    assert list(audit.reset_index().columns) == list(AUDIT_COLUMNS)
    implied = audit["implied_rate"]
    # The issue quotes 7.2046, 6.5617, 6.4394 and 7.1643 yuan per dollar:
    assert implied["chinadaily-2024-05-25-lingang"] == pytest.approx(
        100 / 13.88, rel=1e-15
    )  # 7.204611
    assert implied["lgxc-2021-04-12-14th-fyp"] == pytest.approx(600 / 91.44, rel=1e-15)  # 6.561680
    assert implied["chinadaily-2021-shanghai-highend"] == pytest.approx(
        850 / 132, rel=1e-15
    )  # 6.439394
    assert implied["future-industries-2030-shanghai"] == pytest.approx(
        500 / 69.79, rel=1e-15
    )  # 7.164350
    assert round(implied["chinadaily-2024-05-25-lingang"], 4) == 7.2046
    assert round(implied["lgxc-2021-04-12-14th-fyp"], 4) == 6.5617
    assert round(implied["chinadaily-2021-shanghai-highend"], 4) == 6.4394
    # 7.164350... rounds to 7.1644; the 7.1643 is the truncated figure.
    assert int(implied["future-industries-2030-shanghai"] * 1e4) / 1e4 == 7.1643
    assert audit.loc["chinadaily-2024-05-25-lingang", "target_id"] == "lingang-pioneer-2030.output"
    assert set(audit["currency"]) == {"CNY"}


def test_a_saturday_publication_uses_fridays_rate(audit: pd.DataFrame) -> None:
    row = audit.loc["chinadaily-2024-05-25-lingang"]
    assert date(2024, 5, 25) not in ecb_rows()  # a Saturday: the ECB did not publish
    # CNY per USD on Friday 24 May = 7.8522 / 1.0840 = 7.243727
    reference = ecb_cross(date(2024, 5, 24), "USD", "CNY")
    assert reference == pytest.approx(7.8522 / 1.0840, rel=1e-15)
    assert row["reference_rate"] == pytest.approx(reference, rel=1e-15)
    assert (row["reference_date"], row["reference_basis"]) == ("2024-05-24", "daily")
    # (7.204611 - 7.243727) / 7.243727 = -0.54%
    assert row["deviation"] == pytest.approx((100 / 13.88 - reference) / reference, rel=1e-12)
    assert round(row["deviation"], 4) == -0.0054
    assert "2024-05-24" in row["note"]


def test_a_day_with_a_rate_uses_that_day(audit: pd.DataFrame) -> None:
    row = audit.loc["lgxc-2021-04-12-14th-fyp"]  # Monday 12 April 2021
    reference = ecb_cross(date(2021, 4, 12), "USD", "CNY")
    assert (row["reference_date"], row["note"]) == ("2021-04-12", "")
    assert row["reference_rate"] == pytest.approx(reference, rel=1e-15)
    assert row["deviation"] == pytest.approx((600 / 91.44 - reference) / reference, rel=1e-12)


def test_a_year_only_publication_is_compared_with_that_years_average(
    audit: pd.DataFrame,
) -> None:
    row = audit.loc["chinadaily-2021-shanghai-highend"]
    days = [d for d in ecb_rows() if d.year == 2021]
    # one convention in the workbook: the mean of 2021's daily crosses in the direction of
    # conversion (dollars per yuan), shown as yuan per dollar: 1 / mean(USD per CNY)
    average = 1 / fmean(ecb_cross(d, "CNY", "USD") for d in days)
    assert row["reference_rate"] == pytest.approx(average, rel=1e-13)
    assert round(row["reference_rate"], 5) == 6.44875  # not 6.44911 = mean(CNY per USD)
    assert round(fmean(ecb_cross(d, "USD", "CNY") for d in days), 5) == 6.44911
    assert (row["reference_date"], row["reference_basis"]) == ("2021", "year-average")
    assert "known only to the year" in row["note"]
    assert row["deviation"] == pytest.approx((850 / 132 - average) / average, rel=1e-12)


def test_an_unknown_publication_date_gets_no_reference(audit: pd.DataFrame) -> None:
    row = audit.loc["future-industries-2030-shanghai"]
    assert pd.isna(row["reference_rate"]) and pd.isna(row["deviation"])
    assert pd.isna(row["reference_date"]) and pd.isna(row["reference_basis"])
    assert row["note"].startswith("publication date unknown")


def test_a_month_only_publication_uses_the_month_average() -> None:
    raw = load_embedded_dataset().model_dump()
    for s in raw["sources"]:
        if s["id"] == "lgxc-2021-04-12-14th-fyp":
            s["published_precision"] = "month"
    ds = Dataset.build(**{k: tuple(v) for k, v in raw.items()})
    frame = audit_conversions(ds, RateBook.default()).set_index("source_id")
    row = frame.loc["lgxc-2021-04-12-14th-fyp"]
    days = [d for d in ecb_rows() if (d.year, d.month) == (2021, 4)]
    assert row["reference_rate"] == pytest.approx(
        1 / fmean(ecb_cross(d, "CNY", "USD") for d in days), rel=1e-13
    )
    assert (row["reference_date"], row["reference_basis"]) == ("2021-04", "month-average")


def test_the_audit_can_use_another_source(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "pboc.csv"
    path.write_text("date,base,quote,rate\n2024-05-24,USD,CNY,7.1106\n", encoding="utf-8")
    book = RateBook.default()
    book.load_csv(path, "PBOC", max_gap_days=7)
    frame = audit_conversions(load_embedded_dataset(), book, source="PBOC")
    row = frame.set_index("source_id").loc["chinadaily-2024-05-25-lingang"]
    assert (row["reference_rate"], row["reference_source"]) == (7.1106, "PBOC")
    # the 2021 documents have no PBOC rate: the reason is given, no other source is used
    old = frame.set_index("source_id").loc["lgxc-2021-04-12-14th-fyp"]
    assert pd.isna(old["reference_rate"]) and "no reference rate" in old["note"]
