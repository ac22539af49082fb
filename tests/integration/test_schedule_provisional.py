"""Provisional months in the scheduler: written before their rates are published, never
blocking the months after them, re-issued once the rates arrive (history keeps both).

The clock is fixed (2027-01-04 06:30 Shanghai: October, November and December 2026 are
due). The shipped ECB file ends on 2026-10-30, so October is final and November and
December are provisional until the local rate server (SYNTHETIC rows, rate_server.py)
publishes up to 2026-12-31.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from python_calamine import CalamineWorkbook
from rate_server import RateServer, shipped_last_day
from schedule_env import schedule_toml

from xlreport.app import App, FixedClock
from xlreport.schedule import load_schedule_config, run_due
from xlreport.settings import Settings

NOW = datetime.fromisoformat("2027-01-04T06:30+08:00")


def _rate_line(path: Path) -> str:
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Cover").to_python()
    return next(c for r in rows for c in r if isinstance(c, str) and c.startswith("1 CNY ="))


def test_provisional_months_are_reissued_once_their_rates_are_published(tmp_path: Path) -> None:
    assert shipped_last_day() == date(2026, 10, 30)  # a Friday
    share = tmp_path / "share"
    share.mkdir()
    path = tmp_path / "s.toml"
    path.write_text(schedule_toml("monthly", share, start="2026-10"), encoding="utf-8")
    config = load_schedule_config(path)
    with RateServer(ecb_until=date(2026, 12, 31)) as server:
        settings = Settings(
            data_dir=tmp_path / "data",
            output_dir=tmp_path / "out",
            rate_update="off",  # first: offline
            rates_url=server.url("/ecb.zip"),
        )
        app = App(settings, clock=FixedClock(NOW))
        app.store.init()
        first = run_due(config, now=NOW, store=app.store, data_dir=settings.data_dir, app=app)
        assert first.ok
        assert [(m.month, m.provisional is not None) for m in first.produced] == [
            ("2026-10", False),
            ("2026-11", True),  # did not stop December
            ("2026-12", True),
        ]
        # 2026-12-31 (Thursday) - 2026-10-30 = 62 days
        assert _rate_line(share / "monthly_2026-12.xlsx").endswith(
            "provisional: rate of 2026-10-30 (62 days before the month's end)"
        )
        # nothing new while the rates are still missing
        again = run_due(config, now=NOW, store=app.store, data_dir=settings.data_dir, app=app)
        assert again.produced == []
        # online now: run-due fetches the rates and re-issues the two provisional months
        app.settings = settings.model_copy(update={"rate_update": "auto"})
        later = run_due(config, now=NOW, store=app.store, data_dir=settings.data_dir, app=app)
        assert server.hits["/ecb.zip"] == 1
    assert [(m.month, m.provisional) for m in later.produced] == [
        ("2026-11", None),
        ("2026-12", None),
    ]
    line = _rate_line(share / "monthly_2026-12.xlsx")
    assert "provisional" not in line and "2026-12-31" in line
    history = [(r.month, r.status) for r in app.store.list_runs("monthly")]
    assert history == [
        ("2026-10", "success"),
        ("2026-11", "provisional"),
        ("2026-12", "provisional"),
        ("2026-11", "success"),
        ("2026-12", "success"),
    ]
    assert sorted(p.name for p in share.iterdir()) == [
        "monthly_2026-10.xlsx",
        "monthly_2026-11.xlsx",
        "monthly_2026-12.xlsx",
    ]
    app.close()
