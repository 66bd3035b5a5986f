import base64
import io

import openpyxl

from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from .common import LEVEL, RESULT_HEADERS, PaymentFixtures


@tagged("post_install", "-at_install")
class TestReconciliation(PaymentFixtures, TransactionCase):
    """Agency results: matched by reference (fallback personal ID and month), every mismatch
    reported and never applied, wrong files refused."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.people = cls._sp_people(6, cls.village_a1)
        cls.enrolments = cls._sp_enrol(cls.people, cls.m1)
        officer_b = cls._sp_user("sp_officer_b", "sp_base.group_commune_officer", cls.office_b)
        cls.enrol_b = cls._sp_enrol(cls._sp_people(1, cls.commune_b1, start=20), cls.m1,
                                    officer=officer_b, manager=cls.manager_b)
        cls.cycle = cls._sp_cycle(cls.m1)
        cls.cycle.with_user(cls.officer_a).action_generate()
        cls.cycle.with_user(cls.manager_a).action_approve()
        cls.cycle_b = cls._sp_cycle(cls.m1, office=cls.office_b)
        cls.cycle_b.with_user(officer_b).action_generate()
        cls.cycle_b.with_user(cls.manager_b).action_approve()
        cls.cycle_m2 = cls._sp_cycle(cls.m2)
        cls.cycle_m2.with_user(cls.officer_a).action_generate()
        cls.cycle_m2.with_user(cls.manager_a).action_approve()
        cls.lines = cls.cycle.line_ids.sorted("id")

    def test_mixed_file_applies_only_exact_rows(self):
        l1, l2, l3, l4, l5, l6 = self.lines
        rows = [
            self._sp_row(l1),                                       # paid
            self._sp_row(l2, status="Chưa nhận"),                   # not collected
            self._sp_row(l3, amount=LEVEL + 100000),                # tampered amount
            self._sp_row(l4), self._sp_row(l4, receipt="BN-other"),  # twice in the file
            self._sp_row(l5, reference="202001-9999999999"),        # unknown reference
            self._sp_row(self.cycle_b.line_ids),                    # other province
            self._sp_row(self.cycle_m2.line_ids[0]),                # other month
            self._sp_row(l6, status="???"),                         # unreadable
            # no reference: matched by personal ID and month
            self._sp_row(l5, reference="", id_number=l5.id_number),
        ]
        result = self._sp_import(self.cycle, self._sp_result_csv(rows))
        states = {r.row_number: r.match_state for r in result.line_ids}
        self.assertEqual(states, {2: "matched", 3: "matched", 4: "amount", 5: "matched",
                                  6: "paid_twice", 7: "unknown", 8: "province", 9: "period",
                                  10: "invalid", 11: "matched"})
        self.assertRecordValues(result, [{"state": "done", "row_count": 10, "applied_count": 4,
                                          "issue_count": 6, "paid_count": 3,
                                          "unpaid_count": 1}])
        self.assertEqual((l1.state, l1.receipt_ref, l1.paid_date.day), ("paid", "BN-%s" % l1.id, 15))
        self.assertEqual(l2.state, "unpaid")
        self.assertEqual(l3.state, "pending", "a tampered amount is never applied")
        self.assertEqual(l4.state, "paid")
        self.assertEqual(l4.receipt_ref, "BN-%s" % l4.id, "the first row of the file counts")
        self.assertEqual(l5.state, "paid")
        self.assertEqual(l6.state, "pending")
        self.assertEqual(self.cycle_b.line_ids.state, "pending", "other office untouched")
        self.assertEqual(self.cycle_m2.line_ids[0].state, "pending", "other month untouched")
        by_row = {r.row_number: r for r in result.line_ids}
        self.assertFalse(by_row[8].line_id, "another province's line is not linked")
        self.assertIn("status must be", by_row[10].message)
        self.assertEqual(by_row[4].line_amount, LEVEL)
        self.assertEqual(by_row[4].reported_amount, LEVEL + 100000)
        # the reconciliation view lists what was not applied
        action = result.action_view_issues()
        issues = self.env["sp.payment.result.line"].search(
            action["domain"] + [("match_state", "not in", ("matched", "already"))])
        self.assertEqual(len(issues), 6)
        self.assertEqual(self.cycle.paid_amount, 3 * LEVEL)
        self.assertEqual(self.cycle.unpaid_amount, LEVEL)
        self.assertEqual(self.cycle.pending_count, 2)
        log = self.env["sp.payment.file.log"].search([("result_id", "=", result.id)])
        self.assertEqual((log.kind, log.row_count, log.checksum), ("import", 10, result.checksum))

    def test_duplicate_upload_is_refused(self):
        data = self._sp_result_csv([self._sp_row(line) for line in self.lines])
        first = self._sp_import(self.cycle, data)
        self.assertEqual(first.applied_count, 6)
        with self.assertRaisesRegex(UserError, "already imported on .*nothing was changed"):
            self._sp_import(self.cycle, data, name="lai_lan_nua.csv", user=self.manager_a2)
        with self.assertRaisesRegex(UserError, "already imported"):
            first.action_import()
        # the same rows in another file (saved again): recognised, nothing changes
        again = self._sp_import(self.cycle, data + b"\r\n", name="luu_lai.csv")
        self.assertEqual((again.applied_count, again.issue_count), (0, 0))
        self.assertEqual(set(again.line_ids.mapped("match_state")), {"already"})
        self.assertEqual(self.cycle.paid_amount, 6 * LEVEL)

    def test_file_of_another_province_or_month_is_refused(self):
        rows_b = [self._sp_row(self.cycle_b.line_ids)]
        with self.assertRaisesRegex(UserError, "another province or month .* nothing was imported"):
            self._sp_import(self.cycle, self._sp_result_csv(rows_b))
        rows_m2 = [self._sp_row(line) for line in self.cycle_m2.line_ids]
        with self.assertRaisesRegex(UserError, "another province or month"):
            self._sp_import(self.cycle, self._sp_result_csv(rows_m2))
        # a province code of another province, even with unknown references
        rows = [self._sp_row(line, province="79", reference="X-%s" % line.id)
                for line in self.lines]
        with self.assertRaisesRegex(UserError, "another province or month"):
            self._sp_import(self.cycle, self._sp_result_csv(rows))
        self.assertEqual(set(self.lines.mapped("state")), {"pending"})
        self.assertEqual(self.cycle_m2.line_ids.mapped("state"), ["pending"] * 6)
        self.assertFalse(self.env["sp.payment.result"].search([("state", "=", "done")]))

    def test_later_files_never_pay_twice(self):
        l1, l2, l3 = self.lines[:3]
        self._sp_import(self.cycle, self._sp_result_csv(
            [self._sp_row(l1), self._sp_row(l2, status="Chưa nhận")]))
        result = self._sp_import(self.cycle, self._sp_result_csv([
            self._sp_row(l1, receipt="BN-khac"),   # paid again with another receipt
            self._sp_row(l2),                      # not collected, then paid within the month
            self._sp_row(l3),
        ]), name="ket_qua_bo_sung.csv")
        states = [r.match_state for r in result.line_ids.sorted("row_number")]
        self.assertEqual(states, ["paid_twice", "matched", "matched"])
        self.assertEqual((l1.state, l1.receipt_ref), ("paid", "BN-%s" % l1.id))
        self.assertEqual((l2.state, l3.state), ("paid", "paid"))
        result = self._sp_import(self.cycle, self._sp_result_csv(
            [self._sp_row(l1, status="Chưa nhận")]), name="mau_thuan.csv")
        self.assertEqual(result.line_ids.match_state, "conflict")
        self.assertIn("already reported paid", result.line_ids.message)
        self.assertEqual(l1.state, "paid")
        self.assertEqual(self.cycle.paid_amount, 3 * LEVEL)

    def test_carried_line_reported_paid_is_a_conflict(self):
        cycle_m3 = self._sp_cycle(self.m3)
        l1 = self.lines[0]
        self._sp_import(self.cycle, self._sp_result_csv([self._sp_row(l1, status="Chưa nhận")]))
        self._sp_generate(cycle_m3)
        self.assertEqual(l1.state, "carried")
        result = self._sp_import(self.cycle, self._sp_result_csv([self._sp_row(l1)]),
                                 name="muon.csv")
        self.assertEqual(result.line_ids.match_state, "conflict")
        self.assertIn("carried forward", result.line_ids.message)
        self.assertEqual(l1.state, "carried")

    def test_rows_of_lines_another_agency_pays(self):
        rows = [self._sp_row(line) for line in self.lines]
        result = self._sp_import(self.cycle, self._sp_result_csv(rows), agency=self.bank)
        self.assertEqual(set(result.line_ids.mapped("match_state")), {"agency"})
        self.assertEqual(set(self.lines.mapped("state")), {"pending"})

    def test_lines_of_an_unapproved_batch_are_not_applied(self):
        late = self._sp_enrol(self._sp_people(1, self.village_a2, start=40), self.m1)
        self._sp_generate(self.cycle)
        line = self.cycle.line_ids.filtered(lambda x: x.enrolment_id == late)
        self.assertEqual(line.batch_id.state, "draft")
        result = self._sp_import(self.cycle, self._sp_result_csv([self._sp_row(line)]))
        self.assertEqual(result.line_ids.match_state, "unknown")
        self.assertIn("never sent", result.line_ids.message)
        self.assertEqual(line.state, "pending")

    def test_exported_list_filled_in_by_the_agency(self):
        """The agency's own list (XLSX) with status, date and receipt filled in."""
        batch = self.cycle.batch_ids
        batch.with_user(self.agency_user).action_export()
        attachment = batch.log_ids.attachment_id
        book = openpyxl.load_workbook(io.BytesIO(attachment.raw))
        sheet = book.active
        headers = [c.value for c in sheet[3]]
        status, paid, receipt = (headers.index(h) + 1 for h in
                                 ("Trạng thái", "Ngày nhận", "Số biên nhận"))
        for row in range(4, sheet.max_row + 1):
            sheet.cell(row, status).value = "Đã nhận" if row % 2 else "Chưa nhận"
            sheet.cell(row, paid).value = self.m1.replace(day=20) if row % 2 else None
            sheet.cell(row, receipt).value = "BN%04d" % row if row % 2 else None
        out = io.BytesIO()
        book.save(out)
        result = self.env["sp.payment.result"].with_user(self.agency_user).create({
            "cycle_id": self.cycle.id, "file": base64.b64encode(out.getvalue()),
            "file_name": "danh_sach_da_chi.xlsx",
        })
        self.assertEqual(result.agency_id, self.vnpost)
        result.action_import()
        self.assertEqual((result.applied_count, result.issue_count, result.paid_count), (6, 0, 3))
        self.assertEqual(sorted(self.lines.mapped("state")), ["paid"] * 3 + ["unpaid"] * 3)
        self.assertEqual(batch.state, "reported")
        paid = self.lines.filtered(lambda x: x.state == "paid")
        self.assertEqual(set(paid.mapped("paid_date")), {self.m1.replace(day=20)})

    def test_unreadable_files(self):
        with self.assertRaisesRegex(UserError, "No header row"):
            self._sp_import(self.cycle, self._sp_result_csv([["a", "b"]], headers=["x", "y"]))
        with self.assertRaisesRegex(UserError, "Missing columns: Status"):
            self._sp_import(self.cycle, self._sp_result_csv(
                [[self.lines[0].reference, "500000"]], headers=["Mã dòng chi trả", "Tổng số tiền"]))
        with self.assertRaisesRegex(UserError, "neither an XLSX workbook nor a UTF-8 CSV"):
            self._sp_import(self.cycle, "Mã dòng chi trả".encode("cp1258", "replace") + b"\xff\xfe")
        with self.assertRaisesRegex(UserError, "no data rows"):
            self._sp_import(self.cycle, self._sp_result_csv([]))
        with self.assertRaisesRegex(UserError, "cannot be read as an XLSX"):
            self._sp_import(self.cycle, b"PK\x03\x04broken", name="x.xlsx")
        self.assertEqual(RESULT_HEADERS[0], "Mã dòng chi trả")

    def test_results_go_to_a_cycle_being_paid(self):
        draft = self._sp_cycle(self.m3)
        with self.assertRaisesRegex(UserError, "not into"):
            self._sp_import(draft, self._sp_result_csv([self._sp_row(self.lines[0])]))
