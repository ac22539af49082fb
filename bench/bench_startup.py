"""Start-up time of the command line: `xlreport --version` and `--help` against a bare
`python -c pass`, each run as a fresh process (median of N runs), printed as a table.

Goal (issue 13): both within 0.3 s. Run: .venv/bin/python bench/bench_startup.py [N]
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time


def _median(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 9
    xlreport = [sys.executable, "-m", "xlreport"]
    base = _median([sys.executable, "-c", "pass"], runs)
    rows = [
        ("python -c pass (baseline)", base),
        ("xlreport --version", _median([*xlreport, "--version"], runs)),
        ("xlreport --help", _median([*xlreport, "--help"], runs)),
        ("xlreport fx --help", _median([*xlreport, "fx", "--help"], runs)),
    ]
    print(f"{'command':<28}{'median s':>10}{'x baseline':>12}{'goal 0.3 s':>12}")
    for name, t in rows:
        goal = "" if name.startswith("python") else ("ok" if t <= 0.3 else "MISSED")
        print(f"{name:<28}{t:>10.3f}{t / base:>12.1f}{goal:>12}")


if __name__ == "__main__":
    main()
