"""The task pane in a real headless Chromium (Debian's chromium and chromium-driver,
driven by Selenium) against a real ``xlreport addin serve`` process: connect with the
token, see the server and the data vintage, click the button, receive the report.

Office.js comes from the npm package ``@microsoft/office-js`` served by the same server
(``--office-js``); outside Office its ``onReady`` resolves without a host, so the pane
saves the report through a download. Chromium trusts exactly the server's certificate
(``--ignore-certificate-errors-spki-list`` with its key's hash), nothing else.
"""

from __future__ import annotations

import os
import shutil
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import openpyxl
import pytest

from xlreport.addin.certs import ensure_certificates, spki_fingerprint
from xlreport.addin.token import load_or_create_token
from xlreport.store import Store

ROOT = Path(__file__).resolve().parents[2]
OFFICE_JS = ROOT / "addin-tests" / "node_modules" / "@microsoft" / "office-js" / "dist"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """``(url, token)`` of an ``xlreport addin serve`` process on 127.0.0.1."""
    if not (OFFICE_JS / "office.js").is_file():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=OFFICE_JS.parents[2],
                       check=True)  # fmt: skip
    with Store.open() as store:
        store.init()
    token, _ = load_or_create_token()
    certs = ensure_certificates()
    port = _free_port()
    log = (tmp_path / "serve.log").open("w")
    cmd = [sys.executable, "-m", "xlreport", "addin", "serve", "--port", str(port),
           "--office-js", str(OFFICE_JS)]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ))
    url = f"https://127.0.0.1:{port}"
    context = ssl.create_default_context(cafile=str(certs.ca_cert))
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(url + "/functions.json", verify=context, timeout=2)
                break
            except httpx.HTTPError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    pytest.fail("serve did not start:\n" + (tmp_path / "serve.log").read_text())
                time.sleep(0.2)
        yield url, token
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    if not Path(CHROMIUM).exists() or not Path(CHROMEDRIVER).exists():
        pytest.fail("chromium and chromium-driver are needed: run scripts/setup.sh")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    spki = spki_fingerprint(ensure_certificates().cert)
    for arg in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                f"--user-data-dir={tmp_path / 'profile'}",
                f"--ignore-certificate-errors-spki-list={spki}"]:  # fmt: skip
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def _wait(what: object, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not what():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.1)


def test_task_pane_connects_and_the_button_downloads_the_report(
    served: tuple[str, str], browser: object, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By

    url, token = served
    driver: object = browser
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    driver.execute_cdp_cmd(  # type: ignore[attr-defined]
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    driver.get(url + "/taskpane.html")  # type: ignore[attr-defined]
    find = driver.find_element  # type: ignore[attr-defined]
    assert "office-js/office.js" in driver.page_source  # type: ignore[attr-defined]
    _wait(lambda: find(By.ID, "server-status").text.startswith("Not connected"))
    assert "token is missing or wrong" in find(By.ID, "server-status").text
    assert find(By.ID, "server-url").text == url  # the server in use

    find(By.ID, "token").send_keys(token)
    find(By.ID, "save-token").click()
    _wait(lambda: find(By.ID, "server-status").text == "Connected.")
    assert find(By.ID, "data-vintage").text == "2024-05-25"  # latest publication date
    assert find(By.ID, "revision").text == "1"

    driver.execute_script(  # type: ignore[attr-defined]
        "document.getElementById('month').value = '2024-05'"
    )
    find(By.ID, "generate").click()
    _wait(lambda: find(By.ID, "report-status").text.startswith(("Report ready", "No report")))
    status = find(By.ID, "report-status").text
    assert status.startswith("Report ready: plan-targets-report-2024-05.xlsx"), status
    _wait(lambda: any(downloads.glob("*.xlsx")) and not any(downloads.glob("*.crdownload")))
    (saved,) = downloads.glob("*.xlsx")
    assert saved.name == "plan-targets-report-2024-05.xlsx"
    book = openpyxl.load_workbook(saved, read_only=True)  # the download opens
    assert len(book.sheetnames) >= 2
    book.close()

    # the token is kept for the next time the pane (and the functions) load
    driver.refresh()  # type: ignore[attr-defined]
    _wait(lambda: find(By.ID, "server-status").text == "Connected.")
    errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]  # type: ignore[attr-defined]
    # the only error allowed: the first health check, refused before the token was given
    assert all("api/health" in e["message"] and "401" in e["message"] for e in errors), errors


def test_a_bad_month_shows_the_servers_reason(served: tuple[str, str], browser: object) -> None:
    from selenium.webdriver.common.by import By

    url, token = served
    driver: object = browser
    driver.get(url + "/taskpane.html")  # type: ignore[attr-defined]
    find = driver.find_element  # type: ignore[attr-defined]
    find(By.ID, "token").send_keys(token)
    find(By.ID, "save-token").click()
    _wait(lambda: find(By.ID, "server-status").text == "Connected.")
    driver.execute_script(  # type: ignore[attr-defined]
        "document.getElementById('month').value = '1990-01'"  # before the ECB's rates
    )
    find(By.ID, "generate").click()
    _wait(lambda: find(By.ID, "report-status").text.startswith(("Report ready", "No report")))
    status = find(By.ID, "report-status").text
    assert status.startswith("No report: no daily CNY->USD rate"), status
    assert find(By.ID, "report-link").get_attribute("hidden") is not None  # nothing to save


# Office.js replaces CustomFunctions.associate with its own, which files the functions in
# CustomFunctions._association.mappings (what Excel's runtime reads); Excel's error type
# comes with Excel's host script, so this stand-in provides CustomFunctions.Error and
# ErrorCode. The real functions.js then runs against the real server over HTTPS.
CUSTOM_FUNCTIONS = """
window.CustomFunctions = {
  ErrorCode: {notAvailable: "#N/A", invalidValue: "#VALUE!", invalidName: "#NAME?",
              invalidNumber: "#NUM!"},
  Error: class { constructor(code, message) { this.code = code; this.message = message; } },
};
"""

RECALCULATE = """
const done = arguments[arguments.length - 1];
const calls = () => performance.getEntriesByType("resource")
  .filter((e) => e.name.endsWith("/api/call")).length;
const before = calls();
const f = window.CustomFunctions._association.mappings;
Promise.allSettled([  // the cells of one recalculation
  f.XLR_TARGET("lingang-2025.industrial-output"),
  f.XLR_TARGET("lingang-2025.industrial-output", "unit"),
  f.XLR_SHARE("nope"),
  f.XLR_LATEST("lingang-2025.industrial-output", "soon"),
  f.XLR_TARGETS("lingang-2025", [["id", "unit"]]),
]).then((settled) => setTimeout(() => done({
  results: settled.map((s) => s.status === "fulfilled" ? {value: s.value}
                                : {code: s.reason.code, message: s.reason.message}),
  requests: calls() - before,
  associated: Object.keys(f).filter((k) => typeof f[k] === "function"),
}), 100));
"""


def test_custom_functions_script_batches_one_recalculation_against_the_server(
    served: tuple[str, str], browser: object
) -> None:
    from xlreport.addin.metadata import catalog

    url, token = served
    driver: object = browser
    driver.execute_cdp_cmd(  # type: ignore[attr-defined]
        "Page.addScriptToEvaluateOnNewDocument", {"source": CUSTOM_FUNCTIONS}
    )
    driver.get(url + "/taskpane.html")  # type: ignore[attr-defined]
    driver.execute_script(  # type: ignore[attr-defined]
        "localStorage.setItem('xlreport.token', arguments[0])", token
    )
    driver.refresh()  # type: ignore[attr-defined]
    driver.set_script_timeout(60)  # type: ignore[attr-defined]
    got = driver.execute_async_script(RECALCULATE)  # type: ignore[attr-defined]
    assert got["associated"] == [spec.name for spec in catalog()]
    assert got["requests"] == 1  # five cells, one request
    value, unit, unknown, bad_date, table = got["results"]
    assert value == {"value": 500e9}  # 500 billion CNY, in full units
    assert unit == {"value": "CNY"}
    assert unknown["code"] == "#N/A"
    assert unknown["message"] == "unknown target 'nope': see XLR_TARGETS(plan) for the ids"
    assert bad_date["code"] == "#VALUE!" and bad_date["message"].startswith("as_of: 'soon'")
    rows = table["value"]
    assert rows[0] == ["id", "unit"] and ["lingang-2025.industrial-output", "CNY"] in rows
    assert len({len(r) for r in rows}) == 1  # a rectangle that spills
