"""``functions.json``: the Office custom-functions metadata, built from the function catalog.

The catalog (:func:`xlreport.excel.catalog.list_functions` over
:mod:`xlreport.excel.functions`) gives each function's name, help and arguments; the
xlwings add-in and ``docs/excel.md`` are made from the same specs. In Excel the functions
of an Office add-in carry the add-in's namespace, so ``XLR_STATUS`` is ``=XLR.STATUS``:
the id stays the Python name, the name shown drops the ``XLR_`` prefix.

Arguments that take a range of names (``fields``) are declared as matrices, so a cell
range reaches Python as a list of rows, as it does through xlwings; every other argument
is a single value. Functions that return a table spill (``"dimensionality": "matrix"``).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from xlreport.excel.catalog import FunctionSpec, list_functions

__all__ = [
    "NAMESPACE",
    "RANGE_ARGUMENTS",
    "build_metadata",
    "catalog",
    "excel_name",
    "function_table",
]

NAMESPACE = "XLR"
PREFIX = "XLR_"
#: Arguments that accept a whole range (a list of names); the others take one cell.
RANGE_ARGUMENTS = frozenset({"fields"})


@cache
def catalog() -> tuple[FunctionSpec, ...]:
    """The specs of the add-in's functions, in the order of the functions module: every
    custom function but those of the xlwings workbook only (``WINDOWS_ONLY``)."""
    from xlreport.excel import functions

    return tuple(s for s in list_functions(functions) if s.name not in functions.WINDOWS_ONLY)


def excel_name(spec: FunctionSpec) -> str:
    """The name shown in Excel after the namespace: ``XLR_STATUS`` -> ``STATUS``."""
    return spec.name.removeprefix(PREFIX)


def _parameter(name: str, help_text: str, optional: bool) -> dict[str, Any]:
    return {
        "name": name,
        "description": help_text,
        "type": "any",
        "dimensionality": "matrix" if name in RANGE_ARGUMENTS else "scalar",
        "optional": optional,
    }


def build_metadata(specs: tuple[FunctionSpec, ...] | None = None) -> dict[str, Any]:
    """The ``functions.json`` document (custom-functions-metadata format)."""
    functions = []
    for spec in catalog() if specs is None else specs:
        functions.append(
            {
                "id": spec.name,
                "name": excel_name(spec),
                "description": spec.help,
                "parameters": [_parameter(a.name, a.help, a.optional) for a in spec.args],
                "result": {
                    "type": "any",
                    "dimensionality": "matrix" if spec.returns == "table" else "scalar",
                },
            }
        )
    return {"functions": functions}


def function_table() -> list[dict[str, Any]]:
    """What the add-in's JavaScript needs to register the functions: id, arity, shape."""
    return [
        {
            "id": spec.name,
            "params": len(spec.args),
            "matrix": spec.returns == "table",
        }
        for spec in catalog()
    ]
