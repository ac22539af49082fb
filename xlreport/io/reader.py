"""Reading plan data from a data workbook (.xlsx) or a folder of CSV files, with locations.

:func:`read_dataset` reads every sheet through the guards (:mod:`xlreport.io.guard`),
converts cells (:mod:`xlreport.io.cells`), validates every row with the model, checks ids
and references, and returns a :class:`~xlreport.model.Dataset`. Every problem found, in
any sheet, is collected and raised at once as :class:`~xlreport.errors.ValidationFailed`,
each with the location a user can find: ``Targets!C14`` for a cell, ``Targets row 14``
for a row, ``targets.csv:14 (value)`` in a CSV file.

References may point to records that are not in the file but already in the store: pass
the stored dataset as ``known``. The returned dataset then holds only the file's records,
each validated; its references were checked here against file + store (and the store
checks them again when it imports), so the container is built without repeating the
self-contained reference check.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from xlreport.errors import DataError, Problem, ValidationFailed
from xlreport.io.cells import EMPTY, CellProblem, converter_for, unquote_csv_text
from xlreport.io.guard import DEFAULT_LIMITS, ReadLimits, read_csv_rows, read_workbook_sheets
from xlreport.io.layout import ColumnKind, SheetLayout, column_letter, sheet_layouts
from xlreport.model import ENTITY_MODELS, ID_HELP, Dataset, check_references

__all__ = ["RawSheet", "read_dataset", "read_raw_sheets", "validate_raw_sheets"]


@dataclass(frozen=True, slots=True)
class RawSheet:
    """The rows of one sheet or CSV file as read, the header row first."""

    layout: SheetLayout
    rows: list[list[Any]]
    csv_file: str | None = None  # set for CSV input: locations are ``file:line (column)``

    def cell(self, row: int, col: int, name: str) -> str:
        if self.csv_file is not None:
            return f"{self.csv_file}:{row + 1} ({name})"
        return f"{self.layout.sheet}!{column_letter(col)}{row + 1}"

    def row(self, row: int) -> str:
        if self.csv_file is not None:
            return f"{self.csv_file}:{row + 1}"
        return f"{self.layout.sheet} row {row + 1}"

    @property
    def where(self) -> str:
        return self.csv_file or self.layout.sheet


@cache
def _adapter(model: type[BaseModel]) -> TypeAdapter[list[Any]]:
    return TypeAdapter(list[model])  # type: ignore[valid-type]


def read_raw_sheets(
    path: Path, limits: ReadLimits = DEFAULT_LIMITS
) -> tuple[dict[str, RawSheet], list[Problem]]:
    """The raw rows of every sheet (xlsx) or CSV file (folder), and the missing ones."""
    path = Path(path)
    layouts = sheet_layouts()
    sheets: dict[str, RawSheet] = {}
    problems: list[Problem] = []
    if path.is_dir():
        for lay in layouts:
            file = path / lay.csv_name
            if not file.is_file():
                problems.append(
                    Problem(
                        lay.csv_name,
                        f"missing in {path}: every file ("
                        + ", ".join(x.csv_name for x in layouts)
                        + ") must be there, at least with its header line",
                    )
                )
                continue
            sheets[lay.collection] = RawSheet(lay, read_csv_rows(file, limits), lay.csv_name)
        return sheets, problems
    if not path.exists():
        raise DataError(f"{path} does not exist: give an .xlsx workbook or a folder of CSV files")
    if path.suffix.lower() != ".xlsx":
        raise DataError(
            f"{path.name}: not an .xlsx workbook; import an .xlsx file in the layout of "
            "`xlreport data template`, or a folder of CSV files"
        )
    found, missing = read_workbook_sheets(path, [lay.sheet for lay in layouts], limits)
    for lay in layouts:
        if lay.sheet in missing:
            problems.append(
                Problem(
                    lay.sheet,
                    "sheet missing: the workbook needs the sheets "
                    + ", ".join(x.sheet for x in layouts)
                    + " (run `xlreport data template` for an empty one)",
                )
            )
        else:
            sheets[lay.collection] = RawSheet(lay, found[lay.sheet])
    return sheets, problems


def _map_header(raw: RawSheet, problems: list[Problem]) -> dict[str, int] | None:
    """Column name -> index; None when the sheet cannot be read row by row."""
    lay = raw.layout
    expected = ", ".join(lay.names)
    if not raw.rows:
        problems.append(
            Problem(raw.cell(0, 0, "header"), f"the header row is missing: write {expected}")
        )
        return None
    header = raw.rows[0]
    known = set(lay.names)
    index: dict[str, int] = {}
    for col, cell in enumerate(header):
        name = cell.strip() if isinstance(cell, str) else cell
        if name == "" or name is None:
            if any(col < len(r) and r[col] not in ("", None) for r in raw.rows[1:]):
                problems.append(
                    Problem(raw.cell(0, col, "?"), "this column holds data but has no header")
                )
            continue
        if not isinstance(name, str) or name not in known:
            problems.append(
                Problem(
                    raw.cell(0, col, str(name)),
                    f"unknown column {name!r}: the columns of {raw.where} are {expected}",
                )
            )
            continue
        if name in index:
            problems.append(
                Problem(
                    raw.cell(0, col, name),
                    f"duplicate column {name!r} (also column "
                    f"{column_letter(index[name]) if raw.csv_file is None else index[name] + 1})",
                )
            )
            continue
        index[name] = col
    missing = [c.name for c in lay.columns if c.required and c.name not in index]
    if missing:
        problems.append(
            Problem(
                raw.where,
                f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}: "
                f"the columns are {expected}",
            )
        )
        return None
    return index


@dataclass(slots=True)
class _Parsed:
    records: list[dict[str, Any]]
    row_of: list[int]  # row index in the sheet of each record
    bad_cells: set[tuple[int, str]]  # (record index, field) that already has a problem


def _parse_rows(raw: RawSheet, index: dict[str, int], problems: list[Problem]) -> _Parsed:
    cols = []
    for column in raw.layout.columns:
        if column.name in index:
            conv = converter_for(column)
            unquote = raw.csv_file is not None and column.kind is ColumnKind.TEXT
            cols.append((index[column.name], column.name, conv, unquote))
    records: list[dict[str, Any]] = []
    row_of: list[int] = []
    bad: set[tuple[int, str]] = set()
    rows = raw.rows
    for r in range(1, len(rows)):
        row = rows[r]
        width = len(row)
        rec: dict[str, Any] = {}
        failed = False
        for col, name, conv, unquote in cols:
            value = row[col] if col < width else ""
            if value == "":
                continue
            if unquote:
                value = unquote_csv_text(value)
            try:
                value = conv(value)
            except CellProblem as exc:
                problems.append(Problem(raw.cell(r, col, name), str(exc)))
                bad.add((len(records), name))
                failed = True
                continue
            if value is not EMPTY:
                rec[name] = value
        if rec or failed:
            records.append(rec)
            row_of.append(r)
    return _Parsed(records, row_of, bad)


def _pydantic_problems(
    raw: RawSheet, index: dict[str, int], parsed: _Parsed, exc: ValidationError
) -> list[Problem]:
    out = []
    for err in exc.errors(include_url=False):
        loc = err["loc"]
        i = loc[0] if loc and isinstance(loc[0], int) else None
        if i is None:
            out.append(Problem(raw.where, err["msg"]))
            continue
        r = parsed.row_of[i]
        field = loc[1] if len(loc) > 1 and isinstance(loc[1], str) else None
        if field is not None and (i, field) in parsed.bad_cells:
            continue  # already reported with the cell's own value
        kind = err["type"]
        msg = err["msg"].removeprefix("Value error, ")
        if kind == "missing":
            msg = f"{field} is required: this cell must not be empty"
        elif kind == "string_pattern_mismatch":
            msg = f"{err['input']!r} is not a valid id: {ID_HELP}"
        elif kind == "string_too_short":
            msg = f"{field} must not be empty"
        if field is None:
            out.append(Problem(raw.row(r), msg))
        elif field in index:
            out.append(Problem(raw.cell(r, index[field], field), msg))
        else:
            out.append(Problem(raw.row(r), f"{field}: {msg} (the column {field} is absent)"))
    return out


@dataclass(slots=True)
class _Checked:
    raw: RawSheet
    index: dict[str, int]
    parsed: _Parsed
    models: list[BaseModel] | None


def _check_ids_and_references(
    checked: dict[str, _Checked], known: Dataset | None, problems: list[Problem]
) -> None:
    ids: dict[str, set[str]] = {}
    for kind, c in checked.items():
        first: dict[str, int] = {}
        col = c.index["id"]
        for i, rec in enumerate(c.parsed.records):
            ident = rec.get("id")
            if not isinstance(ident, str):
                continue
            r = c.parsed.row_of[i]
            if ident in first:
                problems.append(
                    Problem(
                        c.raw.cell(r, col, "id"),
                        f"duplicate id {ident!r}: also on "
                        + ("row" if c.raw.csv_file is None else "line")
                        + f" {first[ident] + 1}",
                    )
                )
            else:
                first[ident] = r
        ids[kind] = set(first)
    stored: dict[str, set[str]] = {
        kind: {e.id for e in getattr(known, kind)} if known is not None else set()
        for kind in ENTITY_MODELS
    }
    indicator_of = {t.id: t.indicator for t in known.targets} if known is not None else {}
    if "targets" in checked:
        for rec in checked["targets"].parsed.records:
            if isinstance(rec.get("id"), str) and isinstance(rec.get("indicator"), str):
                indicator_of.setdefault(rec["id"], rec["indicator"])
    refs = {
        "plans": [("source_id", "sources")],
        "targets": [("plan_id", "plans"), ("source_id", "sources")],
        "observations": [("source_id", "sources"), ("target_id", "targets")],
    }
    where = "neither in this file nor in the database" if known is not None else "not in this file"
    for kind, fields in refs.items():
        c = checked.get(kind)
        if c is None:
            continue
        for i, rec in enumerate(c.parsed.records):
            r = c.parsed.row_of[i]
            for field, target_kind in fields:
                ref = rec.get(field)
                if not isinstance(ref, str) or field not in c.index or target_kind not in ids:
                    continue  # nothing to check, or the referenced sheet is itself missing
                if ref not in ids.get(target_kind, set()) and ref not in stored[target_kind]:
                    problems.append(
                        Problem(
                            c.raw.cell(r, c.index[field], field),
                            f"{field} {ref!r} is not a known {target_kind[:-1]} id ({where}): "
                            f"add it to the {_place_of(target_kind, c.raw)}",
                        )
                    )
            if kind == "observations":
                target, indicator = rec.get("target_id"), rec.get("indicator")
                if (
                    isinstance(target, str)
                    and isinstance(indicator, str)
                    and target in indicator_of
                    and indicator_of[target] != indicator
                    and "indicator" in c.index
                ):
                    problems.append(
                        Problem(
                            c.raw.cell(r, c.index["indicator"], "indicator"),
                            f"indicator {indicator!r} differs from target {target!r}'s "
                            f"indicator {indicator_of[target]!r}",
                        )
                    )


def _place_of(kind: str, raw: RawSheet) -> str:
    """Where records of ``kind`` go, in the input's own terms (sheet or CSV file)."""
    lay = next(x for x in sheet_layouts() if x.collection == kind)
    return lay.csv_name if raw.csv_file is not None else f"{lay.sheet} sheet"


def validate_raw_sheets(
    sheets: dict[str, RawSheet],
    *,
    known: Dataset | None = None,
    problems: Sequence[Problem] = (),
    context: str = "",
) -> Dataset:
    """Validate raw rows into a Dataset, or raise ValidationFailed listing every problem."""
    found = list(problems)
    checked: dict[str, _Checked] = {}
    for kind, model in ENTITY_MODELS.items():
        raw = sheets.get(kind)
        if raw is None:
            continue
        sheet_problems: list[Problem] = []
        index = _map_header(raw, sheet_problems)
        if index is None:
            found += sheet_problems
            continue
        parsed = _parse_rows(raw, index, sheet_problems)
        models: list[BaseModel] | None
        try:
            models = _adapter(model).validate_python(parsed.records)
        except ValidationError as exc:
            models = None
            sheet_problems += _pydantic_problems(raw, index, parsed, exc)
        found += sheet_problems
        checked[kind] = _Checked(raw, index, parsed, models)
    _check_ids_and_references(checked, known, found)
    if found:
        raise ValidationFailed(found, context=context)
    collections = {k: tuple(checked[k].models or ()) if k in checked else () for k in ENTITY_MODELS}
    ds = Dataset.model_construct(**collections)
    if check_references(ds):
        # References into the store (checked above against it): keep the file's records
        # only; Store.import_dataset checks the references again in its transaction.
        return ds
    # Self-contained: the model checks it as well (instances are not validated again).
    return Dataset.model_validate(collections)


def read_dataset(
    path: Path, *, known: Dataset | None = None, limits: ReadLimits = DEFAULT_LIMITS
) -> Dataset:
    """Read and validate a data workbook or CSV folder; raise ValidationFailed if not clean."""
    path = Path(path)
    sheets, problems = read_raw_sheets(path, limits)
    return validate_raw_sheets(sheets, known=known, problems=problems, context=path.name)
