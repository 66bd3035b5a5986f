from .xlsx_reader import serial_to_date
