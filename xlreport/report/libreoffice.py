"""LibreOffice in headless mode: recalculate a workbook, or convert it to PDF.

Each :class:`LibreOffice` uses its own user profile (``-env:UserInstallation``), created
on first use with ``OOXMLRecalcMode`` set to 0 ("always recalculate") so that a
conversion to xlsx writes values LibreOffice computed itself, not the cached ones. Two
processes must not share a profile at the same time; a lock file guards it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from xlreport.errors import OutputError

__all__ = ["LibreOffice", "find_soffice"]

_RECALC_ITEM = (
    '<item oor:path="/org.openoffice.Office.Calc/Formula/Load">'
    '<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>\n'
)
_FILTERS = {"xlsx": "xlsx:Calc MS Excel 2007 XML", "pdf": "pdf:calc_pdf_Export"}


def find_soffice() -> str:
    """The LibreOffice program on PATH, or an OutputError saying how to get it."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    raise OutputError(
        "cannot convert with LibreOffice: 'soffice' is not on PATH; install LibreOffice "
        "(Debian/Ubuntu: apt-get install libreoffice-calc) or run without --pdf"
    )


class LibreOffice:
    """A headless LibreOffice with a dedicated profile folder."""

    def __init__(self, profile: Path, *, soffice: str | None = None, timeout: float = 180) -> None:
        self.profile = Path(profile).resolve()
        self.soffice = soffice or find_soffice()
        self.timeout = timeout

    @property
    def _env_arg(self) -> str:
        return f"-env:UserInstallation={self.profile.as_uri()}"

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.profile.mkdir(parents=True, exist_ok=True)
        with open(self.profile.parent / f".{self.profile.name}.lock", "w") as fh:
            if sys.platform == "win32":  # pragma: no cover - Windows
                import msvcrt

                msvcrt.locking(fh.fileno(), msvcrt.LK_LOCK, 1)
            else:
                import fcntl

                fcntl.flock(fh, fcntl.LOCK_EX)
            yield  # closing the file releases the lock

    def _run(self, args: list[str], what: str) -> None:
        env = {**os.environ, "HOME": os.environ.get("HOME", str(self.profile))}
        try:
            proc = subprocess.run(
                [
                    self.soffice,
                    self._env_arg,
                    "--headless",
                    "--norestore",
                    "--nologo",
                    "--nodefault",
                    "--nolockcheck",
                    *args,
                ],
                capture_output=True,
                text=True,
                timeout=self.timeout,
                env=env,
                check=False,
            )
        except FileNotFoundError:
            raise OutputError(
                f"cannot {what}: LibreOffice program {self.soffice} does not exist; install "
                "LibreOffice or run without --pdf"
            ) from None
        except subprocess.TimeoutExpired:
            raise OutputError(
                f"cannot {what}: LibreOffice did not finish within {self.timeout:.0f} s; close "
                f"other LibreOffice windows using the profile {self.profile} and try again"
            ) from None
        if proc.returncode != 0:
            raise OutputError(
                f"cannot {what}: LibreOffice exited with code {proc.returncode}: "
                f"{(proc.stderr or proc.stdout).strip()[:500]}"
            )

    def ensure_profile(self) -> None:
        """Create the profile once and switch on recalculation of xlsx files on load."""
        xcu = self.profile / "user" / "registrymodifications.xcu"
        if xcu.is_file() and "OOXMLRecalcMode" in xcu.read_text(encoding="utf-8"):
            return
        if not xcu.is_file():
            self._run(["--terminate_after_init"], f"create a LibreOffice profile in {self.profile}")
        if not xcu.is_file():
            raise OutputError(
                f"LibreOffice did not create its profile in {self.profile}; check that the "
                "folder is writable"
            )
        text = xcu.read_text(encoding="utf-8")
        if "OOXMLRecalcMode" not in text:
            text = text.replace("</oor:items>", _RECALC_ITEM + "</oor:items>")
            xcu.write_text(text, encoding="utf-8")

    def convert(self, source: Path, fmt: str, outdir: Path) -> Path:
        """Convert ``source`` to ``fmt`` ("xlsx": recalculated, or "pdf") into ``outdir``."""
        if fmt not in _FILTERS:
            raise OutputError(f"cannot convert to {fmt!r}: use one of {', '.join(_FILTERS)}")
        source = Path(source).resolve()
        outdir = Path(outdir).resolve()
        outdir.mkdir(parents=True, exist_ok=True)
        target = outdir / f"{source.stem}.{fmt}"
        if target == source:
            raise OutputError(f"cannot convert {source} onto itself: choose another folder")
        with self._locked():
            self.ensure_profile()
            self._run(
                ["--convert-to", _FILTERS[fmt], "--outdir", str(outdir), str(source)],
                f"convert {source} to {fmt}",
            )
        if not target.is_file():
            raise OutputError(
                f"LibreOffice reported success but wrote no {target}; open {source} in "
                "LibreOffice to see whether it can read it"
            )
        return target
