"""Export then import gives back exactly the same Dataset, as .xlsx and as CSV; untrusted
text never becomes a formula on the way."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from xlreport.data import load_embedded_dataset
from xlreport.io import read_dataset, write_dataset
from xlreport.model import Dataset, Observation, Rate, Source

HOSTILE = [
    '=HYPERLINK("http://evil.example","click")',
    "+cmd|' /C calc'!A0",
    "@SUM(A1)",
    "-2+3",
    "'already quoted",
    "'=quoted formula",
    "\ttab first",
    'plain 亿 text, with a comma and "quotes"\nand a second line',
]


def _hostile_dataset() -> Dataset:
    base = load_embedded_dataset()
    sources = tuple(
        Source(
            id=f"hostile-{i}",
            title=text,
            publisher="x",
            published=date(2024, 1, 2),
            note=text,
            url=text,
        )
        for i, text in enumerate(HOSTILE)
    )
    rates = (
        Rate(id="r-1", source="PBOC", base="USD", quote="CNY", date=date(2024, 1, 2), rate=7.1),
        Rate(
            id="r-2", source="=1+1", base="USD", quote="CNY", date=date(2024, 1, 3), rate=0.1 + 0.2
        ),  # 0.30000000000000004 needs 17 digits
    )
    return base.model_copy(update={"sources": base.sources + sources, "rates": rates})


@pytest.mark.parametrize("name", ["plan_data.xlsx", "csv-folder"])
def test_embedded_dataset_round_trips_exactly(tmp_path: Path, name: str) -> None:
    ds = load_embedded_dataset()
    back = read_dataset(write_dataset(ds, tmp_path / name))
    assert back == ds
    # the derived values that need 17 significant digits survive (16 would not)
    derived = {o.id: o.value for o in back.observations if o.derived}
    assert derived["lingang.fixed-asset-investment.2022.derived"] == 132547597461.46872


@pytest.mark.parametrize("name", ["hostile.xlsx", "hostile-csv"])
def test_formula_looking_text_round_trips_as_text(tmp_path: Path, name: str) -> None:
    ds = _hostile_dataset()
    back = read_dataset(write_dataset(ds, tmp_path / name))
    assert back == ds
    assert back.rates[1].rate == 0.1 + 0.2


def test_xlsx_export_writes_text_cells_never_formulas(tmp_path: Path) -> None:
    path = write_dataset(_hostile_dataset(), tmp_path / "hostile.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["Sources"]
    header = [c.value for c in ws[1]]
    title, url = header.index("title") + 1, header.index("url") + 1
    cells = [ws.cell(row=r, column=title) for r in range(2, ws.max_row + 1)]
    hostile = [c for c in cells if c.value in HOSTILE]
    assert len(hostile) == len(HOSTILE)
    assert all(c.data_type == "s" for c in hostile)
    assert all(ws.cell(row=c.row, column=url).hyperlink is None for c in hostile)
    rate_source = wb["Rates"]["B3"]
    assert (rate_source.value, rate_source.data_type) == ("=1+1", "s")
    wb.close()


def test_csv_export_prefixes_risky_text_and_leaves_numbers_alone(tmp_path: Path) -> None:
    folder = write_dataset(_hostile_dataset(), tmp_path / "out")
    with open(folder / "sources.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    titles = [r["title"] for r in rows if r["id"].startswith("hostile-")]
    # OWASP: a leading = + - @ tab (and our own ') gets a ' in front
    assert titles[:7] == [
        "'" + '=HYPERLINK("http://evil.example","click")',
        "'+cmd|' /C calc'!A0",
        "'@SUM(A1)",
        "'-2+3",
        "''already quoted",
        "''=quoted formula",
        "'\ttab first",
    ]
    with open(folder / "observations.csv", encoding="utf-8-sig", newline="") as fh:
        obs = list(csv.DictReader(fh))
    growth = [r["growth_yoy"] for r in obs if r["growth_yoy"]]
    assert growth and all(not g.startswith("'") for g in growth)


def test_observation_revisions_survive_the_round_trip(tmp_path: Path) -> None:
    base = load_embedded_dataset()
    first = base.observations[0]
    revised = Observation(
        **{
            **first.model_dump(),
            "id": first.id + ".rev",
            "published": date(2030, 1, 1),
            "value": (first.value or 0) + 1,
            "growth_yoy": first.growth_yoy,
        },
    )
    ds = base.model_copy(update={"observations": (*base.observations, revised)})
    back = read_dataset(write_dataset(ds, tmp_path / "rev.xlsx"))
    assert back.observations[-1] == revised
    assert back.observations[0] == first
