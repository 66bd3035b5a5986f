from .xlsx import SpXlsxWriter, csv_safe
from .sql import CopyValueError, copy_rows, drop_foreign_keys, local_setting
from .cpu import cpu_seconds, process_cpu_seconds
from .table_reader import (
    HEADER_ROWS,
    FormulaWithoutValue,
    TableError,
    TableLimits,
    excel_date,
    read_table,
)
