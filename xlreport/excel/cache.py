"""Plan data for custom functions: loaded once per Excel process, reloaded when it changes.

A sheet with 10,000 formulas calls the functions 10,000 times per recalculation, so each
call must be a couple of dictionary lookups. :class:`ExcelData` therefore

* opens the store once and loads the whole dataset once per store revision, with the
  per-target dictionaries the functions read (:class:`Snapshot`);
* runs the progress engine once per ``(as_of, tolerance)`` over *all* targets and keeps
  the rows as dictionaries of cell-ready values;
* memoises rate quotes per argument tuple, and each function's results per
  ``(function, arguments)`` (:func:`answer_from_cache`, which also turns errors into
  messages for the cell);
* asks the store for its revision (:meth:`xlreport.store.Store.revision`, one single-row
  read) at most once per ``check_every`` seconds of the monotonic clock; when the revision
  differs, every cached result is dropped, so a sheet never shows stale data for longer
  than that interval. Today's date (the default as-of date) is refreshed by the same check.

Nothing here imports xlwings; the functions module holds one :data:`DATA` instance.
"""

from __future__ import annotations

import functools
import inspect
import threading
import time
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from xlreport.errors import StoreError, XlreportError
from xlreport.excel.cells import CellError, excel_value, logger, message_for, to_cell

if TYPE_CHECKING:
    import pandas as pd

    from xlreport.app import App
    from xlreport.fx import RateBook
    from xlreport.model import Dataset, Observation, Plan
    from xlreport.store import Store

__all__ = ["DATA", "CellErrors", "ExcelData", "Snapshot", "answer_from_cache", "run_guarded"]

F = TypeVar("F", bound=Callable[..., Any])

#: Keep at most this many (as_of, tolerance) progress tables and rate quotes per revision.
MAX_PROGRESS_TABLES = 64
MAX_MEMO = 100_000
#: Keep the messages of at most this many failed cells (about 15 MB at the most).
MAX_NOTED_ERRORS = 20_000


@dataclass
class Snapshot:
    """One store revision's data, indexed for the custom functions."""

    revision: int
    dataset: Dataset
    targets: pd.DataFrame
    observations: pd.DataFrame
    target_fields: dict[str, dict[str, Any]]  # target id -> field -> cell value
    plan_targets: dict[str, list[str]]  # plan id -> target ids in dataset order
    plans: dict[str, Plan]
    observations_by_indicator: dict[str, list[Observation]]
    data_vintage: date | None
    rate_book: RateBook | None = None
    memo: dict[Hashable, Any] = field(default_factory=dict)


def _default_app() -> App:
    from xlreport.app import App

    return App.from_environment()


def _caller_key(cell: Any) -> tuple[str, str, str] | None:
    """(book, sheet, address of the top-left cell) of an xlwings Range, or None when it
    is not a cell's. An array formula's caller is its whole range, and its error shows in
    the top-left cell: that is the cell ``XLR_ERROR`` is pointed at."""
    try:
        top_left = str(cell.address).split(":")[0]
        return (str(cell.sheet.book.name), str(cell.sheet.name), top_left)
    except Exception:  # called from VBA or the Function Wizard: no calling cell
        return None


def _first_formula(cell: Any) -> str:
    """The formula of a Range's top-left cell (xlwings gives a multi-cell Range's
    formulas as rows of tuples), or "" when it cannot be read."""
    try:
        formula = cell.formula
    except Exception:
        return ""
    while isinstance(formula, tuple | list):
        if not formula:
            return ""
        formula = formula[0]
    return str(formula)


class CellErrors:
    """The message of the last error each cell showed, for ``XLR_ERROR(cell)``.

    In Excel for Windows a failed function answers a real error value (``#N/A``,
    ``#VALUE!``), which has no room for text. :func:`answer_from_cache` therefore notes
    each failure under its calling cell (xlwings' ``caller``), with the cell's formula,
    and :meth:`message` gives it back while that cell still shows that error from that
    formula. At most :data:`MAX_NOTED_ERRORS` cells are kept (the oldest go first).
    """

    def __init__(self) -> None:
        self._by_cell: dict[tuple[str, str, str], tuple[str, str, str]] = {}
        self._lock = threading.Lock()

    def note(self, caller: Any, error: CellError) -> None:
        key = _caller_key(caller)
        if key is None:
            return
        formula = _first_formula(caller)
        with self._lock:
            self._by_cell.pop(key, None)
            if len(self._by_cell) >= MAX_NOTED_ERRORS:
                del self._by_cell[next(iter(self._by_cell))]
            self._by_cell[key] = (error.code, error.message, formula)

    def message(self, cell: Any) -> str:
        """The message behind the error ``cell`` shows, or "" if it shows none of ours."""
        key = _caller_key(cell)
        noted = None if key is None else self._by_cell.get(key)
        if noted is None:
            return ""
        code, message, formula = noted
        shown = cell.options(err_to_str=True).value
        if shown != code or (formula and _first_formula(cell) != formula):
            return ""  # recalculated since, or another formula: that message is stale
        return message

    def __len__(self) -> int:
        return len(self._by_cell)


class ExcelData:
    """The data behind the custom functions of one Excel (COM server) process."""

    def __init__(
        self,
        open_store: Callable[[], Store] | None = None,
        *,
        app: Callable[[], App] = _default_app,
        check_every: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        today: Callable[[], date] | None = None,
    ) -> None:
        """``app`` makes the process's :class:`xlreport.app.App` on first use (store,
        rate book, settings, the calendar clock); ``open_store`` (tests) gives the store
        instead, with settings from the environment. ``clock`` is the monotonic clock of
        the freshness checks, ``today`` the calendar (default: the App's clock)."""
        self._open_store = open_store
        self._make_app = app
        self._app: App | None = None
        self._check_every = check_every
        self.clock = clock
        self._today_fn = today or (lambda: self.app.today())
        self._lock = threading.RLock()
        self._store: Store | None = None
        self._snapshot: Snapshot | None = None
        self._progress: dict[tuple[date, float], dict[str, dict[str, Any]]] = {}
        self.next_check = float("-inf")
        self.today: date = today() if today is not None else date.min
        self.results: dict[Hashable, Any] = {}
        self.cell_errors = CellErrors()
        self.default_tolerance: float = 0.05
        self.loads = 0  # how many times the dataset was loaded (for tests and about)
        self.checks = 0  # how many times the store's revision was read

    # ------------------------------------------------------------------ freshness

    @property
    def app(self) -> App:
        """The App this process's functions use (made on first use)."""
        if self._app is None:
            with self._lock:
                if self._app is None:
                    if self._open_store is not None:
                        from xlreport.app import App
                        from xlreport.settings import get_settings

                        self._app = App(get_settings(), store=self._open_store())
                    else:
                        self._app = self._make_app()
                    self.default_tolerance = self._app.settings.about_tolerance
        return self._app

    @property
    def store(self) -> Store:
        if self._store is None:
            with self._lock:
                if self._store is None:
                    self._store = self.app.store
        return self._store

    def refresh(self) -> None:
        """Read the store's revision now; drop every cached result if it changed (or if
        the date changed, since omitted as-of dates mean today)."""
        with self._lock:
            self.checks += 1
            today = self._today_fn()
            revision = self.store.revision()
            if self._snapshot is None or self._snapshot.revision != revision:
                self._snapshot = self._load(revision)
                self._progress = {}
                self.results = {}
            elif today != self.today:
                self._progress = {}
                self.results = {}
            self.today = today
            self.next_check = self.clock() + self._check_every

    def remember(self, key: Hashable, value: Any) -> None:
        """Keep a function's result (see :func:`answer_from_cache`)."""
        if len(self.results) >= MAX_MEMO:
            self.results = {}
        self.results[key] = value

    def snapshot(self) -> Snapshot:
        """The current data; reads the revision at most once per ``check_every`` seconds."""
        if self.clock() >= self.next_check:
            self.refresh()
        snap = self._snapshot
        assert snap is not None
        return snap

    def _load(self, revision: int) -> Snapshot:
        from xlreport.frames import observations_frame, targets_frame, without_unit_mismatches

        ds = self.store.load_dataset()
        self.loads += 1
        fields = targets_frame(ds)
        target_fields = {
            str(row["id"]): {k: to_cell(v) for k, v in row.items()}
            for row in fields.to_dict("records")
        }
        plan_targets: dict[str, list[str]] = {p.id: [] for p in ds.plans}
        for t in ds.targets:
            plan_targets.setdefault(t.plan_id, []).append(t.id)
        by_indicator: dict[str, list[Observation]] = {}
        for o in ds.observations:
            by_indicator.setdefault(o.indicator, []).append(o)
        vintage = max((o.published for o in ds.observations), default=None)
        return Snapshot(
            revision=revision,
            dataset=ds,
            targets=fields,
            # a stored row in the wrong unit is left out (logged), as report and CLI do
            observations=without_unit_mismatches(fields, observations_frame(ds)),
            target_fields=target_fields,
            plan_targets=plan_targets,
            plans={p.id: p for p in ds.plans},
            observations_by_indicator=by_indicator,
            data_vintage=vintage,
        )

    # ------------------------------------------------------------------ progress

    def progress(self, as_of: date | None, tolerance: float | None) -> dict[str, dict[str, Any]]:
        """Progress rows by target id as of ``as_of`` (default today), cell-ready values."""
        if self.clock() >= self.next_check:
            self.refresh()
        key = (
            self.today if as_of is None else as_of,
            self.default_tolerance if tolerance is None else tolerance,
        )
        rows = self._progress.get(key)
        if rows is None:
            rows = self._compute_progress(key)
        return rows

    def _compute_progress(self, key: tuple[date, float]) -> dict[str, dict[str, Any]]:
        from xlreport.progress import compute_progress

        with self._lock:
            snap = self.snapshot()
            frame = compute_progress(snap.targets, snap.observations, key[0], tolerance=key[1])
            as_of = key[0].isoformat()
            rows = {
                str(tid): {**{k: to_cell(v) for k, v in row.items()}, "as_of": as_of}
                for tid, row in frame.to_dict("index").items()
            }
            if len(self._progress) >= MAX_PROGRESS_TABLES:
                self._progress.clear()
            self._progress[key] = rows
            return rows

    # ------------------------------------------------------------------ currency

    def rate_book(self) -> RateBook:
        """The App's one rate book (fetched or shipped ECB, H.10, the stored rate tables),
        built once per store revision: a rate update bumps the revision too."""
        snap = self.snapshot()
        if snap.rate_book is None:
            with self._lock:
                snap.rate_book = self.app.rate_book()
        return snap.rate_book

    def memoised(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """``compute()`` once per key and store revision (errors are not kept)."""
        memo = self.snapshot().memo
        try:
            return memo[key]
        except KeyError:
            pass
        value = compute()
        if len(memo) >= MAX_MEMO:
            memo.clear()
        memo[key] = value
        return value


#: The one instance the custom functions use (created empty; nothing is read until used).
DATA = ExcelData()


def answer_from_cache(func: F, *, remember: bool = True) -> F:
    """Wrap a custom function: results from :data:`DATA`, errors as Excel errors.

    The hot path: one clock read (the store's revision is read at most once per
    ``check_every`` seconds, and every remembered result dropped when it changes), then
    one dictionary lookup by ``(function name, arguments)``. On a miss the function runs;
    its value, or the :class:`~xlreport.excel.cells.CellError` of an
    :class:`XlreportError` it raised, is remembered for the same arguments (not when the
    store could not be read, and not for calls with a range argument, which is a list).
    Any other exception becomes a short ``internal error`` one and is logged with its
    traceback, not remembered. ``remember=False``: always run (for a function that reads
    the workbook, not the store).

    The wrapper takes one more, last, argument than ``func``: ``caller``, the calling
    cell, which xlwings fills in and does not show in Excel. A failure is noted under it
    (:class:`CellErrors`), and on Windows a :class:`CellError` reaches Excel as the error
    value itself (:func:`~xlreport.excel.cells.excel_value`).
    """
    name = func.__name__
    signature = inspect.signature(func)
    arity = len(signature.parameters)

    @functools.wraps(func)
    def call(*args: Any) -> Any:
        caller = None
        if len(args) > arity:
            caller, args = args[arity], args[:arity]
        data = DATA
        try:  # the hot path: a remembered result, no revision check due
            if not remember or data.clock() >= data.next_check:
                raise LookupError
            value = data.results[(name, args)]
        except (LookupError, TypeError):
            value = _answer(func, name, args, remember)
        if type(value) is CellError:
            if caller is not None:
                data.cell_errors.note(caller, value)
            return excel_value(value)
        return value

    hidden = inspect.Parameter("caller", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None)
    call.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[*signature.parameters.values(), hidden]
    )
    return call  # type: ignore[return-value]


def run_guarded(func: Callable[..., Any], name: str, args: Sequence[Any]) -> tuple[Any, bool]:
    """``func(*args)`` as a cell sees it: ``(value, keep)``. A value, or the
    :class:`~xlreport.excel.cells.CellError` of an :class:`XlreportError`, is kept
    (``keep``: worth remembering for the same arguments); a store that cannot be read, or
    an internal error (logged with its traceback), is not."""
    try:
        return func(*args), True
    except StoreError as exc:  # not remembered: the store may come back
        return message_for(exc, name), False
    except XlreportError as exc:
        return message_for(exc, name), True
    except Exception as exc:
        logger.exception("%s%r failed", name, tuple(args))
        return message_for(exc, name), False


def _answer(func: Callable[..., Any], name: str, args: tuple[Any, ...], remember: bool) -> Any:
    key: Hashable = None
    if remember:
        data = DATA
        try:
            if data.clock() >= data.next_check:
                data.refresh()
        except Exception as exc:  # not remembered: the next call checks again
            if not isinstance(exc, XlreportError):
                logger.exception("%s%r: reading the data failed", name, args)
            return message_for(exc, name)
        key = (name, args)
        try:
            return data.results[key]
        except KeyError:
            pass
        except TypeError:  # a range (list) argument cannot be a key
            key = None
    value, keep = run_guarded(func, name, args)
    if keep and key is not None:
        DATA.remember(key, value)
    return value
