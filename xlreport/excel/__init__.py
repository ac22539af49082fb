"""The Excel add-in: custom functions (xlwings UDFs), the report button, the workbook.

Only :mod:`xlreport.excel.functions` imports xlwings; the other modules are pure and run
anywhere: :mod:`.args` (what Excel sends), :mod:`.cells` (what a cell shows, errors
included), :mod:`.cache` (data loaded once per process), :mod:`.catalog` (the function
list), :mod:`.macros` (the button's RunPython entry), :mod:`.vba` and :mod:`.workbook`
(the add-in workbook).
"""
