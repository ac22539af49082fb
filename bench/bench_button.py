"""The report button once Python is warm (issue 13: under 1 s for the embedded data).

With ``Use UDF Server`` on (the workbook's xlwings.conf), RunPython runs in the same
Python process as the custom functions, so only the first click pays for starting
Python and importing xlreport. This runs the button's function
(``xlreport.excel.macros.generate_report``) in one process: the first call (cold: the
imports), then N more (warm), against a baseline of a bare ``import xlreport.excel.macros``
in a fresh process. Offline (rate updates off), on the embedded data, in a temporary
data folder. Run: .venv/bin/python bench/bench_button.py [N]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    home = Path(tempfile.mkdtemp(prefix="xlreport-bench-button-"))
    os.environ.update(
        XLREPORT_DATA_DIR=str(home / "data"),
        XLREPORT_OUTPUT_DIR=str(home / "reports"),
        XLREPORT_RATE_UPDATE="off",
    )
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import xlreport.excel.macros"], check=True)
    fresh_import = time.perf_counter() - start
    subprocess.run([sys.executable, "-m", "xlreport", "init"], check=True, capture_output=True)

    told: list[str] = []
    start = time.perf_counter()
    from xlreport.excel.macros import generate_report

    assert generate_report(notify=lambda text, title: told.append(text)) is not None
    cold = time.perf_counter() - start
    warm = []
    for _ in range(runs):
        start = time.perf_counter()
        assert generate_report(notify=lambda text, title: told.append(text)) is not None
        warm.append(time.perf_counter() - start)
    median = statistics.median(warm)
    print(f"{'step':<44}{'seconds':>10}{'x import':>10}")
    print(f"{'fresh process: import xlreport.excel.macros':<44}{fresh_import:>10.3f}{1:>10.1f}")
    print(f"{'first click (imports + report)':<44}{cold:>10.3f}{cold / fresh_import:>10.1f}")
    print(
        f"{f'warm click, median of {runs}':<44}{median:>10.3f}{median / fresh_import:>10.1f}"
        f"   goal < 1 s: {'ok' if median < 1 else 'MISSED'}"
    )
    print(told[-1].splitlines()[0])


if __name__ == "__main__":
    main()
