"""Atomic file output: a reader sees the previous complete file or the new complete file.

Used by every writer of user-visible files (report workbooks, exports, scheduled copies).
The new content is written to a hidden temporary file in the destination folder, flushed
and fsynced, then renamed over the destination with :func:`os.replace` (atomic on POSIX
and on NTFS within one volume). On failure the temporary file is removed and the
destination is untouched.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from xlreport.errors import OutputError

__all__ = ["TEMP_PREFIX", "remove_stale_temporaries", "write_atomically"]

TEMP_PREFIX = ".xlreport-tmp-"


def _explain(exc: OSError, path: Path) -> OutputError:
    if exc.errno in (errno.EACCES, errno.EPERM) or isinstance(exc, PermissionError):
        how = (
            "check that the folder is writable by this user and that the file is not "
            "open in Excel or another program (close it and run again)"
        )
    elif exc.errno == errno.ENOSPC:
        how = "the disk is full: free space or choose another folder"
    elif exc.errno in (errno.ENOENT, errno.ENOTDIR):
        how = "the folder does not exist: create it or choose another with --out"
    elif exc.errno == errno.EROFS:
        how = "the file system is read-only: choose another folder"
    else:
        how = "check the path and try again"
    return OutputError(f"cannot write {path}: {exc.strerror or exc}; {how}")


def _final_mode(dest: Path) -> int:
    """The mode a normally created file would get (or the replaced file's own mode).

    ``mkstemp`` creates files readable by their owner only; a report on a shared drive
    must be readable by the team like any file the user saves.
    """
    try:
        return dest.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_dir(folder: Path) -> None:
    # Persist the rename itself; not possible (nor needed) on Windows.
    if os.name == "nt":  # pragma: no cover
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def _temporary_in(folder: Path, suffix: str) -> Iterator[Path]:
    fd, name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=suffix, dir=folder)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def write_atomically(dest: Path, produce: Callable[[Path], None]) -> Path:
    """Call ``produce(tmp_path)`` to write the content, then move it to ``dest`` atomically.

    Raises :class:`OutputError` naming ``dest`` when the folder is missing, not writable,
    full, or the destination is locked by another program.
    """
    dest = Path(dest)
    folder = dest.parent
    if not folder.is_dir():
        raise OutputError(
            f"cannot write {dest}: the folder {folder} does not exist; "
            "create it or choose another with --out"
        )
    try:
        with _temporary_in(folder, dest.suffix) as tmp:
            produce(tmp)
            with open(tmp, "rb+") as fh:
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, _final_mode(dest))
            os.replace(tmp, dest)
            _fsync_dir(folder)
    except OSError as exc:
        raise _explain(exc, dest) from exc
    return dest


def remove_stale_temporaries(folder: Path, older_than_s: float = 3600.0) -> list[Path]:
    """Remove temporary files left by a killed writer; returns what was removed."""
    import time

    removed: list[Path] = []
    now = time.time()
    if not folder.is_dir():
        return removed
    for p in folder.glob(f"{TEMP_PREFIX}*"):
        with contextlib.suppress(OSError):
            if now - p.stat().st_mtime >= older_than_s:
                p.unlink()
                removed.append(p)
    return removed
