"""``xlreport fx update`` against a real HTTP server on 127.0.0.1 (see rate_server.py).

Every failure the issue lists leaves the previous rates in use and says so in one line;
a good file is used by every part (fx, report, the Excel functions) and by every process
sharing the store; an unchanged file is not fetched again (ETag, 304).
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook
from rate_server import RateServer, shipped_last_day

from xlreport.app import App, FixedClock
from xlreport.errors import RateDownloadError
from xlreport.settings import Settings
from xlreport.store import Store

# The clock of these tests: 2026-12-01 09:00 UTC, the morning the November report is due.
DEC_1 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
NOV_30 = date(2026, 11, 30)  # a Monday: its ECB rate is published that afternoon


def sheet_texts(path: Path, sheet: str) -> list[str]:
    """Every text cell of ``sheet`` (wherever a template puts it)."""
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()
    return [c for r in rows for c in r if isinstance(c, str) and c]


def _app(isolated: Path, **settings: object) -> App:
    settings.setdefault("rate_update", "auto")  # the tests' environment says "off"
    s = Settings(
        data_dir=isolated / "data",
        output_dir=isolated / "reports",
        **settings,  # type: ignore[arg-type]
    )
    return App(s, clock=FixedClock(DEC_1))


@pytest.fixture
def app(isolated: Path) -> App:
    a = _app(isolated)
    a.store.init()
    yield a  # type: ignore[misc]
    a.close()


def test_a_new_ecb_file_is_checked_stored_and_used_by_fx_and_report(app: App) -> None:
    assert app.rate_book().last_published("CNY", "USD") == shipped_last_day()
    with RateServer(ecb_until=NOV_30) as server:
        result = app.update_rates("ECB", url=server.url("/ecb.zip"))
    assert (result.status, result.last_day) == ("updated", NOV_30)
    book = app.rate_book()
    # the synthetic rows repeat the shipped last day's rates, so Nov 30 = Oct 30's cross
    assert book.rate("CNY", "USD", date=NOV_30).date_used == NOV_30
    assert (
        book.rate("CNY", "USD", date=NOV_30).rate
        == book.rate("CNY", "USD", date=shipped_last_day()).rate
    )
    report = app.write_report(month="2026-11", out_dir=app.settings.output_dir)
    assert report.provisional is None  # the month's own rate is now published
    rate_line = next(t for t in sheet_texts(report.path, "Cover") if t.startswith("1 CNY ="))
    assert "2026-11-30" in rate_line and "provisional" not in rate_line


def test_an_unchanged_file_is_not_fetched_again(app: App) -> None:
    with RateServer(ecb_until=NOV_30) as server:
        first = app.update_rates("ECB", url=server.url("/ecb.zip"))
        second = app.update_rates("ECB", url=server.url("/ecb.zip"))
        assert server.hits["/ecb.zip"] == 2 and server.not_modified["/ecb.zip"] == 1
    assert (first.status, second.status) == ("updated", "unchanged")
    assert "up to date (to 2026-11-30" in second.message


@pytest.mark.parametrize(
    ("path", "says"),
    [
        ("/404", "HTTP 404"),
        ("/500", "HTTP 500"),
        ("/page.zip", "web page, not an ECB rate file"),
        ("/truncated.zip", "not a readable zip"),
        ("/cut.zip", "broke off mid-download"),
        ("/stall.zip", "timed out waiting for data"),
        ("/silent.zip", "timed out waiting for data"),
        ("/old.zip", "before the rates already held"),
        ("/nousd.zip", "has no USD rates"),
        ("/huge.zip", "over the"),
    ],
)
def test_a_bad_download_keeps_the_rates_held_and_says_so(app: App, path: str, says: str) -> None:
    with RateServer(ecb_until=NOV_30) as server:
        app.update_rates("ECB", url=server.url("/ecb.zip"))  # a good file first
        # a stalled or silent server waits 30 s before it lets go: the 2 s read timeout
        # is what ends the call, as the message says ("timed out waiting for data")
        with pytest.raises(RateDownloadError) as caught:
            app.update_rates("ECB", url=server.url(path), deadline_s=2.0)
    message = str(caught.value)
    assert says in message
    assert message.startswith("could not update ECB rates from http://127.0.0.1:")
    # the address was the user's choice, so the message points at it
    assert message.endswith(
        f"the rates held (to 2026-11-30) stay in use (check the address given with --url: "
        f"{server.url(path)})"
    )
    assert "\n" not in message
    # nothing was replaced: the good file is still the one in use
    assert app.rate_book().last_published("CNY", "USD") == NOV_30
    record = app.store.rate_file("ECB", with_content=False)
    assert record is not None and record.last_error == message


def test_one_update_serves_every_process_sharing_the_store(app: App, isolated: Path) -> None:
    with RateServer(ecb_until=NOV_30) as server:
        app.update_rates("ECB", url=server.url("/ecb.zip"))
    # a second process on the same database, offline, sees the fetched rates
    env_db = app.database_url
    done = subprocess.run(
        [sys.executable, "-m", "xlreport", "fx", "rate", "CNY", "USD", "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
        env={
            "PATH": "/usr/bin:/bin",
            "XLREPORT_DATABASE_URL": env_db,
            "XLREPORT_DATA_DIR": str(isolated / "other-data"),
            "XLREPORT_RATE_UPDATE": "off",
        },
    )
    assert done.returncode == 0, done.stderr
    assert '"date_used": "2026-11-30"' in done.stdout


def test_the_fred_h10_series_is_a_second_source(app: App) -> None:
    with RateServer(ecb_until=NOV_30, fred_until=NOV_30) as server:
        result = app.update_rates("FRED", url=server.url("/fred.csv"))
    assert result.status == "updated"
    book = app.rate_book()
    quote = book.rate("USD", "CNY", date=date(2024, 5, 24), source="FRED")
    # the synthetic FRED file holds CNY per euro / USD per euro of the ECB, to 4 places:
    # 2024-05-24: 7.8522 / 1.0840 = 7.24372... -> 7.2437
    assert quote.rate == pytest.approx(7.2437, rel=1e-12)
    # and the other way: dollars per yuan = 1 / 7.2437
    back = book.rate("CNY", "USD", date=date(2024, 5, 24), source="FRED").rate
    assert back == pytest.approx(1 / 7.2437, rel=1e-12)
    assert (quote.source, quote.date_used) == ("FRED", date(2024, 5, 24))


def test_auto_update_before_a_report_and_offline_goes_on_provisional(isolated: Path) -> None:
    with RateServer(ecb_until=NOV_30) as server:
        online = _app(isolated, rates_url=server.url("/ecb.zip"))
        online.store.init()
        report = online.write_report(out_dir=isolated / "out")  # last complete: 2026-11
        assert server.hits["/ecb.zip"] == 1
        assert report.month == "2026-11" and report.provisional is None
        online.close()
    # offline (nothing listens on that port): the report still comes, within seconds
    offline = _app(isolated / "b", rates_url="http://127.0.0.1:9/ecb.zip")
    offline.store.init()
    report = offline.write_report(out_dir=isolated / "out-b")
    # 2026-11-30 - 2026-10-30 = 31 days
    assert report.provisional == "provisional: rate of 2026-10-30 (31 days before the month's end)"
    assert any("could not update ECB rates" in n for n in offline.notes)
    # a mirror from the settings failed: the note says which setting to check
    assert any(
        "(check the mirror set in XLREPORT_RATES_URL, or unset it to use https://" in n
        for n in offline.notes
    ), offline.notes
    # said where a reader looks: the cover, the summary and the currency sheet
    for sheet in ("Cover", "Summary", "Currency"):
        texts = sheet_texts(report.path, sheet)
        assert any("provisional: rate of 2026-10-30" in t.lower() for t in texts), sheet
    offline.close()


def test_update_off_never_touches_the_network(isolated: Path) -> None:
    with RateServer(ecb_until=NOV_30) as server:
        app = _app(isolated, rates_url=server.url("/ecb.zip"), rate_update="off")
        app.store.init()
        report = app.write_report(out_dir=isolated / "out")
        assert server.hits["/ecb.zip"] == 0
    assert report.provisional is not None and "2026-10-30" in report.provisional
    app.close()


def test_fx_update_cli_reports_one_line_and_exit_1_on_failure(isolated: Path) -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "XLREPORT_DATA_DIR": str(isolated / "data"),
    }
    run = [sys.executable, "-m", "xlreport"]
    assert subprocess.run([*run, "init"], env=env, capture_output=True, check=False).returncode == 0
    with RateServer(ecb_until=NOV_30) as server:
        bad = subprocess.run(
            [*run, "fx", "update", "--url", server.url("/500")],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        good = subprocess.run(
            [*run, "fx", "update", "--url", server.url("/ecb.zip")],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
    assert bad.returncode == 1
    assert bad.stderr.strip().splitlines() == [
        f"Error: could not update ECB rates from {server.url('/500')}: the server answered "
        "HTTP 500 Internal Server Error; the rates held (to 2026-10-30) stay in use "
        f"(check the address given with --url: {server.url('/500')})"
    ]
    assert good.returncode == 0, good.stderr
    assert "ECB rates updated" in good.stdout and "to 2026-11-30" in good.stdout
    with Store.open(f"sqlite:///{isolated / 'data' / 'xlreport.sqlite3'}") as store:
        record = store.rate_file("ECB", with_content=False)
    assert record is not None and record.last_day == NOV_30


def test_the_excel_functions_use_the_fetched_rates(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    from xlreport.excel import cache, functions

    data = cache.ExcelData(app=lambda: app, today=lambda: NOV_30)
    monkeypatch.setattr(cache, "DATA", data)
    when = datetime(2026, 11, 30)  # what Excel passes for a date cell
    before = functions.XLR_RATE("CNY", "USD", when)
    assert isinstance(before, str) and "no daily CNY->USD rate" in before
    with RateServer(ecb_until=NOV_30) as server:
        app.update_rates("ECB", url=server.url("/ecb.zip"))
    data.refresh()  # what the next check (at most a second later) does: a new revision
    after = functions.XLR_RATE("CNY", "USD", when, None, None, "date_used")
    assert after == "2026-11-30"  # the cell shows the day the rate was published
