"""xlreport: track government industrial-plan targets in Excel.

Structured plan data with citations, progress measures by published methods, currency
conversion with reference rates, Excel custom functions and monthly report workbooks.
"""

from __future__ import annotations

from xlreport.errors import XlreportError
from xlreport.model import Dataset, Observation, Plan, Rate, Source, Target

__version__ = "0.1.0"

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
