"""Fault run (issue 14): kill -9 at random moments of import, report and CSV export, and
the full-disk cases, then judge what is left. Prints a table of outcomes.

    .venv/bin/python bench/fault_run.py [--trials N]

Each kill trial starts the real CLI in a fresh data folder over a previous good result,
sends SIGKILL after a random delay, then checks: the store still opens and holds the
same or the new data (import), the output folder holds the old or the new complete file
and no TMPDIR leftovers (report), the export folder is the old or the new export, whole
(export). The full-disk cases run on a real 256 KB tmpfs (root only; skipped otherwise)
and expect a one-line "disk is full" error and no partial file. Synthetic data only.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

XLREPORT = [sys.executable, "-c", "import sys; from xlreport.cli import main; sys.exit(main())"]
AS_OF, MONTH = "2026-10-15", "2026-09"


def run(env: dict[str, str], *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*XLREPORT, *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def timed(env: dict[str, str], *args: str) -> float:
    started = time.monotonic()
    done = run(env, *args)
    assert done.returncode == 0, done.stderr
    return time.monotonic() - started


def run_due_args(root: Path) -> tuple[str, ...]:
    now = "2026-10-01T07:00+08:00"  # September is due
    return ("schedule", "run-due", "--config", str(root / "schedules.toml"), "--now", now)


def killed(env: dict[str, str], delay: float, *args: str) -> int:
    proc = subprocess.Popen(
        [*XLREPORT, *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    time.sleep(delay)
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
    return proc.wait()


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()} if folder.is_dir() else {}


def setup(root: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "XLREPORT_DATA_DIR": str(root / "data"),
        "XLREPORT_OUTPUT_DIR": str(root / "out"),
        "TMPDIR": str(root / "tmp"),
    }
    (root / "tmp").mkdir()
    (root / "out").mkdir()
    assert run(env, "init").returncode == 0
    assert run(env, "data", "export", str(root / "good.xlsx")).returncode == 0
    assert run(env, "data", "export", str(root / "new-export")).returncode == 0  # reference
    config = root / "schedules.toml"
    config.write_text(
        "[[schedule]]\n"
        'name = "monthly"\nday_of_month = 1\ntime = "06:00"\ntimezone = "Asia/Shanghai"\n'
        f'destination = "{root / "share"}"\nkeep = 12\n',
        encoding="utf-8",
    )
    (root / "share").mkdir()
    return env


def trial_import(root: Path, env: dict[str, str], delay: float) -> str:
    code = killed(env, delay, "data", "import", str(root / "good.xlsx"))
    done = run(env, "targets", "-f", "json")
    if done.returncode != 0:
        return "STORE BROKEN"
    return "ok" if code == -9 else "finished"


def trial_report(root: Path, env: dict[str, str], delay: float) -> str:
    code = killed(env, delay, "report", "--month", MONTH, "--as-of", AS_OF)
    if list((root / "tmp").iterdir()):
        return "TMPDIR LEFTOVERS"
    for p in (root / "out").glob("*.xlsx"):
        if p.stat().st_size == 0:
            return "EMPTY FILE"
    return "ok" if code == -9 else "finished"


def trial_export(root: Path, env: dict[str, str], delay: float) -> str:
    out = root / "export"
    shutil.rmtree(out, ignore_errors=True)
    assert run(env, "data", "export", str(out), "--as-of", "2024-01-01").returncode == 0
    old, new = _tree(out), _tree(root / "new-export")
    code = killed(env, delay, "data", "export", str(out))
    after = _tree(out)
    if after in (old, new):
        return "ok" if code == -9 else "finished"
    if not after:
        return "FOLDER MISSING"
    return "MIXED"


def trial_run_due(root: Path, env: dict[str, str], delay: float) -> str:
    """kill -9 during a scheduled run; then the next run must finish the month."""
    for p in (root / "share").iterdir():
        p.unlink()
    args = run_due_args(root)
    code = killed(env, delay, *args)
    if list((root / "tmp").iterdir()):
        return "TMPDIR LEFTOVERS"
    for p in (root / "share").iterdir():
        if not p.name.startswith(".") and not zipfile.is_zipfile(p):
            return f"BROKEN FILE {p.name}"
    again = run(env, *args)
    files = [p.name for p in (root / "share").iterdir() if not p.name.startswith(".")]
    if again.returncode != 0 or len(files) != 1:
        return f"NOT RECOVERED ({again.stderr.strip()[:60]})"
    return "ok" if code == -9 else "finished"


def full_disk(root: Path, env: dict[str, str]) -> dict[str, str]:
    disk = root / "disk"
    disk.mkdir()
    if (
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(disk)],
            capture_output=True,
            check=False,
        ).returncode
        != 0
    ):
        return {"full disk": "skipped (cannot mount tmpfs)"}
    out: dict[str, str] = {}
    try:
        assert (
            run(env, "data", "export", str(disk / "export"), "--as-of", "2024-01-01").returncode
            == 0
        )
        free = shutil.disk_usage(disk).free - 8192  # leave a few KB: no output fits
        (disk / "ballast").write_bytes(b"\0" * max(free, 0))
        cases = {
            "full disk: report": ["report", "--month", MONTH, "--as-of", AS_OF, "--out", str(disk)],
            "full disk: xlsx export": ["data", "export", str(disk / "d.xlsx")],
            "full disk: csv export": ["data", "export", str(disk / "export")],
        }
        for name, args in cases.items():
            done = run(env, *args)
            stray = [
                p.name
                for p in disk.iterdir()
                if p.name.startswith(".xlreport-tmp") or p.name == "d.xlsx"
            ]
            ok = (
                done.returncode == 1
                and "disk is full" in done.stderr
                and "Traceback" not in done.stderr
                and not stray
            )
            out[name] = "ok" if ok else f"FAILED ({done.stderr.strip()[:80]})"
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=6)
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    results: dict[str, list[str]] = {"import": [], "report": [], "export": [], "run-due": []}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        env = setup(root)
        # each kill lands at a random moment within the command's own normal duration
        durations = {
            "import": timed(env, "data", "import", str(root / "good.xlsx")),
            "report": timed(env, "report", "--month", MONTH, "--as-of", AS_OF),
            "export": timed(env, "data", "export", str(root / "export-timing")),
            "run-due": timed(env, *run_due_args(root)),
        }
        for p in (root / "share").iterdir():
            p.unlink()
        print("normal durations (s): " + ", ".join(f"{k} {v:.1f}" for k, v in durations.items()))

        def delay(kind: str) -> float:
            return rng.uniform(0.02, 0.7) * durations[kind]

        for _ in range(args.trials):
            results["import"].append(trial_import(root, env, delay("import")))
            results["report"].append(trial_report(root, env, delay("report")))
            results["export"].append(trial_export(root, env, delay("export")))
            results["run-due"].append(trial_run_due(root, env, delay("run-due")))
        disk = full_disk(root, env)
    head = f"{'case':<24} {'trials':>6} {'killed':>6} {'finished':>8} {'bad':>4}  bad outcomes"
    print(head)
    for name, outs in results.items():
        bad = [o for o in outs if o not in ("ok", "finished")]
        counts = f"{len(outs):>6} {outs.count('ok'):>6} {outs.count('finished'):>8} {len(bad):>4}"
        print(f"{'kill -9: ' + name:<24} {counts}  {', '.join(bad)}")
    for name, outcome in disk.items():
        bad = 0 if outcome == "ok" else 1
        print(f"{name:<24} {1:>6} {'':>6} {'':>8} {bad:>4}  {'' if outcome == 'ok' else outcome}")


if __name__ == "__main__":
    main()
