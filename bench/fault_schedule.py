"""kill -9 trials of ``xlreport schedule run-due``: never a partial report, always recovery.

Usage::

    .venv/bin/python bench/fault_schedule.py [--trials 50] [--seed 1] [--max-delay 3.0]

Sets up a temporary data folder and SQLite database with ``xlreport init`` and a schedule
file with one schedule per trial. Each trial puts a complete earlier report where the new
one will go, starts ``run-due --only <trial>`` as a separate process, sends SIGKILL after a
random delay (uniform 0.1 s .. --max-delay; by default 1.15 times the measured duration of
a one-report run, so kills land in every phase: start-up, generation, copy, recording),
then checks:

- the destination holds the previous complete file (byte for byte) or a new complete
  workbook (valid zip, openpyxl opens it, the expected sheets) - never a partial file;
- no file other than the reports is visible (temporary files are hidden ``.xlreport-tmp-*``);
- the next ``run-due`` completes (exit 0), leaves a complete report of the right month,
  and the history holds exactly one success for it.

Prints the tally. Exit status 1 when a partial file was found or a recovery failed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import warnings
import zipfile
from collections import Counter
from pathlib import Path

SHEETS = {"Cover", "Summary", "Sources", "Observations"}
NOW = "2026-09-01T07:00+08:00"  # August 2026 is due (1 September 06:00 Shanghai)


def xlreport_command() -> list[str]:
    script = Path(sys.executable).parent / ("xlreport.exe" if os.name == "nt" else "xlreport")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from xlreport.cli import main; sys.exit(main())"]


def table(name: str, dest: Path, start: str) -> str:
    return (
        f'[[schedule]]\nname = "{name}"\nday_of_month = 1\ntime = "06:00"\n'
        f'timezone = "Asia/Shanghai"\ndestination = {json.dumps(str(dest))}\n'
        f'keep = 12\nstart = "{start}"\n'
    )


def workbook_problem(path: Path) -> str | None:
    try:
        with zipfile.ZipFile(path) as zf:
            bad = zf.testzip()
            if bad is not None:
                return f"corrupt member {bad}"
    except (zipfile.BadZipFile, OSError) as exc:
        return f"not a valid zip: {exc}"
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            wb = openpyxl.load_workbook(path, read_only=True)
        except Exception as exc:  # a workbook openpyxl cannot open is a broken file
            return f"openpyxl cannot open it: {exc}"
    try:
        missing = SHEETS - set(wb.sheetnames)
        month = None
        for row in wb["Cover"].iter_rows(values_only=True):
            cells = [v for v in row if v is not None]
            if len(cells) >= 2 and cells[0] == "Report month":
                month = cells[1]
    finally:
        wb.close()
    if missing:
        return f"sheets missing: {sorted(missing)}"
    return None if month else "no report month on the Cover sheet"


def report_month(path: Path) -> str | None:
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(path, read_only=True)
    try:
        for row in wb["Cover"].iter_rows(values_only=True):
            cells = [v for v in row if v is not None]
            if len(cells) >= 2 and cells[0] == "Report month":
                return str(cells[1])
    finally:
        wb.close()
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--max-delay",
        type=float,
        default=None,
        help="longest delay before the kill (default: 1.15 x a measured one-report run)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()

    root = Path(tempfile.mkdtemp(prefix="xlreport-fault-schedule-"))
    share = root / "share"
    share.mkdir()
    data = root / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith("XLREPORT_")}
    env |= {
        "XLREPORT_DATA_DIR": str(data),
        "XLREPORT_OUTPUT_DIR": str(root / "button"),
        "XLREPORT_DATABASE_URL": f"sqlite:///{data / 'xlreport.sqlite3'}",
    }
    config = root / "schedules.toml"
    names = [f"t{i:03d}" for i in range(args.trials)]
    config.write_text(
        table("ref", share, "2026-07")
        + table("calib", share, "2026-08")
        + "".join(table(n, share, "2026-08") for n in names),
        encoding="utf-8",
    )

    def xlreport(*a: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*xlreport_command(), *a], env=env, capture_output=True, text=True, check=False
        )

    def run_due(name: str) -> list[str]:
        return [
            *xlreport_command(), "schedule", "run-due", "--config", str(config),
            "--now", NOW, "--only", name,
        ]  # fmt: skip

    done = xlreport("init")
    assert done.returncode == 0, done.stderr
    started = time.monotonic()
    done = subprocess.run(run_due("ref"), env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    previous = share / "ref_2026-07.xlsx"  # a complete report of an earlier month
    clean_s = time.monotonic() - started
    started = time.monotonic()
    done = subprocess.run(run_due("calib"), env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    one_s = time.monotonic() - started
    max_delay = args.max_delay if args.max_delay is not None else 1.15 * one_s

    rng = random.Random(args.seed)
    tally: Counter[str] = Counter()
    problems: list[str] = []
    for n, name in enumerate(names, 1):
        target = share / f"{name}_2026-08.xlsx"
        shutil.copyfile(previous, target)
        before = target.read_bytes()
        proc = subprocess.Popen(
            run_due(name), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(rng.uniform(0.1, max_delay))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        tally["trials"] += 1
        after = target.read_bytes() if target.exists() else b""
        if proc.returncode == 0:
            phase = "finished-before-kill"
        elif after == before:
            phase = "killed-before-copy"
        else:
            phase = "killed-after-copy"
        tally[phase] += 1
        problem = workbook_problem(target) if target.exists() else "file missing"
        if problem is not None:
            tally["partial-files"] += 1
            problems.append(f"{name}: after kill ({phase}): {problem}")
        visible = {p.name for p in share.iterdir() if not p.name.startswith(".")}
        strays = (
            visible
            - {"ref_2026-07.xlsx", "ref_2026-08.xlsx", "calib_2026-08.xlsx"}
            - {f"{m}_2026-08.xlsx" for m in names[:n]}
        )
        if strays:
            tally["stray-visible-files"] += len(strays)
            problems.append(f"{name}: stray files {sorted(strays)}")
        rec = subprocess.run(run_due(name), env=env, capture_output=True, text=True, check=False)
        ok = rec.returncode == 0 and workbook_problem(target) is None
        ok = ok and report_month(target) == "2026-08"
        if ok:
            tally["recoveries-completed"] += 1
        else:
            problems.append(f"{name}: recovery failed: rc={rec.returncode} {rec.stderr[-500:]}")
        print(f"trial {n:3d}/{args.trials}: {phase:22s} recovery {'ok' if ok else 'FAILED'}")

    hist = xlreport("schedule", "history", "--config", str(config), "--format", "json")
    runs = json.loads(hist.stdout)
    per_month = Counter((r["schedule"], r["month"]) for r in runs if r["status"] == "success")
    duplicates = sum(1 for v in per_month.values() if v > 1)
    abandoned = sum(1 for r in runs if r["status"] == "abandoned")
    hidden_temps = len([p for p in share.iterdir() if p.name.startswith(".xlreport-tmp-")])

    print()
    print(f"command: {' '.join(run_due('<trial>'))}")
    print(f"clean run-due: {clean_s:.1f} s for 2 reports, {one_s:.1f} s for 1 report")
    print(f"kill delay: uniform 0.1 .. {max_delay:.2f} s, seed {args.seed}")
    print(f"{'trials':28s}{tally['trials']:6d}")
    for key in ("finished-before-kill", "killed-before-copy", "killed-after-copy"):
        print(f"{key:28s}{tally[key]:6d}")
    print(f"{'partial files found':28s}{tally['partial-files']:6d}   (must be 0)")
    print(f"{'stray visible files':28s}{tally['stray-visible-files']:6d}   (must be 0)")
    print(f"{'recoveries completed':28s}{tally['recoveries-completed']:6d}")
    print(f"{'months with >1 success':28s}{duplicates:6d}   (must be 0)")
    print(f"{'runs marked abandoned':28s}{abandoned:6d}")
    print(f"{'hidden temp files left':28s}{hidden_temps:6d}   (removed after 1 h by later runs)")
    for line in problems:
        print("PROBLEM", line)
    if args.keep:
        print(f"kept {root}")
    else:
        shutil.rmtree(root, ignore_errors=True)
    bad = tally["partial-files"] or duplicates or tally["recoveries-completed"] != args.trials
    return 1 if bad or tally["stray-visible-files"] else 0


if __name__ == "__main__":
    sys.exit(main())
