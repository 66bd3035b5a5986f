"""Reports: volume by category, channel and province, service level, ageing; XLSX export."""
import base64
import io

import openpyxl

from odoo.tests import TransactionCase, tagged

from .common import GrievanceFixtures


@tagged("post_install", "-at_install")
class TestReport(GrievanceFixtures, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.late = cls._ticket(date_received="2025-03-07 03:00:00", resolution="Xong")
        cls.late.action_resolve()
        cls.on_time = cls._ticket(household_id=cls.hh_b1.id, channel="walk_in",
                                  resolution="Xong")
        cls.on_time.action_resolve()
        cls.open_old = cls._ticket(date_received="2025-03-07 03:00:00",
                                   category_id=cls.cat_other.id)
        cls.tickets = cls.late | cls.on_time | cls.open_old
        cls.domain = [("ticket_id", "in", cls.tickets.ids)]

    def test_volumes_and_service_level(self):
        Report = self.env["sp.grievance.report"].with_user(self.central_officer)
        by_channel = dict(Report._read_group(self.domain, ["channel"], ["ticket_count:sum"]))
        self.assertEqual(by_channel, {"hotline": 2, "walk_in": 1})
        by_office = dict(Report._read_group(self.domain, ["company_id"], ["ticket_count:sum"]))
        self.assertEqual(by_office, {self.office_a: 2, self.office_b: 1})
        [(resolved, in_sla, rate)] = Report._read_group(
            self.domain, [], ["resolved_count:sum", "in_sla_count:sum", "in_sla_rate:avg"])
        self.assertEqual((resolved, in_sla, rate), (2, 1, 50.0))
        row = Report.search([("ticket_id", "=", self.open_old.id)])
        self.assertTrue(row.is_overdue)
        self.assertEqual(row.age_bucket, "61")
        self.assertGreater(row.age_days, 60)

    def test_xlsx_export(self):
        wizard = self.env["sp.grievance.export"].with_user(self.manager_a).create({
            "date_from": "2025-01-01", "date_to": "2030-12-31"})
        action = wizard.action_export()
        self.assertIn("/web/content/sp.grievance.export/", action["url"])
        book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(wizard.file)))
        self.assertEqual(book.sheetnames, ["By category", "By channel", "By province",
                                           "By level", "Ageing", "Tickets"])
        listed = [row[0].value for row in book["Tickets"].iter_rows(min_row=4)]
        # the province manager of A exports the two tickets of province A only
        self.assertEqual(sorted(listed), sorted((self.late | self.open_old).mapped("name")))
        offices = [row[0].value for row in book["By province"].iter_rows(min_row=4)]
        self.assertEqual(offices, [self.office_a.name])
