"""Vietnam's shipped data: public holidays 2025-2027 as in the holidays package, Tết 2026,
the Law on Complaints clocks and the allowance-review clock. (To move to sp_vn with the data.)"""
import datetime

from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from odoo.addons.sp_grievance.tools import holiday_bounds, holiday_days

# Friday 13 February 2026, 10:00 in Hanoi: Tết holidays run from Monday 16 to Friday 20.
BEFORE_TET = "2026-02-13 03:00:00"


@tagged("post_install", "-at_install")
class TestVietnamData(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar = cls.env.ref("sp_grievance.resource_calendar_vn_public_service")
        cls.Ticket = cls.env["sp.grievance"]
        province = cls.env["sp.area"].create({
            "code": "X9", "name": "Tỉnh Thử VN", "level": "province"})
        cls.commune = cls.env["sp.area"].create({
            "code": "X9001", "name": "Xã Thử VN", "level": "commune", "parent_id": province.id})

    def _ticket(self, category, **vals):
        return self.Ticket.create(dict({
            "category_id": self.env.ref("sp_grievance.category_" + category).id,
            "description": "Khiếu nại", "area_id": self.commune.id,
            "date_received": BEFORE_TET}, **vals))

    def test_holidays_match_the_holidays_package(self):
        try:
            days = holiday_days("VN", range(2025, 2028), "vi")
        except ImportError:
            self.skipTest("the holidays package is not installed")
        leaves = self.calendar.leave_ids.filtered(lambda leave: not leave.resource_id)
        shipped = {(leave.date_from, leave.date_to) for leave in leaves}
        expected = {holiday_bounds(day, "Asia/Ho_Chi_Minh") for day, _name in days}
        self.assertEqual(shipped, expected)
        self.assertEqual(len([d for d, _n in days if d.year == 2026]), 14)

    def test_tet_2026_is_not_worked(self):
        dates = self.calendar._sp_working_dates(datetime.date(2026, 2, 13),
                                                datetime.date(2026, 2, 23))
        self.assertEqual(dates, [datetime.date(2026, 2, 13), datetime.date(2026, 2, 23)])

    def test_service_standard_across_tet(self):
        ticket = self._ticket("payment")
        self.assertEqual(ticket.sla_id, self.env.ref("sp_grievance.sla_vn_commune"))
        # one working day after Friday 13 Feb is Monday 23 Feb
        self.assertEqual(str(ticket.date_ack_deadline), "2026-02-23 16:59:59")
        # ten working days: 23-27 Feb and 2-6 Mar
        self.assertEqual(str(ticket.date_deadline), "2026-03-06 16:59:59")

    def test_allowance_review_complaint_ten_working_days(self):
        ticket = self._ticket("appeal")
        self.assertTrue(ticket.is_formal)
        self.assertEqual(ticket.sla_id, self.env.ref("sp_grievance.sla_vn_allowance_review"))
        self.assertEqual(str(ticket.date_deadline), "2026-03-06 16:59:59")

    def test_law_on_complaints_clocks(self):
        ticket = self._ticket("exclusion", is_formal=True, date_received="2026-02-10 03:00:00")
        self.assertEqual(ticket.sla_id, self.env.ref("sp_grievance.sla_vn_law_first_level"))
        # accept within 10 days: Friday 20 Feb is a Tết holiday, so Monday 23 Feb
        self.assertEqual(str(ticket.date_ack_deadline), "2026-02-23 16:59:59")
        ticket.date_acknowledged = "2026-02-24 02:00:00"
        # 30 days from 24 Feb: Thursday 26 March
        self.assertEqual(str(ticket.date_deadline), "2026-03-26 16:59:59")
        ticket.write({"is_complex": True, "is_remote": True})
        # 60 days from 24 Feb is Saturday 25 April; Monday 27 April is the observed Hung
        # Kings' day (26 April is a Sunday): Tuesday 28 April.
        self.assertEqual(str(ticket.date_deadline), "2026-04-28 16:59:59")
        ticket._sp_escalate(automatic=False)
        self.assertEqual(ticket.sla_id,
                         self.env.ref("sp_grievance.sla_vn_law_second_level_province"))

    def test_information_request_has_its_own_standard(self):
        ticket = self._ticket("information")
        self.assertEqual(ticket.sla_id, self.env.ref("sp_grievance.sla_vn_information_commune"))
        self.assertEqual(str(ticket.date_deadline), "2026-02-27 16:59:59")

    def test_loading_public_holidays_is_idempotent(self):
        try:
            created = self.calendar._sp_load_public_holidays([2026], language="vi")
        except UserError as error:
            self.skipTest(str(error))
        self.assertFalse(created)
        created = self.calendar._sp_load_public_holidays([2028], language="vi")
        self.assertTrue(created)
        self.assertFalse(self.calendar._sp_load_public_holidays([2028], language="vi"))
