"""Reading plan data from a data workbook (.xlsx) or a folder of CSV files, with locations.

:func:`read_dataset` reads every sheet through the guards (:mod:`xlreport.io.guard`),
converts cells (:mod:`xlreport.io.cells`), validates every row with the model, checks ids
and references, and returns a :class:`~xlreport.model.Dataset`. Every problem found, in
any sheet, is collected and raised at once as :class:`~xlreport.errors.ValidationFailed`,
each with the location a user can find: ``Targets!C14`` for a cell, ``Targets row 14``
for a row, ``targets.csv:14 (value)`` in a CSV file.

References may point to records that are not in the file but already in the store: pass
the stored records as ``known``. Ids and references are checked here, with cell
locations, by the rules of :func:`xlreport.model.check_references` (file + ``known``);
the returned Dataset holds only the file's records, each validated by its model, and is
assembled without running the same reference check a second time.
:meth:`xlreport.store.Store.import_dataset` checks the references again inside its
transaction.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from xlreport.errors import DataError, Problem, ValidationFailed
from xlreport.io.cells import EMPTY, CellProblem, Converter, converter_for, unquote_csv_text
from xlreport.io.guard import DEFAULT_LIMITS, ReadLimits, read_csv_rows, read_workbook_sheets
from xlreport.io.layout import (
    DRAFT_COLUMN,
    REVIEW_COLUMNS,
    Column,
    ColumnKind,
    SheetLayout,
    column_letter,
    sheet_layouts,
)
from xlreport.model import ENTITY_MODELS, ID_HELP, Dataset

__all__ = ["RawSheet", "bulk_allocation", "read_dataset", "read_raw_sheets", "validate_raw_sheets"]


@dataclass(frozen=True, slots=True)
class RawSheet:
    """The cells of one sheet or CSV file as read, by column; item 0 of each is the header.

    Every column holds ``height`` cells (short CSV lines are padded with ``""``).
    """

    layout: SheetLayout
    columns: Sequence[Sequence[Any]]
    height: int
    csv_file: str | None = None  # set for CSV input: locations are ``file:line (column)``

    @classmethod
    def from_rows(
        cls, layout: SheetLayout, rows: list[list[Any]], csv_file: str | None = None
    ) -> RawSheet:
        """The sheet of ``rows`` (which may differ in length), the header row first."""
        width = max(map(len, rows), default=0)
        if any(len(row) < width for row in rows):
            rows = [row if len(row) == width else row + [""] * (width - len(row)) for row in rows]
        columns = list(zip(*rows, strict=False)) if rows else []  # rectangular: nothing lost
        return cls(layout, columns, len(rows), csv_file)

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


@contextmanager
def bulk_allocation() -> Iterator[None]:
    """Pause the cyclic garbage collector while millions of cells become objects.

    Every allocation of a container counts towards a collection, and collections walk
    all live containers: a third of the import's time went there. Nothing created here
    forms cycles, and the collector is restored (and runs normally) afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


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
            rows = read_csv_rows(file, limits)
            sheets[lay.collection] = RawSheet.from_rows(lay, rows, lay.csv_name)
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
            columns = found[lay.sheet]
            height = len(columns[0]) if columns else 0
            sheets[lay.collection] = RawSheet(lay, columns, height)
    return sheets, problems


def _draft_problems(raw: RawSheet) -> list[Problem]:
    """Rows of a drafted workbook whose ``draft`` cell is still filled in: not yet reviewed."""
    found: list[Problem] = []
    for col, values in enumerate(raw.columns):
        head = values[0] if values else None
        if not (isinstance(head, str) and head.strip() == DRAFT_COLUMN):
            continue
        for row in range(1, raw.height):
            cell = values[row]
            if cell in ("", None, False) or (isinstance(cell, str) and not cell.strip()):
                continue
            found.append(
                Problem(
                    raw.cell(row, col, DRAFT_COLUMN),
                    "row not reviewed: it was drafted from a document; check it against its "
                    "quote, correct it, then clear this Draft cell (or delete the row)",
                )
            )
    return found


def _map_header(raw: RawSheet, problems: list[Problem]) -> dict[str, int] | None:
    """Column name -> index; None when the sheet cannot be read row by row."""
    lay = raw.layout
    expected = ", ".join(lay.names)
    if not raw.height:
        problems.append(
            Problem(raw.cell(0, 0, "header"), f"the header row is missing: write {expected}")
        )
        return None
    known = set(lay.names)
    index: dict[str, int] = {}
    for col, values in enumerate(raw.columns):
        cell = values[0]
        name = cell.strip() if isinstance(cell, str) else cell
        if name == "" or name is None:
            if any(v not in ("", None) for v in values[1:]):
                problems.append(
                    Problem(raw.cell(0, col, "?"), "this column holds data but has no header")
                )
            continue
        if isinstance(name, str) and name in REVIEW_COLUMNS:
            continue  # a drafted workbook's review columns: see _draft_problems
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


@dataclass(frozen=True, slots=True)
class _Found:
    """A problem with its row and column, for ordering."""

    row: int
    col: int
    problem: Problem


@dataclass(slots=True)
class _Parsed:
    records: list[dict[str, Any]]
    row_of: list[int]  # row index in the sheet of each record
    bad_cells: set[tuple[int, str]]  # (record index, field) that already has a problem
    columns: dict[str, list[Any]]  # field -> the records' values, for fields they hold

    def column(self, field: str) -> list[Any]:
        """Each record's value of ``field`` (None where it is left out)."""
        values = self.columns.get(field)
        return values if values is not None else [None] * len(self.records)


#: Column kinds whose text is stripped of surrounding spaces.
_STRIPPED = frozenset(
    {ColumnKind.ID, ColumnKind.PERIOD, ColumnKind.DEADLINE, ColumnKind.UNIT, ColumnKind.CURRENCY}
)
#: Column kinds with a cell type that needs no conversion at all.
_READY: dict[ColumnKind, type] = {
    ColumnKind.NUMBER: float,
    ColumnKind.TEXT: str,
    ColumnKind.DATE: date,
    ColumnKind.BOOLEAN: bool,
}


def _kept_rows(raw: RawSheet) -> list[int]:
    """The rows below the header that are not blank (only empty or spaces-only text).

    Most rows start with their id, which settles it at once; only rows whose first cell
    is blank are looked at across the columns.
    """
    columns, height = raw.columns, raw.height
    if height <= 1 or not columns:
        return []
    first = columns[0]
    suspects = [r for r in range(1, height) if type(first[r]) is str and not first[r].strip()]
    blank = {r for r in suspects if all(type(c[r]) is str and not c[r].strip() for c in columns)}
    return [r for r in range(1, height) if r not in blank] if blank else list(range(1, height))


def _build_records(names: list[str], columns: list[list[Any]]) -> list[dict[str, Any]]:
    """One dict per record, field name -> value, from the fields' columns."""
    return _record_builder(tuple(names))(*columns)


@cache
def _record_builder(names: tuple[str, ...]) -> Callable[..., list[dict[str, Any]]]:
    """A function building every record with one dict display per row.

    ``[{"id": v0, "value": v1} for v0, v1 in zip(c0, c1)]`` runs twice as fast as
    ``dict(zip(names, row))`` per row. The field names are the layout's own (never the
    file's) and are written into the source as string literals (``repr``).
    """
    params = ", ".join(f"c{i}" for i in range(len(names)))
    values = ", ".join(f"v{i}" for i in range(len(names))) + ","
    items = ", ".join(f"{name!r}: v{i}" for i, name in enumerate(names))
    source = f"def build({params}):\n    return [{{{items}}} for {values} in zip({params})]\n"
    scope: dict[str, Any] = {}
    exec(compile(source, "<record builder>", "exec"), scope)  # layout names only, as literals
    builder: Callable[..., list[dict[str, Any]]] = scope["build"]
    return builder


_SPACES = (" ", "\t", "\n", "\r", "\xa0", "\u3000")


def _already_clean(values: Sequence[Any], column: Column) -> bool:
    """True when the column needs no conversion: every cell has its final type already.

    Checked with C-level passes (a set of the cell types, one regex over the joined text)
    instead of a Python step per cell.
    """
    ready = _READY.get(column.kind)
    types = set(map(type, values))
    if ready is not None and ready is not str:
        return types == {ready}
    if types != {str} or "" in values:
        return False
    if column.kind is ColumnKind.TEXT:
        return True
    if column.kind is ColumnKind.CHOICE:
        return set(values) <= set(column.choices)
    if column.kind in _STRIPPED:  # ids, codes and periods hold no spaces at all when clean
        joined = "".join(values)
        return not any(space in joined for space in _SPACES)
    return False


def _convert_fast(values: Sequence[Any], column: Column, conv: Converter) -> list[Any]:
    """Convert a whole column in comprehensions; raises CellProblem at the first bad cell.

    An empty cell becomes the column's default (None for a required column, which the
    model then reports as required).
    """
    if _already_clean(values, column):
        return list(values)
    default, kind = column.default, column.kind
    ready = _READY.get(kind)
    if ready is not None:
        out = [default if v == "" else v if type(v) is ready else conv(v) for v in values]
    elif kind in _STRIPPED:
        out = [default if v == "" else v.strip() if type(v) is str else conv(v) for v in values]
        if "" in out:  # cells holding only spaces
            out = [default if v == "" else v for v in out]
    elif kind is ColumnKind.CHOICE:
        exact = frozenset(column.choices)
        out = [default if v == "" else v if v in exact else conv(v) for v in values]
    else:
        out = [default if v == "" else conv(v) for v in values]
    if EMPTY in out:
        out = [default if v is EMPTY else v for v in out]
    return out


def _parse_rows(raw: RawSheet, index: dict[str, int], problems: list[_Found]) -> _Parsed:
    row_of = _kept_rows(raw)
    every_row = len(row_of) == raw.height - 1
    names: list[str] = []
    columns: list[list[Any]] = []
    bad: set[tuple[int, str]] = set()
    for column in raw.layout.columns:
        if column.name not in index:
            continue
        j = index[column.name]
        cells = raw.columns[j]
        values: Sequence[Any] = cells[1:] if every_row else [cells[r] for r in row_of]
        if raw.csv_file is not None and column.kind is ColumnKind.TEXT:
            values = [unquote_csv_text(v) if v[:1] == "'" else v for v in values]
        conv = converter_for(column)
        try:
            out = _convert_fast(values, column, conv)
        except CellProblem:
            out = []
            for i, v in enumerate(values):
                value = column.default
                if v != "":
                    try:
                        converted = conv(v)
                    except CellProblem as exc:
                        cell = raw.cell(row_of[i], j, column.name)
                        problems.append(_Found(row_of[i], j, Problem(cell, str(exc))))
                        bad.add((i, column.name))
                    else:
                        value = column.default if converted is EMPTY else converted
                out.append(value)
        if not column.required and out.count(column.default) == len(out):
            continue  # all empty: leave the field out, the model's default applies
        names.append(column.name)
        columns.append(out)
    if not columns:
        return _Parsed([{} for _ in row_of], row_of, bad, {})
    records = _build_records(names, columns)
    return _Parsed(records, row_of, bad, dict(zip(names, columns, strict=True)))


def _pydantic_problems(
    raw: RawSheet, index: dict[str, int], parsed: _Parsed, exc: ValidationError
) -> list[_Found]:
    required = {c.name for c in raw.layout.columns if c.required}
    out = []
    for err in exc.errors(include_url=False):
        loc = err["loc"]
        i = loc[0] if loc and isinstance(loc[0], int) else None
        if i is None:
            out.append(_Found(0, 0, Problem(raw.where, err["msg"])))
            continue
        r = parsed.row_of[i]
        field = loc[1] if len(loc) > 1 and isinstance(loc[1], str) else None
        if field is not None and (i, field) in parsed.bad_cells:
            continue  # already reported with the cell's own value
        kind = err["type"]
        msg = err["msg"].removeprefix("Value error, ")
        if kind == "missing" or (field in required and err.get("input", "") is None):
            msg = f"{field} is required: this cell must not be empty"
        elif kind == "string_pattern_mismatch":
            msg = f"{err['input']!r} is not a valid id: {ID_HELP}"
        elif kind == "string_too_short":
            msg = f"{field} must not be empty"
        if field is None:
            out.append(_Found(r, -1, Problem(raw.row(r), msg)))
        elif field in index:
            out.append(_Found(r, index[field], Problem(raw.cell(r, index[field], field), msg)))
        else:
            text = f"{field}: {msg} (the column {field} is absent)"
            out.append(_Found(r, -1, Problem(raw.row(r), text)))
    return out


@dataclass(slots=True)
class _Checked:
    raw: RawSheet
    index: dict[str, int]
    parsed: _Parsed
    models: list[BaseModel] | None

    def column(self, field: str) -> list[Any]:
        return self.parsed.column(field)


#: References checked across sheets: (kind, field) -> kind referred to.
_REFERENCES: dict[tuple[str, str], str] = {
    ("plans", "source_id"): "sources",
    ("targets", "plan_id"): "plans",
    ("targets", "source_id"): "sources",
    ("observations", "source_id"): "sources",
    ("observations", "target_id"): "targets",
}


def _check_ids_and_references(
    checked: dict[str, _Checked], known: Dataset | None, problems: list[Problem]
) -> None:
    """Duplicate ids, dangling references and target/indicator disagreements, located.

    These are the rules of :func:`xlreport.model.check_references`, applied with cell
    locations and with the store's records as a second pool. Sets find the offenders;
    only they are looked up row by row.
    """
    ids: dict[str, set[str]] = {}
    for kind, c in checked.items():
        column = c.column("id")
        unique = set(column)
        ids[kind] = {i for i in unique if isinstance(i, str)}
        if len(unique) == len(column):
            continue
        first: dict[Any, int] = {}
        for i, ident in enumerate(column):
            r = c.parsed.row_of[i]
            if ident in first and isinstance(ident, str):
                place = "row" if c.raw.csv_file is None else "line"
                cell = c.raw.cell(r, c.index["id"], "id")
                problems.append(
                    Problem(cell, f"duplicate id {ident!r}: also on {place} {first[ident] + 1}")
                )
            first.setdefault(ident, r)
    stored: dict[str, set[str]] = {
        kind: {e.id for e in getattr(known, kind)} if known is not None else set()
        for kind in ENTITY_MODELS
    }
    where = "neither in this file nor in the database" if known is not None else "not in this file"
    for (kind, field), target_kind in _REFERENCES.items():
        sheet = checked.get(kind)
        if sheet is None or field not in sheet.index or target_kind not in ids:
            continue  # nothing to check, or the referenced sheet is itself unreadable
        refs = sheet.column(field)
        dangling = set(refs) - ids[target_kind] - stored[target_kind] - {None}
        if not dangling:
            continue
        for i, ref in enumerate(refs):
            if ref in dangling and isinstance(ref, str):
                problems.append(
                    Problem(
                        sheet.raw.cell(sheet.parsed.row_of[i], sheet.index[field], field),
                        f"{field} {ref!r} is not a known {target_kind[:-1]} id ({where}): "
                        f"add it to the {_place_of(target_kind, sheet.raw)}",
                    )
                )
    _check_indicators(checked, known, problems)


def _check_indicators(
    checked: dict[str, _Checked], known: Dataset | None, problems: list[Problem]
) -> None:
    """An observation's indicator must be its target's."""
    obs = checked.get("observations")
    if obs is None or "indicator" not in obs.index or "target_id" not in obs.index:
        return
    indicator_of = {t.id: t.indicator for t in known.targets} if known is not None else {}
    if "targets" in checked:
        t = checked["targets"]
        for ident, indicator in zip(t.column("id"), t.column("indicator"), strict=True):
            if isinstance(ident, str) and isinstance(indicator, str):
                indicator_of.setdefault(ident, indicator)
    targets, indicators = obs.column("target_id"), obs.column("indicator")
    wrong = {
        pair
        for pair in set(zip(targets, indicators, strict=True))
        if pair[0] in indicator_of and indicator_of[pair[0]] != pair[1]
    }
    if not wrong:
        return
    col = obs.index["indicator"]
    for i, pair in enumerate(zip(targets, indicators, strict=True)):
        if pair in wrong:
            target, indicator = pair
            problems.append(
                Problem(
                    obs.raw.cell(obs.parsed.row_of[i], col, "indicator"),
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
    """Validate raw rows into a Dataset, or raise ValidationFailed listing every problem.

    Every row is validated by its model; ids and references are checked here (with
    locations, against the file and ``known``), so the Dataset container is assembled
    from the validated records without running the same reference check a second time.
    """
    found = list(problems)
    checked: dict[str, _Checked] = {}
    for kind, model in ENTITY_MODELS.items():
        raw = sheets.get(kind)
        if raw is None:
            continue
        header_problems: list[Problem] = []
        index = _map_header(raw, header_problems)
        found += header_problems
        found += _draft_problems(raw)
        if index is None:
            continue
        sheet_problems: list[_Found] = []
        parsed = _parse_rows(raw, index, sheet_problems)
        models: list[BaseModel] | None
        try:
            models = _adapter(model).validate_python(parsed.records)
        except ValidationError as exc:
            models = None
            sheet_problems += _pydantic_problems(raw, index, parsed, exc)
        sheet_problems.sort(key=lambda f: (f.row, f.col))
        found += [f.problem for f in sheet_problems]
        checked[kind] = _Checked(raw, index, parsed, models)
    _check_ids_and_references(checked, known, found)
    if found:
        raise ValidationFailed(found, context=context)
    # each value is a tuple of that kind's own model (validated above); the mapping is keyed
    # by name, so its value type is only known per key
    collections: dict[str, Any] = {
        k: tuple(checked[k].models or ()) if k in checked else () for k in ENTITY_MODELS
    }
    return Dataset.model_construct(**collections)


def read_dataset(
    path: Path, *, known: Dataset | None = None, limits: ReadLimits = DEFAULT_LIMITS
) -> Dataset:
    """Read and validate a data workbook or CSV folder; raise ValidationFailed if not clean."""
    path = Path(path)
    with bulk_allocation():
        sheets, problems = read_raw_sheets(path, limits)
        return validate_raw_sheets(sheets, known=known, problems=problems, context=path.name)
