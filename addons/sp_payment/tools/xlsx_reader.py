"""Excel dates of the agency's result files.

The files themselves are read by the suite's one reader of uploaded tables
(``odoo.addons.sp_base.tools.read_table``: CSV and XLSX streamed, upload limits, errors with
their sheet, row and column); it gives a date cell as a datetime, and a date the agency typed
in a number cell stays a number: ``serial_to_date`` reads it.
"""
import datetime
import math

EXCEL_EPOCH = datetime.date(1899, 12, 30)
# 9999-12-31, Excel's last date
EXCEL_LAST_SERIAL = 2958465


def serial_to_date(value):
    """An Excel date serial number (1900 system) as a date; ValueError for a number that is
    no Excel date (negative, over 9999-12-31, not finite)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or \
            not math.isfinite(value) or not 0 <= value <= EXCEL_LAST_SERIAL:
        raise ValueError(value)
    return EXCEL_EPOCH + datetime.timedelta(days=int(value))
