"""Python-side cost of the Excel custom functions (run by hand: not a test).

    .venv/bin/python bench/bench_udf.py

Sets up a temporary SQLite store with the embedded dataset, warms the functions' cache,
then times scalar calls as Excel's COM server makes them (positional arguments, floats for
numbers) against a bare dictionary lookup measured in the same process. Reports the
median over repeats of the per-call time, the ratio to the dict lookup, and the time of
10,000 calls in a loop (a sheet of 10,000 formulas over all targets) including the
rate-limited revision checks. Goal: at most 2 microseconds median for cached lookups.
The COM round trip through Excel itself (typically tens of microseconds) is not included.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPEATS = 15
CALLS = 10_000
GOAL_US = 2.0


def _per_call_us(call: Callable[[], Any], n: int = CALLS) -> float:
    """Median over REPEATS of the mean time of one call in a loop of n calls."""
    samples = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        for _ in range(n):
            call()
        samples.append((time.perf_counter() - start) / n * 1e6)
    return statistics.median(samples)


def main() -> int:
    home = Path(tempfile.mkdtemp(prefix="xlreport-bench-"))
    os.environ["XLREPORT_DATA_DIR"] = str(home / "data")
    from xlreport.excel import cache
    from xlreport.excel import functions as f
    from xlreport.excel.cache import ExcelData
    from xlreport.store import Store

    store = Store.open()
    store.init()
    data = ExcelData(lambda: store)
    cache.DATA = data

    target = "lingang-2025.industrial-output"
    targets = [row[0] for row in f.XLR_TARGETS()[1:]]

    t0 = time.perf_counter()
    first = f.XLR_SHARE(target)
    cold_ms = (time.perf_counter() - t0) * 1e3
    t0 = time.perf_counter()
    f.XLR_RATE("CNY", "USD", 45436.0)
    cold_rate_ms = (time.perf_counter() - t0) * 1e3
    assert isinstance(first, float), first

    rows = data.progress(None, None)
    plain = {t: dict(r) for t, r in rows.items()}

    def bare_lookup() -> Any:
        return plain[target]["share_achieved"]

    cases: list[tuple[str, Callable[[], Any]]] = [
        ("dict lookup (baseline)", bare_lookup),
        ("XLR_SHARE(t)", lambda: f.XLR_SHARE(target)),
        ("XLR_STATUS(t)", lambda: f.XLR_STATUS(target)),
        ("XLR_LATEST(t)", lambda: f.XLR_LATEST(target)),
        ("XLR_CAGR_REQUIRED(t)", lambda: f.XLR_CAGR_REQUIRED(target)),
        ("XLR_TARGET(t)", lambda: f.XLR_TARGET(target)),
        ('XLR_TARGET(t, "unit")', lambda: f.XLR_TARGET(target, "unit")),
        ('XLR_STATUS(t, "method")', lambda: f.XLR_STATUS(target, "method")),
        ("XLR_SHARE(t, 45658.0)", lambda: f.XLR_SHARE(target, 45658.0)),
        ('XLR_RATE("CNY","USD",45436.0)', lambda: f.XLR_RATE("CNY", "USD", 45436.0)),
    ]
    for _, call in cases:  # warm-up: the first call of each fills its cache entry
        call()
    baseline = _per_call_us(bare_lookup)

    print(f"Python {sys.version.split()[0]}, {CALLS:,} calls x {REPEATS} repeats per case")
    print(f"cold first call XLR_SHARE (load store + progress of all targets): {cold_ms:.0f} ms")
    print(f"cold first call XLR_RATE (load ECB rate book + quote): {cold_rate_ms:.0f} ms")
    print()
    print(f"{'call':34} {'median us/call':>15} {'x dict lookup':>14} {'<= 2 us':>8}")
    worst = 0.0
    for name, call in cases:
        us = baseline if call is bare_lookup else _per_call_us(call)
        ok = "yes" if us <= GOAL_US else "NO"
        if call is not bare_lookup:
            worst = max(worst, us)
        print(f"{name:34} {us:15.3f} {us / baseline:14.1f} {ok:>8}")

    print()
    print("first call with new arguments (the function body, without the remembered results):")
    share_body = f.XLR_SHARE.__wrapped__
    target_body = f.XLR_TARGET.__wrapped__
    rate_body = f.XLR_RATE.__wrapped__
    for name, call in (
        ("XLR_SHARE(t) body", lambda: share_body(target)),
        ('XLR_TARGET(t, "unit") body', lambda: target_body(target, "unit")),
        ('XLR_RATE("CNY","USD",45436.0) body', lambda: rate_body("CNY", "USD", 45436.0)),
    ):
        us = _per_call_us(call, 2000)
        print(f"{name:34} {us:15.3f} {us / baseline:14.1f}")

    print()
    checks_before = data.checks
    start = time.perf_counter()
    for i in range(CALLS):  # a sheet: every target, three measures each, 10,000 cells
        t = targets[i % len(targets)]
        kind = i % 3
        if kind == 0:
            f.XLR_SHARE(t)
        elif kind == 1:
            f.XLR_STATUS(t)
        else:
            f.XLR_TARGET(t)
    loop_ms = (time.perf_counter() - start) * 1e3
    print(
        f"10,000 mixed calls over {len(targets)} targets in a loop: {loop_ms:.1f} ms "
        f"({loop_ms * 1e3 / CALLS:.2f} us a call; revision checks: {data.checks - checks_before},"
        f" reloads: {data.loads - 1})"
    )
    print(f"worst median of the function calls: {worst:.3f} us (goal {GOAL_US} us)")
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
