import csv
import datetime
import hashlib
import io

import openpyxl

from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from ..models.sp_payment_batch import LIST_COLUMNS
from .common import LEVEL, PaymentFixtures

HEADERS = [
    "Mã dòng chi trả", "Kỳ chi trả", "Mã tỉnh", "Mã xã", "Thôn/tổ", "Số định danh cá nhân",
    "Họ và tên", "Ngày sinh", "Giới tính", "Diện hưởng", "Hệ số", "Mức chuẩn",
    "Số tiền hằng tháng", "Truy lĩnh", "Trợ cấp một lần", "Tháng trước chưa nhận",
    "Tổng số tiền", "Hình thức chi trả", "Số tài khoản", "Người nhận thay", "Trạng thái",
    "Ngày nhận", "Số biên nhận", "Ký nhận",
]
FORMULA = '=HYPERLINK("http://example.com","Nhấn vào đây")'


@tagged("post_install", "-at_install")
class TestExport(PaymentFixtures, TransactionCase):
    """The agency list: XLSX (shared writer) and CSV, Vietnamese headers, checksum, log."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.people = cls._sp_people(3, cls.village_a1)
        cls.people[0].name = FORMULA
        cls.enrolments = cls._sp_enrol(cls.people, cls.m1)
        cls.enrolments[1].payment_recipient = "+84 Nguyễn Văn Con"
        cls.cycle = cls._sp_cycle(cls.m1)
        cls.cycle.with_user(cls.officer_a).action_generate()
        cls.batch = cls.cycle.batch_ids

    def test_list_columns_are_the_domain_fields_in_vietnamese(self):
        self.assertEqual([header for _k, header, _t, _w in LIST_COLUMNS], HEADERS)

    def test_draft_batch_is_not_sent(self):
        with self.assertRaisesRegex(UserError, "must be approved"):
            self.batch.with_user(self.manager_a).action_export()

    def test_xlsx_read_back(self):
        self.cycle.with_user(self.manager_a).action_approve()
        action = self.batch.with_user(self.agency_user).action_export()
        log = self.batch.log_ids
        self.assertEqual(len(log), 1)
        data = log.attachment_id.raw
        self.assertIn("/web/content/%s" % log.attachment_id.id, action["url"])
        checksum = hashlib.sha256(data).hexdigest()
        self.assertRecordValues(log, [{"kind": "export", "checksum": checksum, "row_count": 3,
                                       "user_id": self.agency_user.id,
                                       "file_name": self.batch.name + ".xlsx"}])
        self.assertEqual(self.batch.export_checksum, checksum)
        self.assertEqual(self.batch.state, "exported")
        sheet = openpyxl.load_workbook(io.BytesIO(data)).active
        self.assertIn(self.m1.strftime("%m/%Y"), sheet["A1"].value)
        self.assertEqual([c.value for c in sheet[3]], HEADERS)
        rows = list(sheet.iter_rows(min_row=4))
        self.assertEqual(len(rows), 3)
        by_ref = {row[0].value: row for row in rows}
        line = self.batch.line_ids.filtered(lambda x: x.enrolment_id == self.enrolments[0])
        row = by_ref[line.reference]
        values = dict(zip(HEADERS, (c.value for c in row), strict=True))
        self.assertEqual(values["Họ và tên"], FORMULA)
        name_cell = row[HEADERS.index("Họ và tên")]
        self.assertEqual(name_cell.data_type, "s", "text starting with '=' stays text")
        self.assertEqual(values["Số định danh cá nhân"], line.id_number)
        self.assertEqual(row[HEADERS.index("Số định danh cá nhân")].data_type, "s",
                         "personal IDs keep their leading zeros")
        self.assertEqual(values["Kỳ chi trả"], datetime.datetime.combine(self.m1, datetime.time()))
        self.assertEqual((values["Mã tỉnh"], values["Mã xã"], values["Thôn/tổ"]),
                         ("X1", "X1001", "Thôn 1"))
        self.assertEqual((values["Tổng số tiền"], values["Mức chuẩn"], values["Hệ số"]),
                         (LEVEL, LEVEL, 1.0))
        self.assertEqual((values["Giới tính"], values["Hình thức chi trả"], values["Trạng thái"]),
                         ("Nam", "Tiền mặt tại điểm chi trả", "Chưa chi"))
        self.assertIsNone(values["Ký nhận"])

    def test_csv_read_back(self):
        self.cycle.with_user(self.manager_a).action_approve()
        self.batch.with_user(self.manager_a).action_export_csv()
        log = self.batch.log_ids
        data = log.attachment_id.raw
        self.assertEqual(log.checksum, hashlib.sha256(data).hexdigest())
        self.assertEqual(log.file_name, self.batch.name + ".csv")
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        self.assertEqual(rows[0], HEADERS)
        self.assertEqual(len(rows), 4)
        by_ref = {row[0]: dict(zip(HEADERS, row, strict=True)) for row in rows[1:]}
        first = self.batch.line_ids.filtered(lambda x: x.enrolment_id == self.enrolments[0])
        second = self.batch.line_ids.filtered(lambda x: x.enrolment_id == self.enrolments[1])
        self.assertEqual(by_ref[first.reference]["Họ và tên"], "'" + FORMULA,
                         "a spreadsheet must not run it as a formula")
        self.assertEqual(by_ref[second.reference]["Người nhận thay"], "'+84 Nguyễn Văn Con")
        self.assertEqual(by_ref[first.reference]["Tổng số tiền"], "500000")
        self.assertEqual(by_ref[first.reference]["Hệ số"], "1")
        self.assertEqual(by_ref[first.reference]["Kỳ chi trả"], self.m1.strftime("%d/%m/%Y"))
        # exporting again is logged again, with its own checksum
        self.batch.with_user(self.manager_a).action_export()
        self.assertEqual(len(self.batch.log_ids), 2)
        self.assertEqual(self.batch.export_checksum, self.batch.log_ids.sorted("id")[-1].checksum)
