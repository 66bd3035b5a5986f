import re

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from .common import ReportFixtures


def squash(text):
    return re.sub(r"\s+", " ", text)


@tagged("post_install", "-at_install")
class TestDocuments(ReportFixtures, HttpCase):
    """The printed decision, payment list and acknowledgement: rendered by wkhtmltopdf (an
    HttpCase: wkhtmltopdf calls the test server back for the report assets), in
    Vietnamese, with the right names, amounts and totals, only for those who may read them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.people = cls._sp_people(3, cls.village_a1, name="Nguyễn Văn Thử")
        cls.people_a2 = cls._sp_people(2, cls.village_a2, start=10, name="Trần Thị Thôn")
        cls.enrolments = cls._sp_enrol(cls.people, cls.m1)
        cls.enrolments_a2 = cls._sp_enrol(cls.people_a2, cls.m1, categories=cls.cat_k6)
        cls.decision = cls.enrolments.decision_id
        cls.cycle = cls._sp_cycle(cls.m1)
        cls.cycle.with_user(cls.officer_a).action_generate()

    def test_decision_lists_every_beneficiary(self):
        self.assertEqual(len(self.decision), 1)
        self.assertEqual(self.decision.enrolment_ids, self.enrolments)
        _pdf, text, png = self._sp_pdf("sp_report.action_report_decision", self.decision,
                                       self.manager_a, "decision")
        flat = squash(text)
        self.assertIn("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", flat)
        self.assertIn("Độc lập - Tự do - Hạnh phúc", flat)
        self.assertIn("QUYẾT ĐỊNH", flat)
        self.assertIn(self.decision.name, flat)
        self.assertIn("ngày %02d tháng %02d năm %d" % (
            self.decision.decision_date.day, self.decision.decision_date.month,
            self.decision.decision_date.year), flat)
        for person in self.people:
            self.assertIn(person.name, flat)
            self.assertIn(person.id_number, flat)
        self.assertIn("500.000", flat)
        self.assertIn("1.500.000", flat, "the annex total of three people at 500,000")
        self.assertIn("DANH SÁCH", flat)
        self.assertTrue(png)

    def test_decisions_print_in_batch(self):
        decisions = self.decision | self.enrolments_a2.decision_id
        _pdf, text, _png = self._sp_pdf("sp_report.action_report_decision", decisions,
                                        self.manager_a, "decisions_batch")
        flat = squash(text)
        for person in self.people | self.people_a2:
            self.assertIn(person.name, flat)
        self.assertIn("750.000", flat, "K6 at coefficient 1.5")

    def test_payment_list_totals_by_village(self):
        batches = self.cycle.batch_ids
        self.assertTrue(batches)
        batch = batches.filtered(lambda b: set(b.line_ids.mapped("area_id")) >= {
            self.village_a1}) or batches[0]
        _pdf, text, _png = self._sp_pdf("sp_report.action_report_payment_list", batch,
                                        self.manager_a, "payment_list")
        flat = squash(text)
        self.assertIn("DANH SÁCH CHI TRẢ", flat)
        for line in batch.line_ids:
            self.assertIn(line.beneficiary_name, flat)
        self.assertIn("Ký nhận", flat)
        self.assertIn("Điểm chỉ", flat)
        total = sum(batch.line_ids.mapped("total_amount"))
        self.assertIn("Tổng cộng (%d)" % len(batch.line_ids), flat)
        self.assertIn(f"{total:,.0f}".replace(",", "."), flat)
        self.assertIn("Cộng Thôn 1", flat)

    def test_grievance_acknowledgement(self):
        ticket = self.env["sp.grievance"].create({
            "category_id": self.env.ref("sp_grievance.category_payment").id,
            "description": "Chưa nhận được tiền trợ cấp tháng này.",
            "complainant_name": "Lê Văn Khiếu", "area_id": self.village_a1.id,
            "subject": "Chưa nhận tiền",
        })
        _pdf, text, _png = self._sp_pdf("sp_report.action_report_grievance_ack", ticket,
                                        self.manager_a, "grievance_ack")
        flat = squash(text)
        self.assertIn("Lê Văn Khiếu", flat)
        self.assertIn(ticket.name, flat)
        self.assertIn("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", flat)

    def test_other_province_cannot_print(self):
        """Province B's manager asks for province A's decision and payment list: refused."""
        Report = self.env["ir.actions.report"].with_user(self.manager_b).with_context(
            force_report_rendering=True)
        with self.assertRaises(AccessError):
            Report._render_qweb_pdf("sp_report.action_report_decision", self.decision.ids)
        with self.assertRaises(AccessError):
            Report._render_qweb_pdf("sp_report.action_report_payment_list",
                                    self.cycle.batch_ids[:1].ids)

    def test_print_menu_bindings(self):
        for xmlid, model in (("sp_report.action_report_decision", "sp.decision"),
                             ("sp_report.action_report_payment_list", "sp.payment.batch"),
                             ("sp_report.action_report_grievance_ack", "sp.grievance")):
            action = self.env.ref(xmlid)
            self.assertEqual(action.binding_model_id.model, model)
            self.assertEqual(action.binding_type, "report")
        self.assertEqual(self.env.ref("sp_report.action_report_payment_list")
                         .paperformat_id.orientation, "Landscape")
