"""Reading data workbooks and CSV folders: every problem listed where a user finds it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from io_workbooks import good_rows, write_csv_folder, write_rows_workbook

from xlreport.errors import DataError, UnsafeFileError, ValidationFailed
from xlreport.io import read_dataset
from xlreport.model import Dataset, Plan, Source


def _problems(path: Path, known: Dataset | None = None) -> list[str]:
    with pytest.raises(ValidationFailed) as info:
        read_dataset(path, known=known)
    assert "nothing was written" in str(info.value)
    return [str(p) for p in info.value.problems]


def test_good_workbook_is_read_with_scales_dates_and_typed_years(tmp_path: Path) -> None:
    ds = read_dataset(write_rows_workbook(tmp_path / "good.xlsx", good_rows()))
    assert [s.id for s in ds.sources] == ["src-a"]
    assert ds.sources[0].published == date(2024, 5, 25)
    assert ds.plans[0].start_year == 2021 and ds.plans[0].end_year == 2025
    output, projects = ds.targets
    assert output.value == 500_000_000_000.0
    assert output.deadline == "2025"  # a year typed as a number cell stays a year
    assert projects.value == 1000.0  # "1,000"
    obs = ds.observations[0]
    assert obs.value == 433_300_000_000.0  # "433.3 billion" = 433.3 * 10**9
    assert obs.growth_yoy == 0.225  # "22.5%"
    assert obs.published == date(2024, 5, 25)


def test_wrong_types_are_reported_with_their_cells(tmp_path: Path) -> None:
    rows = good_rows()
    rows["Targets"][1][6] = "abc"  # value, column G, row 2
    rows["Plans"][1][4] = 2025.5  # end_year, column E
    rows["Observations"][1][4] = True  # value, column E
    problems = _problems(write_rows_workbook(tmp_path / "bad.xlsx", rows))
    assert any(p.startswith("Targets!G2: 'abc' is not a number") for p in problems), problems
    assert "Plans!E2: 2025.5 is not a whole number" in problems
    assert "Observations!E2: TRUE is not a number" in problems


def test_dates_as_text_need_iso_format(tmp_path: Path) -> None:
    rows = good_rows()
    rows["Observations"][1][8] = "25/05/2024"  # published, column I
    rows["Sources"][1][3] = "2024-05-25"  # ISO text is fine
    problems = _problems(write_rows_workbook(tmp_path / "dates.xlsx", rows))
    assert problems == [
        "Observations!I2: '25/05/2024' is not a date: use a date cell or YYYY-MM-DD"
    ]


def test_missing_sheets_and_columns_and_unknown_and_duplicate_columns(tmp_path: Path) -> None:
    rows = good_rows()
    del rows["Rates"]
    rows["Plans"][0][4] = "end"  # unknown column instead of end_year (required)
    rows["Targets"][0].append("vaule")
    rows["Targets"][1].append(1.0)
    rows["Sources"][0].append("title")  # a second 'title' column, E1
    rows["Sources"][1].append("Other")
    problems = _problems(write_rows_workbook(tmp_path / "cols.xlsx", rows))
    assert any(p.startswith("Rates: sheet missing") for p in problems)
    assert any(p.startswith("Plans!E1: unknown column 'end'") for p in problems)
    assert any(p.startswith("Plans: missing column end_year") for p in problems)
    assert any(p.startswith("Targets!K1: unknown column 'vaule'") for p in problems)
    assert "Sources!E1: duplicate column 'title' (also column B)" in problems


def test_duplicate_ids_and_numbers_as_ids(tmp_path: Path) -> None:
    rows = good_rows()
    rows["Targets"].append(list(rows["Targets"][1]))  # same id on row 4 as on row 2
    rows["Observations"].append(list(rows["Observations"][1]))
    rows["Observations"][2][0] = 2025.0  # an id Excel turned into a number, A3
    problems = _problems(write_rows_workbook(tmp_path / "ids.xlsx", rows))
    assert "Targets!A4: duplicate id 'plan-a.output': also on row 2" in problems
    assert (
        "Observations!A3: 2025 is a number, but ids are text: format the column as Text "
        "and type the id again"
    ) in problems


def test_unknown_units_and_currencies(tmp_path: Path) -> None:
    rows = good_rows()
    rows["Targets"][1][7] = "bn yuan"  # unit, column H
    rows["Rates"].append(["r-1", "PBOC", "CNY", "XYZ", date(2024, 1, 2), 0.14])
    problems = _problems(write_rows_workbook(tmp_path / "units.xlsx", rows))
    assert any(p.startswith("Targets!H2: unknown unit 'bn yuan'") for p in problems), problems
    assert any(p.startswith("Rates!D2: unknown currency 'XYZ'") for p in problems), problems


def test_row_level_rule_is_reported_on_the_row(tmp_path: Path) -> None:
    rows = good_rows()
    rows["Targets"][1][6] = None  # a level target without a value
    problems = _problems(write_rows_workbook(tmp_path / "rule.xlsx", rows))
    assert problems == ["Targets row 2: a level target needs a value"]


def test_references_must_resolve_in_file_or_store(tmp_path: Path) -> None:
    rows = good_rows()
    del rows["Sources"][1]  # the source now lives only in the "store"
    path = write_rows_workbook(tmp_path / "refs.xlsx", rows)
    problems = _problems(path)
    # Plans!F2, Targets!J2, Targets!J3, Observations!H2 all cite src-a
    assert problems == [
        f"{cell}: source_id 'src-a' is not a known source id (not in this file): "
        "add it to the Sources sheet"
        for cell in ("Plans!F2", "Targets!J2", "Targets!J3", "Observations!H2")
    ]
    stored = Dataset(
        sources=(
            Source(
                id="src-a", title="A report", publisher="A publisher", published=date(2024, 5, 25)
            ),
        ),
    )
    ds = read_dataset(path, known=stored)
    assert ds.sources == () and [p.id for p in ds.plans] == ["plan-a"]


def test_target_reference_and_indicator_must_agree(tmp_path: Path) -> None:
    rows = good_rows()
    rows["Observations"][1][1] = "projects"  # indicator of the other target
    problems = _problems(write_rows_workbook(tmp_path / "ind.xlsx", rows))
    # the indicator now pairs the CNY observation with the 'projects' target too
    assert problems == [
        "Observations!B2: indicator 'projects' differs from target 'plan-a.output''s "
        "indicator 'output'",
        "Observations!G2: unit 'CNY' differs from the unit 'projects' of target "
        "'plan-a.projects': record the observation in the target's unit (convert "
        "currencies first)",
    ]


def test_empty_rows_are_skipped_and_whitespace_rows_too(tmp_path: Path) -> None:
    rows = good_rows()
    rows["Targets"].insert(2, [None] * 10)
    rows["Targets"].insert(3, ["  ", None, None, None, "", None, None, None, None, "   "])
    ds = read_dataset(write_rows_workbook(tmp_path / "gaps.xlsx", rows))
    assert [t.id for t in ds.targets] == ["plan-a.output", "plan-a.projects"]


def test_formula_looking_text_is_kept_as_text(tmp_path: Path) -> None:
    rows = good_rows()
    rows["Sources"][0] += ["note", "url"]
    rows["Sources"][1] += ['=HYPERLINK("http://evil.example","x")', "+cmd|' /C calc'!A0"]
    ds = read_dataset(write_rows_workbook(tmp_path / "f.xlsx", rows))
    assert ds.sources[0].note == '=HYPERLINK("http://evil.example","x")'
    assert ds.sources[0].url == "+cmd|' /C calc'!A0"


def test_csv_folder_problems_name_file_line_and_column(tmp_path: Path) -> None:
    rows = good_rows()
    rows["Targets"][1][6] = "abc"
    rows["Observations"][1][8] = "05/25/2024"
    folder = write_csv_folder(tmp_path / "csv", rows)
    problems = _problems(folder)
    assert any(p.startswith("targets.csv:2 (value): 'abc' is not a number") for p in problems)
    assert (
        "observations.csv:2 (published): '05/25/2024' is not a date: use a date cell or YYYY-MM-DD"
    ) in problems
    (folder / "rates.csv").unlink()
    assert any(p.startswith("rates.csv: missing in") for p in _problems(folder))


def test_csv_folder_good(tmp_path: Path) -> None:
    ds = read_dataset(write_csv_folder(tmp_path / "csv", good_rows()))
    assert ds.plans == (
        Plan(
            id="plan-a",
            name="A plan",
            issuer="A government",
            start_year=2021,
            end_year=2025,
            source_id="src-a",
        ),
    )


def test_not_an_xlsx_name_or_missing_path(tmp_path: Path) -> None:
    (tmp_path / "data.ods").write_bytes(b"x")
    with pytest.raises(DataError, match=r"data\.ods: not an \.xlsx workbook"):
        read_dataset(tmp_path / "data.ods")
    with pytest.raises(DataError, match="does not exist"):
        read_dataset(tmp_path / "nothing.xlsx")
    (tmp_path / "fake.xlsx").write_text("id,title\n")
    with pytest.raises(UnsafeFileError, match=r"fake\.xlsx: it is not an \.xlsx workbook"):
        read_dataset(tmp_path / "fake.xlsx")


def test_date_cells_with_a_time_of_day_are_refused(tmp_path: Path) -> None:
    from datetime import datetime

    rows = good_rows()
    rows["Observations"][1][8] = datetime(2024, 5, 25, 14, 30)  # through the child and back
    problems = _problems(write_rows_workbook(tmp_path / "time.xlsx", rows))
    assert problems == [
        "Observations!I2: 2024-05-25T14:30:00 has a time of day: enter the date only"
    ]
