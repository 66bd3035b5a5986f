from .xlsx import SpXlsxWriter, csv_safe
from .sql import drop_foreign_keys, local_setting
from .cpu import cpu_seconds, process_cpu_seconds
