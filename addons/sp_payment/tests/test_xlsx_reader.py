import datetime
import io
import re
import zipfile

import openpyxl
import xlsxwriter

from odoo.tests import BaseCase, tagged

from odoo.addons.sp_base.tools import FormulaWithoutValue, SpXlsxWriter, read_table

SHEET = "xl/worksheets/sheet1.xml"


def _rewrite_sheet(data, change):
    """The same workbook with its first sheet's XML changed."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            target.writestr(item, change(content) if item.filename == SHEET else content)
    return out.getvalue()


def _read(data):
    with read_table(data, "result.xlsx") as table:
        return list(table)


@tagged("post_install", "-at_install")
class TestXlsxReader(BaseCase):
    """The result files through the shared reader (sp_base.tools.read_table, which replaced
    the agency's own XlsxRows): the fast scan and the lxml fallback read the same values."""

    def _openpyxl_book(self):
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(["Mã dòng chi trả", "Tổng số tiền", "Trạng thái", "Ngày nhận", "Ghi chú"])
        sheet.append(["202601-0000000001", 500000, "Đã nhận", datetime.date(2026, 1, 20), "A&B <x>"])
        sheet.append([])
        sheet.append(["202601-0000000002", 1.5, "Chưa nhận", None, True])
        sheet["E5"] = "=1+2"
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

    def test_values_and_row_numbers(self):
        rows = _read(self._openpyxl_book())
        # a date cell is a datetime (the old reader gave its serial, 46042.0); an empty row
        # written by openpyxl is not in the file; a formula without a saved result says so
        self.assertEqual(rows, [
            (1, ["Mã dòng chi trả", "Tổng số tiền", "Trạng thái", "Ngày nhận", "Ghi chú"]),
            (2, ["202601-0000000001", 500000, "Đã nhận", datetime.datetime(2026, 1, 20),
                 "A&B <x>"]),
            (4, ["202601-0000000002", 1.5, "Chưa nhận", None, True]),
            (5, [None, None, None, None, FormulaWithoutValue("=1+2")]),
        ])

    def test_columns_by_position(self):
        # (was: only the columns asked for) every row is read whole: a column is at its
        # position whatever the cells before it hold
        rows = _read(self._openpyxl_book())
        self.assertEqual([row[0] for _n, row in rows][:3], [
            "Mã dòng chi trả", "202601-0000000001", "202601-0000000002"])
        self.assertEqual([row[2] for _n, row in rows][:3], ["Trạng thái", "Đã nhận", "Chưa nhận"])
        self.assertEqual(len(rows), 4)  # row 3 is not in the file

    def test_inline_strings_of_our_own_writer(self):
        out = io.BytesIO()
        with SpXlsxWriter(out) as book:
            sheet = book.add_sheet("Kết quả", [("Mã", "text", 10), ("Số tiền", "money", 10)])
            sheet.write_rows([["202601-0000000003", 700000], ["Ngô & Lê", None]])
        rows = [row for _number, row in _read(out.getvalue())]
        self.assertEqual(rows, [["Mã", "Số tiền"], ["202601-0000000003", 700000],
                                ["Ngô & Lê", None]])

    def test_shared_and_rich_strings(self):
        out = io.BytesIO()
        book = xlsxwriter.Workbook(out)  # shared strings (not constant memory)
        sheet = book.add_worksheet()
        bold = book.add_format({"bold": True})
        sheet.write_string(0, 0, "Trạng thái")
        sheet.write_string(1, 0, "Đã nhận")
        sheet.write_rich_string(2, 0, "Chưa ", bold, "nhận", " <&>")
        sheet.write_string(3, 0, "Đã nhận")
        book.close()
        with read_table(out.getvalue(), "result.xlsx") as table:
            self.assertEqual(len(table.shared), 3)
            self.assertEqual([row for _n, row in table],
                             [["Trạng thái"], ["Đã nhận"], ["Chưa nhận <&>"], ["Đã nhận"]])

    def test_sheets_the_scan_cannot_read_go_to_lxml(self):
        data = self._openpyxl_book()
        expected = _read(data)
        without_references = _rewrite_sheet(data, lambda xml: re.sub(rb'(<c) r="[A-Z]+\d+"', rb"\1", xml))
        prefixed = _rewrite_sheet(data, lambda xml: re.sub(
            rb"<(/?)(worksheet|sheetData|row|c|v|is|t|f)\b", rb"<\1x:\2", xml).replace(
            b'xmlns="', b'xmlns:x="'))
        self.assertEqual(_read(prefixed), expected)
        # without references, cells are placed one after the other: the full rows read alike
        self.assertEqual([row for _n, row in _read(without_references)][:2],
                         [row for _n, row in expected][:2])
