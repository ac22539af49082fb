"""CLI commands: ``xlreport schedule run-due | serve | list | history``.

Thin: parsing, progress display and output formats. The logic is in
:mod:`xlreport.schedule`. On a terminal a multi-report run shows rich progress bars;
otherwise (cron, systemd, Task Scheduler, pipes) each event is one structured log line on
stderr: ``time=... level=info event=succeeded schedule=monthly month=2026-07 msg="..."``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from xlreport.cli.options import DbOpt, make_app
from xlreport.cli.output import OutputFormat, emit_rows
from xlreport.errors import ScheduleError, XlreportError, escape_terminal

schedule_app = typer.Typer(
    name="schedule",
    help="Scheduled monthly reports: run what is due, serve, list schedules, show history.",
    no_args_is_help=True,
)

ConfigOpt = Annotated[
    Path,
    typer.Option("--config", "-c", help="Schedule file (TOML, see docs/scheduling.md)."),
]
NowOpt = Annotated[
    str | None,
    typer.Option(
        "--now",
        help="Pretend the time is this (ISO 8601 with offset, e.g. 2026-09-01T06:00+08:00).",
    ),
]

_LEVELS = {
    "failed": "error",
    "warning": "warning",
    "skipped": "warning",
    "abandoned": "warning",
    "stopping": "warning",
}


def _log_line(event: Any) -> None:
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    level = _LEVELS.get(event.kind, "info")
    parts = [f"time={stamp}", f"level={level}", f"event={event.kind}"]
    parts.append(f"schedule={event.schedule}")
    if event.month:
        parts.append(f"month={event.month}")
    parts.append(f"msg={json.dumps(escape_terminal(event.message), ensure_ascii=False)}")
    typer.echo(" ".join(parts), err=True)


class _TerminalProgress:
    """Rich progress bars for multi-report runs, messages above them."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        self.console = Console(stderr=True)
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=self.console,
            transient=False,
        )
        self.tasks: dict[str, Any] = {}

    def __enter__(self) -> _TerminalProgress:
        self.progress.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.progress.stop()

    def __call__(self, event: Any) -> None:
        style = {
            "failed": "red",
            "warning": "yellow",
            "skipped": "yellow",
            "stopping": "yellow",
        }.get(event.kind)
        month = f" {event.month}" if event.month else ""
        text = f"{event.schedule}{month}: {event.message}"
        if event.kind == "planned" and event.total > 1:
            self.tasks[event.schedule] = self.progress.add_task(event.schedule, total=event.total)
        if event.kind in ("succeeded", "failed", "skipped") and event.schedule in self.tasks:
            self.progress.advance(self.tasks[event.schedule])
        if event.kind != "started":
            self.console.print(text, style=style, markup=False, highlight=False)
        elif event.schedule in self.tasks:
            self.progress.update(self.tasks[event.schedule], description=text)


def _run_due_once(
    config_path: Path,
    now: datetime,
    only: list[str] | None,
    wait_s: float | None,
    emit: Any,
    should_stop: Callable[[], bool] | None = None,
    db: str | None = None,
) -> Any:
    from xlreport.app import FixedClock
    from xlreport.schedule import load_schedule_config, run_due

    config = load_schedule_config(config_path)
    with make_app(db, clock=FixedClock(now)) as app:  # the App agrees with --now
        return run_due(
            config,
            now=now,
            store=app.store,
            data_dir=app.settings.data_dir,
            only=only,
            wait_s=wait_s,
            emit=emit,
            should_stop=should_stop,
            app=app,
        )


@schedule_app.command("run-due")
def run_due_cmd(
    config: ConfigOpt,
    now: NowOpt = None,
    only: Annotated[
        list[str] | None, typer.Option("--only", help="Run only this schedule (repeatable).")
    ] = None,
    wait: Annotated[
        float,
        typer.Option(
            "--wait",
            min=0,
            help="Seconds to wait for another process running the same schedule; 0 skips at once.",
        ),
    ] = 900.0,
    db: DbOpt = None,
) -> None:
    """Produce every due report that is missing, oldest first, and apply retention."""
    from xlreport.schedule import parse_now
    from xlreport.schedule.stopping import StopRequest, stop_on_signals

    moment = parse_now(now)
    # Ctrl-C or SIGTERM: the report in progress finishes, later months wait; twice: at once
    stop = StopRequest(second_interrupts=True)
    with stop_on_signals(stop):
        if sys.stderr.isatty():
            with _TerminalProgress() as bars:
                result = _run_due_once(config, moment, only, wait, bars, stop, db)
        else:
            result = _run_due_once(config, moment, only, wait, _log_line, stop, db)
    produced = result.produced
    if produced:
        typer.echo(f"Produced {len(produced)} report(s):")
        for m in produced:
            late = f" [{m.provisional}; re-issued once published]" if m.provisional else ""
            typer.echo(f"  {m.schedule} {m.month}: {', '.join(str(p) for p in m.outputs)}{late}")
    elif result.ok:
        typer.echo("Nothing new: every due report is already at its destination.")
    for s in result.schedules:
        if s.skipped:
            typer.echo(f"Skipped {s.schedule}: {s.skipped}")
    if not result.ok:
        failures = result.failures
        noun = "run" if len(failures) == 1 else "runs"
        raise ScheduleError(
            f"{len(failures)} scheduled {noun} failed (recorded; the next run-due retries):\n  "
            + "\n  ".join(failures)
        )
    if result.stopped:
        left = [
            f"{s.schedule} {', '.join(s.left)}" if s.left else f"{s.schedule} (not started)"
            for s in result.stopped
        ]
        typer.echo(
            f"Stopped by {stop.signal_name}; still due: {'; '.join(left)}. "
            "Run run-due again to produce them.",
            err=True,
        )
        raise typer.Exit(128 + (stop.signum or 0))


@schedule_app.command("serve")
def serve_cmd(config: ConfigOpt, db: DbOpt = None) -> None:
    """Run as a service: run-due now, then daily at each schedule's time, until stopped.

    A daily run-due produces a month on its due day and retries a failed month, or
    re-issues a provisional one, the next day rather than a month later.
    """
    from xlreport.schedule import load_schedule_config
    from xlreport.schedule.serve import serve_schedules
    from xlreport.schedule.stopping import StopRequest

    parsed = load_schedule_config(config)  # fail fast on a bad file
    stop = StopRequest()

    def run(names: list[str] | None) -> None:
        try:
            moment = datetime.now().astimezone()
            result = _run_due_once(config, moment, names, None, _log_line, stop, db)
        except XlreportError as exc:  # keep serving: the next time or start-up retries
            message = json.dumps(escape_terminal(str(exc)), ensure_ascii=False)
            typer.echo(f"time={_now_text()} level=error event=run-due msg={message}", err=True)
            return
        for line in result.failures:
            message = json.dumps(escape_terminal(line))
            typer.echo(f"time={_now_text()} level=error event=failed msg={message}", err=True)

    def ready(times: list[tuple[str, datetime]]) -> None:
        for name, at in times:
            shown = at.isoformat() if at else "never"
            typer.echo(
                f"time={_now_text()} level=info event=next schedule={name} at={shown}", err=True
            )

    typer.echo(f'time={_now_text()} level=info event=serve msg="started; Ctrl-C to stop"', err=True)
    serve_schedules(parsed, run, stop=stop, on_ready=ready)
    typer.echo(f'time={_now_text()} level=info event=serve msg="stopped"', err=True)


def _now_text() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@schedule_app.command("list")
def list_cmd(
    config: ConfigOpt,
    now: NowOpt = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.TABLE,
    db: DbOpt = None,
) -> None:
    """Schedules with their next due time, the reports missing now, and the last run."""
    from xlreport.schedule import load_schedule_config, next_due_at, parse_now
    from xlreport.schedule.runner import plan_from_history, rates_final_for

    parsed = load_schedule_config(config)
    moment = parse_now(now)
    rows: list[dict[str, Any]] = []
    with make_app(db) as app:
        store = app.store
        for spec in parsed.schedule:
            runs = store.list_runs(spec.name)
            plan = plan_from_history(spec, moment, runs, rates_final_for(app, spec))
            last = runs[-1] if runs else None
            rows.append(
                {
                    "schedule": spec.name,
                    "when": f"day {spec.day_of_month} {spec.time} {spec.timezone}",
                    "next_due": next_due_at(spec, moment),
                    "latest_due_month": plan.latest,
                    "missing": ", ".join(m for m, _ in plan.to_produce),
                    "last_run": f"{last.month} {last.status}" if last else None,
                    "last_finished": last.finished if last else None,
                    "destination": str(spec.destination),
                    "keep": spec.keep,
                }
            )
    emit_rows(rows, fmt, title="Schedules")


@schedule_app.command("history")
def history_cmd(
    config: ConfigOpt,
    schedule: Annotated[
        str | None, typer.Option("--schedule", "-s", help="Only this schedule.")
    ] = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.TABLE,
    db: DbOpt = None,
) -> None:
    """Every recorded run of the file's schedules, oldest first (a provisional run's
    'error' column says what its rates rest on)."""
    from xlreport.schedule import load_schedule_config

    parsed = load_schedule_config(config)
    names = [parsed.find(schedule).name] if schedule else [s.name for s in parsed.schedule]
    with make_app(db) as app:
        runs = [r for n in names for r in app.store.list_runs(n)]
    runs.sort(key=lambda r: (r.started, r.id))
    columns = ["id", "schedule", "month", "status", "output", "started", "finished", "error"]
    rows = [{c: getattr(r, c) for c in columns} for r in runs]
    emit_rows(rows, fmt, columns=columns, title="Scheduled runs")


def register(app: typer.Typer) -> None:
    """Add this group's commands to the app."""
    app.add_typer(schedule_app, name="schedule")
