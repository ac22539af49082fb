"""xlreport: track government industrial-plan targets in Excel.

Structured plan data with citations, progress measures by published methods, currency
conversion with reference rates, Excel custom functions and monthly report workbooks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from xlreport.errors import XlreportError

if TYPE_CHECKING:
    from xlreport.model import Dataset, Observation, Plan, Rate, Source, Target

__version__ = "0.1.0"

_MODEL_NAMES = frozenset({"Dataset", "Observation", "Plan", "Rate", "Source", "Target"})


def __getattr__(name: str) -> Any:
    """The model classes, loaded on first use (pydantic and the model take ~0.1 s, which
    `xlreport --version` and `--help` need not pay)."""
    if name in _MODEL_NAMES:
        from xlreport import model

        return getattr(model, name)
    raise AttributeError(f"module 'xlreport' has no attribute {name!r}")


__all__ = [
    "Dataset",
    "Observation",
    "Plan",
    "Rate",
    "Source",
    "Target",
    "XlreportError",
    "__version__",
]
