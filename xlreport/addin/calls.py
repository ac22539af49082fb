"""One batch of custom-function calls from the add-in, answered in order.

The add-in's JavaScript gathers the calls Excel makes in one recalculation and sends them
as ``[{"name": "XLR_STATUS", "args": [...]}, ...]``; :func:`run_calls` answers one entry
per call, in the same order: the value exactly as the xlwings function returns it, or
``{"error": message, "code": "#N/A" | "#VALUE!"}`` where the xlwings function shows
the error value (the same message and the same Excel error, from the same
:func:`~xlreport.excel.cells.message_for`). The code is the Excel error the add-in
returns, so ``IFERROR`` and ``ISNA`` see it: ``#N/A`` where the data has no answer,
``#VALUE!`` where an argument cannot be used, the store cannot be read, or on an
internal error (its traceback goes to the log, as for the xlwings functions).

The calls run the same Python functions as the xlwings add-in, reading the same
per-process data (:data:`xlreport.excel.cache.DATA`: one load per store revision, results
remembered per arguments). JSON has no distinction between ``2025`` and ``2025.0``; Excel
sends every number as a double, so whole numbers are given to Python as floats, as
xlwings gives them.
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable, Hashable, Mapping, Sequence
from functools import cache
from typing import Any

from xlreport.errors import AddinError, StoreError
from xlreport.excel import cache as excel_cache
from xlreport.excel.cells import BAD_NAME, BAD_VALUE, CellError, message_for

__all__ = ["MAX_ARGS", "CallError", "run_calls"]

MAX_ARGS = 16
_LOCK = threading.Lock()  # one batch at a time: the cache is built for one Excel process


class CallError(AddinError):
    """A request whose shape is wrong (not a list of {name, args}); the API answers 400."""


@cache
def _functions() -> dict[str, tuple[Callable[..., Any], int]]:
    """Function name -> (the undecorated Python function, its number of arguments)."""
    from xlreport.addin.metadata import catalog
    from xlreport.excel import functions

    return {
        spec.name: (inspect.unwrap(getattr(functions, spec.name)), len(spec.args))
        for spec in catalog()
    }


def _error(exc: BaseException, name: str) -> dict[str, str]:
    cell = message_for(exc, name)
    return {"error": cell.message, "code": cell.code}


def _from_json(value: Any) -> Any:
    """Excel's values from JSON: whole numbers as floats, ranges as lists of lists."""
    if isinstance(value, bool) or value is None or isinstance(value, str | float):
        return value
    if isinstance(value, int):
        return float(value)
    if isinstance(value, list):
        return [_from_json(v) for v in value]
    raise CallError(f"an argument is a {type(value).__name__}: send numbers, text, true/false")


def _key(value: Any) -> Hashable:
    """A dictionary key for arguments: lists (ranges) become tuples; the rest is already
    hashable (None, bool, float, str: what :func:`_from_json` lets through)."""
    if isinstance(value, list):
        return tuple(_key(v) for v in value)
    key: Hashable = value
    return key


def _parse(call: Any, index: int) -> tuple[str, list[Any]]:
    if not isinstance(call, Mapping):
        raise CallError(f"calls[{index}] is not an object with name and args")
    name, args = call.get("name"), call.get("args", [])
    if not isinstance(name, str) or not isinstance(args, list):
        raise CallError(f"calls[{index}]: give name (text) and args (a list)")
    if len(args) > MAX_ARGS:
        raise CallError(f"calls[{index}]: {len(args)} arguments; a function takes at most 16")
    return name, [_from_json(a) for a in args]


def _call_one(name: str, args: list[Any]) -> Any:
    known = _functions().get(name)
    if known is None:
        return {"error": f"unknown function {name!r}: see /functions.json", "code": BAD_NAME}
    func, arity = known
    if len(args) > arity:
        return {
            "error": f"{name} takes at most {arity} arguments, not {len(args)}",
            "code": BAD_VALUE,
        }
    args = args + [None] * (arity - len(args))  # omitted arguments: empty, as in Excel
    data = excel_cache.DATA
    key = ("addin", name, _key(args))
    try:
        return data.results[key]
    except KeyError:
        pass
    value, keep = excel_cache.run_guarded(func, name, args)
    if isinstance(value, CellError):
        value = {"error": value.message, "code": value.code}
    if keep:
        data.remember(key, value)
    return value


def run_calls(calls: Sequence[Any]) -> list[Any]:
    """Answer a batch of calls in order (see the module docstring).

    Raises :class:`CallError` when the batch itself is malformed (nothing is run).
    """
    parsed = [_parse(call, i) for i, call in enumerate(calls)]
    with _LOCK:
        data = excel_cache.DATA
        try:
            if data.clock() >= data.next_check:
                data.refresh()
        except StoreError as exc:
            return [_error(exc, name) for name, _ in parsed]
        return [_call_one(name, args) for name, args in parsed]
