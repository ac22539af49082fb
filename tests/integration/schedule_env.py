"""Helpers for the schedule tests: a real xlreport environment driven through the CLI.

Everything runs as separate processes (``xlreport ...``) against a temporary data folder
and SQLite database made with ``xlreport init``; nothing is mocked.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

EXPECTED_SHEETS = {"Cover", "Summary", "Sources", "Observations"}


def xlreport_command() -> list[str]:
    script = Path(sys.executable).parent / ("xlreport.exe" if os.name == "nt" else "xlreport")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from xlreport.cli import main; sys.exit(main())"]


def schedule_toml(name: str, destination: Path, **extra: Any) -> str:
    """One ``[[schedule]]`` table: day 1, 06:00 Shanghai, keep 12, unless ``extra`` says."""
    keys: dict[str, Any] = {
        "name": name,
        "day_of_month": 1,
        "time": "06:00",
        "timezone": "Asia/Shanghai",
        "destination": str(destination),
        "keep": 12,
        **extra,
    }
    return "[[schedule]]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in keys.items())


@dataclass
class ScheduleEnv:
    root: Path

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def config(self) -> Path:
        return self.root / "schedules.toml"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("XLREPORT_")}
        env["XLREPORT_DATA_DIR"] = str(self.data_dir)
        env["XLREPORT_OUTPUT_DIR"] = str(self.root / "button-output")
        env["XLREPORT_DATABASE_URL"] = f"sqlite:///{self.data_dir / 'xlreport.sqlite3'}"
        env["XLREPORT_RATE_UPDATE"] = "off"  # offline: the shipped rates only
        return env

    def write_config(self, *tables: str) -> Path:
        self.config.write_text("\n".join(tables), encoding="utf-8")
        return self.config

    def run(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*xlreport_command(), *args],
            env=self.env(),
            cwd=self.root,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def popen(self, *args: str, **kw: Any) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [*xlreport_command(), *args], env=self.env(), cwd=self.root, text=True, **kw
        )

    def run_due(self, now: str, *more: str) -> subprocess.CompletedProcess[str]:
        return self.run("schedule", "run-due", "--config", str(self.config), "--now", now, *more)

    def history_cli(self) -> list[dict[str, Any]]:
        """``xlreport schedule history --format json`` (the scripts' contract)."""
        done = self.run("schedule", "history", "--config", str(self.config), "--format", "json")
        assert done.returncode == 0, done.stderr
        rows: list[dict[str, Any]] = json.loads(done.stdout)
        return rows

    def history(self) -> list[dict[str, Any]]:
        """The run history read straight from the database (faster than the CLI)."""
        from xlreport.store import Store

        with Store.open(self.env()["XLREPORT_DATABASE_URL"]) as store:
            runs = store.list_runs()
        return [
            {
                "schedule": r.schedule,
                "month": r.month,
                "status": r.status,
                "output": r.output,
                "started": r.started.isoformat(),
                "finished": r.finished.isoformat() if r.finished else None,
                "error": r.error,
            }
            for r in runs
        ]


def wait_for_first_claim(env: ScheduleEnv, proc: subprocess.Popen[str]) -> None:
    """Until ``proc`` (run-due or serve) has recorded its first run, i.e. claimed a month,
    or has ended, or four minutes have passed."""
    deadline = time.monotonic() + 240
    while not env.history() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)


def wait_or_kill(proc: subprocess.Popen[str], *, timeout: float, why: str) -> tuple[str, str]:
    """``proc``'s stdout and stderr once it ends. One still running after ``timeout`` is
    killed and fails the test: left running, it would also fail a later test with a
    ResourceWarning."""
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        err = proc.communicate()[1]
        pytest.fail(f"still running {timeout:g} s after {why}; stderr:\n{err}")
    return out, err


def init_database(root: Path) -> Path:
    """Run ``xlreport init`` once in ``root``; returns the SQLite file to copy per test."""
    env = ScheduleEnv(root)
    done = env.run("init")
    assert done.returncode == 0, done.stderr
    return env.data_dir / "xlreport.sqlite3"


def make_env(root: Path, database: Path) -> ScheduleEnv:
    """A fresh environment whose database is a copy of one made by ``xlreport init``."""
    env = ScheduleEnv(root)
    env.data_dir.mkdir(parents=True)
    shutil.copyfile(database, env.data_dir / "xlreport.sqlite3")
    return env


def make_env_with_share(root: Path, database: Path) -> tuple[ScheduleEnv, Path]:
    """:func:`make_env` and an empty destination folder ``root/share`` for its reports."""
    env = make_env(root, database)
    share = root / "share"
    share.mkdir()
    return env, share


def workbook_problem(path: Path) -> str | None:
    """None when ``path`` is a complete report workbook; else what is wrong with it."""
    try:
        with zipfile.ZipFile(path) as zf:
            bad = zf.testzip()
            if bad is not None:
                return f"corrupt member {bad}"
    except (zipfile.BadZipFile, OSError) as exc:
        return f"not a valid zip: {exc}"
    import openpyxl

    with warnings.catch_warnings():
        # openpyxl warns about extensions (conditional formats) it does not read
        warnings.simplefilter("ignore", UserWarning)
        try:
            wb = openpyxl.load_workbook(path, read_only=True)
        except Exception as exc:  # anything openpyxl cannot open is a broken file
            return f"openpyxl cannot open it: {exc}"
    try:
        missing = EXPECTED_SHEETS - set(wb.sheetnames)
    finally:
        wb.close()
    return f"sheets missing: {sorted(missing)}" if missing else None


def visible_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


def cover_facts(path: Path) -> dict[str, Any]:
    """Label -> value of the report's Cover sheet (``Report month``, ``As of``, ...)."""
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        wb = openpyxl.load_workbook(path, read_only=True)
    try:
        facts: dict[str, Any] = {}
        for row in wb["Cover"].iter_rows(values_only=True):
            cells = [v for v in row if v is not None]
            if len(cells) >= 2 and isinstance(cells[0], str):
                facts[cells[0]] = cells[1]
        return facts
    finally:
        wb.close()
