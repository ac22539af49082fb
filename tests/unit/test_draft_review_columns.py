"""The Draft and Quote columns of a drafted workbook, as io writes and reads them."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from xlreport.data import load_embedded_dataset
from xlreport.errors import ValidationFailed
from xlreport.io import read_dataset
from xlreport.io.writer import RowReview, write_csv_folder, write_workbook


def _small():  # type: ignore[no-untyped-def]
    ds = load_embedded_dataset()
    return ds.model_copy(update={"observations": ds.observations[:2], "rates": ()})


def test_unreviewed_rows_are_refused_with_their_cells(tmp_path: Path) -> None:
    ds = _small()
    marks = [RowReview("draft, confidence 0.90", f"seed [0:10]: quote {i}") for i in range(2)]
    path = write_workbook(tmp_path / "d.xlsx", ds, review={"observations": marks})
    with pytest.raises(ValidationFailed) as caught:
        read_dataset(path)
    problems = [str(p) for p in caught.value.problems]
    # the Observations sheet has the model's columns A..N, then Draft (O) and Quote (P)
    assert problems == [
        f"Observations!O{row}: row not reviewed: it was drafted from a document; "
        "check it against its quote, correct it, then clear this Draft cell "
        "(or delete the row)"
        for row in (2, 3)
    ]


def test_cleared_draft_cells_import_and_quotes_are_ignored(tmp_path: Path) -> None:
    ds = _small()
    marks = [RowReview("", 'seed [0:10]: =HYPERLINK("http://x")') for _ in range(2)]
    path = write_workbook(tmp_path / "d.xlsx", ds, review={"observations": marks})
    back = read_dataset(path)
    assert back.observations == ds.observations


def test_draft_column_in_a_csv_folder_is_refused_too(tmp_path: Path) -> None:
    ds = _small()
    folder = write_csv_folder(tmp_path / "csv", ds)
    with (folder / "observations.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[0] += ["Draft", "Quote"]
    rows[1] += ["draft", "a quote"]
    rows[2] += ["", "a quote"]
    with (folder / "observations.csv").open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)
    with pytest.raises(ValidationFailed) as caught:
        read_dataset(folder)
    assert [p.location for p in caught.value.problems] == ["observations.csv:2 (Draft)"]


def test_rates_keep_their_own_quote_field(tmp_path: Path) -> None:
    # the review column is "Quote"; the Rates sheet's field "quote" (the quote currency) stays
    from xlreport.model import Rate

    ds = _small().model_copy(
        update={
            "rates": (
                Rate(
                    id="r1",
                    source="PBOC",
                    base="USD",
                    quote="CNY",
                    date=date(2024, 5, 24),
                    rate=7.1,
                ),
            )
        }
    )
    back = read_dataset(write_workbook(tmp_path / "r.xlsx", ds))
    assert back.rates[0].quote == "CNY"
