"""Time travel: whole processes under a fake system clock (libfaketime) on three days.

On 2026-12-01, 2027-07-01 and 2030-01-02 (09:00 UTC), offline and against a local rate
server, the README's main command (``xlreport init`` then ``xlreport report``),
``xlreport schedule run-due`` and the Excel report button's function each write the
report of the last complete month; it is marked provisional exactly when the month's
rates are missing (offline: the shipped ECB file ends on 2026-10-30; online: the server
has published up to the day before, with SYNTHETIC rows, see rate_server.py).
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from fake_clock import fake_clock_env
from python_calamine import CalamineWorkbook
from rate_server import RateServer, shipped_last_day

pytestmark = pytest.mark.slow

# (fake "now", the last complete month, its last day)
DAYS = [
    ("2026-12-01 09:00:00", "2026-11", date(2026, 11, 30)),
    ("2027-07-01 09:00:00", "2027-06", date(2027, 6, 30)),
    ("2030-01-02 09:00:00", "2029-12", date(2029, 12, 31)),
]

OFFLINE_URL = "http://127.0.0.1:9/eurofxref-hist.zip"  # nothing listens on port 9

MACRO = """
import sys
from xlreport.excel.macros import generate_report
told = []
result = generate_report(notify=lambda text, title: told.append(text))
print(told[0] if told else "no message")
sys.exit(0 if result is not None else 1)
"""


def _env(root: Path, at: str, url: str) -> dict[str, str]:
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": str(root),
        **fake_clock_env(at),
        "XLREPORT_DATA_DIR": str(root / "data"),
        "XLREPORT_OUTPUT_DIR": str(root / "reports"),
        "XLREPORT_RATE_UPDATE": "auto",
        "XLREPORT_RATES_URL": url,
        "XLREPORT_RATE_UPDATE_TIMEOUT": "5",
    }


def _run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, env=env, cwd=cwd, capture_output=True, text=True, timeout=180, check=False
    )


def _xlreport(*args: str) -> list[str]:
    return [sys.executable, "-m", "xlreport", *args]


def _rate_line(path: Path) -> str:
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Cover").to_python()
    texts = [c for r in rows for c in r if isinstance(c, str)]
    return next(t for t in texts if t.startswith("1 CNY ="))


def _expected_provisional(month_end: date, online: bool) -> str | None:
    """By hand: online, the server has published up to the day before "now", so the
    month's end is covered; offline, the rate of the shipped file's last day is used,
    ``month_end - last`` days before the month's end."""
    if online:
        return None
    last = shipped_last_day()
    days = (month_end - last).days
    return f"provisional: rate of {last} ({days} days before the month's end)"


@pytest.mark.parametrize("online", [False, True], ids=["offline", "rate-server"])
@pytest.mark.parametrize(("at", "month", "month_end"), DAYS, ids=[d[1] for d in DAYS])
def test_the_last_complete_month_is_written_on_any_day(
    tmp_path: Path, at: str, month: str, month_end: date, online: bool
) -> None:
    published_until = date.fromisoformat(at[:10]) - timedelta(days=1)
    with RateServer(ecb_until=published_until) as server:
        url = server.url("/ecb.zip") if online else OFFLINE_URL
        expected = _expected_provisional(month_end, online)

        # 1. the README's main command: init, then the report of the last complete month
        readme = tmp_path / "readme"
        env = _env(readme, at, url)
        readme.mkdir()
        init = _run(_xlreport("init"), env, readme)
        assert init.returncode == 0, init.stderr
        done = _run(_xlreport("report", "--out", str(readme / "out")), env, readme)
        assert done.returncode == 0, done.stderr
        path = readme / "out" / f"plan-targets-report-{month}.xlsx"
        assert done.stdout.strip() == str(path)
        _check(path, expected)
        assert ("provisional" in done.stderr) == (expected is not None), done.stderr

        # 2. schedule run-due on first use: the newest due month only
        sched = tmp_path / "schedule"
        env = _env(sched, at, url)
        (sched / "share").mkdir(parents=True)
        config = sched / "schedules.toml"
        config.write_text(
            "[[schedule]]\n"
            'name = "monthly"\nday_of_month = 1\ntime = "06:00"\ntimezone = "UTC"\n'
            f'destination = "{sched / "share"}"\n',
            encoding="utf-8",
        )
        assert _run(_xlreport("init"), env, sched).returncode == 0
        due = _run(_xlreport("schedule", "run-due", "--config", str(config)), env, sched)
        assert due.returncode == 0, due.stderr
        _check(sched / "share" / f"monthly_{month}.xlsx", expected)
        history = _run(
            _xlreport("schedule", "history", "--config", str(config), "--format", "json"),
            env,
            sched,
        )
        runs = json.loads(history.stdout)
        want = "provisional" if expected else "success"
        assert [(r["month"], r["status"]) for r in runs] == [(month, want)]

        # 3. the Excel report button's function (what RunPython calls)
        button = tmp_path / "button"
        env = _env(button, at, url)
        button.mkdir()
        assert _run(_xlreport("init"), env, button).returncode == 0
        macro = _run([sys.executable, "-c", MACRO], env, button)
        assert macro.returncode == 0, macro.stdout + macro.stderr
        assert f"The monthly report for {month}" in macro.stdout
        _check(button / "reports" / f"plan-targets-report-{month}.xlsx", expected)
        assert ("provisional" in macro.stdout) == (expected is not None)
        if online:  # each process on its own store fetched the rates once
            assert server.hits["/ecb.zip"] == 3


def _check(path: Path, expected: str | None) -> None:
    """The report's rate line: final, or ending with the provisional note expected."""
    line = _rate_line(path)
    if expected is None:
        assert "provisional" not in line, line
    else:
        assert line.endswith(expected), line
