"""The one XLSX writer every export of the suite uses.

Constant-memory mode (rows are streamed to disk, so a 100,000-row list stays small in memory),
a styled header row in the users' language, frozen panes, and typed columns: text, integer,
money (VND, no decimals), date, datetime. Text is always written as text, so a cell such as
``=HYPERLINK(...)`` typed into the registry never becomes a formula in our files.
"""
import datetime
import io

import xlsxwriter

COLUMN_FORMATS = {
    "text": {},
    "int": {"num_format": "0"},
    "money": {"num_format": "#,##0"},
    "float": {"num_format": "#,##0.00"},
    "date": {"num_format": "dd/mm/yyyy"},
    "datetime": {"num_format": "dd/mm/yyyy hh:mm"},
}
# Spreadsheet programs run a cell that starts with one of these as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value):
    """A value for a CSV cell that a spreadsheet program will not run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class SpXlsxWriter:
    """Write one or more sheets of typed columns to an XLSX file or an in-memory buffer.

    ``columns`` is a list of ``(header, kind, width)``; ``kind`` is a key of COLUMN_FORMATS.

        with SpXlsxWriter(path) as book:
            sheet = book.add_sheet("Danh sách", [("Họ và tên", "text", 30), ("Số tiền", "money", 14)])
            sheet.write_rows(rows)
        data = book.getvalue()   # when no path was given
    """

    def __init__(self, path=None):
        self._buffer = None if path else io.BytesIO()
        self.workbook = xlsxwriter.Workbook(
            path or self._buffer,
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
                "remove_timezone": True,
                "default_date_format": "dd/mm/yyyy",
            },
        )
        self.header_format = self.workbook.add_format({
            "bold": True, "text_wrap": True, "valign": "vcenter", "align": "center",
            "bg_color": "#DDEBF7", "border": 1, "font_name": "Times New Roman",
        })
        self.formats = {
            kind: self.workbook.add_format(dict(spec, font_name="Times New Roman"))
            for kind, spec in COLUMN_FORMATS.items()
        }
        self.title_format = self.workbook.add_format(
            {"bold": True, "font_size": 13, "font_name": "Times New Roman"}
        )

    def add_sheet(self, name, columns, title=None):
        return _Sheet(self, name, columns, title)

    def close(self):
        self.workbook.close()

    def getvalue(self):
        return self._buffer.getvalue() if self._buffer else None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class _Sheet:
    def __init__(self, book, name, columns, title):
        self.book = book
        # Sheet names: at most 31 characters, none of []:*?/\
        clean = "".join(" " if c in "[]:*?/\\" else c for c in name)[:31].strip() or "Sheet"
        self.sheet = book.workbook.add_worksheet(clean)
        self.kinds = []
        row = 0
        if title:
            self.sheet.write_string(0, 0, title, book.title_format)
            row = 2
        for col, (header, kind, width) in enumerate(columns):
            self.sheet.set_column(col, col, width)
            self.sheet.write_string(row, col, header, book.header_format)
            self.kinds.append(kind)
        self.sheet.freeze_panes(row + 1, 0)
        self.row = row + 1

    def write_row(self, values):
        sheet, fmts, r = self.sheet, self.book.formats, self.row
        for col, value in enumerate(values):
            kind = self.kinds[col]
            if value is None or value is False or value == "":
                sheet.write_blank(r, col, None, fmts[kind])
            elif kind in ("date", "datetime") and isinstance(value, (datetime.date, datetime.datetime)):
                if kind == "date" and isinstance(value, datetime.datetime):
                    value = value.date()
                sheet.write_datetime(r, col, value, fmts[kind])
            elif kind in ("int", "money", "float") and isinstance(value, (int, float)):
                sheet.write_number(r, col, value, fmts[kind])
            else:
                sheet.write_string(r, col, str(value), fmts[kind])
        self.row += 1

    def write_rows(self, rows):
        for values in rows:
            self.write_row(values)
