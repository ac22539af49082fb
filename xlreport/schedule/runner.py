"""run-due: produce every due report that is missing, in order, exactly once.

For each schedule, under its lock (:mod:`xlreport.schedule.lock`):

1. remove what a killed predecessor left in the staging folder;
2. plan the months (:func:`xlreport.schedule.due.plan_due_months`) from the history in
   the store and the files at the destination;
3. for each month, oldest first: claim it in the store (exactly one process in the world
   gets a claim, :meth:`Store.claim_run`), generate the report with
   :func:`xlreport.report.write_monthly_report` into a private staging folder, copy every
   file to the destination with :func:`xlreport.fsio.write_atomically` (temporary file in
   the destination folder, fsync, ``os.replace``), and record the result;
4. apply retention.

``should_stop`` (set by SIGTERM or Ctrl-C in ``run-due`` and ``serve``) is asked before
each month and while waiting for a lock: the month in progress finishes and is recorded,
later months are left for the next run-due. Stopping is cooperative on purpose: an exception raised
from a signal handler lands anywhere, and libraries wrap it (pydantic-core turned one
into a ``SchemaError`` while building a model), so the month was recorded with a
misleading error.

A failed month is recorded with its message and ends that schedule's run (later months
wait, so reports always appear in order); the other schedules still run. Nothing here
prints: progress goes to the ``emit`` callback the caller passes.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from xlreport.errors import ScheduleError, StoreError, XlreportError
from xlreport.fsio import remove_stale_temporaries, write_atomically
from xlreport.schedule.config import ScheduleConfig, ScheduleSpec
from xlreport.schedule.due import (
    REASON_FILES_MISSING,
    DuePlan,
    last_day_of,
    latest_due_month,
    plan_due_months,
)
from xlreport.schedule.files import (
    RetentionResult,
    apply_retention,
    months_present,
    output_name,
)
from xlreport.schedule.lock import LockBusy, ScheduleLock, hold_schedule_lock
from xlreport.store import RunRecord, RunStatus, Store

if TYPE_CHECKING:
    from xlreport.app import App

__all__ = [
    "MonthOutcome",
    "RunDueResult",
    "RunEvent",
    "ScheduleOutcome",
    "plan_from_history",
    "run_due",
    "staging_root",
]

#: How long a ``running`` record not made by this computer is trusted to be alive.
FOREIGN_STALE_AFTER = timedelta(hours=6)


@dataclass(frozen=True, slots=True)
class RunEvent:
    """One thing that happened, for progress bars and log lines.

    ``kind``: ``planned`` (``total`` months to produce), ``waiting`` (for the lock),
    ``skipped`` (lock busy or month claimed elsewhere), ``nothing`` (nothing due),
    ``abandoned`` (a dead run was found), ``started``/``succeeded``/``failed`` (a month),
    ``retention`` (files deleted), ``stopping`` (months left because of a stop request),
    ``warning``.
    """

    kind: str
    schedule: str
    message: str
    month: str | None = None
    total: int = 0


Emit = Callable[[RunEvent], None]
ShouldStop = Callable[[], bool]


def _never() -> bool:
    return False


@dataclass(slots=True)
class MonthOutcome:
    schedule: str
    month: str
    status: str  # success, failed, skipped
    outputs: list[Path] = field(default_factory=list)
    error: str | None = None
    run_id: int | None = None
    #: a success on rates not yet final (recorded as provisional; re-issued later)
    provisional: str | None = None


@dataclass(slots=True)
class ScheduleOutcome:
    schedule: str
    plan: DuePlan | None = None
    months: list[MonthOutcome] = field(default_factory=list)
    skipped: str | None = None  # why the whole schedule was skipped (lock busy)
    error: str | None = None  # a failure outside any month (planning, store)
    retention: RetentionResult | None = None
    stopped: bool = False  # a stop request ended it early (see ``left``)
    left: list[str] = field(default_factory=list)  # months due but left by the stop

    @property
    def failed(self) -> bool:
        return self.error is not None or any(m.status == "failed" for m in self.months)


@dataclass(slots=True)
class RunDueResult:
    now: datetime
    schedules: list[ScheduleOutcome]

    @property
    def produced(self) -> list[MonthOutcome]:
        return [m for s in self.schedules for m in s.months if m.status == "success"]

    @property
    def failures(self) -> list[str]:
        lines = [f"{s.schedule}: {s.error}" for s in self.schedules if s.error]
        lines += [
            f"{m.schedule} {m.month}: {m.error}"
            for s in self.schedules
            for m in s.months
            if m.status == "failed"
        ]
        return lines

    @property
    def ok(self) -> bool:
        return not any(s.failed for s in self.schedules)

    @property
    def stopped(self) -> list[ScheduleOutcome]:
        """The schedules a stop request ended early or kept from starting."""
        return [s for s in self.schedules if s.stopped]


def staging_root(data_dir: Path, schedule: str) -> Path:
    """Private folder where a schedule's reports are generated before the copy."""
    return data_dir / "schedule-staging" / schedule


def _clear_staging(root: Path) -> None:
    # Only the lock holder uses this folder, so anything in it is a dead run's leftover.
    if root.exists():
        shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True, exist_ok=True)


def _check_destination(spec: ScheduleSpec) -> None:
    dest = spec.destination
    if dest.is_dir():
        return
    if dest.exists():
        raise ScheduleError(
            f"destination {dest} of schedule {spec.name!r} is not a folder (it is a file): "
            "set 'destination' to a folder, or move the file away"
        )
    raise ScheduleError(
        f"destination folder {dest} of schedule {spec.name!r} does not exist (is the "
        "shared drive connected?): create the folder or fix 'destination'; run-due does "
        "not create it, so that reports never go to a local folder by mistake"
    )


def _copy_into(src: Path) -> Callable[[Path], None]:
    def produce(tmp: Path) -> None:
        shutil.copyfile(src, tmp)  # write_atomically gives it the usual file mode

    return produce


def produce_month(
    spec: ScheduleSpec, month: str, app: App, staging: Path
) -> tuple[list[Path], str | None]:
    """Generate ``month``'s report(s) in ``staging`` and copy them to the destination.

    All templates are generated before anything is copied, so a failure while generating
    leaves the destination untouched. Returns the destination paths (xlsx first) and why
    the rates are provisional (None when they are final).
    """
    _check_destination(spec)
    work = Path(tempfile.mkdtemp(prefix=f"{month}-", dir=staging))
    provisional: str | None = None
    try:
        pairs: list[tuple[Path, Path]] = []
        for i, template in enumerate(spec.templates):
            out_dir = work / str(i)
            out_dir.mkdir()
            result = app.write_report(
                month=month,
                as_of=last_day_of(month),
                template=template,
                currency=spec.currency,
                out_dir=out_dir,
                pdf=spec.pdf,
                plans=list(spec.plans) if spec.plans is not None else None,
                update_rates=False,  # run_due updated them once for all months
            )
            provisional = provisional or result.provisional
            pairs.append((Path(result.path), spec.destination / output_name(spec, month, template)))
            if spec.pdf:
                if result.pdf_path is None:
                    raise ScheduleError(
                        f"schedule {spec.name!r} {month}: the report was made without its "
                        "PDF; check that LibreOffice (soffice) is installed, or set pdf = false"
                    )
                pdf_dest = spec.destination / output_name(spec, month, template, ".pdf")
                pairs.append((Path(result.pdf_path), pdf_dest))
        _check_destination(spec)
        for src, dest in pairs:
            write_atomically(dest, _copy_into(src))
        return [dest for _, dest in pairs], provisional
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _claim(
    store: Store, spec: ScheduleSpec, month: str, reason: str, lock: ScheduleLock
) -> int | None:
    """Claim ``month`` in the store; None when it is done or being done elsewhere."""
    # A month our dead predecessor on this computer claimed is retried at once; a running
    # record from elsewhere is trusted for FOREIGN_STALE_AFTER.
    stale = timedelta(0) if month in lock.inherited_claims else FOREIGN_STALE_AFTER
    lock.note_claim(month)
    if reason == REASON_FILES_MISSING:
        # The month succeeded before but its files are gone: a new run, unless one is running.
        try:
            return store.start_run(spec.name, month, stale_after=stale)
        except StoreError:
            running = [
                r
                for r in store.list_runs(spec.name)
                if r.month == month and r.status == RunStatus.RUNNING.value
            ]
            if running:  # being produced elsewhere right now
                return None
            raise
    return store.claim_run(spec.name, month, stale_after=stale)


def _report_abandoned(
    spec: ScheduleSpec, before: list[RunRecord], store: Store, emit: Emit
) -> None:
    ids = {r.id for r in before if r.status == RunStatus.RUNNING.value}
    for r in store.list_runs(spec.name):
        if r.id in ids and r.status == RunStatus.ABANDONED.value:
            emit(
                RunEvent(
                    "abandoned",
                    spec.name,
                    f"run {r.id} of {r.month} (started {r.started:%Y-%m-%d %H:%M} UTC) "
                    "had stopped without finishing; it is marked abandoned and retried",
                    r.month,
                )
            )


def _run_month(
    spec: ScheduleSpec,
    month: str,
    reason: str,
    app: App,
    lock: ScheduleLock,
    staging: Path,
    emit: Emit,
) -> MonthOutcome:
    store = app.store
    run_id = _claim(store, spec, month, reason, lock)
    if run_id is None:
        msg = f"{month} is already done or being produced by another process; skipped"
        emit(RunEvent("skipped", spec.name, msg, month))
        return MonthOutcome(spec.name, month, "skipped", error=msg)
    emit(RunEvent("started", spec.name, f"producing {month} ({reason})", month))
    try:
        outputs, provisional = produce_month(spec, month, app, staging)
    except XlreportError as exc:
        message = str(exc)
    except OSError as exc:
        message = f"{exc.strerror or exc} ({exc.filename or 'no file named'})"
    except Exception as exc:  # a scheduled run records any failure and goes on
        message = f"unexpected {type(exc).__name__}: {exc} (run with --debug and report it)"
    except BaseException:
        store.finish_run(run_id, RunStatus.FAILED.value, None, "interrupted")
        raise
    else:
        output = "; ".join(str(p) for p in outputs if p.suffix == ".xlsx")
        if provisional:
            store.finish_run(run_id, RunStatus.PROVISIONAL.value, output, provisional)
            text = f"{month} written to {output} ({provisional}; re-issued when published)"
        else:
            store.finish_run(run_id, RunStatus.SUCCESS.value, output, None)
            text = f"{month} written to {output}"
        emit(RunEvent("succeeded", spec.name, text, month))
        return MonthOutcome(spec.name, month, "success", outputs, None, run_id, provisional)
    store.finish_run(run_id, RunStatus.FAILED.value, None, message)
    emit(RunEvent("failed", spec.name, f"{month} failed: {message}", month))
    return MonthOutcome(spec.name, month, "failed", [], message, run_id)


def provisional_months(runs: list[RunRecord]) -> list[str]:
    """Months whose newest written run (success or provisional) was provisional."""
    newest: dict[str, str] = {}
    written = (RunStatus.SUCCESS.value, RunStatus.PROVISIONAL.value)
    for r in runs:  # oldest first
        if r.status in written:
            newest[r.month] = r.status
    return sorted(m for m, status in newest.items() if status == RunStatus.PROVISIONAL.value)


def plan_from_history(
    spec: ScheduleSpec,
    now: datetime,
    runs: list[RunRecord],
    rates_final: Callable[[str], bool] | None = None,
) -> DuePlan:
    """The months due at ``now`` given the schedule's recorded runs and the files at its
    destination (what ``run-due`` would produce, and what ``schedule list`` shows).
    ``rates_final(month)``: whether a provisional month's rates are now published."""
    attempted = sorted({r.month for r in runs})
    return plan_due_months(
        spec,
        now,
        succeeded=[r.month for r in runs if r.status == RunStatus.SUCCESS.value],
        attempted=attempted,
        months_on_disk=months_present(spec, attempted),
        provisional=provisional_months(runs),
        rates_final=rates_final,
    )


def rates_final_for(app: App, spec: ScheduleSpec) -> Callable[[str], bool]:
    """Whether the rate book has published up to a month's last day (for its currency)."""
    from xlreport.errors import FxError

    def final(month: str) -> bool:
        to = spec.currency if spec.currency != "CNY" else "USD"
        try:
            return app.rate_book().covers("CNY", to, last_day_of(month))
        except FxError:
            return False

    return final


def _run_schedule(
    spec: ScheduleSpec,
    now: datetime,
    app: App,
    data_dir: Path,
    wait_s: float | None,
    emit: Emit,
    should_stop: ShouldStop,
) -> ScheduleOutcome:
    outcome = ScheduleOutcome(spec.name)
    store = app.store
    if should_stop():
        outcome.stopped = True
        outcome.skipped = "not started: stopping; the next run-due runs it"
        emit(RunEvent("stopping", spec.name, outcome.skipped))
        return outcome

    def waiting(holder: str) -> None:
        emit(RunEvent("waiting", spec.name, f"waiting for {holder} to finish this schedule"))

    try:
        with hold_schedule_lock(
            data_dir, spec.name, wait_s=wait_s, on_wait=waiting, should_stop=should_stop
        ) as lock:
            staging = staging_root(data_dir, spec.name)
            _clear_staging(staging)
            before = store.list_runs(spec.name)
            plan = plan_from_history(spec, now, before, rates_final_for(app, spec))
            outcome.plan = plan
            if not plan.to_produce:
                emit(RunEvent("nothing", spec.name, _nothing_message(spec, plan)))
            else:
                emit(
                    RunEvent(
                        "planned",
                        spec.name,
                        f"{len(plan.to_produce)} report(s) due: "
                        + ", ".join(m for m, _ in plan.to_produce),
                        total=len(plan.to_produce),
                    )
                )
            for month, reason in plan.to_produce:
                if should_stop():
                    outcome.stopped = True
                    outcome.left = [m for m, _ in plan.to_produce if m >= month]
                    left = ", ".join(outcome.left)
                    emit(
                        RunEvent(
                            "stopping",
                            spec.name,
                            f"{left} not attempted: stopping; the next run-due produces them",
                        )
                    )
                    break
                result = _run_month(spec, month, reason, app, lock, staging, emit)
                outcome.months.append(result)
                if result.status == "failed":
                    rest = [m for m, _ in plan.to_produce if m > month]
                    if rest:
                        emit(
                            RunEvent(
                                "warning",
                                spec.name,
                                f"{', '.join(rest)} not attempted: {month} failed and "
                                "reports are produced in order; the next run-due retries",
                            )
                        )
                    break
            _report_abandoned(spec, before, store, emit)
            if spec.destination.is_dir():
                outcome.retention = apply_retention(spec)
                remove_stale_temporaries(spec.destination)
                if outcome.retention.deleted:
                    names = ", ".join(p.name for p in outcome.retention.deleted)
                    emit(RunEvent("retention", spec.name, f"keep = {spec.keep}: deleted {names}"))
    except LockBusy as exc:
        outcome.stopped = should_stop()
        outcome.skipped = str(exc)
        emit(RunEvent("skipped", spec.name, str(exc)))
    except XlreportError as exc:
        outcome.error = str(exc)
        emit(RunEvent("failed", spec.name, str(exc)))
    except OSError as exc:
        outcome.error = f"{exc.strerror or exc} ({exc.filename or 'no file named'})"
        emit(RunEvent("failed", spec.name, outcome.error))
    return outcome


def _nothing_message(spec: ScheduleSpec, plan: DuePlan) -> str:
    if plan.latest is None:
        first = spec.start or "the first month"
        return f"nothing due yet: {first} is due later"
    return f"nothing to do: every due report up to {plan.latest} is at {spec.destination}"


def run_due(
    config: ScheduleConfig,
    *,
    now: datetime,
    store: Store,
    data_dir: Path,
    only: list[str] | None = None,
    wait_s: float | None = None,
    emit: Emit | None = None,
    should_stop: ShouldStop | None = None,
    app: App | None = None,
) -> RunDueResult:
    """Produce every due, missing report of the schedules (``only``: these names).

    ``should_stop``: asked before each month; once it says yes, the month in progress is
    the last one (the others stay due). ``app`` gives the rate book and settings (default:
    one on ``store`` with settings from the environment). When the newest due month's
    rates are not published in the rate book, one rate update is tried first (setting
    ``rate_update``); months still without final rates are written provisional.
    """
    if now.tzinfo is None:
        raise ScheduleError("run_due needs an aware 'now' (with a UTC offset)")
    specs = [config.find(n) for n in only] if only else list(config.schedule)
    sink: Emit = emit or (lambda _e: None)
    stop = should_stop or _never
    if app is None:
        from xlreport.app import App
        from xlreport.settings import get_settings

        app = App(get_settings(), store=store)
    _update_rates(app, specs, now, sink)
    outcomes = [_run_schedule(s, now, app, data_dir, wait_s, sink, stop) for s in specs]
    return RunDueResult(now, outcomes)


def _update_rates(app: App, specs: list[ScheduleSpec], now: datetime, emit: Emit) -> None:
    """Fetch newer rates once when the newest due month needs them (never raises)."""
    if not specs:
        return
    newest = max(latest_due_month(s, now) for s in specs)
    currency = next((s.currency for s in specs if s.currency != "CNY"), "USD")
    done = app.ensure_rates(last_day_of(newest), currency=currency)
    if done is not None:
        kind = "warning" if not done.ok else "rates"
        emit(RunEvent(kind, "rates", done.message))
