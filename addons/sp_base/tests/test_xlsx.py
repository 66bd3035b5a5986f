import datetime
import io
import os
import tempfile

import openpyxl

from odoo.tests import BaseCase, tagged

from ..tools import SpXlsxWriter, csv_safe


@tagged("post_install", "-at_install")
class TestXlsx(BaseCase):
    def test_typed_columns_read_back(self):
        columns = [("Họ và tên", "text", 30), ("Ngày sinh", "date", 12),
                   ("Số tiền", "money", 14), ("Số người", "int", 8)]
        with SpXlsxWriter() as book:
            sheet = book.add_sheet("Danh sách/chi trả", columns, title="Danh sách chi trả tháng 7")
            sheet.write_rows([
                ("Nguyễn Văn An", datetime.date(1950, 3, 1), 750000, 3),
                ("=HYPERLINK(\"http://x\")", None, 0, None),
            ])
        wb = openpyxl.load_workbook(io.BytesIO(book.getvalue()))
        ws = wb["Danh sách chi trả"]
        self.assertEqual(ws["A1"].value, "Danh sách chi trả tháng 7")
        self.assertEqual([c.value for c in ws[3]], ["Họ và tên", "Ngày sinh", "Số tiền", "Số người"])
        self.assertTrue(ws["A3"].font.b)
        self.assertEqual(ws["A4"].value, "Nguyễn Văn An")
        self.assertEqual(ws["B4"].value, datetime.datetime(1950, 3, 1))
        self.assertEqual(ws["B4"].number_format, "dd/mm/yyyy")
        self.assertEqual(ws["C4"].value, 750000)
        self.assertEqual(ws["C4"].number_format, "#,##0")
        # text that looks like a formula stays text
        self.assertEqual(ws["A5"].data_type, "s")
        self.assertEqual(ws["A5"].value, "=HYPERLINK(\"http://x\")")
        self.assertIsNone(ws["B5"].value)
        self.assertEqual(ws.freeze_panes, "A4")

    def test_file_path_and_constant_memory(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "big.xlsx")
            with SpXlsxWriter(path) as book:
                self.assertTrue(book.workbook.constant_memory)
                sheet = book.add_sheet("Rows", [("n", "int", 8), ("name", "text", 20)])
                sheet.write_rows((i, f"row {i}") for i in range(5000))
            self.assertIsNone(book.getvalue())
            ws = openpyxl.load_workbook(path, read_only=True)["Rows"]
            self.assertEqual(ws.max_row, 5001)

    def test_csv_safe(self):
        self.assertEqual(csv_safe("=1+1"), "'=1+1")
        self.assertEqual(csv_safe("@SUM(A1)"), "'@SUM(A1)")
        self.assertEqual(csv_safe("Nguyễn"), "Nguyễn")
        self.assertEqual(csv_safe(12), 12)
