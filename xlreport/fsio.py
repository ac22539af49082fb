"""Atomic file output: a reader sees the previous complete file or the new complete file.

Used by every writer of user-visible files (report workbooks, exports, scheduled copies).
The new content is written to a hidden temporary file in the destination folder, flushed
and fsynced, then renamed over the destination with :func:`os.replace` (atomic on POSIX
and on NTFS within one volume). On failure the temporary file is removed and the
destination is untouched.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from xlreport.errors import OutputError

__all__ = [
    "TEMP_PREFIX",
    "explain_os_error",
    "os_error_of",
    "remove_stale_temporaries",
    "replace_folder_atomically",
    "scratch_dir",
    "write_atomically",
]

TEMP_PREFIX = ".xlreport-tmp-"


def explain_os_error(exc: OSError, path: Path | None = None) -> OutputError:
    """The one-line error for ``exc`` while writing ``path`` (its own file name if None):
    what failed and what to do ("the disk is full: free space ...")."""
    return _explain(exc, Path(path if path is not None else exc.filename or "a file"))


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


def _final_mode(dest: Path, created: int = 0o666) -> int:
    """The mode a normally created file (``created`` 0o666; a folder: 0o777) would get,
    or the replaced one's own mode.

    ``mkstemp`` and ``mkdtemp`` create files and folders for their owner only; a report on
    a shared drive must be readable by the team like any file the user saves.
    """
    try:
        return dest.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return created & ~umask


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


def os_error_of(exc: BaseException) -> OSError | None:
    """The OSError behind ``exc``: itself, or one a library wrapped.

    xlsxwriter turns a failed write into ``FileCreateError(OSError(...))``, so a full disk
    reaches us as that; it must still be told as "the disk is full".
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError):
            return current
        inner = next((a for a in current.args if isinstance(a, OSError)), None)
        if inner is not None:
            return inner
        current = current.__cause__ or current.__context__
    return None


def _release_abandoned(exc: BaseException) -> None:
    """Close the files a library left open in the frames that raised ``exc``.

    When the disk fills, xlsxwriter raises out of its packager with its zip file and a
    part file still open (and a streamed sheet its rows file); collected later (at exit),
    the zip file tries to finish itself on the full disk and Python prints an "Exception
    ignored" traceback. Only the files of xlsxwriter's and zipfile's own frames and the
    row files of workbooks in the failed frames are closed: they are abandoned by then.
    """
    import io
    import zipfile

    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        tb = current.__traceback__
        while tb is not None:
            frame = tb.tb_frame
            library = "xlsxwriter" in frame.f_code.co_filename or (
                frame.f_code.co_filename.endswith("zipfile.py")
            )
            for value in list(frame.f_locals.values()):
                if library and isinstance(value, zipfile.ZipFile | io.IOBase):
                    with contextlib.suppress(Exception):
                        value.close()
                # a workbook's streamed sheets keep their rows in an open temporary file
                for sheet in getattr(value, "worksheets_objs", None) or ():
                    fh = getattr(sheet, "row_data_fh", None)
                    if isinstance(fh, io.IOBase):
                        with contextlib.suppress(Exception):
                            fh.close()
            tb = tb.tb_next
        current = current.__cause__ or current.__context__


@contextlib.contextmanager
def scratch_dir(tmp: Path) -> Iterator[Path]:
    """A private folder beside the temporary file ``tmp``, for a library's own temporaries.

    xlsxwriter writes each part of a workbook to a temporary file first, by default in
    the system's ``TMPDIR``, where a killed report leaves them for ever. Pointed here
    (``Workbook(..., {"tmpdir": ...})``), they live in the output folder under the
    :data:`TEMP_PREFIX` name, are removed on the way out, and a killed writer's leftovers
    are removed by :func:`remove_stale_temporaries` like any other stale temporary.
    """
    folder = tmp.with_name(tmp.name + ".parts")
    folder.mkdir(exist_ok=True)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


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
        _release_abandoned(exc)
        raise _explain(exc, dest) from exc
    except Exception as exc:
        cause = os_error_of(exc)  # xlsxwriter's FileCreateError wraps the OSError
        if cause is None:
            raise
        _release_abandoned(exc)
        raise _explain(cause, dest) from exc
    return dest


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux ``renameat2(RENAME_EXCHANGE)``).

    False where the system or the file system cannot (then two renames do it).
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # pragma: no cover - glibc older than 2.28
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def replace_folder_atomically(dest: Path, produce: Callable[[Path], None]) -> Path:
    """Call ``produce(tmp_folder)`` to fill a new folder, then put it in place of ``dest``.

    A reader sees the previous complete folder or the new complete one, never a mix:
    the new folder is written beside ``dest`` (hidden, :data:`TEMP_PREFIX`), every file
    fsynced, then swapped with ``dest`` in one atomic step on Linux (elsewhere the old
    folder is moved aside first: a kill between the two renames leaves ``dest`` missing,
    never mixed). The previous folder is then removed. A failure (a full disk) leaves
    ``dest`` as it was; a killed writer's leftovers go with the stale temporaries.
    """
    dest = Path(dest)
    parent = dest.parent
    if not parent.is_dir():
        raise OutputError(
            f"cannot write {dest}: the folder {parent} does not exist; create it first"
        )
    new = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX, dir=parent))
    old: Path | None = None
    try:
        produce(new)
        for f in sorted(new.iterdir()):
            with open(f, "rb+") as fh:
                os.fsync(fh.fileno())
        os.chmod(new, _final_mode(dest, 0o777))
        if dest.exists() and _exchange(new, dest):
            old = new  # the previous folder, now under the temporary name
        else:
            if dest.exists():
                old = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX + "old-", dir=parent))
                os.rmdir(old)
                os.rename(dest, old)
            os.rename(new, dest)
        _fsync_dir(parent)
    except OSError as exc:
        if old is not None and not dest.exists():
            os.rename(old, dest)  # put the previous folder back
            old = None
        if old is not new:
            shutil.rmtree(new, ignore_errors=True)
        raise _explain(exc, dest) from exc
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
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
            if now - p.lstat().st_mtime >= older_than_s:
                if p.is_dir() and not p.is_symlink():
                    shutil.rmtree(p)  # a CSV export's new folder, a workbook's parts
                else:
                    p.unlink()
                removed.append(p)
    return removed
