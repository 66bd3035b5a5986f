import codecs
import datetime
import io
import json
import os
import subprocess
import sys
import tempfile
import unicodedata
import zipfile

import xlsxwriter

import odoo
from odoo.exceptions import UserError
from odoo.tests import BaseCase, TransactionCase, tagged

from odoo.addons.sp_base.tools import (
    HEADER_ROWS,
    CopyValueError,
    FormulaWithoutValue,
    TableError,
    TableLimits,
    copy_rows,
    read_table,
)

SHEET = "xl/worksheets/sheet1.xml"
WORKBOOK = ('<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="Danh sách" sheetId="1" r:id="rId1"/></sheets></workbook>')
RELS = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/worksheet"/></Relationships>')
STYLES = ('<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
          '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/>'
          '</cellXfs></styleSheet>')
SHEET_HEAD = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def workbook(rows_xml, shared=None, sheets=True):
    """An XLSX file whose first sheet's <sheetData> holds ``rows_xml`` (bytes); ``shared``: the
    <si> elements of its shared strings."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("xl/workbook.xml", WORKBOOK if sheets else WORKBOOK.replace(
            '<sheet name="Danh sách" sheetId="1" r:id="rId1"/>', ""))
        book.writestr("xl/_rels/workbook.xml.rels", RELS)
        book.writestr("xl/styles.xml", STYLES)
        if shared is not None:
            book.writestr("xl/sharedStrings.xml", b'<sst xmlns="http://schemas.openxmlformats.org'
                          b'/spreadsheetml/2006/main">' + shared + b"</sst>")
        book.writestr(SHEET, SHEET_HEAD + b"<sheetData>" + rows_xml + b"</sheetData></worksheet>")
    return out.getvalue()


def read(data, name="list.xlsx", **kwargs):
    with read_table(data, name, **kwargs) as table:
        return list(table)


def header_and(value_cell):
    """A sheet with a header row and one row holding ``value_cell`` in B2."""
    return ('<row r="1"><c r="A1" t="inlineStr"><is><t>Họ và tên</t></is></c>'
            '<c r="B1" t="inlineStr"><is><t>Số tiền</t></is></c></row>'.encode() +
            b'<row r="2"><c r="A2" t="inlineStr"><is><t>An</t></is></c>' + value_cell + b"</row>")


@tagged("post_install", "-at_install")
class TestTableReader(BaseCase):
    """sp_base's one reader of uploaded tables: encodings, values, bad input as errors that
    name the sheet, row and column, and the upload limits."""

    def assertTableError(self, data, pattern, row=None, column=None, name="list.xlsx",
                         **kwargs):
        with self.assertRaises(TableError) as caught:
            read(data, name, **kwargs)
        err = caught.exception
        self.assertIsInstance(err, UserError)  # a message for the user, never a traceback
        self.assertRegex(str(err.args[0]), pattern)
        self.assertEqual((err.row, err.column), (row, column))
        if row:
            place = "row %s, column %s" % (row, err.column_letter) if column else "row %s" % row
            self.assertIn(place.lower(), err.translate("en_US").lower())
        return err

    # ------------------------------------------------------------------ CSV
    def test_csv_encodings(self):
        text = "Họ và tên,Giới tính\nNguyễn Văn Ân,Nam\n"
        expected = [(1, ["Họ và tên", "Giới tính"]), (2, ["Nguyễn Văn Ân", "Nam"])]
        for label, data in (
                ("utf-8", text.encode()), ("utf-8 bom", codecs.BOM_UTF8 + text.encode()),
                ("utf-16 le", text.encode("utf-16")),
                ("utf-16 be", codecs.BOM_UTF16_BE + text.encode("utf-16-be"))):
            with self.subTest(label):
                self.assertEqual(read(data, "list.csv"), expected)
        # decomposed accents (macOS) are normalised to NFC
        self.assertEqual(read(unicodedata.normalize("NFD", text).encode(), "list.csv"), expected)
        # Windows-1258 only when chosen: it decodes to decomposed accents, normalised too
        legacy = _cp1258("Họ tên,Giới tính\nTrần Thị Hà,Nữ\n")
        self.assertTableError(legacy, r"not UTF-8 text \(line 1, byte 0x", row=1, name="l.csv")
        self.assertEqual(read(legacy, "list.csv", encoding="cp1258"),
                         [(1, ["Họ tên", "Giới tính"]), (2, ["Trần Thị Hà", "Nữ"])])
        self.assertTrue(all(unicodedata.is_normalized("NFC", v) for _n, row in
                            read(legacy, "l.csv", encoding="cp1258") for v in row))

    def test_csv_separators_and_quotes(self):
        self.assertEqual(read(b"a;b\n1;\"x;y\"\n", "l.csv"), [(1, ["a", "b"]), (2, ["1", "x;y"])])
        self.assertEqual(read(b"a\tb\n1\t2\n", "l.csv"), [(1, ["a", "b"]), (2, ["1", "2"])])

    def test_csv_bad_input(self):
        self.assertTableError(b"a,b\n1,x\x00y\n", "NUL character", row=2, column=2,
                              name="l.csv")
        self.assertEqual(read(b"a,b\n1,x\x00y\n", "l.csv", allow_nul=True),
                         [(1, ["a", "b"]), (2, ["1", "x\x00y"])])  # for a row issue
        self.assertTableError(b"a,b\n\xc3\x28,1\n", "not UTF-8 text", row=2, name="l.csv")
        err = self.assertTableError(b"", "empty", name="l.csv")
        self.assertIsNone(err.code)

    def test_neither_csv_nor_xlsx(self):
        for label, data in (("pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj"),
                            ("png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
                            ("binary", bytes(range(256)) * 4),
                            ("zip without workbook", _zip({"a.txt": b"hello"}))):
            with self.subTest(label):
                err = self.assertTableError(data, "neither a CSV file nor an Excel workbook",
                                            name="upload.bin")
                self.assertEqual(err.code, "kind")
        err = self.assertTableError(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100,
                                    r"old Excel 97-2003 file", name="list.xls")
        err = self.assertTableError(b"PK\x03\x04 not really a zip", "cannot be read as an Excel "
                                    "workbook")
        self.assertEqual(err.code, "workbook")

    # ------------------------------------------------------------------ XLSX
    def test_xlsx_values(self):
        out = io.BytesIO()
        book = xlsxwriter.Workbook(out)
        sheet = book.add_worksheet("Kết quả")
        date = book.add_format({"num_format": "dd/mm/yyyy"})
        bold = book.add_format({"bold": True})
        sheet.write_row(0, 0, ["Mã", "Số tiền", "Ngày", "Ghi chú", "Có"])
        sheet.write_string(1, 0, "0108500012")
        sheet.write_number(1, 1, 1500000)
        sheet.write_datetime(1, 2, datetime.datetime(2025, 1, 15), date)
        sheet.write_rich_string(1, 3, "Chưa ", bold, "nhận", " <&>")
        sheet.write_boolean(1, 4, True)
        sheet.write_number(3, 1, 2.5)
        sheet.write_formula(3, 2, "=1+2")  # xlsxwriter saves 0 as its value
        sheet.write_string(4, 0, unicodedata.normalize("NFD", "Nguyễn"))
        book.close()
        rows = read(out.getvalue())
        self.assertEqual(rows[:2], [
            (1, ["Mã", "Số tiền", "Ngày", "Ghi chú", "Có"]),
            (2, ["0108500012", 1500000, datetime.datetime(2025, 1, 15), "Chưa nhận <&>", True]),
        ])
        self.assertEqual(rows[2], (4, [None, 2.5, 0]))
        self.assertEqual(rows[3], (5, ["Nguyễn"]))  # NFC
        with read_table(out.getvalue(), "x.xlsx") as table:
            self.assertEqual(table.sheet, "Kết quả")
            self.assertEqual(table.row_estimate(), 5)

    def test_xlsx_formula_without_value(self):
        rows = read(workbook(b'<row r="1"><c r="A1"><f>SUM(B1:B2)</f></c>'
                             b'<c r="B1"><v>2</v></c></row>'))
        self.assertEqual(rows, [(1, [FormulaWithoutValue("=SUM(B1:B2)"), 2])])

    def test_xlsx_bad_cells_name_their_place(self):
        cases = [
            ("number", b'<c r="B2"><v>abc</v></c>', "number cell but holds abc"),
            ("nan", b'<c r="B2"><v>NaN</v></c>', "number cell but holds NaN"),
            ("shared index", b'<c r="B2" t="s"><v>7</v></c>', "shared string 7"),
            ("nul", b'<c r="B2" t="inlineStr"><is><t>a\x00b</t></is></c>', "NUL character"),
            ("nul entity", b'<c r="B2" t="inlineStr"><is><t>a&#0;b</t></is></c>',
             "NUL character"),
            ("date 1e10", b'<c r="B2" s="1"><v>10000000000</v></c>', "outside Excel's dates"),
            ("date -1e6", b'<c r="B2" s="1"><v>-1000000</v></c>', "outside Excel's dates"),
            ("bad utf-8", b'<c r="B2" t="inlineStr"><is><t>\xc3\x28</t></is></c>',
             "not UTF-8 text"),
        ]
        for label, cell, pattern in cases:
            with self.subTest(label):
                err = self.assertTableError(workbook(header_and(cell), shared=b"<si><t>a</t></si>"),
                                            pattern, row=2, column=2)
                self.assertEqual(err.sheet, "Danh sách")
                self.assertEqual(err.column_letter, "B")
                self.assertTrue(err.translate("en_US").startswith(
                    "Sheet Danh sách, row 2, column B: "))
        self.assertEqual(read(workbook(header_and(
            b'<c r="B2" t="inlineStr"><is><t>a\x00b</t></is></c>')), allow_nul=True)[1],
            (2, ["An", "a\x00b"]))
        # the same through the lxml path (a row with a formula)
        err = self.assertTableError(workbook(header_and(
            b'<c r="B2"><f>1+1</f><v>abc</v></c>')), "number cell but holds abc", row=2, column=2)
        # a NUL in a shared string is found in the cell that uses it
        self.assertTableError(workbook(header_and(b'<c r="B2" t="s"><v>0</v></c>'),
                                       shared=b"<si><t>x\x00</t></si>"), "NUL", row=2, column=2)

    def test_workbook_without_sheets(self):
        err = self.assertTableError(workbook(b"", sheets=False), "no sheet")
        self.assertEqual(err.code, "workbook")

    def test_merged_cells(self):
        rows_xml = (b'<row r="1"><c r="A1" t="inlineStr"><is><t>X</t></is></c></row>'
                    b'<row r="2"><c r="B2"><v>1</v></c></row></sheetData>'
                    b'<mergeCells count="1"><mergeCell ref="A1:A2"/></mergeCells><sheetData>')
        data = workbook(rows_xml)
        self.assertEqual(read(data, merged=True), [(1, ["X"]), (2, ["X", 1])])
        self.assertEqual(read(data), [(1, ["X"]), (2, [None, 1])])

    # ------------------------------------------------------------------ limits
    def test_limits(self):
        small = TableLimits(rows=3, columns=4, cell_chars=10, shared_strings=2,
                            shared_chars=12, file_bytes=10000)
        many_rows = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (n, n)
                             for n in range(1, 6))
        self.assertTableError(workbook(many_rows), "more than 3 rows", row=4, limits=small)
        self.assertTableError(b"a\n1\n2\n3\n4\n", "more than 3 rows", row=4, name="l.csv",
                              limits=small)
        self.assertTableError(workbook(b'<row r="1"><c r="E1"><v>1</v></c></row>'),
                              "more than the 4", row=1, limits=small)
        self.assertTableError(b"a,b,c,d,e\n", "more than the 4", row=1, name="l.csv",
                              limits=small)
        self.assertTableError(workbook(header_and(
            b'<c r="B2" t="inlineStr"><is><t>%s</t></is></c>' % (b"x" * 11))),
            "more than 10 characters", row=2, column=2, limits=small)
        self.assertTableError(b"a,b\n1,%s\n" % (b"x" * 11), "more than 10 characters", row=2,
                              column=2, name="l.csv", limits=small)
        self.assertTableError(workbook(b"", shared=b"<si><t>a</t></si>" * 3),
                              "more than 2 shared strings", limits=small)
        self.assertTableError(workbook(b"", shared=b"<si><t>abcdefgh</t></si>" * 2),
                              "more than 12 characters", limits=small)
        self.assertTableError(b"a,b\n" * 3000, "more than the 0.0 MB|MB an upload",
                              name="l.csv", limits=small)
        # a part that decompresses 100 times its size or more (over 1 MB) is refused unread
        err = self.assertTableError(workbook(b'<row r="1"></row>' * 200000), "decompression bomb")
        self.assertEqual(err.code, "limit")
        self.assertTableError(workbook(b'<row r="1"></row>' * 200000), "decompresses to",
                              limits=TableLimits(uncompressed_bytes=1 << 20, ratio=10 ** 6))
        # the defaults let the 100,000-row benchmark list through (55 MB of XML, ratio 13)
        limits = TableLimits()
        self.assertGreaterEqual(limits.rows, 100001)
        self.assertGreater(limits.uncompressed_bytes, 55 << 20)
        self.assertEqual(HEADER_ROWS, 20)

    def test_bombs_are_refused_quickly_in_little_memory(self):
        """200 KB decompression bombs, read in a child process (its own peak memory): refused
        in under a second and 50 MB."""
        with tempfile.TemporaryDirectory() as folder:
            for label, build in (("rows", _bomb_rows), ("shared strings", _bomb_shared),
                                 ("lying sizes", _bomb_lying)):
                with self.subTest(label):
                    path = os.path.join(folder, "bomb.xlsx")
                    build(path)
                    self.assertLess(os.path.getsize(path), 205 * 1024)
                    seconds, megabytes, refused = _read_in_child(path)
                    self.assertRegex(refused, "decompression bomb|decompresses|CRC|damaged|"
                                     "cannot be read")
                    self.assertLess(seconds, 1.0)
                    self.assertLess(megabytes, 50)


def _encodable(char):
    try:
        char.encode("cp1258")
    except UnicodeEncodeError:
        return False
    return True


def _cp1258(text):
    """Text as Windows-1258 writes it: a letter the code page lacks as a base letter it has
    and combining marks."""
    out = b""
    for char in text:
        if _encodable(char):
            out += char.encode("cp1258")
            continue
        base, *marks = unicodedata.normalize("NFD", char)
        for mark in list(marks):
            composed = unicodedata.normalize("NFC", base + mark)
            if len(composed) == 1 and _encodable(composed):
                base = composed
                marks.remove(mark)
        out += (base + "".join(marks)).encode("cp1258")
    return out


def _zip(parts):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        for name, content in parts.items():
            book.writestr(name, content)
    return out.getvalue()


def _bomb(path, name, head, unit, tail, megabytes, shared=False):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as book:
        book.writestr("xl/workbook.xml", WORKBOOK)
        book.writestr("xl/_rels/workbook.xml.rels", RELS)
        if shared:
            book.writestr(SHEET, SHEET_HEAD + b"<sheetData></sheetData></worksheet>")
        with book.open(name, "w") as part:
            part.write(head)
            block = unit * ((1 << 20) // len(unit))
            for _i in range(megabytes):
                part.write(block)
            part.write(tail)


BOMB_MB = 180


def _bomb_rows(path):
    """A sheet of 180 MB of identical rows, each a cell of 30,000 characters."""
    _bomb(path, SHEET, SHEET_HEAD + b"<sheetData>",
          b'<row r="2"><c r="A2" t="inlineStr"><is><t>' + b"x" * 30000 + b"</t></is></c></row>",
          b"</sheetData></worksheet>", BOMB_MB)


def _bomb_shared(path):
    """180 MB of shared strings."""
    _bomb(path, "xl/sharedStrings.xml", b"<sst>", b"<si><t>" + b"y" * 30000 + b"</t></si>",
          b"</sst>", BOMB_MB, shared=True)


def _bomb_lying(path):
    """The rows bomb, its central directory saying the sheet is 1,000 bytes: zipfile stops
    at the declared size and the part fails its CRC check."""
    _bomb_rows(path)
    with open(path, "rb") as f:
        data = bytearray(f.read())
    name = SHEET.encode()
    position = 0
    while True:
        start = data.find(b"PK\x01\x02", position)
        assert start >= 0
        length = int.from_bytes(data[start + 28:start + 30], "little")
        if data[start + 46:start + 46 + length] == name:
            break
        position = start + 4
    data[start + 24:start + 28] = (1000).to_bytes(4, "little")
    with open(path, "wb") as f:
        f.write(bytes(data))


CHILD = r"""
import json, sys, time
sys.path[:0] = %(paths)r
import odoo.addons
odoo.addons.__path__[:0] = %(addons)r
from odoo.addons.sp_base.tools.table_reader import TableError, read_table
data = open(sys.argv[1], "rb").read()
def status(key):
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(key))
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")
before = status("VmRSS:")
start = time.perf_counter()
refused = ""
try:
    with read_table(data, "bomb.xlsx") as table:
        for row in table:
            pass
except TableError as err:
    refused = err.args[0]
print(json.dumps([time.perf_counter() - start, (status("VmHWM:") - before) / 1024, refused]))
"""


def _read_in_child(path):
    code = CHILD % {"paths": [os.path.dirname(os.path.dirname(odoo.__file__))],
                    "addons": list(odoo.addons.__path__)}
    out = subprocess.run([sys.executable, "-c", code, path], check=True, capture_output=True,
                         text=True, timeout=120).stdout
    return json.loads(out.strip().splitlines()[-1])


@tagged("post_install", "-at_install")
class TestTableLimitsAndCopy(TransactionCase):
    def test_limits_from_system_parameters(self):
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("sp_base.upload_rows", "10")
        params.set_param("sp_base.upload_cell_chars", "not a number")
        limits = TableLimits.from_env(self.env)
        self.assertEqual(limits.rows, 10)
        self.assertEqual(limits.cell_chars, TableLimits.DEFAULTS["cell_chars"])

    def test_copy_rows_any_text(self):
        cr = self.env.cr
        cr.execute("CREATE TEMP TABLE sp_test_copy (n int, t varchar, d date, x numeric, b bool)")
        texts = ["tab\there", "new\nline\r\n", "back\\slash\\N", 'quote "q" ,', "\\.", "", None,
                 "Nguyễn Văn Ân", "\\.\n\\."]
        rows = [(i, t, datetime.date(2025, 1, i + 1), 1.5 * i, i % 2 == 0)
                for i, t in enumerate(texts)]
        self.assertEqual(copy_rows(cr, "sp_test_copy", ["n", "t", "d", "x", "b"], rows, batch=4),
                         len(rows))
        cr.execute("SELECT n, t, d, x::float, b FROM sp_test_copy ORDER BY n")
        self.assertEqual([tuple(r) for r in cr.fetchall()], rows)
        with self.assertRaises(CopyValueError) as caught:
            copy_rows(cr, "sp_test_copy", ["n", "t"], [(1, "ok"), (2, "a\x00b")])
        self.assertEqual((caught.exception.row, caught.exception.column), (2, "t"))
        self.assertIn("NUL", str(caught.exception))

