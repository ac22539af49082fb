"""The data-entry workbook: generated from the model, and the committed copy kept current."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from xlreport.io import read_dataset, write_data_template
from xlreport.io.layout import DESCRIPTIONS, sheet_layouts
from xlreport.model import ENTITY_MODELS, Comparator, Qualifier, TargetKind

COMMITTED = Path(__file__).resolve().parents[2] / "workbooks" / "plan_data.xlsx"
REGENERATE = "run `xlreport data template workbooks/plan_data.xlsx` and commit the result"
_VOLATILE = re.compile(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>")


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: _VOLATILE.sub(b"", z.read(name)) for name in sorted(z.namelist())}


def _summary(path: Path) -> dict[str, object]:
    wb = openpyxl.load_workbook(path)
    out: dict[str, object] = {"sheets": wb.sheetnames}
    for lay in sheet_layouts():
        ws = wb[lay.sheet]
        out[lay.sheet] = {
            "headers": [c.value for c in ws[1]],
            "comments": [c.comment.text if c.comment else None for c in ws[1]],
            "validations": sorted(
                (str(dv.sqref), dv.type, dv.formula1) for dv in ws.data_validations.dataValidation
            ),
            "tables": sorted(ws.tables.keys()),
            "frozen": ws.freeze_panes,
        }
    wb.close()
    return out


def test_committed_workbook_is_current(tmp_path: Path) -> None:
    fresh = write_data_template(tmp_path / "plan_data.xlsx")
    assert COMMITTED.is_file(), f"workbooks/plan_data.xlsx is missing: {REGENERATE}"
    # readable differences first (sheets, headers, notes, drop-downs), then every part
    assert _summary(COMMITTED) == _summary(fresh), REGENERATE
    committed, regenerated = _parts(COMMITTED), _parts(fresh)
    assert sorted(committed) == sorted(regenerated), REGENERATE
    for name, content in regenerated.items():
        assert committed[name] == content, f"{name} differs: {REGENERATE}"


def test_generation_is_deterministic(tmp_path: Path) -> None:
    a = write_data_template(tmp_path / "a.xlsx")
    b = write_data_template(tmp_path / "b.xlsx")
    assert _parts(a) == _parts(b)


def test_template_has_every_model_field_with_a_note_and_drop_downs(tmp_path: Path) -> None:
    path = write_data_template(tmp_path / "t.xlsx")
    summary = _summary(path)
    assert summary["sheets"] == [
        "README",
        "Sources",
        "Plans",
        "Targets",
        "Observations",
        "Rates",
        "Lists",
    ]
    for lay in sheet_layouts():
        sheet = summary[lay.sheet]
        assert isinstance(sheet, dict)
        assert set(sheet["headers"]) == set(ENTITY_MODELS[lay.collection].model_fields)
        assert sheet["headers"][0] == "id" and sheet["headers"][-1] == "note"
        assert all(c is not None for c in sheet["comments"]), lay.sheet
        assert sheet["tables"] == [f"{lay.sheet}Table"]
        assert sheet["frozen"] == "A2"
    targets = summary["Targets"]
    assert isinstance(targets, dict)
    headers = targets["headers"]
    validated = {
        headers[ord(sqref[0]) - 65]: f
        for sqref, kind, f in targets["validations"]
        if kind == "list"
    }
    assert set(validated) == {"kind", "comparator", "unit", "baseline_qualifier"}
    wb = openpyxl.load_workbook(path)
    lists = wb["Lists"]
    assert lists.sheet_state == "hidden"

    def values(formula: str) -> list[str]:
        cells = lists[formula.replace("Lists!", "").replace("$", "")]
        return [row[0].value for row in cells]

    assert values(validated["kind"]) == [k.value for k in TargetKind]
    assert values(validated["comparator"]) == [c.value for c in Comparator]
    assert values(validated["baseline_qualifier"]) == [q.value for q in Qualifier]
    units = values(validated["unit"])
    assert {"CNY", "USD", "percent", "GWh", "projects", "vehicles"} <= set(units)
    kind_note = targets["comments"][headers.index("kind")]
    assert isinstance(kind_note, str) and kind_note.startswith("kind: level (a value reached")
    wb.close()


def test_every_field_has_a_description() -> None:
    for lay in sheet_layouts():
        for column in lay.columns:
            assert column.description, f"{lay.collection}.{column.name}"
    used = {f"{lay.collection}.{c.name}" for lay in sheet_layouts() for c in lay.columns}
    shared = {k for k in DESCRIPTIONS if k.startswith("*.")}
    unused = set(DESCRIPTIONS) - used - shared
    assert not unused, f"descriptions of fields that no longer exist: {sorted(unused)}"


def test_empty_template_validates_as_an_empty_dataset(tmp_path: Path) -> None:
    ds = read_dataset(write_data_template(tmp_path / "t.xlsx"))
    assert all(len(getattr(ds, kind)) == 0 for kind in ENTITY_MODELS)


def test_template_must_be_an_xlsx_name(tmp_path: Path) -> None:
    from xlreport.errors import OutputError

    with pytest.raises(OutputError, match=r"a data workbook is an \.xlsx file"):
        write_data_template(tmp_path / "t.xls")


def test_data_format_doc_describes_every_column_and_command() -> None:
    doc = (COMMITTED.parents[1] / "docs" / "data-format.md").read_text(encoding="utf-8")
    for lay in sheet_layouts():
        assert f"### {lay.sheet} ({lay.csv_name})" in doc
        for column in lay.columns:
            assert f"| `{column.name}` |" in doc, f"{lay.sheet}.{column.name} is not documented"
    for command in ("template", "validate", "import", "export"):
        assert f"xlreport data {command}" in doc
