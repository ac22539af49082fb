"""Atomic output: the destination holds the old or the new complete file, never a part."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from xlreport.errors import OutputError
from xlreport.fsio import TEMP_PREFIX, remove_stale_temporaries, write_atomically


def test_replaces_content_and_leaves_no_temporary(tmp_path: Path) -> None:
    dest = tmp_path / "r.xlsx"
    dest.write_bytes(b"old")
    write_atomically(dest, lambda p: p.write_bytes(b"new"))
    assert dest.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["r.xlsx"]


def test_failure_while_producing_keeps_the_previous_file(tmp_path: Path) -> None:
    dest = tmp_path / "r.xlsx"
    dest.write_bytes(b"old")

    def produce(p: Path) -> None:
        p.write_bytes(b"half")
        raise OSError(28, "No space left on device")

    with pytest.raises(OutputError, match="disk is full"):
        write_atomically(dest, produce)
    assert dest.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["r.xlsx"]


def test_missing_folder_is_named(tmp_path: Path) -> None:
    dest = tmp_path / "nope" / "r.xlsx"
    with pytest.raises(OutputError, match=f"cannot write {dest}.*does not exist"):
        write_atomically(dest, lambda p: p.write_bytes(b"x"))


def test_destination_that_is_a_folder_is_refused_with_its_path(tmp_path: Path) -> None:
    # Works as root too: renaming a file over a non-empty directory always fails.
    dest = tmp_path / "r.xlsx"
    dest.mkdir()
    (dest / "keep").write_text("x")
    with pytest.raises(OutputError, match=str(dest)):
        write_atomically(dest, lambda p: p.write_bytes(b"x"))
    assert (dest / "keep").read_text() == "x"


def test_killed_writer_leaves_previous_file_intact(tmp_path: Path) -> None:
    dest = tmp_path / "r.bin"
    dest.write_bytes(b"previous complete file")
    script = textwrap.dedent(
        f"""
        import time
        from pathlib import Path
        from xlreport.fsio import write_atomically
        def produce(p):
            with open(p, "wb") as fh:
                for _ in range(10_000):
                    fh.write(b"x" * 1024)
                    fh.flush()
                    time.sleep(0.001)
        write_atomically(Path({str(dest)!r}), produce)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script])
    deadline = time.monotonic() + 30
    # Kill once the writer has started writing its temporary file.
    while not list(tmp_path.glob(f"{TEMP_PREFIX}*")) and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.2)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert dest.read_bytes() == b"previous complete file"
    stale = list(tmp_path.glob(f"{TEMP_PREFIX}*"))
    assert len(stale) == 1  # the killed writer's leftover, never under the real name
    assert remove_stale_temporaries(tmp_path, older_than_s=0) == stale
    assert [p.name for p in tmp_path.iterdir()] == ["r.bin"]


def test_new_file_gets_the_usual_permissions_not_owner_only(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        dest = write_atomically(tmp_path / "r.xlsx", lambda p: p.write_bytes(b"x"))
    finally:
        os.umask(old)
    assert dest.stat().st_mode & 0o777 == 0o644  # 0o666 & ~0o022: team can read it


def test_replaced_file_keeps_its_permissions(tmp_path: Path) -> None:
    dest = tmp_path / "r.xlsx"
    dest.write_bytes(b"old")
    dest.chmod(0o640)
    write_atomically(dest, lambda p: p.write_bytes(b"new"))
    assert dest.stat().st_mode & 0o777 == 0o640
