"""Report templates: the default loads; an invalid one lists every problem at once."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from xlreport.errors import TemplateError
from xlreport.progress import STATUSES
from xlreport.report.columns import COLUMNS, required_columns
from xlreport.report.template import BUILTIN_TEMPLATE_DIR, load_template

DEFAULT = BUILTIN_TEMPLATE_DIR / "default.toml"


def test_default_template_loads_and_colours_every_engine_status() -> None:
    tpl = load_template("default")
    assert tpl.report.name == "plan-targets-report"
    assert tpl.logo_path is not None and tpl.logo_path.is_file()
    # the statuses of issue 11 (its exact strings), each with its colours
    assert (
        {s.value for s in tpl.theme.statuses}
        == set(STATUSES)
        == {
            "met",
            "not met",
            "on track",
            "moderate progress",
            "insufficient progress",
            "moving away",
            "awaiting final figure",
            "done",
            "pending",
            "unconfirmed",
            "not assessable",
        }
    )
    assert [s.kind for s in tpl.sheets][:2] == ["cover", "summary"]


def test_a_copied_template_is_found_by_path(tmp_path: Path) -> None:
    text = DEFAULT.read_text(encoding="utf-8").replace('logo = "logo.png"', 'logo = ""')
    text = text.replace('name = "plan-targets-report"', 'name = "my-report"')
    path = tmp_path / "mine.toml"
    path.write_text(text, encoding="utf-8")
    tpl = load_template(path)
    assert tpl.report.name == "my-report"
    assert tpl.logo_path is None


def test_invalid_template_lists_every_problem(tmp_path: Path) -> None:
    raw = tomllib.loads(DEFAULT.read_text(encoding="utf-8"))
    raw["report"].pop("title")  # 1 missing key
    raw["report"]["colour"] = "red"  # 2 unknown key
    raw["theme"]["paper"] = "B5"  # 3 not a paper size
    raw["theme"]["colours"]["title"] = "navy"  # 4 not #RRGGBB
    raw["theme"]["logo"] = "missing.png"  # 5 file missing
    raw["plan_sheets"]["columns"].append("share_acheived")  # 6 typo in a column key
    raw["plan_sheets"]["sort"] = ["-bogus"]  # 7 unknown sort key
    raw["sheets"].append({"kind": "summary"})  # 8 a sheet kind twice
    raw["charts"]["max_line_charts"] = -1  # 9 below the minimum
    path = tmp_path / "bad.toml"
    path.write_text(_dump(raw), encoding="utf-8")
    with pytest.raises(TemplateError) as info:
        load_template(path)
    text = str(info.value)
    assert "9 problems" in text
    for where in (
        "report.title: required key is missing",
        "report.colour: unknown key",
        "theme.paper",
        "theme.colours.title",
        "theme.logo: file",
        "'share_acheived'",
        "'-bogus'",
        "sheet kind(s) listed twice: summary",
        "charts.max_line_charts",
    ):
        assert where in text, where


def test_unknown_template_name_says_which_exist() -> None:
    with pytest.raises(TemplateError, match="known templates: default"):
        load_template("nonexistent")


def test_toml_syntax_error_is_a_template_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text("[report\nname = 1\n", encoding="utf-8")
    with pytest.raises(TemplateError, match="not valid TOML"):
        load_template(path)


def test_formula_columns_pull_in_their_inputs() -> None:
    # share achieved needs A, T, B, the share basis and the times of A and B (nothing after
    # a stated baseline: no share); none of them is listed
    keys = required_columns(["name", "share_achieved"])
    assert keys[:2] == ["name", "share_achieved"]
    assert set(keys[2:]) == {
        "assessed_value",
        "target_value",
        "share_basis",
        "reference_value",
        "assessed_time",
        "reference_time",
    }
    for key in keys:
        assert key in COLUMNS


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f'"{k}" = {_toml(v)}' for k, v in value.items()) + "}"
    return str(value)


def _dump(raw: dict[str, object]) -> str:
    """A tiny TOML writer (inline tables) for the test's edited template."""
    return "\n".join(f"{key} = {_toml(value)}" for key, value in raw.items()) + "\n"
