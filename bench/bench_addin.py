"""A 10,000-cell recalculation through the Office add-in against the same calls in-process
(run by hand: not a test).

    .venv/bin/python bench/bench_addin.py

Sets up a temporary SQLite store with the embedded dataset and the add-in server (the
Starlette app under uvicorn, HTTPS on 127.0.0.1, a free port, in a thread of this process),
then times one sheet of 10,000 formulas: every target (36 in the embedded data) times
seven functions with varying fields, as-of dates and rate dates (the number of distinct
calls is printed). Each path is timed over the same calls:

* in-process: the xlwings functions called one by one (the baseline, ratio 1.0);
* the add-in's Python path without HTTP (``xlreport.addin.calls.run_calls``);
* the add-in over HTTPS as ``functions.js`` sends it: batches of 1,000 calls
  (``MAX_BATCH``), i.e. 10 requests for the sheet;
* over HTTPS with one request per cell (no batching), on 500 cells, scaled to 10,000.

"fresh" runs drop the remembered per-call results first (the data and progress tables
stay loaded, as after the first recalculation of a session); "repeat" runs answer from
them (a recalculation with nothing changed). Medians of REPEATS runs. Excel's own cost
(the JavaScript runtime, writing cells) is not included.
"""

from __future__ import annotations

import os
import ssl
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPEATS = 5
CELLS = 10_000
BATCH = 1_000  # MAX_BATCH of functions.js
UNBATCHED = 500
TOKEN = "bench-token-0123456789abcdefghij"


def _median_ms(run: Callable[[], Any], before: Callable[[], None]) -> float:
    samples = []
    for _ in range(REPEATS):
        before()
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1e3)
    return statistics.median(samples)


def main() -> int:
    home = Path(tempfile.mkdtemp(prefix="xlreport-bench-addin-"))
    os.environ["XLREPORT_DATA_DIR"] = str(home / "data")
    import httpx

    from xlreport.addin.calls import run_calls
    from xlreport.addin.certs import ensure_certificates
    from xlreport.addin.serve import BackgroundServer, TlsFiles
    from xlreport.addin.server import Limits, create_app
    from xlreport.excel import cache
    from xlreport.excel import functions as f
    from xlreport.excel.cache import ExcelData
    from xlreport.store import Store

    store = Store.open()
    store.init()
    data = ExcelData(lambda: store, check_every=3600.0)
    cache.DATA = data
    targets = [row[0] for row in f.XLR_TARGETS()[1:]]
    shapes: list[Callable[[str, int], tuple[str, list[Any]]]] = [
        lambda t, i: ("XLR_SHARE", [t]),
        lambda t, i: ("XLR_STATUS", [t, ["status", "method", "explanation"][i % 3]]),
        lambda t, i: ("XLR_LATEST", [t, 45000 + 30 * (i % 40)]),  # 40 as-of dates
        lambda t, i: ("XLR_TARGET", [t, ["value", "unit", "deadline", "name"][i % 4]]),
        lambda t, i: ("XLR_CAGR_REQUIRED", [t]),
        lambda t, i: ("XLR_ANTICIPATED", [t, "gap"]),
        lambda t, i: ("XLR_RATE", ["CNY", "USD", 45000 + i % 1000]),  # 1,000 rate days
    ]
    n = len(targets)
    calls = [shapes[(i // n) % len(shapes)](targets[i % n], i // n) for i in range(CELLS)]
    excel_calls = [(getattr(f, n), [float(a) if type(a) is int else a for a in args])
                   for n, args in calls]  # fmt: skip
    body = [{"name": n, "args": a} for n, a in calls]
    distinct = len({(n, repr(a)) for n, a in calls})
    for func, args in excel_calls:  # warm: data, progress tables, rate quotes
        func(*args)
    run_calls(body)

    def fresh() -> None:
        data.results = {}

    def keep() -> None:
        pass

    def in_process() -> None:
        for func, args in excel_calls:
            func(*args)

    def python_path() -> None:
        for i in range(0, CELLS, BATCH):
            run_calls(body[i : i + BATCH])

    certs = ensure_certificates()
    tls = TlsFiles(certs.cert, certs.key, made_here=True)
    limits = Limits(max_calls=BATCH, rate=1e9, burst=10**9)
    app = create_app(token=TOKEN, origins=["https://localhost:8443"], limits=limits)
    context = ssl.create_default_context(cafile=str(certs.ca_cert))
    auth = {"Authorization": "Bearer " + TOKEN}
    rows: list[tuple[str, float]] = []
    with (
        BackgroundServer(app, tls) as server,
        httpx.Client(base_url=server.url, verify=context, timeout=120) as client,
    ):

        def over_https() -> None:
            for i in range(0, CELLS, BATCH):
                r = client.post("/api/call", json={"calls": body[i : i + BATCH]}, headers=auth)
                assert r.status_code == 200 and len(r.json()["results"]) == BATCH

        def one_request_per_cell() -> None:
            for call in body[:UNBATCHED]:
                r = client.post("/api/call", json={"calls": [call]}, headers=auth)
                assert r.status_code == 200

        over_https()  # the connection and TLS session are set up once, as in Excel
        served = client.post("/api/call", json={"calls": body[:BATCH]}, headers=auth).json()
        expected = [func(*args) for func, args in excel_calls[:BATCH]]
        mismatched = sum(
            1
            for got, want in zip(served["results"], expected, strict=True)
            if not (got == want or (isinstance(got, dict) and "#XLR! " + got["error"] == want))
        )
        for label, run, before in [
            ("in-process xlwings functions, fresh", in_process, fresh),
            ("in-process xlwings functions, repeat", in_process, keep),
            ("add-in Python path (run_calls), fresh", python_path, fresh),
            ("add-in over HTTPS, 10 batches, fresh", over_https, fresh),
            ("add-in over HTTPS, 10 batches, repeat", over_https, keep),
        ]:
            rows.append((label, _median_ms(run, before)))
        per_cell = _median_ms(one_request_per_cell, keep) * CELLS / UNBATCHED
        rows.append((f"over HTTPS, 1 request per cell (x{CELLS // UNBATCHED})", per_cell))

    base = rows[0][1]
    print(f"{CELLS:,} cells ({distinct:,} distinct calls), median of {REPEATS} runs,"
          f" Python {sys.version.split()[0]}; results equal to in-process: "
          f"{BATCH - mismatched}/{BATCH} checked")  # fmt: skip
    print(f"{'path':<48} {'ms':>10} {'ratio':>8} {'us/cell':>9}")
    for label, ms in rows:
        print(f"{label:<48} {ms:>10.1f} {ms / base:>8.2f} {ms * 1e3 / CELLS:>9.1f}")
    store.close()
    return 0 if mismatched == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
