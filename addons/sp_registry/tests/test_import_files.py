"""Faulty or unusual files: empty, header only, wrong or missing columns, encodings, XLSX with
formulas and merged cells, old .xls; and the error report, whose cells stay text."""
import base64
import io

import openpyxl

from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from .test_import_common import (
    HEADERS,
    ImportFixtures,
    csv_bytes,
    person,
    xlsx_bytes,
    xlsx_unsaved_formulas,
)


@tagged("post_install", "-at_install")
class TestImportFiles(ImportFixtures, TransactionCase):
    def test_empty_file(self):
        for data in (b"", b"\xef\xbb\xbf", b"\r\n\r\n", b",,,\n,,,\n"):
            with self.subTest(data=data), self.assertRaisesRegex(UserError, "The file is empty"):
                self._upload(data)
        before = self._registry_count()
        record = self._upload(csv_bytes([]))
        with self.assertRaisesRegex(UserError, r"The file has no data rows under its header \(row 1\)"):
            record.action_validate()
        self.assertEqual(self._registry_count(), before)
        self.assertFalse(record.line_ids)

    def test_no_header_row(self):
        data = "\n".join("%s,%s" % (i, i * 2) for i in range(30)).encode()
        with self.assertRaisesRegex(UserError, "No header row found in the first 20 rows"):
            self._upload(data)

    def test_missing_columns(self):
        data = csv_bytes([person("A", "Lê Văn Thiếu", "Chủ hộ")],
                         headers=["household_ref", "name", "birthdate"])
        record = self._upload(data)
        with self.assertRaisesRegex(UserError, "The file has no column for: Sex, Relationship to "
                                               "the head, Commune code"):
            record.action_validate()
        self.assertEqual(record.state, "mapping")
        # the mapping is editable: an unrecognised column can be mapped by hand
        row = dict(person("A", "Lê Văn Đủ", "Chủ hộ"), **{"Đơn vị": "99001"})
        record = self._upload(csv_bytes([row], headers=[
            "household_ref", "name", "gender", "relationship", "Đơn vị"]))
        column = record.column_ids.filtered(lambda c: c.header == "Đơn vị")
        self.assertFalse(column.target)
        column.target = "commune_code"
        record.action_validate()
        self.assertEqual(record.household_new_count, 1)

    def test_same_field_mapped_twice(self):
        record = self._upload(csv_bytes([person("A", "Lê Văn Hai", "Chủ hộ")]))
        record.column_ids.filtered(lambda c: c.target == "village").target = "street"
        with self.assertRaisesRegex(UserError, "are both imported as Hamlet / street"):
            record.action_validate()

    def test_non_utf8_csv(self):
        rows = [person("A", "Nguyễn Văn Hùng", "Chủ hộ"), person("A", "Trần Thị Hà", "Vợ", "Nữ")]
        data = csv_bytes(rows, encoding="cp1258")
        with self.assertRaisesRegex(UserError, r"The file is not UTF-8 text \(line 1, byte 0x"):
            self._upload(data)
        # chosen explicitly, Windows-1258 is read (and its decomposed accents normalised)
        record = self._import(data, "legacy.csv", encoding="cp1258")
        self.assertEqual(record.household_done_count, 1)
        self.assertTrue(self.Person.search([("name", "=", "Nguyễn Văn Hùng")]))
        # UTF-16 (Excel's "Unicode text", tab-separated) and semicolons are recognised
        record = self._import(csv_bytes([person("B", "Đỗ Văn Tab", "Chủ hộ")], encoding="utf-16",
                                        delimiter="\t"), "unicode.txt")
        self.assertEqual(record.household_done_count, 1)
        record = self._import(csv_bytes([person("C", "Đỗ Văn Chấm", "Chủ hộ")], delimiter=";"))
        self.assertEqual(record.household_done_count, 1)

    def test_old_xls_and_broken_xlsx(self):
        with self.assertRaisesRegex(UserError, r"old Excel 97-2003 file \(.xls\)"):
            self._upload(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "list.xls")
        with self.assertRaisesRegex(UserError, "cannot be read as an Excel workbook"):
            self._upload(b"PK\x03\x04 not really a zip", "list.xlsx")

    def test_xlsx_formulas_and_merged_cells(self):
        """Household cells merged over their members; a birth year computed by a formula (the
        value Excel saved is used); numbers that lost their leading zeros."""
        keys = list(HEADERS)
        rows = [
            person("M1", "Hà Văn Gộp", "Chủ hộ", birthdate=""),
            person("", "Hà Thị Ô", "Vợ", "Nữ", "1987", commune=""),
            person("", "Hà Văn Nhỏ", "Con", "Nam", "2012", commune="",
                   id_number=2212000077),
        ]
        data = xlsx_bytes(
            rows,
            formulas={(1, keys.index("birthdate")): ("=1980+5", 1985)},
            merges=[(1, keys.index("household_ref"), 3, keys.index("household_ref"), "M1"),
                    (1, keys.index("commune_code"), 3, keys.index("commune_code"), "99001"),
                    (1, keys.index("street"), 3, keys.index("street"), "Ngõ 4")])
        record = self._import(data, "merged.xlsx")
        self.assertEqual((record.household_done_count, record.person_done_count), (1, 3),
                         record.issue_ids.mapped("message"))
        head = self.Person.search([("name", "=", "Hà Văn Gộp")])
        self.assertEqual(head.birth_year, 1985)
        self.assertEqual(head.household_id.member_count, 3)
        self.assertEqual(head.household_id.street, "Ngõ 4")
        self.assertEqual(self.Person.search([("name", "=", "Hà Văn Nhỏ")]).id_number,
                         "002212000077")

    def test_xlsx_formula_without_saved_value(self):
        keys = list(HEADERS)
        data = xlsx_unsaved_formulas(
            [person("F1", "Lò Văn Công", "Chủ hộ", birthdate=""),
             person("F2", "Lò Văn Thức", "Chủ hộ")],
            {(2, keys.index("birthdate") + 1): "=1980+5"})
        record = self._validate(data, "program.xlsx")
        self.assertRowError(record, 2, "holds a formula (=1980+5) whose result was never saved")
        self.assertEqual((record.household_new_count, record.household_error_count), (1, 1))

    def test_error_report_keeps_formulas_as_text(self):
        record = self._validate(csv_bytes([
            person("E1", "=HYPERLINK(\"http://evil\",\"Bấm\")", "Chủ hộ"),
            person("E2", "Cầm Văn Đúng", "Chủ hộ", street="=1+2"),
            person("E3", "@SUM(A1)", "Chủ hộ"),
        ]))
        self.assertTrue(record.error_report)
        self.assertTrue(record.error_report_name.endswith(".xlsx"))
        book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(record.error_report)))
        sheet = book.worksheets[0]
        cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
        self.assertTrue(cells)
        formulas = [c for c in cells if c.data_type == "f"]
        self.assertFalse(formulas, "a cell of the error report became a formula")
        values = {c.value for c in cells}
        self.assertIn('=HYPERLINK("http://evil","Bấm")', values)
        self.assertIn("@SUM(A1)", values)
        header = [c.value for c in sheet[3]]
        self.assertEqual(header, ["Row", "Column", "Value", "Severity", "Message"])
        # street "=1+2" is plain text in the registry, never a formula in our exports
        record.action_import()
        self.assertEqual(self.Person.search([("name", "=", "Cầm Văn Đúng")]).household_id.street,
                         "=1+2")

    def test_template_files(self):
        """The shipped templates carry the documented columns, are read back as the standard
        layout without any manual mapping, and are downloadable from the import form."""
        record = self.Import.create({"company_id": self.office.id})
        for field, name in (("template_xlsx", "sp_registry_import_template.xlsx"),
                            ("template_csv", "sp_registry_import_template.csv")):
            data = base64.b64decode(record[field])
            self.assertEqual(record[field + "_name"], name)
            upload = self._upload(data, name)
            self.assertEqual(upload.column_ids.mapped("target"), list(HEADERS))
            self.assertEqual(upload.layout, "standard")
        book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(record.template_xlsx)))
        self.assertEqual(len(book.worksheets), 2, "the second sheet explains the columns")
