"""Progress towards plan targets: pure functions over pandas (no files, no clock, no Excel).

:func:`compute_progress` computes every measure for every target at once;
:func:`progress_for_target` gives one target's row through the same code. The methods
are documented in ``docs/methods.md``.
"""

from __future__ import annotations

from xlreport.progress.engine import (
    HEADLINE_GROUPS,
    METHODS,
    OUTLOOKS,
    PROGRESS_COLUMNS,
    STATUSES,
    compute_progress,
    progress_for_target,
)
from xlreport.progress.text import format_amount, format_fraction, format_rate

__all__ = [
    "HEADLINE_GROUPS",
    "METHODS",
    "OUTLOOKS",
    "PROGRESS_COLUMNS",
    "STATUSES",
    "compute_progress",
    "format_amount",
    "format_fraction",
    "format_rate",
    "progress_for_target",
]
