"""Output names and retention: keep the newest N months, never touch anyone else's files."""

from __future__ import annotations

from pathlib import Path

from xlreport.schedule import ScheduleSpec, apply_retention, expected_outputs, output_name


def spec(dest: Path, **kw: object) -> ScheduleSpec:
    base: dict[str, object] = {
        "name": "monthly",
        "day_of_month": 1,
        "time": "06:00",
        "timezone": "UTC",
        "destination": dest,
        "keep": 2,
    }
    base.update(kw)
    return ScheduleSpec.model_validate(base)


def test_names_with_one_or_several_templates_and_pdf(tmp_path: Path) -> None:
    one = spec(tmp_path)
    assert output_name(one, "2026-07", "default") == "monthly_2026-07.xlsx"
    many = spec(tmp_path, templates=["default", "templates/board.toml"], pdf=True)
    assert [p.name for p in expected_outputs(many, "2026-07")] == [
        "monthly_2026-07_default.xlsx",
        "monthly_2026-07_default.pdf",
        "monthly_2026-07_board.xlsx",
        "monthly_2026-07_board.pdf",
    ]


def test_retention_keeps_the_newest_months_and_only_own_files(tmp_path: Path) -> None:
    mine = [
        "monthly_2026-03.xlsx",
        "monthly_2026-04.xlsx",
        "monthly_2026-05.xlsx",
        "monthly_2026-05.pdf",
        "monthly_2026-06.xlsx",
    ]
    others = [
        "xlreport-monthly-2026-01.xlsx",  # e.g. written by the Excel button
        "other_2026-01.xlsx",  # another schedule sharing the folder
        "monthly-extra_2026-01.xlsx",  # a schedule whose name starts the same
        "monthly_2026-01 (copy).xlsx",  # a person's copy
        "monthly_notes.txt",
        ".xlreport-tmp-abc.xlsx",  # an atomic write in progress
    ]
    for name in mine + others:
        (tmp_path / name).write_bytes(b"x")
    result = apply_retention(spec(tmp_path, keep=2))
    # four months present (03, 04, 05, 06); keep = 2 keeps 05 and 06 (with 05's PDF)
    assert result.kept == ["2026-05", "2026-06"]
    assert sorted(p.name for p in result.deleted) == [
        "monthly_2026-03.xlsx",
        "monthly_2026-04.xlsx",
    ]
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted(
        ["monthly_2026-05.xlsx", "monthly_2026-05.pdf", "monthly_2026-06.xlsx", *others]
    )


def test_retention_on_a_missing_folder_does_nothing(tmp_path: Path) -> None:
    result = apply_retention(spec(tmp_path / "absent"))
    assert result.kept == [] and result.deleted == []
