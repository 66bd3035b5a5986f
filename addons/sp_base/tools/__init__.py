from .xlsx import SpXlsxWriter, csv_safe
