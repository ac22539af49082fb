"""The empty data-entry workbook, generated from the model (``xlreport data template``).

``workbooks/plan_data.xlsx`` is this function's output; a test regenerates it and
compares it part by part with the committed copy.
"""

from __future__ import annotations

from pathlib import Path

from xlreport.io.writer import write_workbook

__all__ = ["write_data_template"]


def write_data_template(path: Path) -> Path:
    """Write the empty data workbook to ``path`` (an .xlsx name), atomically."""
    return write_workbook(Path(path), None)
