from .xlsx import SpXlsxWriter, csv_safe
from .sql import drop_foreign_keys
