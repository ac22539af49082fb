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


def _old_export(root: Path, folder: Path) -> None:
    """An earlier export that differs from the new one in every file (headers only), so
    a mix of old and new files shows."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    for p in (root / "new-export").iterdir():
        (folder / p.name).write_bytes(p.read_bytes().splitlines(keepends=True)[0])


def _tmpdir_left(root: Path) -> bool:
    """Whether ``TMPDIR`` holds leftovers; emptied for the next trial either way."""
    left = list((root / "tmp").iterdir())
    for p in left:
        if p.is_dir():
            shutil.rmtree(p)
        else:
            p.unlink()
    return bool(left)


def setup(root: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "XLREPORT_DATA_DIR": str(root / "data"),
        "XLREPORT_OUTPUT_DIR": str(root / "out"),
        "TMPDIR": str(root / "tmp"),
        "XLREPORT_RATE_UPDATE": "off",  # no network: the shipped rates only
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
    if _tmpdir_left(root):
        return "TMPDIR LEFTOVERS"
    # the killed writer's own hidden temporaries (.xlreport-tmp-*) are not the report:
    # they are removed as stale by a later run; the visible file must be whole
    for p in (root / "out").glob("*.xlsx"):
        if not p.name.startswith(".") and not zipfile.is_zipfile(p):
            return "BROKEN FILE"
    return "ok" if code == -9 else "finished"


def trial_export(root: Path, env: dict[str, str], delay: float) -> str:
    out = root / "export"
    _old_export(root, out)
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
    if _tmpdir_left(root):
        return "TMPDIR LEFTOVERS"
    for p in (root / "share").iterdir():
        if not p.name.startswith(".") and not zipfile.is_zipfile(p):
            return f"BROKEN FILE {p.name}"
    again = run(env, *args)
    files = [p.name for p in (root / "share").iterdir() if not p.name.startswith(".")]
    if again.returncode != 0 or len(files) != 1:
        return f"NOT RECOVERED ({again.stderr.strip()[:60]})"
    return "ok" if code == -9 else "finished"


#: Free space left on the small disk for each full-disk trial, in KB: from nothing to
#: enough for some files of an output but not all of them.
FREE_KB = (0, 4, 8, 16, 24, 32, 48, 64, 96, 128)


def _mount(disk: Path) -> bool:
    disk.mkdir(exist_ok=True)
    cmd = ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk)]
    return subprocess.run(cmd, capture_output=True, check=False).returncode == 0


def _disk_trial(disk: Path, env: dict[str, str], case: str, free_kb: int) -> str:
    """One full-disk case with ``free_kb`` left: a one-line "disk is full" error and
    nothing half-written, or a complete output."""
    for p in disk.iterdir():
        if p.is_dir():
            shutil.rmtree(p)
        else:
            p.unlink()
    export = disk / "export"
    if case == "csv export":  # over an earlier, different export
        _old_export(disk.parent, export)
    old = _tree(export)
    ballast = shutil.disk_usage(disk).free - free_kb * 1024
    (disk / "ballast").write_bytes(b"\0" * max(ballast, 0))
    args = {
        "report": ["report", "--month", MONTH, "--as-of", AS_OF, "--out", str(disk)],
        "xlsx export": ["data", "export", str(disk / "d.xlsx")],
        "csv export": ["data", "export", str(export)],
    }[case]
    done = run(env, *args)
    if "Traceback" in done.stderr:
        return "TRACEBACK"
    stray = [p.name for p in disk.iterdir() if p.name.startswith(".xlreport-tmp")]
    if stray:
        return "TEMPORARY LEFT"
    if done.returncode == 0:
        made = list(disk.glob("*.xlsx"))
        if case == "csv export":
            return (
                "ok (written)"
                if run(env, "data", "validate", str(export)).returncode == 0
                else "BAD EXPORT"
            )
        return "ok (written)" if made and all(zipfile.is_zipfile(p) for p in made) else "BAD FILE"
    if "disk is full" not in done.stderr:
        return f"UNCLEAR ERROR ({done.stderr.strip()[:50]})"
    if case == "csv export" and _tree(export) != old:
        return "MIXED"
    if case != "csv export" and list(disk.glob("*.xlsx")):
        return "PARTIAL FILE"
    return "ok (refused)"


def full_disk(root: Path, env: dict[str, str]) -> dict[str, list[str]]:
    disk = root / "disk"
    if not _mount(disk):
        return {}
    out: dict[str, list[str]] = {}
    try:
        for case in ("report", "xlsx export", "csv export"):
            out[case] = [_disk_trial(disk, env, case, kb) for kb in FREE_KB]
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
    head += f"\n{'':<24} {'':>6} {'refused':>6} {'written':>8}"
    print(head)
    for name, outs in results.items():
        bad = [o for o in outs if o not in ("ok", "finished")]
        counts = f"{len(outs):>6} {outs.count('ok'):>6} {outs.count('finished'):>8} {len(bad):>4}"
        print(f"{'kill -9: ' + name:<24} {counts}  {', '.join(bad)}")
    if not disk:
        print("full disk: skipped (cannot mount a tmpfs; run as root)")
    for name, outs in disk.items():
        bad = [o for o in outs if not o.startswith("ok")]
        refused = sum(o == "ok (refused)" for o in outs)
        written = sum(o == "ok (written)" for o in outs)
        counts = f"{len(outs):>6} {refused:>6} {written:>8} {len(bad):>4}"
        print(f"{'full disk: ' + name:<24} {counts}  {', '.join(bad)}")
    print("killed: killed mid-run and judged; finished: ended before the kill (judged too);")
    print("full disk: refused = one-line 'disk is full', nothing half-written; written = fitted")


if __name__ == "__main__":
    main()
