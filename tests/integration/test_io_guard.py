"""Hostile and broken files are refused with a clear message; the parent process survives.

Each file is made here: zip bombs with zipfile, sheets with hand-written XML, workbooks
with xlsxwriter. python-calamine aborts the process on a sheet declaring A1:XFD1048576
(measured): the child-process design is what keeps these tests (and users) alive.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from io_workbooks import good_rows, inline_row, sheet_xml, write_raw_xlsx, write_rows_workbook

from xlreport.errors import UnsafeFileError
from xlreport.io import ReadLimits, read_dataset
from xlreport.io.guard import check_zip_container, read_workbook_sheets

_HUGE_CELLS = inline_row(1, ["id"]) + (
    '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
)


def test_zip_bomb_is_refused_from_the_directory_alone(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("xl/worksheets/sheet1.xml", b" " * (64 * 1024 * 1024))  # 64 MB of spaces
    assert bomb.stat().st_size < 1024 * 1024  # deflate packs it a thousandfold
    with pytest.raises(UnsafeFileError) as info:
        read_dataset(bomb)
    msg = str(info.value)
    assert msg.startswith("bomb.xlsx: the zip member 'xl/worksheets/sheet1.xml' expands ")
    assert "a zip bomb" in msg and "at most 100 times is accepted" in msg


def test_declared_total_size_and_member_count_are_bounded(tmp_path: Path) -> None:
    path = write_rows_workbook(tmp_path / "ok.xlsx", good_rows())
    with pytest.raises(UnsafeFileError, match=r"its members expand to .* MB, more than the 0 MB"):
        check_zip_container(path, ReadLimits(max_uncompressed_bytes=1000))
    with pytest.raises(UnsafeFileError, match=r"the zip holds \d+ members, more than the 3"):
        check_zip_container(path, ReadLimits(max_members=3))


def test_unsafe_member_paths_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "slip.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("../../etc/evil.xml", "<x/>")
    with pytest.raises(UnsafeFileError, match=r"the zip member '\.\./\.\./etc/evil\.xml' has an"):
        read_dataset(path)


def test_sheet_declaring_the_whole_grid_is_refused_before_parsing(tmp_path: Path) -> None:
    path = write_raw_xlsx(
        tmp_path / "grid.xlsx", "Observations", sheet_xml(_HUGE_CELLS, "A1:XFD1048576")
    )
    assert path.stat().st_size < 5000
    with pytest.raises(UnsafeFileError) as info:
        read_workbook_sheets(path, ["Observations"])
    assert str(info.value) == (
        "grid.xlsx: sheet 'Observations' declares the range A1:XFD1048576 (1,048,576 rows x "
        "16,384 columns); at most 200,000 rows and 64 columns are read; delete unused rows "
        "and columns (or split it) and save again"
    )


def test_far_cells_without_a_declared_dimension_are_found_by_the_scan(tmp_path: Path) -> None:
    path = write_raw_xlsx(tmp_path / "far.xlsx", "Observations", sheet_xml(_HUGE_CELLS, None))
    with pytest.raises(UnsafeFileError, match="sheet 'Observations' has a row 1,048,576"):
        read_workbook_sheets(path, ["Observations"])
    wide = inline_row(1, ["id"]) + '<row r="2"><c r="XFD2"><v>1</v></c></row>'
    path = write_raw_xlsx(tmp_path / "wide.xlsx", "Observations", sheet_xml(wide, None))
    with pytest.raises(UnsafeFileError, match=r"has a cell in column XFD \(column 16,384\)"):
        read_workbook_sheets(path, ["Observations"])


def test_a_dimension_that_understates_the_rows_does_not_fool_the_bound(tmp_path: Path) -> None:
    rows = "".join(inline_row(r, [f"obs-{r}"]) for r in range(1, 151))  # 150 rows
    path = write_raw_xlsx(tmp_path / "liar.xlsx", "Observations", sheet_xml(rows, "A1:A2"))
    limits = ReadLimits(max_rows=100)
    with pytest.raises(UnsafeFileError, match="sheet 'Observations' has more than 100 rows"):
        read_workbook_sheets(path, ["Observations"], limits)
    # three rows, but one numbered 500: the numbers count, not only the row elements
    sparse = inline_row(1, ["id"]) + inline_row(2, ["a"]) + inline_row(500, ["b"])
    path = write_raw_xlsx(tmp_path / "sparse.xlsx", "Observations", sheet_xml(sparse, "A1:A2"))
    with pytest.raises(UnsafeFileError, match="sheet 'Observations' has a row 500"):
        read_workbook_sheets(path, ["Observations"], limits)


def test_too_many_rows_in_an_ordinary_workbook(tmp_path: Path) -> None:
    rows = good_rows()
    header = rows["Observations"][0]
    rows["Observations"] = [header] + [[f"o-{i}"] for i in range(120)]
    path = write_rows_workbook(tmp_path / "many.xlsx", rows)
    with pytest.raises(UnsafeFileError, match=r"declares the range A1:I121 \(121 rows"):
        read_dataset(path, limits=ReadLimits(max_rows=100))


def test_not_a_zip_truncated_zip_and_encrypted_workbook(tmp_path: Path) -> None:
    (tmp_path / "text.xlsx").write_text("id,title\nsrc,Title\n")
    with pytest.raises(UnsafeFileError, match=r"text\.xlsx: it is not an \.xlsx workbook"):
        read_dataset(tmp_path / "text.xlsx")
    whole = write_rows_workbook(tmp_path / "whole.xlsx", good_rows()).read_bytes()
    (tmp_path / "cut.xlsx").write_bytes(whole[: len(whole) // 2])
    with pytest.raises(UnsafeFileError, match=r"cut\.xlsx: the file is damaged or incomplete"):
        read_dataset(tmp_path / "cut.xlsx")
    (tmp_path / "locked.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    with pytest.raises(UnsafeFileError, match="password-protected or old-format"):
        read_dataset(tmp_path / "locked.xlsx")


def test_child_killed_by_the_memory_limit_gives_a_clear_error(tmp_path: Path) -> None:
    # Bounds opened wide so that python-calamine really tries to allocate the whole grid
    # (16,384 x 1,048,576 cells): the child aborts; this process reports it and goes on.
    path = write_raw_xlsx(
        tmp_path / "grid.xlsx", "Observations", sheet_xml(_HUGE_CELLS, "A1:XFD1048576")
    )
    limits = ReadLimits(max_rows=2_000_000, max_columns=20_000, memory_bytes=512 * 1024 * 1024)
    with pytest.raises(UnsafeFileError) as info:
        read_workbook_sheets(path, ["Observations"], limits)
    msg = str(info.value)
    assert msg.startswith("grid.xlsx: the reader was stopped by SIGABRT")
    assert "needs more than the 512 MB of memory allowed" in msg
    # and the parent still reads a good file afterwards
    good = write_rows_workbook(tmp_path / "good.xlsx", good_rows())
    assert [s.id for s in read_dataset(good).sources] == ["src-a"]


def test_wall_time_limit_stops_the_child(tmp_path: Path) -> None:
    path = write_rows_workbook(tmp_path / "slow.xlsx", good_rows())
    with pytest.raises(UnsafeFileError, match=r"reading it took longer than 0\.001 s"):
        read_dataset(path, limits=ReadLimits(timeout_s=0.001))
