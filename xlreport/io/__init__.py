"""Data workbooks and CSV folders: template, import, export, and the guards for untrusted files.

::

    write_data_template(path)                 # the empty data-entry workbook
    read_dataset(path, *, known=None, limits) # xlsx or CSV folder -> validated Dataset
    write_dataset(ds, path)                   # .xlsx, or a folder of CSV files
    validate_file(path, *, store=None)        # read_dataset against the store's records
    import_file(path, store) -> ImportReport  # validate all, then one transaction
    export_store(store, path, *, as_of=None)
    ReadLimits, DEFAULT_LIMITS                # bounds for untrusted files

The guard's child process (``sheet_child.py``) runs as a script and imports none of this.
"""

from __future__ import annotations

from xlreport.io.guard import DEFAULT_LIMITS, ReadLimits
from xlreport.io.importer import ImportReport, export_store, import_file, validate_file
from xlreport.io.reader import read_dataset
from xlreport.io.template import write_data_template
from xlreport.io.writer import write_dataset

__all__ = [
    "DEFAULT_LIMITS",
    "ImportReport",
    "ReadLimits",
    "export_store",
    "import_file",
    "read_dataset",
    "validate_file",
    "write_data_template",
    "write_dataset",
]
