"""The add-in server over real HTTPS (uvicorn on 127.0.0.1, a free port; httpx trusting
only the CA the server's certificate comes from): the token, CORS, the limits, and every
custom function answering exactly what the xlwings function answers."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest
from addin_env import TOKEN, FakeClock, Running, running_server, use_store

from xlreport.addin.metadata import build_metadata, catalog
from xlreport.addin.server import Limits
from xlreport.excel import functions as f
from xlreport.excel.cells import CellError
from xlreport.store import Store

OUTPUT = "lingang-2025.industrial-output"  # 500 bn CNY by 2025; 433.3 bn in 2023 (+22.5%)
IC = "shanghai-highend-2025.ic-scale"  # more than double 207 bn CNY (2020) by 2025
SERIAL_2024_05_24 = 45436  # date(2024, 5, 24) - date(1899, 12, 30) = 45436 days
OWN_ORIGIN = "https://localhost:8443"


@pytest.fixture
def addin_store(monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    with Store.open() as s:  # the isolated SQLite file of this test
        s.init()
        use_store(s, monkeypatch)
        yield s


@pytest.fixture
def server(addin_store: Store) -> Iterator[Running]:
    with running_server([OWN_ORIGIN]) as running:
        yield running


# ------------------------------------------------------------------ the token


def test_every_api_route_needs_the_token_and_a_401_reveals_nothing(server: Running) -> None:
    routes = [("GET", "/api/health", None), ("POST", "/api/call", {"calls": []}),
              ("POST", "/api/report", {"month": "2024-05"})]  # fmt: skip
    wrong = [
        {},  # no header
        {"Authorization": "Bearer"},
        {"Authorization": "Basic " + TOKEN},  # right secret, wrong scheme
        {"Authorization": "Bearer " + TOKEN[:-1]},  # one character short
        {"Authorization": "Bearer " + TOKEN + "x"},
        {"Authorization": "Bearer " + TOKEN.upper()},
    ]
    answers = set()
    for method, path, body in routes:
        for headers in wrong:
            r = server.client.request(method, path, json=body, headers=headers)
            assert r.status_code == 401, (path, headers)
            assert r.headers["www-authenticate"] == "Bearer"
            answers.add(r.content)
    assert answers == {b'{"error":"unauthorized"}'}  # the same few bytes every time
    ok = server.client.get("/api/health", headers={"Authorization": "bearer " + TOKEN})
    assert ok.status_code == 200
    assert ok.headers["cache-control"] == "no-store"


def test_the_add_in_files_need_no_token(server: Running) -> None:
    page = server.client.get("/taskpane.html")
    assert page.status_code == 200
    # the page users get names Microsoft's CDN for Office.js, as Microsoft requires
    assert "https://appsforoffice.microsoft.com/lib/1/hosted/office.js" in page.text
    for path, kind in [("/functions.js", "javascript"), ("/taskpane.js", "javascript"),
                       ("/catalog.js", "javascript"), ("/functions.json", "json"),
                       ("/taskpane.css", "css"), ("/assets/icon-80.png", "png")]:  # fmt: skip
        r = server.client.get(path)
        assert r.status_code == 200 and kind in r.headers["content-type"], path
        assert r.headers["x-content-type-options"] == "nosniff"
    assert server.client.get("/assets/icon-80.png").content.startswith(b"\x89PNG")
    missing = server.client.get("/../pyproject.toml")
    assert missing.status_code == 404 and "tool.setuptools" not in missing.text


def test_https_only(server: Running) -> None:
    plain = server.url.replace("https://", "http://")
    with pytest.raises(httpx.HTTPError):
        httpx.get(plain + "/taskpane.html", timeout=5)
    # and only the certificate's CA is trusted by the client: the chain is real
    assert server.client.get("/taskpane.html").status_code == 200


# ------------------------------------------------------------------ CORS


def test_cors_allows_the_add_ins_origin_only(server: Running) -> None:
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type",
    }
    own = server.client.options("/api/call", headers={"Origin": OWN_ORIGIN, **preflight})
    assert own.status_code == 200
    assert own.headers["access-control-allow-origin"] == OWN_ORIGIN
    assert "authorization" in own.headers["access-control-allow-headers"].lower()
    for evil in ["https://evil.example", "https://localhost:9999", "null", "http://localhost:8443"]:
        r = server.client.options("/api/call", headers={"Origin": evil, **preflight})
        assert r.status_code == 400, evil
        assert "access-control-allow-origin" not in r.headers
        # a simple request from there is answered, but without the header a browser
        # needs to let that page read it
        g = server.client.get("/api/health", headers={"Origin": evil, **server.auth()})
        assert "access-control-allow-origin" not in g.headers


# ------------------------------------------------------------------ limits


def test_request_and_batch_size_limits(addin_store: Store) -> None:
    with running_server([OWN_ORIGIN], limits=Limits(max_body=10_000, max_calls=50)) as s:
        big = {"calls": [{"name": "XLR_TARGET", "args": ["x" * 20_000]}]}
        r = s.client.post("/api/call", json=big, headers=s.auth())
        assert r.status_code == 413
        many = {"calls": [{"name": "XLR_TARGET", "args": [OUTPUT]}] * 51}
        r = s.client.post("/api/call", json=many, headers=s.auth())
        assert r.status_code == 413
        assert r.json() == {"error": "51 calls in one request; send at most 50"}
        fifty = {"calls": [{"name": "XLR_TARGET", "args": [OUTPUT]}] * 50}
        r = s.client.post("/api/call", json=fifty, headers=s.auth())
        assert r.json()["results"] == [500e9] * 50


def test_rate_limit_per_client(addin_store: Store) -> None:
    clock = FakeClock()
    with running_server([OWN_ORIGIN], limits=Limits(rate=2, burst=3), clock=clock) as s:
        codes = [s.client.get("/api/health", headers=s.auth()).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]  # a burst of 3, then refused
        wrong = s.client.get("/api/health", headers=s.auth("guess"))
        assert wrong.status_code == 429  # guessing the token counts too, and is refused
        clock.now += 1.0  # 1 s at 2 requests/s: two more
        codes = [s.client.get("/api/health", headers=s.auth()).status_code for _ in range(3)]
        assert codes == [200, 200, 429]
        assert s.client.get("/taskpane.html").status_code == 200  # the files are not limited


def test_malformed_requests_are_400_with_a_reason(server: Running) -> None:
    post = server.client.post
    r = post("/api/call", content=b"{not json", headers={**server.auth(),
             "Content-Type": "application/json"})  # fmt: skip
    assert r.status_code == 400 and r.json() == {"error": "the request body is not valid JSON"}
    r = post("/api/call", json={"call": []}, headers=server.auth())
    assert r.status_code == 400 and "calls" in r.json()["error"]
    r = post("/api/call", json={"calls": [{"name": "XLR_TARGET", "args": [{"a": 1}]}]},
             headers=server.auth())  # fmt: skip
    assert r.status_code == 400 and "numbers, text" in r.json()["error"]
    r = post("/api/call", content=json.dumps({"calls": []}), headers=server.auth())
    assert r.status_code == 400 and "Content-Type" in r.json()["error"]


# ------------------------------------------------------------------ the functions

# Excel-shaped arguments for every function: values, tables and errors of each kind.
# Dates are serial numbers, as Excel's JavaScript API sends them.
CASES: dict[str, list[list[Any]]] = {
    "XLR_TARGET": [[OUTPUT], [OUTPUT, "unit"], [OUTPUT, "plan_name"], [[[IC]]],
                   ["nope"], [None], [OUTPUT, "colour"], [[[OUTPUT, IC]]]],
    "XLR_TARGETS": [["lingang-2025"], ["lingang-2025", [["id", "unit"]]], [],
                    ["lingang"], ["lingang-2025", "id,size"]],
    "XLR_PLANS": [[], [[["id"], ["name"]]], ["id,colour"]],
    "XLR_LATEST": [[OUTPUT], [OUTPUT, None, "period"], [OUTPUT, SERIAL_2024_05_24],
                   [OUTPUT, SERIAL_2024_05_24 + 1, "published"], [OUTPUT, "soon"]],
    "XLR_OBSERVATIONS": [[OUTPUT], [OUTPUT, None, True], [OUTPUT, None, "maybe"], ["nope"]],
    "XLR_SHARE": [[OUTPUT], [IC], [OUTPUT, 45658, 0.1], [OUTPUT, None, 1.5], ["nope"]],
    "XLR_STATUS": [[OUTPUT], [OUTPUT, "method"], [OUTPUT, "explanation"], [OUTPUT, "mood"],
                   [OUTPUT, "as_of"]],
    "XLR_CAGR_REQUIRED": [[OUTPUT], [OUTPUT, "now"], [IC], [OUTPUT, "later"]],
    "XLR_CAGR_ACTUAL": [[OUTPUT], [IC]],
    "XLR_ANTICIPATED": [[OUTPUT], [OUTPUT, "gap"], [OUTPUT, "size"]],
    "XLR_PROGRESS": [["lingang-2025"], ["lingang-2025", None, "target_id,status"], ["x"]],
    "XLR_RATE": [["CNY", "USD", SERIAL_2024_05_24], ["cny", "usd", "2024-05"],
                 ["CNY", "USD", SERIAL_2024_05_24, None, None, "date_used"],
                 ["CNY", "XXX", SERIAL_2024_05_24], ["CNY", "USD", 1]],
    "XLR_CONVERT": [[100, "CNY", "USD", SERIAL_2024_05_24], ["433.3 billion", "CNY", "EUR", 2023],
                    ["lots", "CNY", "USD"]],
    "XLR_ABOUT": [[], ["version"], ["data_vintage"], ["colour"]],
}  # fmt: skip


def _excel(value: Any) -> Any:
    """What xlwings would be handed for a JSON value: numbers as floats."""
    if isinstance(value, list):
        return [_excel(v) for v in value]
    return float(value) if isinstance(value, int) and not isinstance(value, bool) else value


def test_the_cases_cover_every_function_of_the_catalog() -> None:
    assert set(CASES) == {spec.name for spec in catalog()}


def test_every_function_answers_what_the_python_function_answers(server: Running) -> None:
    calls = [(name, args) for name, cases in CASES.items() for args in cases]
    results = server.call(*calls)  # one request, one batch: answered in order
    assert len(results) == len(calls)
    errors = values = 0
    for (name, args), got in zip(calls, results, strict=True):
        expected = getattr(f, name)(*_excel(args))  # the xlwings function, in-process
        if isinstance(expected, CellError):
            assert got["error"] == expected.removeprefix("#XLR! "), (name, args)
            # the same Excel error the workbook's function shows
            assert got["code"] == expected.code, (name, args)
            assert got["code"] in ("#N/A", "#VALUE!"), (name, args)
            errors += 1
        else:
            assert got == json.loads(json.dumps(expected)), (name, args)
            values += 1
    assert errors >= 20 and values >= 30  # both kinds really compared


def test_values_and_error_codes_a_user_sees(server: Running) -> None:
    share, unknown, bad_date, no_growth, table = server.call(
        ("XLR_SHARE", [OUTPUT]),
        ("XLR_TARGET", ["lingang-2025.industrial-outpt"]),
        ("XLR_LATEST", [OUTPUT, "soon"]),
        ("XLR_CAGR_ACTUAL", [IC]),
        ("XLR_TARGETS", ["lingang-2025", "id,unit"]),
    )
    assert share == pytest.approx(433.3 / 500)  # 433.3 bn of 500 bn, no baseline: 0.8666
    assert unknown == {
        "error": "unknown target 'lingang-2025.industrial-outpt' (did you mean "
        "'lingang-2025.industrial-output'?): see XLR_TARGETS(plan) for the ids",
        "code": "#N/A",  # a look-up that finds nothing, as VLOOKUP says it
    }
    assert bad_date["code"] == "#VALUE!" and bad_date["error"].startswith("as_of: 'soon'")
    assert no_growth["code"] == "#N/A"  # the data has no answer (only the baseline)
    assert table[0] == ["id", "unit"] and [OUTPUT, "CNY"] in table


def test_unknown_functions_and_too_many_arguments(server: Running) -> None:
    unknown, extra = server.call(("XLR_NOPE", []), ("XLR_CAGR_ACTUAL", [OUTPUT, None, None]))
    assert unknown == {"error": "unknown function 'XLR_NOPE': see /functions.json",
                       "code": "#NAME?"}  # fmt: skip
    assert extra == {"error": "XLR_CAGR_ACTUAL takes at most 2 arguments, not 3",
                     "code": "#VALUE!"}  # fmt: skip


def test_functions_json_is_the_catalog(server: Running) -> None:
    served = server.client.get("/functions.json").json()
    assert served == build_metadata()
    by_id = {fn["id"]: fn for fn in served["functions"]}
    assert list(by_id) == [spec.name for spec in catalog()]
    for spec in catalog():
        fn = by_id[spec.name]
        assert fn["name"] == spec.name.removeprefix("XLR_")  # =XLR.STATUS in Excel
        assert fn["description"] == spec.help
        assert [(p["name"], p["description"], p["optional"]) for p in fn["parameters"]] == [
            (a.name, a.help, a.optional) for a in spec.args
        ]
        spills = fn["result"]["dimensionality"] == "matrix"
        assert spills == (spec.returns == "table")
    assert by_id["XLR_TARGETS"]["result"]["dimensionality"] == "matrix"
    fields = next(p for p in by_id["XLR_TARGETS"]["parameters"] if p["name"] == "fields")
    assert fields["dimensionality"] == "matrix"  # a range of names arrives as rows
    script = server.client.get("/catalog.js").text
    listed = json.loads(script.removeprefix("self.XLREPORT_FUNCTIONS = ").rstrip(";\n"))
    assert [(e["id"], e["params"]) for e in listed] == [
        (spec.name, len(spec.args)) for spec in catalog()
    ]


def test_health_shows_the_data_vintage(server: Running, addin_store: Store) -> None:
    about = server.client.get("/api/health", headers=server.auth()).json()
    assert about["status"] == "ok"
    assert about["data_vintage"] == "2024-05-25"  # the latest publication in the dataset
    assert about["revision"] == addin_store.revision()
    assert about["today"] == "2024-12-31"
    assert "python" not in about  # no paths of the server's machine beyond the database


# ------------------------------------------------------------------ the report


def test_report_is_a_download_that_opens(server: Running) -> None:
    r = server.client.post("/api/report", json={"month": "2024-05"}, headers=server.auth())
    assert r.status_code == 200, r.text
    assert r.headers["content-disposition"].startswith("attachment;")
    assert r.headers["content-disposition"].endswith('-2024-05.xlsx"')
    book = openpyxl.load_workbook(io.BytesIO(r.content), read_only=True)
    assert len(book.sheetnames) >= 2
    cells = [c for row in book[book.sheetnames[0]].iter_rows(values_only=True) for c in row]
    assert any(isinstance(c, str) and "2024" in c for c in cells)
    book.close()


def test_report_errors_say_what_to_fix(server: Running) -> None:
    post = server.client.post
    r = post("/api/report", json={}, headers=server.auth())
    assert r.status_code == 400 and "YYYY-MM" in r.json()["error"]
    r = post("/api/report", json={"month": "2024-13"}, headers=server.auth())
    assert r.status_code == 400 and "2024-13" in r.json()["error"]


def test_report_writer_failure_leaves_no_file_and_no_traceback(addin_store: Store) -> None:
    made: list[Path] = []

    def broken(month: str, folder: Path) -> Path:
        made.append(folder)
        raise RuntimeError("synthetic failure with /secret/path in it")

    with running_server([OWN_ORIGIN], write_report=broken) as s:
        r = s.client.post("/api/report", json={"month": "2024-05"}, headers=s.auth())
    assert r.status_code == 500
    assert r.json() == {"error": "internal error: see the server's log"}
    assert made and not made[0].exists()  # the temporary folder is gone
