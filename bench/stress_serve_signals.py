"""Stress: SIGTERM ``schedule serve`` at random moments around its start-up; count outcomes.

Each trial starts a child process that calls :func:`serve_schedules` with a no-op run-due
(so the signal lands around the start-up run, the scheduler's start and the first wait),
sends SIGTERM 0 to 4 ms after the child says it is about to serve, and records how the
child ended: ``stopped`` (clean return), ``killed before the handler`` (SIGTERM's default
action, before serve installed its handler: nothing had started), ``traceback`` (an
exception escaped) or ``hang`` (still running 5 s later; killed).

    .venv/bin/python bench/stress_serve_signals.py [--trials 300]

Before the stop note (xlreport.schedule.stopping), 300 trials gave 2 hangs and 32
tracebacks. It is a stress run, not a test: a race that shows once in 150 trials would
make a flaky test.
"""

from __future__ import annotations

import argparse
import collections
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = """
import sys
from pathlib import Path
from xlreport.schedule import load_schedule_config
from xlreport.schedule.serve import serve_schedules
from xlreport.schedule.stopping import StopRequest
config = load_schedule_config(Path(sys.argv[1]))
print("ready", flush=True)
try:
    serve_schedules(config, lambda names: None, stop=StopRequest())
except BaseException as exc:
    print("traceback", type(exc).__name__, flush=True)
    sys.exit(3)
print("stopped", flush=True)
"""

CONFIG = """[[schedule]]
name = "m"
day_of_month = 1
time = "06:00"
timezone = "Asia/Shanghai"
destination = "{destination}"
keep = 12
"""


def trial(config: Path, rng: random.Random) -> str:
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(config)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    if proc.stdout.readline().strip() != "ready":
        proc.kill()
        proc.communicate()
        return "child failed to start"
    time.sleep(rng.uniform(0, 0.004))
    proc.send_signal(signal.SIGTERM)
    try:
        out, _ = proc.communicate(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        return "hang"
    if proc.returncode == -signal.SIGTERM:
        return "killed before the handler"
    return out.split()[0] if out.strip() else f"exit {proc.returncode}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=300)
    parser.add_argument("--seed", type=int, default=20261123)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "s.toml"
        config.write_text(CONFIG.format(destination=Path(tmp) / "out"), encoding="utf-8")
        counts = collections.Counter(trial(config, rng) for _ in range(args.trials))
    print(f"| outcome | trials (of {args.trials}) |")
    print("|---|---|")
    for outcome, n in counts.most_common():
        print(f"| {outcome} | {n} |")
    bad = counts["hang"] + counts["traceback"]
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
