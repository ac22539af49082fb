"""The schedule file: accepted shapes, and refusals that list every problem with its place."""

from __future__ import annotations

from pathlib import Path

import pytest

from xlreport.schedule import ScheduleConfigError, load_schedule_config, parse_schedule_config

CONTRACT = """
[[schedule]]
name = "monthly"
day_of_month = 1
time = "06:00"
timezone = "Asia/Shanghai"
destination = "/path/to/folder"
keep = 12
"""


def test_the_contract_shape_is_accepted_with_defaults(tmp_path: Path) -> None:
    config = parse_schedule_config(CONTRACT, source="s.toml", base_dir=tmp_path)
    (s,) = config.schedule
    assert (s.name, s.day_of_month, s.hour, s.minute) == ("monthly", 1, 6, 0)
    assert s.timezone == "Asia/Shanghai" and s.keep == 12
    assert s.destination == Path("/path/to/folder")
    assert s.templates == ["default"] and s.currency == "USD" and s.pdf is False
    assert s.plans is None and s.start is None


def test_more_keys_and_relative_destination(tmp_path: Path) -> None:
    text = """
[[schedule]]
name = "board-pack"
day_of_month = 3
time = "07:15"
timezone = "Europe/Paris"
destination = "out/board"
template = "board.toml"
plans = ["lingang-2025"]
currency = "EUR"
pdf = true
start = "2026-01"

[[schedule]]
name = "two"
day_of_month = 28
time = "23:59"
timezone = "UTC"
destination = "/srv/x"
templates = ["default", "board"]
"""
    path = tmp_path / "conf" / "schedules.toml"
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    config = load_schedule_config(path)
    board, two = config.schedule
    assert board.destination == tmp_path / "conf" / "out" / "board"  # relative to the file
    assert board.templates == ["board.toml"] and board.plans == ["lingang-2025"]
    assert board.pdf is True and board.start == "2026-01" and board.currency == "EUR"
    assert two.templates == ["default", "board"]


def test_every_problem_is_listed_with_its_location_and_the_file(tmp_path: Path) -> None:
    text = """
[[schedule]]
name = "monthly"
day_of_month = 31
time = "6am"
timezone = "Asia/Shangai"
destination = "/x"
keep = 0
colour = "red"

[[schedule]]
name = "bad name"
time = "06:00"
timezone = "UTC"
destination = "/y"
start = "2026-13"
"""
    path = tmp_path / "schedules.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScheduleConfigError) as info:
        load_schedule_config(path)
    err = info.value
    message = str(err)
    assert str(path) in message
    where = {p.location for p in err.problems}
    first = "[[schedule]] #1 ('monthly')"
    second = "[[schedule]] #2 ('bad name')"
    assert {
        f"{first}.day_of_month",
        f"{first}.time",
        f"{first}.timezone",
        f"{first}.keep",
        f"{first}.colour",
        f"{second}.name",
        f"{second}.day_of_month",
        f"{second}.start",
    } == where
    assert "8 problems" in message
    assert "'Asia/Shangai' is not an IANA time zone" in message
    assert "unknown key" in message
    assert "'6am' is not a time: write HH:MM" in message


def test_duplicate_names_and_template_clash(tmp_path: Path) -> None:
    one = CONTRACT
    with pytest.raises(ScheduleConfigError, match="repeated: monthly"):
        parse_schedule_config(one + one, source="s.toml", base_dir=tmp_path)
    clash = CONTRACT + 'templates = ["board", "x/board.toml"]\n'
    with pytest.raises(ScheduleConfigError, match="same file name part"):
        parse_schedule_config(clash, source="s.toml", base_dir=tmp_path)


def test_not_toml_single_table_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ScheduleConfigError, match="not valid TOML"):
        parse_schedule_config("[[schedule]\nname=", source="s.toml", base_dir=tmp_path)
    single = CONTRACT.replace("[[schedule]]", "[schedule]")
    with pytest.raises(ScheduleConfigError, match=r"write \[\[schedule\]\]"):
        parse_schedule_config(single, source="s.toml", base_dir=tmp_path)
    with pytest.raises(ScheduleConfigError, match="file not found"):
        load_schedule_config(tmp_path / "nope.toml")
    with pytest.raises(ScheduleConfigError, match="schedule: required key is missing"):
        parse_schedule_config("", source="s.toml", base_dir=tmp_path)
