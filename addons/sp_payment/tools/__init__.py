from .xlsx_reader import XlsxRows, serial_to_date
